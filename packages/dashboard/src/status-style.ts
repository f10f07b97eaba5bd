import type { Status } from '@minsheng/projections';

/**
 * Each status word's colour, and how much it needs attention (lower first). Typed by the
 * ledger's Status, so a new word fails the build until it has a colour; a word from another
 * build (an older read model over the API) is drawn in NEUTRAL_COLOUR.
 * Every colour keeps white text at a contrast of 4.5:1 or more (WCAG AA).
 */
export const STATUS_COLOURS: Readonly<Record<Status, string>> = {
  missed: '#b3261e',
  behind: '#a35200',
  'not started': '#5c5c5c',
  provisional: '#6f4f8f',
  'no baseline': '#6b5a2e',
  'on track': '#1f5fa8',
  reported: '#4a4f85',
  'complete (late)': '#4b6b12',
  complete: '#1b7a3d',
  exceeded: '#0d6b5e',
  'not expected': '#55606a',
};

export const NEUTRAL_COLOUR = '#6b6b6b';

const ATTENTION: readonly string[] = Object.keys(STATUS_COLOURS);

export const statusColour = (status: string): string => (STATUS_COLOURS as Readonly<Record<string, string>>)[status] ?? NEUTRAL_COLOUR;

/** The CSS class of a status word: "on track" → "s-on-track"; an unknown word → "s-other". */
export const statusClass = (status: string): string =>
  status in STATUS_COLOURS ? `s-${status.replace(/[^a-z]+/g, '-').replace(/-$/, '')}` : 's-other';

/** Orders statuses by how much they need attention; unknown words sit in the middle. */
export const attentionRank = (status: string): number => {
  const i = ATTENTION.indexOf(status);
  return i === -1 ? ATTENTION.indexOf('provisional') + 0.5 : i;
};

/** The status among these that most needs attention. */
export const mostUrgent = (statuses: readonly string[]): string | null =>
  statuses.reduce<string | null>((worst, s) => (worst === null || attentionRank(s) < attentionRank(worst) ? s : worst), null);

/** The stylesheet rules that colour each status: bars (fill) and cells (background). */
export const statusCss = (): string =>
  [...Object.keys(STATUS_COLOURS), 'other']
    .map((s) => {
      const c = statusColour(s);
      const cls = s === 'other' ? 's-other' : statusClass(s);
      return `.bar .${cls}{fill:${c}}\n.cell.${cls},.badge.${cls}{background:${c};color:#fff}`;
    })
    .join('\n');
