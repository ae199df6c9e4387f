import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, parseConfig } from '../../../functions/core/shared/config';
import { deadlineOf, isOnTime, timelinessOf } from '../../../functions/core/shared/deadline';

const d = DEFAULT_CONFIG.deadline;

describe('deadlineOf', () => {
  it('defaults to the 3rd of the next month, 18:00 Asia/Shanghai (10:00Z)', () => {
    expect(d).toEqual({ dayOfNextMonth: 3, hour: 18, minute: 0 });
    expect(deadlineOf('2026-10', d).toISOString()).toBe('2026-11-03T10:00:00.000Z');
  });

  it('a December month is due in January of the next year', () => {
    expect(deadlineOf('2026-12', d).toISOString()).toBe('2027-01-03T10:00:00.000Z');
  });

  it('January is due in February; a Shanghai morning is the previous UTC day', () => {
    const early = parseConfig({ deadline: { dayOfNextMonth: 1, hour: 6, minute: 30 } }).deadline;
    expect(deadlineOf('2027-01', early).toISOString()).toBe('2027-01-31T22:30:00.000Z');
    expect(deadlineOf('2026-12', early).toISOString()).toBe('2026-12-31T22:30:00.000Z');
  });

  it('rejects a deadline day past 28 and a bad hour', () => {
    expect(() => parseConfig({ deadline: { dayOfNextMonth: 31 } })).toThrow(/deadline.dayOfNextMonth/);
    expect(() => parseConfig({ deadline: { hour: 24 } })).toThrow(/deadline.hour/);
  });
});

describe('isOnTime', () => {
  it('exactly at the deadline is on time; a millisecond later is late', () => {
    expect(isOnTime('2026-11-03T10:00:00.000Z', '2026-10', d)).toBe(true);
    expect(isOnTime('2026-11-03T10:00:00.001Z', '2026-10', d)).toBe(false);
  });

  it('compares instants, not wall-clock strings: 17:59 Shanghai is 09:59Z, 18:30 Shanghai is 10:30Z', () => {
    expect(isOnTime('2026-11-03T17:59:00+08:00', '2026-10', d)).toBe(true);
    expect(isOnTime('2026-11-03T18:30:00+08:00', '2026-10', d)).toBe(false);
    // 02:00 on the 4th in Shanghai is still the 3rd in UTC, and late.
    expect(isOnTime('2026-11-03T18:00:00.000Z', '2026-10', d)).toBe(false);
  });

  it('an upload within the month itself is on time; an invalid time throws', () => {
    expect(isOnTime('2026-10-15T00:00:00.000Z', '2026-10', d)).toBe(true);
    expect(() => isOnTime('yesterday', '2026-10', d)).toThrow(/Invalid event time/);
  });
});

describe('timelinessOf', () => {
  it('on time, late, missing (no accepted upload, whatever was refused)', () => {
    expect(timelinessOf('2026-11-02T01:00:00.000Z', true, '2026-10', d)).toBe('on-time');
    expect(timelinessOf('2026-11-05T01:00:00.000Z', true, '2026-10', d)).toBe('late');
    expect(timelinessOf(null, false, '2026-10', d)).toBe('missing');
    expect(timelinessOf('2026-11-02T01:00:00.000Z', false, '2026-10', d)).toBe('missing');
  });
});
