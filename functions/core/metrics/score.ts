import type { Config } from '../shared/config';
import type { RateMap } from './rates-types';
import { RATE_KEYS } from './rates-types';

export type ScoreWeights = Config['scoreWeights'];

/**
 * 综合得分 (0–100): the weighted mean of the rates that exist. A null rate drops out of both
 * the sum and the weights, so a unit without, say, a 投产 batch is judged on what it has.
 * Null when no weighted rate exists. Unrounded; documents round.
 */
export function computeScore(rates: RateMap<number | null>, weights: ScoreWeights): number | null {
  let sum = 0;
  let weight = 0;
  for (const k of RATE_KEYS) {
    const w = weights[k];
    const r = rates[k];
    if (!(w > 0) || r === null) continue;
    sum += w * r;
    weight += w;
  }
  return weight === 0 ? null : (100 * sum) / weight;
}
