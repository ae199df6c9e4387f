/**
 * How a reporting unit lays out its upload: file format, headers (canonical or synonyms,
 * with or without a money-unit suffix), optional columns, column order, and the way it writes
 * statuses, batches, phases and dates. Fixed per unit (a clerk keeps the same template),
 * except that a few units switch file format between the two months.
 */
import { REPORTING_UNITS, type Division } from '../../functions/core/shared/divisions';
import type { Status } from '../../functions/core/ledger/ledger-row';
import { Rng } from './prng';
import { YIYUAN_UNITS, SPECIAL, type MonthKey } from './model';

export type Format = 'xlsx' | 'csv-utf8' | 'csv-utf8-bom' | 'csv-gb18030';

export type Field =
  | 'seq'
  | 'projectCode'
  | 'projectName'
  | 'batch'
  | 'phase'
  | 'status'
  | 'industry'
  | 'totalInvestment'
  | 'annualPlan'
  | 'ytdCompleted'
  | 'monthCompleted'
  | 'signedDate'
  | 'landedDate'
  | 'startDate'
  | 'productionDate'
  | 'progress'
  | 'problems'
  | 'leader'
  | 'unitCode'
  | 'remark';

export type DateStyle = 'cell' | 'iso' | 'slash' | 'dot' | 'cn';

export interface Profile {
  formats: Record<MonthKey, Format>;
  /** Field → header text; the ytd header may hold `{M}` for the month number. */
  headers: Partial<Record<Field, string>>;
  columns: Field[];
  money: '万元' | '亿元';
  /** 万元 values: 'auto' (12345 / 12345.6) or 'fixed2' (12345.60). */
  moneyText: 'auto' | 'fixed2';
  statusWords: Record<Status, string>;
  batchStyle: 'short' | 'long';
  phaseStyle: 'int' | 'di';
  dateStyle: DateStyle;
  leaderStyle: 'full' | 'name';
  /** What an empty 存在问题 says. */
  noProblem: '' | '无' | '/';
  sheetName: string;
  order: 'phase-asc' | 'batch-phase' | 'phase-desc';
  creator: string;
}

const FORMATS: Record<string, Record<MonthKey, Format>> = (() => {
  const r = Rng.for('formats');
  const codes = r.shuffle(REPORTING_UNITS.map((u) => u.code));
  const out: Record<string, Record<MonthKey, Format>> = {};
  const n = codes.length;
  codes.forEach((c, i) => {
    const f: Format =
      i < Math.round(n / 2) ? 'xlsx' : i < Math.round((3 * n) / 4) ? (i % 2 ? 'csv-utf8-bom' : 'csv-utf8') : 'csv-gb18030';
    out[c] = { '2026-09': f, '2026-10': f };
  });
  // a few clerks change how they save the file from one month to the next
  const switchers = r.sample(codes.filter((c) => c !== SPECIAL.badOct), 5);
  const alt: Record<Format, Format> = {
    xlsx: 'csv-gb18030',
    'csv-gb18030': 'xlsx',
    'csv-utf8': 'xlsx',
    'csv-utf8-bom': 'csv-gb18030',
  };
  for (const c of switchers) out[c]['2026-10'] = alt[out[c]['2026-09']];
  // the deliberately bad upload is an Excel file
  out[SPECIAL.badOct]['2026-10'] = 'xlsx';
  return out;
})();

type Syn = readonly (readonly [string, number])[];

const SYN: Record<string, Syn> = {
  projectCode: [['项目代码', 60], ['项目编号', 20], ['统一项目代码', 12], ['备案代码', 8]],
  batch: [['批次', 55], ['三个一批类别', 20], ['列入批次', 15], ['类别', 10]],
  phase: [['期次', 60], ['活动期次', 25], ['批次期数', 15]],
  status: [['项目状态', 60], ['进展状态', 25], ['建设状态', 15]],
  totalInvestment: [['总投资', 55], ['计划总投资', 25], ['项目总投资', 20]],
  annualPlan: [['年度计划投资', 55], ['本年计划投资', 25], ['年计划投资', 20]],
  ytdCompleted: [['本年累计完成投资', 45], ['累计完成投资', 15], ['年初至本月累计完成投资', 15], ['1-{M}月累计完成投资', 25]],
  monthCompleted: [['本月完成投资', 72], ['当月完成投资', 28]],
  industry: [['产业类别', 55], ['行业类别', 20], ['行业领域', 13], ['所属产业', 12]],
  unitCode: [['行政区划代码', 70], ['县区代码', 30]],
  signedDate: [['签约日期', 75], ['签约时间', 25]],
  landedDate: [['落地日期', 60], ['注册日期', 20], ['供地日期', 20]],
  startDate: [['开工日期', 60], ['开工时间', 20], ['实际开工时间', 20]],
  productionDate: [['投产日期', 60], ['投产时间', 20], ['实际投产时间', 20]],
  progress: [['形象进度', 75], ['建设进度', 25]],
  problems: [['存在问题', 60], ['存在的问题', 25], ['困难问题', 15]],
  leader: [['分包领导', 55], ['包联领导', 25], ['分包县级领导', 20]],
};

