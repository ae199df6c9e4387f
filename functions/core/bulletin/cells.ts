/**
 * The small pieces every section is made of: one rate of one unit as printed (RateCell), rank
 * moves, a unit as a ranking peer, and the lookups of units in a rates document. Pure.
 */
import { CITIES, PROVINCE_CODE, division, reportingUnitsOf, shortName, type Division } from '../shared/divisions';
import { DASH, formatChangePhrase, formatPoints, formatRank, formatRankMove, formatRate } from './format';
import type { Peer } from './prose';
import { competitionRanks } from '../metrics/rank';
import { printedScore } from '../shared/printed';
import { RATE_KEYS, RATE_NAMES, type Grade, type RateKey, type RatesDoc, type UnitResult } from '../metrics/rates-types';
import type { MoveClass, RateCell } from './view-model';

/** The rates in the order documents list them in prose: the batches' chain, then money. */
export const PROSE_ORDER: readonly RateKey[] = ['signingLanding', 'start', 'production', 'efficiency', 'investmentCompletion'];
/** Count rates (graded against fixed thresholds), in prose order. */
export const COUNT_RATES: readonly RateKey[] = ['signingLanding', 'start', 'production', 'efficiency'];

const GRADE_LABEL: Record<Grade, string> = { green: '绿', yellow: '黄', red: '红' };

/** The columns of a table with one column per rate, in the document's rate order. */
export function rateColumns(): Array<{ key: RateKey; name: string }> {
  return RATE_KEYS.map((k) => ({ key: k, name: RATE_NAMES[k] }));
}

export function moveClass(move: 'up' | 'down' | 'same' | null): MoveClass {
  return move ? (`move-${move}` as MoveClass) : '';
}

export function rateCell(unit: UnitResult | undefined, key: RateKey, rank: number | null = null, previousRank: number | null = null): RateCell {
  if (!unit) {
    return { key, name: RATE_NAMES[key], value: DASH, change: DASH, changePhrase: DASH, rank: DASH, rankMove: '', rankMoveClass: '', grade: null, gradeLabel: DASH, gradeClass: 'grade-none' };
  }
  const grade = unit.grade?.[key] ?? null;
  const move = formatRankMove(rank, previousRank);
  return {
    key,
    name: RATE_NAMES[key],
    value: formatRate(unit.rates[key]),
    change: formatPoints(unit.change?.[key]),
    changePhrase: formatChangePhrase(unit.change?.[key]),
    rank: formatRank(rank),
    rankMove: move.text,
    rankMoveClass: moveClass(move.move),
    grade,
    gradeLabel: grade ? GRADE_LABEL[grade] : DASH,
    gradeClass: grade ? `grade-${grade}` : 'grade-none',
  };
}

/** Last month's value of a rate, from this month's value and change (— when either is missing). */
export function previousRate(unit: UnitResult, key: RateKey): string {
  const v = unit.rates[key];
  const c = unit.change?.[key];
  return typeof v === 'number' && typeof c === 'number' ? formatRate(v - c) : DASH;
}

/** A unit as a ranking peer for one rate (why it has no value, when it has none). */
export function peerOf(name: string, unit: UnitResult | undefined, value: number | null, rejected = false): Peer {
  return { name, value, missing: !unit || !unit.reported ? (rejected ? 'rejected' : 'unreported') : value === null ? 'no-base' : null };
}

/**
 * Codes whose uploads were all refused (报送未通过): the reporting units of `rates.json`'s
 * `rejected`, and a city-level unit when one of its units was refused and none accepted.
 */
export function rejectedCodes(doc: RatesDoc): ReadonlySet<string> {
  const codes = new Set(doc.rejected ?? []);
  const idx = unitIndex(doc);
  for (const c of CITIES) {
    const city = idx('city', c.code);
    if (city && !city.reported && reportingUnitsOf(c.code).some((m) => codes.has(m.code))) codes.add(c.code);
  }
  return codes;
}

