/**
 * 本年各月 (GET /history): for the caller's units, each month of the year so far — whether the
 * unit reported, its three headline rates and their printed ranks, and the month's version. The
 * months' trend points (core/bulletin/trend-data.ts) come in already read, one rates.json per
 * month (core/bulletin/trend-history.ts). Pure.
 *
 * A month never computed is a gap (`computed: false`, `reported: null`); a computed month the unit
 * did not report in is `reported: false` with no rates: neither is a zero.
 */
import { TREND_KEYS, type MonthPoint, type TrendKey, type TrendRates, unitKey } from '../bulletin/trend-data';
import { RATE_NAMES, type UnitResult } from '../metrics/rates-types';
import { MONTH_STATUS_LABEL } from '../month/month-state';
import { type Division, CITIES, PROVINCE_CODE, PROVINCE_NAME, division, reportingUnitsOf } from '../shared/divisions';
import { formatMonth, monthLabel, parseMonth, reportingMonth } from '../shared/months';
import type { Principal } from './tokens';
import type { Refusal } from './upload-request';

/** A unit the history shows, and among whom its ranks are. */
export interface HistoryUnit {
  level: UnitResult['level'];
  code: string;
  name: string;
  cityCode: string | null;
  /** Where its ranks are counted: 全市 (a county within its city), 全省 (a city-level unit among the 19); the province: none. */
  rankScope: '全市' | '全省' | null;
}

export interface HistoryMonth {
  month: string;
  label: string;
  /** Whether the month has a rates.json at all. */
  computed: boolean;
  /** The published version (null: a draft, or not computed). */
  version: number | null;
  /** 未计算 / 草稿（未发布） / 已发布 / 已更正发布（第N版） */
  state: string;
}

export interface HistoryPoint {
  month: string;
  /** null: the month was not computed. */
  reported: boolean | null;
  /** null when not reported (or not computed); a rate itself null when it has no denominator. */
  rates: TrendRates | null;
  rank: TrendRates | null;
}

export interface HistoryView {
  year: number;
  months: HistoryMonth[];
  rates: { key: TrendKey; name: string }[];
  units: (HistoryUnit & { points: HistoryPoint[] })[];
}

const refuse = (status: Refusal['status'], code: string, message: string): Refusal => ({ ok: false, status, code, message });

/**
 * The months `year` has so far: January … the reporting month (the newest month a unit can have
 * reported) for its year, all twelve for an earlier year; at most 12, hence at most 12 reads.
 * No year given: the reporting month's.
 */
export function historyMonths(raw: string | undefined, now: Date): { ok: true; year: number; months: string[] } | Refusal {
  const newest = parseMonth(reportingMonth(now));
  if (raw !== undefined && raw !== '' && !/^\d{4}$/.test(raw)) return refuse(400, 'bad-year', '年份格式应为四位数字，如 2026');
  const year = raw ? Number(raw) : newest.year;
  if (year > newest.year) return refuse(400, 'future-year', `${year}年尚无可查看的月份（最新为${monthLabel(formatMonth(newest.year, newest.month))}）`);
  const last = year === newest.year ? newest.month : 12;
  return { ok: true, year, months: Array.from({ length: last }, (_, i) => formatMonth(year, i + 1)) };
}

const byCode = (a: Division, b: Division) => a.code.localeCompare(b.code);

function provinceUnit(): HistoryUnit {
  return { level: 'province', code: PROVINCE_CODE, name: PROVINCE_NAME, cityCode: null, rankScope: null };
}

/** A city-level unit (济源 and 航空港区 too, though they report for themselves: ranked among the 19). */
function cityUnit(d: Division): HistoryUnit {
  return { level: 'city', code: d.code, name: d.name, cityCode: d.code, rankScope: '全省' };
}

function countyUnit(d: Division): HistoryUnit {
  return { level: 'county', code: d.code, name: d.name, cityCode: d.cityCode, rankScope: '全市' };
}

/** One unit by its code: the city-level row of a city-level code, the county row of a county. */
function unitOf(d: Division): HistoryUnit {
  return d.level === 'city' ? cityUnit(d) : countyUnit(d);
}

/** A city-level unit and its counties (a self-reporting one: itself only). */
function cityScope(d: Division): HistoryUnit[] {
  return [cityUnit(d), ...reportingUnitsOf(d.code).filter((u) => u.code !== d.code).sort(byCode).map(countyUnit)];
}

/**
 * Whose history the caller may read: a unit token its own unit; a city token its city and its
 * counties (or one of them with `unit`); the province the province and the 19 city-level units,
 * or any unit (a city-level code: the city and its counties). Decided before anything is read.
 */
export function historyScope(p: Principal, asked: string | undefined): { ok: true; units: HistoryUnit[] } | Refusal {
  const d = asked ? division(asked) : undefined;
  // Every county-level division reports; a city-level code names the city (and, asked by the province, its counties).
  if (asked && asked !== PROVINCE_CODE && !d) return refuse(400, 'bad-unit', '单位代码不是河南省的省辖市（示范区）或报送单位');
  if (p.role === 'unit') {
    if (asked && asked !== p.unitCode) return refuse(403, 'other-unit', '只能查看本单位的历史数据');
    return { ok: true, units: [unitOf(division(p.unitCode)!)] };
  }
  if (p.role === 'city') {
    if (!asked || asked === p.cityCode) return { ok: true, units: cityScope(division(p.cityCode)!) };
    if (!d || d.cityCode !== p.cityCode) return refuse(403, 'other-city', `该单位不属于${p.cityName}，无权查看`);
    return { ok: true, units: [unitOf(d)] };
  }
  if (!asked || asked === PROVINCE_CODE) return { ok: true, units: [provinceUnit(), ...[...CITIES].sort(byCode).map(cityUnit)] };
  return { ok: true, units: d!.level === 'city' ? cityScope(d!) : [countyUnit(d!)] };
}

function monthState(point: MonthPoint | null): string {
  if (!point) return '未计算';
  if (point.version === null) return '草稿（未发布）';
  return point.version > 1 ? `${MONTH_STATUS_LABEL.republished}（第${point.version}版）` : MONTH_STATUS_LABEL.published;
}

/** The view: `points[i]` is `months[i]`'s point (null: never computed). */
export function historyView(year: number, months: readonly string[], points: readonly (MonthPoint | null)[], units: readonly HistoryUnit[]): HistoryView {
  return {
    year,
    months: months.map((month, i) => ({ month, label: monthLabel(month), computed: points[i] !== null, version: points[i]?.version ?? null, state: monthState(points[i]) })),
    rates: TREND_KEYS.map((key) => ({ key, name: RATE_NAMES[key] })),
    units: units.map((u) => {
      const key = unitKey(u);
      return {
        ...u,
        points: months.map((month, i): HistoryPoint => {
          const p = points[i];
          if (!p) return { month, reported: null, rates: null, rank: null };
          if (!p.units[key]) return { month, reported: false, rates: null, rank: null };
          return { month, reported: true, rates: p.units[key], rank: p.ranks[key] ?? null };
        }),
      };
    }),
  };
}