const MONEY: readonly Field[] = ['totalInvestment', 'annualPlan', 'ytdCompleted', 'monthCompleted'];

function buildProfile(u: Division): Profile {
  const r = Rng.for(`profile:${u.code}`);
  const money: Profile['money'] = YIYUAN_UNITS.has(u.code) ? '亿元' : '万元';
  const headers: Partial<Record<Field, string>> = { seq: '序号', projectName: '项目名称', remark: '备注' };
  for (const [field, syn] of Object.entries(SYN)) headers[field as Field] = r.weighted(syn);
  // a share of units use the canonical headers throughout
  if (r.chance(0.35)) {
    Object.assign(headers, {
      projectCode: '项目代码', batch: '批次', phase: '期次', status: '项目状态', totalInvestment: '总投资',
      annualPlan: '年度计划投资', ytdCompleted: '本年累计完成投资', monthCompleted: '本月完成投资',
    });
  }
  // money-unit suffixes
  const suffix =
    money === '亿元' ? '（亿元）' : r.weighted([['', 45], ['（万元）', 40], ['(万元)', 15]] as const);
  const suffixAll = money === '亿元' || r.chance(0.7);
  for (const f of MONEY) {
    if (suffix && (suffixAll || f === 'totalInvestment')) headers[f] = headers[f] + suffix;
  }

  const opt = (p: number) => r.chance(p);
  const has = {
    seq: opt(0.35),
    industry: opt(0.7),
    monthCompleted: opt(0.93),
    signedDate: opt(0.5),
    landedDate: opt(0.15),
    startDate: opt(0.5),
    productionDate: opt(0.4),
    progress: opt(0.55),
    problems: opt(0.4),
    leader: opt(0.5),
    unitCode: opt(0.3),
    remark: opt(0.12),
  };
  const layout = r.weighted([['A', 60], ['B', 25], ['C', 15]] as const);
  const seqs: Record<typeof layout, Field[]> = {
    A: ['seq', 'projectCode', 'projectName', 'batch', 'phase', 'status', 'industry', 'totalInvestment', 'annualPlan',
      'ytdCompleted', 'monthCompleted', 'signedDate', 'landedDate', 'startDate', 'productionDate', 'progress', 'problems',
      'leader', 'unitCode', 'remark'],
    B: ['seq', 'unitCode', 'projectName', 'projectCode', 'phase', 'batch', 'industry', 'status', 'totalInvestment',
      'annualPlan', 'ytdCompleted', 'monthCompleted', 'signedDate', 'landedDate', 'startDate', 'productionDate', 'leader',
      'progress', 'problems', 'remark'],
    C: ['seq', 'batch', 'phase', 'projectCode', 'projectName', 'industry', 'totalInvestment', 'annualPlan', 'ytdCompleted',
      'monthCompleted', 'status', 'signedDate', 'landedDate', 'startDate', 'productionDate', 'progress', 'problems', 'leader',
      'unitCode', 'remark'],
  };
  const columns = seqs[layout].filter((f) => !(f in has) || has[f as keyof typeof has]);

  const bare = r.chance(0.35);
  const statusWords: Record<Status, string> = bare
    ? {
        已签约: '签约',
        已落地: r.pick(['落地', '落地', '注册', '供地']),
        已开工: r.pick(['开工', '在建']),
        已投产: '投产',
        已达效: r.pick(['达效', '达产']),
        已终止: '终止',
      }
    : { 已签约: '已签约', 已落地: '已落地', 已开工: '已开工', 已投产: '已投产', 已达效: '已达效', 已终止: '已终止' };

  const formats = FORMATS[u.code];
  const anyCsv = formats['2026-09'] !== 'xlsx' || formats['2026-10'] !== 'xlsx';
  const dateStyle: DateStyle = anyCsv
    ? r.weighted([['iso', 50], ['slash', 25], ['dot', 10], ['cn', 15]] as const)
    : r.weighted([['cell', 60], ['iso', 20], ['slash', 10], ['cn', 10]] as const);

  return {
    formats,
    headers,
    columns,
    money,
    moneyText: r.chance(0.25) ? 'fixed2' : 'auto',
    statusWords,
    batchStyle: r.chance(0.4) ? 'long' : 'short',
    phaseStyle: r.chance(0.25) ? 'di' : 'int',
    dateStyle,
    leaderStyle: r.chance(0.8) ? 'full' : 'name',
    noProblem: r.weighted([['', 70], ['无', 20], ['/', 10]] as const),
    sheetName: r.weighted([['Sheet1', 50], ['三个一批', 20], ['{M}月', 15], ['项目台账', 15]] as const),
    order: r.weighted([['phase-asc', 50], ['batch-phase', 30], ['phase-desc', 20]] as const),
    creator: r.pick(['Administrator', 'Administrator', 'user', `${u.name}发改委`, 'xmb', 'WPS']),
  };
}

const cache = new Map<string, Profile>();

export function profileOf(u: Division): Profile {
  let p = cache.get(u.code);
  if (!p) {
    p = buildProfile(u);
    cache.set(u.code, p);
  }
  return p;
}
