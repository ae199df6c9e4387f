import { describe, expect, it } from 'vitest';
import { competitionRanks, rankBy } from '../../../functions/core/metrics/rank';

describe('competitionRanks', () => {
  it('ranks highest first with competition ties (1, 2, 2, 4)', () => {
    expect(competitionRanks([0.9, 0.5, 0.5, 0.1])).toEqual([1, 2, 2, 4]);
    expect(competitionRanks([0.5, 0.1, 0.9, 0.5])).toEqual([2, 4, 1, 2]);
  });

  it('shares the first place and skips accordingly', () => {
    expect(competitionRanks([1, 1, 1, 0.2])).toEqual([1, 1, 1, 4]);
  });

  it('leaves nulls unranked and does not count them', () => {
    expect(competitionRanks([null, 0.3, null, 0.3, 0.2])).toEqual([null, 1, null, 1, 3]);
    expect(competitionRanks([null, null])).toEqual([null, null]);
    expect(competitionRanks([])).toEqual([]);
  });

  it('ranks a zero rate (it is a value, not a missing one)', () => {
    expect(competitionRanks([0, null, 0.5])).toEqual([2, null, 1]);
  });

  it('treats values equal up to float noise as tied', () => {
    expect(competitionRanks([0.1 + 0.2, 0.3, 0.2])).toEqual([1, 1, 3]);
    expect(competitionRanks([62.5, 62.50000000000001, 56.25])).toEqual([1, 1, 3]);
  });

  it('works on objects via rankBy', () => {
    const a = { v: 3 };
    const b = { v: null };
    const c = { v: 7 };
    const ranks = rankBy([a, b, c], (x) => x.v);
    expect(ranks.get(a)).toBe(2);
    expect(ranks.get(b)).toBeNull();
    expect(ranks.get(c)).toBe(1);
  });
});
