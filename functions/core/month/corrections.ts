import { formatRate, formatScore } from '../bulletin/format';
import { type CorrectionNote, RATE_KEYS, RATE_NAMES, type RatesDoc, type UnitChange, type UnitResult } from '../metrics/rates-types';
import { printedRate } from '../shared/printed';

/**
 * 更正说明 (issue 12): what a republished version changes against the version it replaces —
 * every unit (province, city, county) whose rates or ranks *as printed* differ, old → new. A
 * difference that does not show in print (57.04% → 57.01%) is no correction a reader could see,
 * so it is not listed; a unit whose 报送 changed (未报送 → reported) is.
 */
const RANK_NAMES = Object.fromEntries(RATE_KEYS.map((k) => [k, `${RATE_NAMES[k]}排名`])) as Record<(typeof RATE_KEYS)[number], string>;
const CITY_RANK_NAMES = Object.fromEntries(RATE_KEYS.map((k) => [k, `${RATE_NAMES[k]}市内排名`])) as Record<(typeof RATE_KEYS)[number], string>;

const rateText = (x: number | null | undefined) => (printedRate(x) === null ? '—' : formatRate(x ?? null));
const rankText = (x: number | null | undefined) => (typeof x === 'number' ? `第${x}名` : '—');
const scoreText = (x: number | null | undefined) => formatScore(x ?? null);

function unitChange(before: UnitResult | undefined, after: UnitResult): UnitChange | null {
  const fields: UnitChange['fields'] = [];
  const add = (key: string, label: string, from: string, to: string) => {
    if (from !== to) fields.push({ key, label, from, to });
  };
  add('reported', '报送', before?.reported ? '已报送' : '未报送', after.reported ? '已报送' : '未报送');
  for (const k of RATE_KEYS) add(k, RATE_NAMES[k], rateText(before?.rates[k]), rateText(after.rates[k]));
  // The ranks each level is printed with: a county's within its city (city edition) and its
  // province-wide 位次 of the score (附表); a city's among the cities.
  if (after.level === 'county') {
    for (const k of RATE_KEYS) add(`rankInCity.${k}`, CITY_RANK_NAMES[k], rankText(before?.rankInCity?.[k]), rankText(after.rankInCity?.[k]));
  } else {
    for (const k of RATE_KEYS) add(`rank.${k}`, RANK_NAMES[k], rankText(before?.rank[k]), rankText(after.rank[k]));
  }
  add('score', '综合得分', scoreText(before?.score), scoreText(after.score));
  add('scoreRank', after.level === 'county' ? '全省位次' : '综合排名', rankText(before?.scoreRank), rankText(after.scoreRank));
  return fields.length ? { level: after.level, code: after.code, name: after.name, cityCode: after.cityCode, fields } : null;
}

/** Whether a change is only of ranks (the bulletin lists those compactly). */
export function onlyRanks(c: UnitChange): boolean {
  return c.fields.every((f) => f.key.startsWith('rank') || f.key === 'scoreRank');
}

/** The 更正说明 of `next` (version n) against `previous` (version n−1), units in the document's order. */
export function correctionNote(previous: RatesDoc, next: RatesDoc, replacedPublishedAt: string | null): CorrectionNote {
  const old = new Map(previous.units.map((u) => [`${u.level}/${u.code}`, u]));
  const changes = next.units.map((u) => unitChange(old.get(`${u.level}/${u.code}`), u)).filter((c): c is UnitChange => c !== null);
  return { replaces: previous.version ?? 1, replacedPublishedAt, changes };
}
