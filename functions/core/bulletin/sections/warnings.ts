/**
 * 三、预警: red grades per rate, rates that fell by more than the threshold, and the units that did
 * not report. The tables and the 报送 sentence are written once; each edition adds its own notes
 * (the province: its reporting units in numbers; a city: its own figures). Pure.
 */
import { CITIES, division, shortName, type Division } from '../../shared/divisions';
import type { Config } from '../../shared/config';
import { rateTenths } from '../../shared/printed';
import { shanghaiParts } from '../../shared/shanghai-time';
import { formatCount, formatPoints, formatPointsAbs, formatRate } from '../format';
import { joinNames } from '../prose';
import { previousRate, unitIndex } from '../cells';
import { RATE_KEYS, RATE_NAMES, type RateKey, type RatesDoc, type UnitResult } from '../../metrics/rates-types';
import type { UnreportedGroup, UnreportedList, WarningSection } from '../view-model';

type FallRow = WarningSection['falls']['rows'][number];

/** A unit as the warning tables name it. */
export interface NamedUnit {
  name: string;
  unit?: UnitResult | null;
}

/**
 * The section over `units` (province: the city-level units; city: its reporting units, or itself).
 * `ownFalls` lead the falls table (a city's own, as 全市); `fallsNote` gets the table's rows.
 */
export function warningSection(o: {
  nameHeader: string;
  units: readonly NamedUnit[];
  config: Config;
  fallThreshold: number;
  redNote: string;
  ownFalls?: FallRow[];
  fallsNote: (rows: FallRow[]) => string;
  unreported: WarningSection['unreported'];
}): WarningSection {
  const falls = [...(o.ownFalls ?? []), ...fallRows(o.units, o.fallThreshold)];
  return {
    nameHeader: o.nameHeader,
    red: {
      number: '',
      caption: '红色等级指标',
      rows: redRows(o.units, o.config),
      note: o.redNote,
    },
    falls: {
      number: '',
      caption: `较上月下降超过 ${formatPointsAbs(o.fallThreshold)} 个百分点的指标`,
      rows: falls,
      note: o.fallsNote(falls),
    },
    unreported: o.unreported,
  };
}

export function redCriterion(key: RateKey, config: Config): string {
  if (key === 'investmentCompletion') return `低于时序进度 ${formatPointsAbs(config.grades.investmentRedGap)} 个百分点及以上`;
  return `低于 ${formatRate(config.grades.yellow)}`;
}

/** Rates of a unit that dropped by more than `threshold` (on the printed 百分点). */
export function fallsOf(unit: UnitResult, threshold: number): RateKey[] {
  const limit = -Math.round(threshold * 1000);
  return RATE_KEYS.filter((k) => {
    const c = unit.change?.[k];
    return typeof c === 'number' && rateTenths(c) < limit;
  });
}

export function fallRow(name: string, unit: UnitResult, key: RateKey): FallRow {
  return { unit: name, metric: RATE_NAMES[key], now: formatRate(unit.rates[key]), before: previousRate(unit, key), change: formatPoints(unit.change[key]) };
}

/** 红色等级指标: per rate, the units graded red, lowest first ("无" when none). */
export function redRows(units: readonly NamedUnit[], config: Config): WarningSection['red']['rows'] {
  return RATE_KEYS.map((key) => {
    const red = units
      .filter((u) => u.unit?.reported && u.unit.grade?.[key] === 'red')
      .sort((a, b) => (a.unit!.rates[key] ?? 0) - (b.unit!.rates[key] ?? 0))
      .map((u) => `${u.name} ${formatRate(u.unit!.rates[key])}`);
    return { metric: RATE_NAMES[key], criterion: redCriterion(key, config), units: red.length ? red.join('、') : '无' };
  });
}

/** Rates that fell by more than `threshold`, over all the units, the largest fall first. */
export function fallRows(units: readonly NamedUnit[], threshold: number): FallRow[] {
  return units
    .flatMap((u) => (u.unit?.reported ? fallsOf(u.unit, threshold).map((k) => ({ u, k, d: u.unit!.change[k] as number })) : []))
    .sort((a, b) => a.d - b.d)
    .map(({ u, k }) => fallRow(u.name, u.unit!, k));
}

/**
 * The units without an accepted ledger, `codes` (of `rates.json`'s `unreported`), as two lists:
 * 未报送 (nothing arrived) and 报送未通过 (refused; `rates.json`'s `rejected`), and the units of
 * `scope` (reporting unit codes; all when absent) accepted after the deadline (逾期报送: their
 * `reporting.status` is `late`). `sentence` is the edition's to write.
 */
export function unreportedLists(codes: readonly string[], doc: RatesDoc, scope?: readonly string[]): WarningSection['unreported'] {
  const refused = new Set(doc.rejected ?? []);
  const missing = unreportedGroups(codes.filter((c) => !refused.has(c)), doc);
  const returned = unreportedGroups(codes.filter((c) => refused.has(c)), doc);
  const inScope = scope ? new Set(scope) : null;
  const late = unreportedGroups(lateCodes(doc).filter((c) => !inScope || inScope.has(c)), doc);
  // Without late units the heading is as it always was; with them, 未报送 only when some sent nothing.
  const kinds = [late.count ? '逾期报送' : '', missing.count || !late.count ? '未报送' : '', returned.count ? '报送未通过' : ''].filter(Boolean);
  return { ...missing, returned, late, heading: `（三）${kinds.join('、')}台账单位`, sentence: '' };
}

