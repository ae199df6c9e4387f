import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../functions/core/shared/config';
import { computeScore } from '../../../functions/core/metrics/score';

const w = DEFAULT_CONFIG.scoreWeights; // 30 / 30 / 0 / 20 / 20

describe('computeScore', () => {
  it('is 100 when every rate is 100%', () => {
    expect(
      computeScore({ signingLanding: 1, start: 1, investmentCompletion: 1, production: 1, efficiency: 1 }, w),
    ).toBe(100);
  });

  it('is the weighted mean of all rates when none is null', () => {
    // (30·0.5 + 30·0.25 + 20·1 + 20·0) / 100 = 0.425
    const s = computeScore(
      { signingLanding: 0.5, start: 0.25, investmentCompletion: 0.9, production: 1, efficiency: 0 },
      w,
    );
    expect(s).toBeCloseTo(42.5, 10);
  });

  it('drops null rates from both sum and weights', () => {
    // (30·0.5 + 30·1) / 60 = 0.75; investmentCompletion has weight 0 and is ignored.
    const s = computeScore(
      { signingLanding: 0.5, start: 1, investmentCompletion: 0.2, production: null, efficiency: null },
      w,
    );
    expect(s).toBe(75);
  });

  it('is null when no weighted rate exists (a zero-weight rate does not count)', () => {
    expect(
      computeScore({ signingLanding: null, start: null, investmentCompletion: 0.8, production: null, efficiency: null }, w),
    ).toBeNull();
    expect(
      computeScore({ signingLanding: null, start: null, investmentCompletion: null, production: null, efficiency: null }, w),
    ).toBeNull();
  });

  it('uses configured weights, including 投资完成率 when weighted', () => {
    const custom = { ...w, investmentCompletion: 20 };
    // (30·0.5 + 30·0.5 + 20·1) / 80 = 0.625
    const s = computeScore(
      { signingLanding: 0.5, start: 0.5, investmentCompletion: 1, production: null, efficiency: null },
      custom,
    );
    expect(s).toBe(62.5);
  });

  it('stores the score unrounded', () => {
    const s = computeScore(
      { signingLanding: 1 / 3, start: 0, investmentCompletion: null, production: null, efficiency: null },
      w,
    );
    // Within 1e-12 of 50/3: neither 16.7 nor 16.67 (a rounded score) is that close.
    expect(s).toBeCloseTo(50 / 3, 12);
  });
});
