import { isoInZone, localTime, localTimeWithZone } from './time';

describe('an instant in the plan\'s time zone', () => {
  it('as ISO 8601 with the offset: the same instant, milliseconds only when there are some', () => {
    expect(isoInZone('2024-10-31T10:00:00.000Z', '+08:00')).toBe('2024-10-31T18:00:00+08:00');
    expect(isoInZone('2024-10-31T20:30:00.123Z', '+08:00')).toBe('2024-11-01T04:30:00.123+08:00');
    expect(isoInZone('2024-01-01T02:00:00.000Z', '-05:30')).toBe('2023-12-31T20:30:00-05:30');
    expect(isoInZone('2024-01-01T02:00:00.000Z', '+00:00')).toBe('2024-01-01T02:00:00+00:00');
    for (const [iso, zone] of [['2024-10-31T20:30:00.123Z', '+08:00'], ['2024-01-01T02:00:00.000Z', '-05:30']] as const)
      expect(new Date(isoInZone(iso, zone)).toISOString()).toBe(iso);
  });

  it('as people read it', () => {
    expect(localTime('2024-10-31T20:30:00.000Z', '+08:00')).toBe('2024-11-01 04:30');
    expect(localTimeWithZone('2024-10-31T10:00:00.000Z', '+08:00')).toBe('2024-10-31 18:00 (+08:00)');
  });
});
