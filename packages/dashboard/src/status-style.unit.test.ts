import { attentionRank, mostUrgent, NEUTRAL_COLOUR, statusClass, statusColour, STATUS_COLOURS } from './status-style';

/** WCAG relative luminance and contrast against white. */
const contrastOnWhite = (hex: string): number => {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const l = 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  return 1.05 / (l + 0.05);
};

describe('status colours', () => {
  it('keeps white text readable on every status colour (WCAG AA, 4.5:1)', () => {
    for (const c of [...Object.values(STATUS_COLOURS), NEUTRAL_COLOUR]) expect(contrastOnWhite(c)).toBeGreaterThanOrEqual(4.5);
  });

  it('draws a status word it does not know in the neutral colour and class', () => {
    expect(statusColour('paused')).toBe(NEUTRAL_COLOUR);
    expect(statusClass('paused')).toBe('s-other');
    expect(statusClass('on track')).toBe('s-on-track');
    expect(statusClass('complete (late)')).toBe('s-complete-late');
  });

  it('puts missed and behind before on track and complete', () => {
    expect(mostUrgent(['complete', 'behind', 'on track'])).toBe('behind');
    expect(mostUrgent(['complete', 'missed', 'behind'])).toBe('missed');
    expect(mostUrgent([])).toBeNull();
    expect(attentionRank('paused')).toBeLessThan(attentionRank('on track'));
  });
});