/** Reporting units accepted after the deadline (`reporting.status` late), in code order. */
export function lateCodes(doc: RatesDoc): string[] {
  return doc.units.filter((u) => u.level === 'county' && u.reporting?.status === 'late').map((u) => u.code).sort();
}

/** Units grouped by city, cities in the official order, units in code order. */
function unreportedGroups(codes: readonly string[], doc: RatesDoc): UnreportedList {
  const unitsByCode = unitIndex(doc);
  const cityOrder = new Map(CITIES.map((c, i) => [c.code, i]));
  const groups = new Map<string, { cityName: string; order: number; self: boolean; units: Array<{ code: string; name: string }> }>();
  for (const code of [...new Set(codes)]) {
    const d: Division | undefined = division(code);
    const docUnit = unitsByCode('county', code);
    const cityCode = d?.cityCode ?? docUnit?.cityCode ?? '';
    const cityDiv = division(cityCode);
    const self = !!d && d.code === d.cityCode; // 济源, 航空港区 report for themselves
    const key = self ? `self:${code}` : cityCode || `unknown:${code}`;
    const cityName = self ? shortName(d!) : (cityDiv?.name ?? d?.cityName ?? '其他');
    let grp = groups.get(key);
    if (!grp) {
      grp = { cityName, order: cityOrder.get(cityCode) ?? CITIES.length, self, units: [] };
      groups.set(key, grp);
    }
    if (!self) grp.units.push({ code, name: d?.name ?? docUnit?.name ?? code });
  }
  const list: UnreportedGroup[] = [...groups.values()]
    .sort((a, b) => a.order - b.order)
    .map((gr) => {
      const units = gr.units.sort((a, b) => a.code.localeCompare(b.code)).map((u) => u.name);
      return { cityName: gr.cityName, units, text: gr.self ? gr.cityName : `${gr.cityName}：${joinNames(units)}` };
    });
  const count = new Set(codes).size;
  return { count, groups: list, text: list.length ? list.map((x) => x.text).join('；') : '无' };
}

/** Timeliness for the 报送 sentence, when rates.json has it (`doc.deadline`, `timeliness`). */
export interface SentenceTimeliness {
  onTime: number;
  late: { count: number; list: string };
  rate: number | null;
  /** 全省 / 全市 */
  scope: string;
  /** The deadline, ISO (rates.json `deadline`). */
  deadline: string;
}

/** "11月3日18时" (or "11月3日18时30分"): the deadline as a 通报 writes it, in Shanghai time. */
export function deadlineText(iso: string): string {
  const p = shanghaiParts(new Date(iso));
  return `${p.month}月${p.day}日${p.hour}时${p.minute ? `${p.minute}分` : ''}`;
}

/**
 * "本月（郑州市）应报送台账的县（市、区）N 个，已接收 M 个。未报送 K 个：…。报送未通过（已退回修改）
 * J 个：…。" or "…，已接收 N 个，全部按时报送。". With timeliness: "…，已接收 M 个，其中按时报送 A
 * 个、逾期报送 B 个。逾期报送（11月3日18时后报送）B 个：…。未报送 …。全省报送及时率 X%。"
 * `who`: "" (province) or the city; each `list`: the names as the edition lists them.
 */
export function reportingSentence(
  who: string,
  expected: number,
  accepted: number,
  missing: { count: number; list: string },
  returned: { count: number; list: string },
  timeliness?: SentenceTimeliness | null,
): string {
  const head = `本月${who}应报送台账的县（市、区）${formatCount(expected)} 个，已接收 ${formatCount(accepted)} 个`;
  const late = timeliness?.late.count ?? 0;
  if (!missing.count && !returned.count && !late) return `${head}，全部按时报送。`;
  const split = timeliness ? `，其中按时报送 ${formatCount(timeliness.onTime)} 个、逾期报送 ${formatCount(late)} 个` : '';
  return (
    `${head}${split}。` +
    (late ? `逾期报送（${deadlineText(timeliness!.deadline)}后报送）${late} 个：${timeliness!.late.list}。` : '') +
    (missing.count ? `未报送 ${missing.count} 个：${missing.list}。` : '') +
    (returned.count ? `报送未通过（已退回修改）${returned.count} 个：${returned.list}。` : '') +
    (timeliness ? `${timeliness.scope}报送及时率 ${formatRate(timeliness.rate)}。` : '')
  );
}

/**
 * The province edition's 各地报送及时率: the cities below 100% from the lowest, the rest together
 * ("各地报送及时率：郑州 50.0%、漯河 75.0%，其余 17 个地区均为 100.0%。"); "" without timeliness.
 */
export function cityTimelinessSentence(cities: readonly NamedUnit[]): string {
  const rated = cities.filter((c) => c.unit?.timeliness && c.unit.timeliness.rate !== null);
  if (!rated.length) return '';
  const full = rateTenths(1);
  const below = rated
    .filter((c) => rateTenths(c.unit!.timeliness!.rate!) < full)
    .sort((a, b) => rateTenths(a.unit!.timeliness!.rate!) - rateTenths(b.unit!.timeliness!.rate!));
  if (!below.length) return `各地报送及时率均为 ${formatRate(1)}。`;
  const listed = below.map((c) => `${c.name} ${formatRate(c.unit!.timeliness!.rate)}`).join('、');
  const rest = rated.length - below.length;
  return `各地报送及时率：${listed}${rest ? `，其余 ${rest} 个地区均为 ${formatRate(1)}` : ''}。`;
}
