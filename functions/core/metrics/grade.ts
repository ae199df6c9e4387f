import type { Config } from '../shared/config';
import type { Grade, RateKey, RateMap } from './rates-types';
import { RATE_KEYS } from './rates-types';

/**
 * Tolerance for threshold comparisons: rates are float quotients (3/4, 0.7333 − 0.8333…), so a
 * value a person computes as "exactly 75%" or "exactly 10 points below" must land on the side
 * of the threshold the rule names.
 */
const EPS = 1e-9;

export type GradeThresholds = Config['grades'];

/** 投资完成率 against 时序进度: green at or above it, yellow if short by less than the red gap. */
export function gradeInvestment(rate: number | null, timeProgress: number, g: GradeThresholds): Grade | null {
  if (rate === null) return null;
  const shortfall = timeProgress - rate;
  if (shortfall <= EPS) return 'green';
  if (shortfall < g.investmentRedGap - EPS) return 'yellow';
  return 'red';
}

/** Count rates: green ≥ green, yellow ≥ yellow, red below. */
export function gradeCountRate(rate: number | null, g: GradeThresholds): Grade | null {
  if (rate === null) return null;
  if (rate >= g.green - EPS) return 'green';
  if (rate >= g.yellow - EPS) return 'yellow';
  return 'red';
}

export function gradeRate(key: RateKey, rate: number | null, timeProgress: number, g: GradeThresholds): Grade | null {
  return key === 'investmentCompletion' ? gradeInvestment(rate, timeProgress, g) : gradeCountRate(rate, g);
}

export function gradeRates(
  rates: RateMap<number | null>,
  timeProgress: number,
  g: GradeThresholds,
): RateMap<Grade | null> {
  const out = {} as RateMap<Grade | null>;
  for (const k of RATE_KEYS) out[k] = gradeRate(k, rates[k], timeProgress, g);
  return out;
}
