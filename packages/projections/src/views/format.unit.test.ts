import { shortfallText } from './format';

describe('a shortfall as people read it', () => {
  it('rounds a long decimal to 4 places, as the value it is measured from', () => {
    // Task 11's childcare places in the demo: 3.78 a thousand wanted, an exact quotient reached.
    expect(shortfallText('0.061706063720452209660842754367934224049')).toBe('0.0617');
    expect(shortfallText('-12.345678')).toBe('-12.3457');
  });

  it('keeps a decimal of 4 places or fewer, words and null as they are', () => {
    for (const s of ['0', '5000', '0.3', '0.0001', '36.5', '2 places', 'no report']) expect(shortfallText(s)).toBe(s);
    expect(shortfallText(null)).toBeNull();
  });

  it('keeps every digit of a shortfall that 4 places would round to nothing: a target missed is never shown as 0', () => {
    expect(shortfallText('0.00001')).toBe('0.00001');
    expect(shortfallText('0.000049999')).toBe('0.000049999');
  });
});
