/**
 * The five rates of one unit in one month with key-industry projects weighted: each count and
 * money sum becomes all + x × key, so a key project counts 1 + x times in its numerator and its
 * denominator (x = evaluation.keyIndustries.extraWeight). With x = 0 these are rates.json's rates.
 * Pure.
 */
import { ratio } from '../metrics/rates';
import type { Counts, Investment, RateMap } from '../metrics/rates-types';
import type { KeyFigures } from './key-industry';

export function weightedRates(counts: Counts, investment: Investment, key: KeyFigures | null, x: number): RateMap<number | null> {
  const c = (k: keyof Counts) => counts[k] + (key ? x * key.counts[k] : 0);
  const m = (k: keyof Investment) => investment[k] + (key ? x * key.investment[k] : 0);
  return {
    signingLanding: ratio(c('signedLanded'), c('signed')),
    start: ratio(c('signedStarted'), c('signed')),
    investmentCompletion: ratio(m('ytdCompleted'), m('annualPlan')),
    production: ratio(c('startBatchInProduction'), c('startBatch')),
    efficiency: ratio(c('productionBatchAtCapacity'), c('productionBatch')),
  };
}
