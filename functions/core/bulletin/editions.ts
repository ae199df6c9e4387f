/** Every edition of a month's bulletin: the province's and the 19 city-level units'. Pure. */
import type { Config } from '../shared/config';
import { CITIES } from '../shared/divisions';
import { buildCityEdition } from './city-edition';
import { PROVINCE_EDITION } from '../shared/storage-keys';
import { buildBulletinModel } from './province-edition';
import type { RatesDoc } from '../metrics/rates-types';
import type { BulletinModel, BulletinOptions } from './view-model';
import { withCorrection } from './correction';
import { withUnrecognized } from './unrecognized';

/** Every edition of the month: the province's, then the 19 city-level units' in official order. */
export function buildEditions(doc: RatesDoc, config: Config, opts: BulletinOptions, only?: string | null): BulletinModel[] {
  return editionsOf(doc, config, opts, only).map((m) => withUnrecognized(withCorrection(m, doc), doc));
}

function editionsOf(doc: RatesDoc, config: Config, opts: BulletinOptions, only?: string | null): BulletinModel[] {
  if (only && only !== PROVINCE_EDITION) return [buildCityEdition(doc, config, only, opts)];
  const province = buildBulletinModel(doc, config, opts);
  if (only === PROVINCE_EDITION) return [province];
  return [province, ...CITIES.map((c) => buildCityEdition(doc, config, c.code, opts))];
}
