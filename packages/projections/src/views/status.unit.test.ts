import { dec, type Schedule } from '@minsheng/core';
import { ON_TRACK_TOLERANCE_POINTS, scheduledPercent, statusOf, type StatusInput } from './status';

const base: StatusInput = {
  met: false,
  percent: dec(50),
  hasFigure: true,
  date: '2024-07-01',
  periodStart: '2024-01-01',
  due: '2024-12-31',
  ceiling: false,
};

describe('the pro-rated schedule (序时进度)', () => {
  it('counts days from the period start to the due day, both inclusive', () => {
    expect(scheduledPercent('2024-01-01', '2024-01-01', '2024-12-31')).toBeCloseTo((1 / 366) * 100, 10);
    expect(scheduledPercent('2024-12-31', '2024-01-01', '2024-12-31')).toBe(100);
    expect(scheduledPercent('2025-03-01', '2024-01-01', '2024-12-31')).toBe(100);
    expect(scheduledPercent('2023-12-31', '2024-01-01', '2024-12-31')).toBe(0);
  });
});

describe('status', () => {
  // 2024-07-01 is day 183 of 366: the schedule expects 50%.
  const scheduled = scheduledPercent('2024-07-01', '2024-01-01', '2024-12-31');
  it('is on track exactly at the schedule minus the tolerance, behind just under it', () => {
    const edge = dec(scheduled).minus(ON_TRACK_TOLERANCE_POINTS);
    expect(statusOf({ ...base, percent: edge })).toBe('on track');
    expect(statusOf({ ...base, percent: edge.minus('0.0001') })).toBe('behind');
  });
  it('is complete when met, even after the deadline', () => {
    expect(statusOf({ ...base, met: true, date: '2025-01-05' })).toBe('complete');
  });
  it('is missed the day after the due day, not on it', () => {
    expect(statusOf({ ...base, percent: dec(99), date: '2024-12-31' })).toBe('on track');
    expect(statusOf({ ...base, percent: dec(99), date: '2025-01-01' })).toBe('missed');
  });
  it('is not started without a figure, and missed without one after the deadline', () => {
    expect(statusOf({ ...base, hasFigure: false, percent: null })).toBe('not started');
    expect(statusOf({ ...base, hasFigure: false, percent: null, date: '2025-01-01' })).toBe('missed');
  });
  it('judges a ceiling by its latest measurement, not the schedule', () => {
    expect(statusOf({ ...base, ceiling: true, percent: dec(99) })).toBe('behind');
  });
});

describe('schedule profiles (issue 14 #4)', () => {
  const P = '2024-01-01';
  it('a season expects nothing before it starts and all by its end', () => {
    const season = { profile: 'season', start: '2024-04-01', end: '2024-10-31' } as const;
    expect(scheduledPercent('2024-03-31', P, '2024-10-31', season)).toBe(0);
    expect(scheduledPercent('2024-06-30', P, '2024-10-31', season).toFixed(1)).toBe('42.5');
    expect(scheduledPercent('2024-10-31', P, '2024-10-31', season)).toBe(100);
    expect(scheduledPercent('2024-06-30', P, '2024-10-31').toFixed(1)).toBe('59.7');
  });
  it('periodEnd expects nothing before the due day; points are joined by straight lines', () => {
    expect(scheduledPercent('2024-12-30', P, '2024-12-31', { profile: 'periodEnd' })).toBe(0);
    expect(scheduledPercent('2024-12-31', P, '2024-12-31', { profile: 'periodEnd' })).toBe(100);
    const points: Schedule = { profile: 'points', points: [{ date: '2024-06-30', percent: '30' }, { date: '2024-09-30', percent: '70' }] };
    expect(scheduledPercent('2024-06-30', P, '2024-12-31', points)).toBe(30);
    expect(scheduledPercent('2024-09-30', P, '2024-12-31', points)).toBe(70);
    expect(scheduledPercent('2024-08-15', P, '2024-12-31', points)).toBe(50);
    expect(scheduledPercent('2024-12-31', P, '2024-12-31', points)).toBe(100);
  });
  it('takes the plan\'s tolerance, and words the new statuses', () => {
    const edge = dec(scheduledPercent('2024-07-01', '2024-01-01', '2024-12-31')).minus(5);
    expect(statusOf({ ...base, percent: edge.minus('0.01'), tolerancePoints: 5 })).toBe('behind');
    expect(statusOf({ ...base, percent: edge, tolerancePoints: 5 })).toBe('on track');
    expect(statusOf({ ...base, met: true, exceeded: true })).toBe('exceeded');
    expect(statusOf({ ...base, met: true, late: true })).toBe('complete (late)');
    expect(statusOf({ ...base, percent: null })).toBe('no baseline');
    expect(statusOf({ ...base, awaitingFinal: true, date: '2025-01-05', lastAsOf: '2025-03-31' })).toBe('provisional');
    expect(statusOf({ ...base, awaitingFinal: true, date: '2025-04-01', lastAsOf: '2025-03-31' })).toBe('missed');
  });
});
