/** Builders shared by the bulletin's unit tests: the province edition and 漯河's from the fixture. */
import { buildCityEdition } from '../../functions/core/bulletin/city-edition';
import { buildBulletinModel } from '../../functions/core/bulletin/province-edition';
import type { BulletinOptions } from '../../functions/core/bulletin/view-model';
import { CITIES } from '../../functions/core/shared/divisions';
import type { LedgerRow } from '../../functions/core/ledger/ledger-row';
import type { RatesDoc } from '../../functions/core/metrics/rates-types';
import { makeDoc, testConfig } from './bulletin-fixture';

export const OPTS: BulletinOptions = { issuedOn: '2026-11-05' };
export const build = (doc: RatesDoc = makeDoc(), config = testConfig, opts: Partial<BulletinOptions> = {}) => buildBulletinModel(doc, config, { ...OPTS, ...opts });
export const luohe = (doc: RatesDoc = makeDoc(), opts: Partial<BulletinOptions> = {}) => buildCityEdition(doc, testConfig, '411100', { ...OPTS, ...opts });

/** Replaces the start rate of the city-level units (CITIES order). */
export function withCityStarts(doc: RatesDoc, starts: Array<number | null>): RatesDoc {
  CITIES.forEach((c, i) => {
    const u = doc.units.find((x) => x.level === 'city' && x.code === c.code)!;
    u.rates = { ...u.rates, start: starts[i] ?? null };
    u.reported = true;
  });
  return doc;
}

let projectSeq = 0;

/** A ledger row of one unit and batch with the given money; project codes x-1, x-2, … in call order. */
export function row(unitCode: string, batch: LedgerRow['batch'], total: number, plan: number, ytd: number): LedgerRow {
  return {
    unitCode, projectCode: `x-${++projectSeq}`, projectName: 'p', batch, phase: 1, status: '已开工', totalInvestment: total, annualPlan: plan,
    ytdCompleted: ytd, monthCompleted: null, industry: null, signedDate: null, landedDate: null, startDate: null, productionDate: null,
    progress: null, problems: null, leader: null, sourceRow: 2,
  };
}
