import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../functions/core/shared/config';
import { gradeCountRate, gradeInvestment, gradeRates } from '../../../functions/core/metrics/grade';
import { timeProgress } from '../../../functions/core/shared/months';

const g = DEFAULT_CONFIG.grades;

describe('count-rate grades (green ≥ 75%, yellow ≥ 50%)', () => {
  it('puts exactly 75% in green and exactly 50% in yellow', () => {
    expect(gradeCountRate(3 / 4, g)).toBe('green');
    expect(gradeCountRate(0.75, g)).toBe('green');
    expect(gradeCountRate(6 / 8, g)).toBe('green');
    expect(gradeCountRate(0.5, g)).toBe('yellow');
  });

  it('puts just-below values one grade lower', () => {
    expect(gradeCountRate(0.7499, g)).toBe('yellow');
    expect(gradeCountRate(0.4999, g)).toBe('red');
    expect(gradeCountRate(0, g)).toBe('red');
    expect(gradeCountRate(1, g)).toBe('green');
  });

  it('grades 57% / 94.3% like the 2021 speech figures', () => {
    expect(gradeCountRate(0.57, g)).toBe('yellow');
    expect(gradeCountRate(0.943, g)).toBe('green');
    expect(gradeCountRate(0.21, g)).toBe('red');
  });

  it('is null for a null rate', () => {
    expect(gradeCountRate(null, g)).toBeNull();
  });

  it('honours configured thresholds', () => {
    const strict = { ...g, green: 0.9, yellow: 0.8 };
    expect(gradeCountRate(0.85, strict)).toBe('yellow');
    expect(gradeCountRate(0.9, strict)).toBe('green');
    expect(gradeCountRate(0.79, strict)).toBe('red');
  });
});

describe('投资完成率 grade against 时序进度', () => {
  const october = timeProgress('2026-10'); // 10/12

  it('is green at or above 时序进度', () => {
    expect(gradeInvestment(10 / 12, october, g)).toBe('green');
    expect(gradeInvestment(5 / 6, october, g)).toBe('green');
    expect(gradeInvestment(0.9, october, g)).toBe('green');
  });

  it('is yellow when below by less than 10 points', () => {
    expect(gradeInvestment(0.8, october, g)).toBe('yellow');
    expect(gradeInvestment(10 / 12 - 0.0999, october, g)).toBe('yellow');
  });

  it('is red when below by exactly 10 points (float edge cases included)', () => {
    // 11/15 = 73.33% is exactly 10 points under 83.33%.
    expect(gradeInvestment(11 / 15, october, g)).toBe('red');
    // 0.25 − 0.15 and 1 − 0.9 are 0.0999… in floats; a person calls them 10 points.
    expect(gradeInvestment(0.15, timeProgress('2026-03'), g)).toBe('red');
    expect(gradeInvestment(0.9, timeProgress('2026-12'), g)).toBe('red');
    expect(gradeInvestment(0.5, october, g)).toBe('red');
  });

  it('is yellow just above the 10-point line', () => {
    expect(gradeInvestment(0.1501, timeProgress('2026-03'), g)).toBe('yellow');
  });

  it('is null for a null rate', () => {
    expect(gradeInvestment(null, october, g)).toBeNull();
  });
});

describe('gradeRates', () => {
  it('grades each key by its own rule', () => {
    const grades = gradeRates(
      { signingLanding: 0.75, start: 0.5, investmentCompletion: 0.75, production: 0.2, efficiency: null },
      10 / 12,
      g,
    );
    expect(grades).toEqual({
      signingLanding: 'green',
      start: 'yellow',
      // 75% is green as a count rate but only yellow against 83.3% 时序进度.
      investmentCompletion: 'yellow',
      production: 'red',
      efficiency: null,
    });
  });
});