/** What a table prints in place of the figures of a unit without an accepted ledger. */
export function statusText(unit: UnitResult | undefined, rejected: boolean): string {
  if (!unit) return '无数据';
  if (unit.reported) return '';
  return rejected ? '报送未通过' : '未报送';
}

// ── units of a document ─────────────────────────────────────────────────────

/** A unit as a section lists it: its code, the name printed, and its figures (none: no data). */
export interface UnitEntry {
  code: string;
  name: string;
  unit: UnitResult | undefined;
  /** It uploaded, and every upload was refused (报送未通过). */
  rejected: boolean;
}

export interface CityEntry extends UnitEntry {
  /** Short name (郑州). */
  name: string;
  /** Official name (郑州市). */
  fullName: string;
}

/** The name a bulletin prints for a unit: the official short name, else the document's name. */
export function displayName(code: string, fallback: string | undefined): string {
  const d = division(code);
  return d ? shortName(d) : (fallback ?? code);
}

export function provinceUnit(doc: RatesDoc): UnitResult {
  const p = doc.units.find((u) => u.level === 'province') ?? doc.units.find((u) => u.code === PROVINCE_CODE);
  if (!p) throw new Error(`rates document for ${doc.month} has no province unit`);
  return p;
}

/** The 19 city-level units in the official order, then any other city-level unit of the document. */
export function cityEntries(doc: RatesDoc): CityEntry[] {
  const byCode = new Map(doc.units.filter((u) => u.level === 'city').map((u) => [u.code, u]));
  const known = new Set(CITIES.map((c) => c.code));
  const rejected = rejectedCodes(doc);
  const entries: CityEntry[] = CITIES.map((c) => ({ code: c.code, name: shortName(c), fullName: c.name, unit: byCode.get(c.code), rejected: rejected.has(c.code) }));
  for (const u of doc.units) {
    if (u.level === 'city' && !known.has(u.code)) entries.push({ code: u.code, name: displayName(u.code, u.name), fullName: u.name, unit: u, rejected: false });
  }
  return entries;
}

/** A city-level unit's reporting units in code order; `self` when it reports for itself (济源, 航空港区). */
export function membersOf(cityCode: string): { members: Division[]; self: boolean } {
  const members = reportingUnitsOf(cityCode).sort((a, b) => a.code.localeCompare(b.code));
  return { members, self: members.length === 1 && members[0].code === cityCode };
}

/** Lookup of a document's units by level and code. */
export function unitIndex(doc: RatesDoc | null | undefined): (level: UnitResult['level'], code: string) => UnitResult | undefined {
  const m = new Map((doc?.units ?? []).map((u) => [`${u.level}#${u.code}`, u]));
  return (level, code) => m.get(`${level}#${code}`);
}

/** Score ranks among peers: the document's `scoreRank` when every peer has one, else computed. */
export function scoreRanks(units: Array<UnitResult | undefined>, useDoc: boolean): Array<number | null> {
  if (useDoc && units.every((u) => !u || u.scoreRank !== undefined)) return units.map((u) => u?.scoreRank ?? null);
  return competitionRanks(units.map((u) => printedScore(u?.score)));
}

/** Score ranks of the same peers this month and last month (all null without last month's document). */
export function scoreRanksNowAndBefore(
  now: Array<UnitResult | undefined>,
  before: Array<UnitResult | undefined> | null,
  useDoc: boolean,
): { now: Array<number | null>; before: Array<number | null> } {
  return { now: scoreRanks(now, useDoc), before: before ? scoreRanks(before, useDoc) : now.map(() => null) };
}

/** The city-level units (cityEntries) with their score ranks among themselves, now and last month. */
export function rankedCities(doc: RatesDoc, previous: RatesDoc | null | undefined): { cities: CityEntry[]; now: Array<number | null>; before: Array<number | null> } {
  const cities = cityEntries(doc);
  const prev = unitIndex(previous);
  const ranks = scoreRanksNowAndBefore(
    cities.map((c) => c.unit),
    previous ? cities.map((c) => prev('city', c.code)) : null,
    true,
  );
  return { cities, ...ranks };
}

/** Code-point order of two strings (the order of codes and messages in lists). */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
