/**
 * The in-memory sample ledger: every reporting unit's projects as of 2026-10, and how they
 * looked in 2026-09 (the same ledger one month earlier: statuses never ahead of October,
 * ytd smaller). Money is kept as integer tenths of 万元 so that sums and differences are exact.
 */
import { CITIES, REPORTING_UNITS, type Division } from '../../functions/core/shared/divisions';
import { statusLevel, type Batch, type Status } from '../../functions/core/ledger/ledger-row';
import { day, fromMonthIndex, lastDayOfMonth, monthIndex, ymd, type Day } from './dates';
import { Rng } from './prng';
import {
  BRANDS,
  BRAND_SUFFIXES,
  GIVEN_NAMES,
  INDUSTRIES,
  PROBLEMS,
  PROGRESS,
  SCENIC,
  SURNAMES,
  leaderTitles,
  type Industry,
} from './vocab';

export const MONTHS = ['2026-09', '2026-10'] as const;
export type MonthKey = (typeof MONTHS)[number];

export const SEP_END: Day = lastDayOfMonth(2026, 9);
export const OCT_START: Day = day(2026, 10, 1);
export const OCT_END: Day = lastDayOfMonth(2026, 10);

/** The campaign runs quarterly: phase 1 in 2021-10, phase 20 in 2026-07, phase 21 in 2026-10. */
export const LAST_PHASE_SEP = 20;
export const NEW_PHASE_OCT = 21;

export function phaseMonthIndex(phase: number): number {
  return monthIndex(2021, 10) + 3 * (phase - 1);
}

/** The day of a phase's event (集中签约/开工/投产 活动). */
export function phaseEventDay(phase: number): Day {
  const { y, m } = fromMonthIndex(phaseMonthIndex(phase));
  return day(y, m, Rng.for(`phase-day:${phase}`).int(8, 26));
}

// ---------------------------------------------------------------------------------------
// Special cases (data-quality findings, missing and bad uploads, the tie)

export const SPECIAL = {
  /** No file in 2026-09. */
  missingSep: ['410325', '411526'],
  /** No file in 2026-10. */
  missingOct: ['410927', '411329', '411726'],
  /** Uploads a file in 2026-10 that must be rejected. */
  badOct: '411623',
  /** One project's status goes down from 2026-09 to 2026-10 (Q1). */
  statusDown: '410105',
  /** One project's ytdCompleted exceeds its total investment in 2026-10 (Q3 / ingest warning). */
  ytdOverTotal: '410304',
  /** One project code not in the national format, both months (Q7 / ingest warning). */
  badCodeFormat: '410782',
  /** One project of 2026-09 missing in 2026-10 without being terminated (Q6). */
  dropped: '411425',
  /** Two city-level units (each a single reporting unit) made to tie on 签约落地率 in 2026-10. */
  tie: ['419001', '410173'] as const,
} as const;

// ---------------------------------------------------------------------------------------
// Types

export interface MonthView {
  status: Status;
  /** Tenths of 万元. */
  ytd: number;
  month: number;
  progress: string;
  problems: string | null;
}

export interface Project {
  unitCode: string;
  code: string;
  name: string;
  industry: string;
  batch: Batch;
  phase: number;
  leader: string;
  /** Tenths of 万元 (always whole 万元). */
  total: number;
  annualPlan: number;
  sep: MonthView | null;
  oct: MonthView | null;
  /** Milestone dates (shown in a month only when that month's status has reached them). */
  dates: { signed: Day; landed: Day | null; start: Day | null; production: Day | null };
  /** Planned milestone dates, before being fitted to the statuses. */
  plan: { signed: Day; landed: Day; start: Day; production: Day };
}

export interface UnitLedger {
  unit: Division;
  /** 1 (tenths of 万元) normally; 10 (whole 万元) for units that report in 亿元. */
  quantum: number;
  projects: Project[];
  /** Internal, for the generation steps. */
  eff: number;
  investRate: number;
}

// ---------------------------------------------------------------------------------------
// Unit-level parameters

const cityStatusEff = new Map<string, number>();
const cityInvestEff = new Map<string, number>();
{
  const r = Rng.for('city-effects');
  for (const c of CITIES) {
    cityStatusEff.set(c.code, r.normal(0, 0.45));
    cityInvestEff.set(c.code, r.normal(0, 0.05));
  }
}

/** Units that state money in 亿元. */
export const YIYUAN_UNITS: ReadonlySet<string> = new Set(
  Rng.for('yiyuan')
    .shuffle(REPORTING_UNITS.map((u) => u.code).filter((c) => !(Object.values(SPECIAL).flat() as string[]).includes(c)))
    .slice(0, 6),
);

function unitSize(r: Rng, u: Division): number {
  if (u.code === '410173') return r.int(30, 35);
  if (u.cityCode === '410100') return u.name.endsWith('区') ? r.int(25, 34) : r.int(22, 32);
  if (u.cityCode === '410300') return r.int(20, 30);
  if (u.code === '419001') return r.int(24, 30);
  if (u.name.endsWith('区')) return r.int(17, 27);
  return r.int(15, 25);
}

function logistic(r: Rng): number {
  const u = Math.min(Math.max(r.next(), 1e-9), 1 - 1e-9);
  return Math.log(u / (1 - u));
}

function ageYears(phase: number): number {
  return (monthIndex(2026, 10) - phaseMonthIndex(phase)) / 12;
}

function pickPhase(r: Rng): number {
  const entries: [number, number][] = [];
  for (let p = 1; p <= LAST_PHASE_SEP; p++) entries.push([p, 1 + p / 7]);
  return r.weighted(entries);
}

const BY_LEVEL: Status[] = ['已签约', '已落地', '已开工', '已投产', '已达效'];

/** October status from a latent progress score (older phases and stronger units further on). */
function octStatus(r: Rng, batch: Batch, phase: number, eff: number): Status {
  const age = ageYears(phase);
  let s: Status;
  if (batch === '签约') {
    if (phase === NEW_PHASE_OCT) return r.chance(0.85) ? '已签约' : '已落地';
    if (r.chance(0.012 + 0.008 * age)) return '已终止';
    const x = 0.75 * age + eff + logistic(r);
    s = x > 4.6 ? '已达效' : x > 3.0 ? '已投产' : x > 0.85 ? '已开工' : x > -0.45 ? '已落地' : '已签约';
  } else if (batch === '开工') {
    if (phase === NEW_PHASE_OCT) return '已开工';
    const x = 0.9 * age + eff + logistic(r);
    s = x > 3.6 ? '已达效' : x > 2.0 ? '已投产' : '已开工';
  } else {
    if (phase === NEW_PHASE_OCT) return '已投产';
    const x = 0.8 * age + eff + logistic(r);
    s = x > -0.2 ? '已达效' : '已投产';
  }
  // a project needs time: no production within a year of signing, nor within half a year of starting
  const maxLevel =
    batch === '签约' ? (age >= 2 ? 4 : age >= 1 ? 3 : 2) : batch === '开工' ? (age >= 1.25 ? 4 : age >= 0.5 ? 3 : 2) : 4;
  return BY_LEVEL[Math.min(statusLevel(s), maxLevel)];
}

const MIN_LEVEL: Record<Batch, number> = { 签约: 0, 开工: 2, 投产: 3 };

function shortPlace(u: Division): string {
  if (u.code === '410173') return '航空港';
  const s = u.name.replace(/(回族区|区|县|市)$/, '');
  return s.length >= 2 ? s : u.name;
}

function projectName(r: Rng, ind: Industry, place: string): string {
  const core = r.pick(ind.cores)(r);
  const roll = r.next();
  let prefix: string;
  if (ind.placeFirst) {
    if (roll < 0.45) prefix = place;
    else if (roll < 0.65 && ind.name === '文旅') prefix = r.pick(SCENIC);
    else if (roll < 0.85) prefix = r.pick(BRANDS);
    else prefix = '';
  } else if (roll < 0.45) prefix = r.pick(BRANDS);
  else if (roll < 0.65) prefix = r.pick(BRANDS) + r.pick(BRAND_SUFFIXES);
  else if (roll < 0.85) prefix = place;
  else prefix = '';
  let name = prefix + core;
  if (r.chance(0.12)) {
    const ph = r.pick(['一期', '二期', '三期']);
    name = name.endsWith('项目') ? `${name.slice(0, -2)}${ph}项目` : name + ph;
  }
  return name;
}

function roundTo(x: number, q: number): number {
  return Math.round(x / q) * q;
}

/** Total investment in tenths of 万元, whole 万元, rounded like a clerk would. */
function totalInvestment(r: Rng, ind: Industry): number {
  const w = Math.min(500_000, Math.max(5_000, Math.exp(r.normal(Math.log(ind.typicalTotal), 0.85))));
  const rounded = w >= 100_000 ? roundTo(w, 1000) : w >= 20_000 ? roundTo(w, 100) : roundTo(w, 10);
  return rounded * 10;
}

// ---------------------------------------------------------------------------------------
// Step A: skeleton of a unit (projects, batches, phases, October statuses, planned dates)

function skeleton(u: Division): UnitLedger {
  const r = Rng.for(`unit:${u.code}`);
  const laggard = r.chance(0.1);
  const eff = (cityStatusEff.get(u.cityCode) ?? 0) + r.normal(0, 0.45) - (laggard ? 1.0 : 0);
  const investLaggard = r.chance(0.1);
  const investRate = investLaggard
    ? r.float(0.5, 0.7)
    : Math.min(1.08, Math.max(0.68, 0.87 + (cityInvestEff.get(u.cityCode) ?? 0) + r.normal(0, 0.07)));
  const quantum = YIYUAN_UNITS.has(u.code) ? 10 : 1;

  const titles = leaderTitles(u.name, u.code);
  const leaders: string[] = [];
  const nLeaders = r.int(4, 7);
  while (leaders.length < nLeaders) {
    const l = `${r.pick(SURNAMES)}${r.pick(GIVEN_NAMES)}（${r.pick(titles)}）`;
    if (!leaders.some((x) => x.slice(0, x.indexOf('（')) === l.slice(0, l.indexOf('（')))) leaders.push(l);
  }

  const isTie = (SPECIAL.tie as readonly string[]).includes(u.code);
  const nBase = isTie ? 30 : unitSize(r, u);
  const nNew = isTie ? 2 : r.weighted([[0, 2], [1, 4], [2, 3], [3, 1]] as const);
  const batches: Batch[] = [];
  for (let i = 0; i < nBase; i++) {
    batches.push(isTie ? (i < 13 ? '签约' : i < 24 ? '开工' : '投产') : r.weighted([['签约', 42], ['开工', 35], ['投产', 23]] as const));
  }
  for (let i = 0; i < nNew; i++) {
    batches.push(isTie ? (i === 0 ? '开工' : '投产') : r.weighted([['签约', 50], ['开工', 35], ['投产', 15]] as const));
  }

  const place = shortPlace(u);
  const usedNames = new Set<string>();
  const projects: Project[] = batches.map((batch, i) => {
    const phase = i < nBase ? pickPhase(r) : NEW_PHASE_OCT;
    const ind = r.weighted(INDUSTRIES.map((x) => [x, x.weight] as const));
    let name = projectName(r, ind, place);
    for (let k = 0; k < 20 && usedNames.has(name); k++) name = projectName(r, ind, place);
    if (usedNames.has(name)) name = `${name}（二期）`;
    usedNames.add(name);

    const ev = phaseEventDay(phase);
    let plan: Project['plan'];
    if (batch === '签约') {
      const signed = ev - r.int(0, 3);
      const landed = signed + r.int(20, 180);
      const start = landed + r.int(30, 240);
      plan = { signed, landed, start, production: start + r.int(180, 540) };
    } else if (batch === '开工') {
      const signed = ev - r.int(60, 540);
      const start = ev - r.int(0, 10);
      plan = { signed, landed: Math.min(start - 5, signed + r.int(15, 90)), start, production: start + r.int(240, 720) };
    } else {
      const signed = ev - r.int(400, 1100);
      const landed = signed + r.int(15, 90);
      plan = { signed, landed, start: landed + r.int(30, 120), production: ev - r.int(0, 10) };
    }

    const total = totalInvestment(r, ind);
    return {
      unitCode: u.code,
      code: '',
      name,
      industry: ind.name,
      batch,
      phase,
      leader: r.pick(leaders),
      total,
      annualPlan: 0,
      sep: null,
      oct: {
        status: octStatus(r, batch, phase, eff),
        ytd: 0,
        month: 0,
        progress: '',
        problems: null,
      },
      dates: { signed: plan.signed, landed: null, start: null, production: null },
      plan,
    };
  });

  return { unit: u, quantum, projects, eff, investRate };
}

// ---------------------------------------------------------------------------------------
// Step B: the tie between two single-unit cities on 签约落地率 (October)

function makeTie(a: UnitLedger, b: UnitLedger): void {
  const landed = (l: UnitLedger) =>
    l.projects.filter((p) => p.batch === '签约' && p.oct && statusLevel(p.oct.status) >= 1).length;
  const signedCount = (l: UnitLedger) => l.projects.filter((p) => p.batch === '签约').length;
  if (signedCount(a) !== signedCount(b)) throw new Error('tie units must have equal 签约 counts');
  for (let guard = 0; guard < 50 && landed(a) !== landed(b); guard++) {
    const [lo, hi] = landed(a) < landed(b) ? [a, b] : [b, a];
    const promote = lo.projects.find((p) => p.batch === '签约' && p.oct?.status === '已签约' && p.phase !== NEW_PHASE_OCT);
    if (promote?.oct) {
      promote.oct.status = '已落地';
      continue;
    }
    const demote = hi.projects.find((p) => p.batch === '签约' && p.oct?.status === '已落地' && p.phase !== NEW_PHASE_OCT);
    if (demote?.oct) demote.oct.status = '已签约';
    else break;
  }
}

// ---------------------------------------------------------------------------------------
// Step C: September statuses, money, dates, texts, codes

function sepStatus(r: Rng, p: Project): Status {
  const oct = p.oct!.status;
  if (oct === '已终止') return r.chance(0.8) ? '已终止' : r.pick(['已签约', '已签约', '已落地'] as const);
  const lvl = statusLevel(oct);
  const min = MIN_LEVEL[p.batch];
  const pMove = p.batch === '签约' ? 0.08 : 0.05;
  let down = 0;
  if (r.chance(pMove)) down = r.chance(0.1) ? 2 : 1;
  return BY_LEVEL[Math.max(min, lvl - down)];
}

function planShare(r: Rng, s: Status): number {
  switch (s) {
    case '已签约':
      return r.float(0.03, 0.15);
    case '已落地':
      return r.float(0.08, 0.3);
    case '已开工':
      return r.float(0.2, 0.5);
    case '已投产':
      return r.float(0.1, 0.35);
    case '已达效':
      return r.float(0.03, 0.12);
    case '已终止':
      return r.float(0.02, 0.1);
  }
}

function completionFactor(r: Rng, s: Status, rate: number): number {
  switch (s) {
    case '已终止':
      return 0;
    case '已签约':
      return r.chance(0.6) ? 0 : rate * r.float(0.05, 0.4);
    case '已落地':
      return rate * r.float(0.3, 1.0);
    default:
      return Math.min(1.3, Math.max(0.1, rate * Math.exp(r.normal(0, 0.2))));
  }
}

function pickProgress(r: Rng, s: Status): string {
  return r.pick(PROGRESS[s])(r);
}

/** Fit the planned milestone dates to the statuses: reached in September → by 09-30; first reached in October → in October. */
function fitDates(r: Rng, p: Project): void {
  const sepLvl = p.sep ? statusLevel(p.sep.status) : -2;
  const octLvl = p.oct ? statusLevel(p.oct.status) : -2;
  const reachedLvl = Math.max(sepLvl, octLvl);
  const keys = ['landed', 'start', 'production'] as const;
  let prev = p.plan.signed;
  if (p.sep && prev > SEP_END) prev = SEP_END - r.int(0, 20);
  p.dates.signed = prev;
  keys.forEach((k, i) => {
    const lvl = i + 1;
    if (reachedLvl < lvl) {
      p.dates[k] = null;
      return;
    }
    const inSep = sepLvl >= lvl;
    let d = p.plan[k];
    if (inSep) {
      if (d > SEP_END) d = SEP_END - r.int(0, 45);
    } else {
      if (d > OCT_END || d < OCT_START) d = OCT_START + r.int(0, 27);
    }
    d = Math.max(d, prev);
    if (inSep && d > SEP_END) d = SEP_END;
    p.dates[k] = d;
    prev = d;
  });
}

function projectCode(r: Rng, p: Project, unitCode: string, serials: Set<string>): string {
  const anchor = p.batch === '签约' ? p.dates.signed : p.dates.landed ?? p.dates.signed;
  const { y, m } = ymd(anchor);
  let mi = monthIndex(y, m) + (p.batch === '签约' ? r.int(0, 1) : -r.int(0, 2));
  const cap = p.sep ? monthIndex(2026, 9) : monthIndex(2026, 10);
  mi = Math.min(mi, cap);
  const ym = fromMonthIndex(mi);
  const yymm = `${String(ym.y % 100).padStart(2, '0')}${String(ym.m).padStart(2, '0')}`;
  const dd = r.pick(INDUSTRIES.find((x) => x.name === p.industry)?.codes ?? ['35']);
  const pp = r.weighted([['03', 80], ['02', 15], ['01', 5]] as const);
  let serial = '';
  do serial = String(r.int(100000, 999999));
  while (serials.has(serial));
  serials.add(serial);
  return `${yymm}-${unitCode}-${dd}-${pp}-${serial}`;
}

function finish(l: UnitLedger): void {
  const r = Rng.for(`finish:${l.unit.code}`);
  const q = l.quantum;
  const serials = new Set<string>();
  for (const p of l.projects) {
    const oct = p.oct!;
    // September
    if (p.phase !== NEW_PHASE_OCT) {
      p.sep = { status: sepStatus(r, p), ytd: 0, month: 0, progress: '', problems: null };
    }
    // money
    const plan = Math.max(1000, p.total * planShare(r, oct.status));
    p.annualPlan = Math.min(p.total, plan >= 10_000 ? roundTo(plan, 100) : roundTo(plan, 10));
    oct.ytd = roundTo(p.annualPlan * completionFactor(r, oct.status, l.investRate), q);
    if (p.sep) {
      const justStarted = statusLevel(p.sep.status) < 2 && statusLevel(oct.status) >= 2;
      const m1 = r.chance(0.1) ? 0 : justStarted ? r.float(0.3, 0.8) : r.float(0.05, 0.16);
      oct.month = roundTo(oct.ytd * m1, q);
      p.sep.ytd = oct.ytd - oct.month;
      const m2 = r.chance(0.1) ? 0 : r.float(0.05, 0.17);
      p.sep.month = roundTo(p.sep.ytd * m2, q);
    } else {
      oct.month = p.batch === '开工' ? roundTo(oct.ytd * r.float(0.5, 1), q) : roundTo(oct.ytd * r.float(0.06, 0.16), q);
    }
    // dates, code
    fitDates(r, p);
    p.code = projectCode(r, p, l.unit.code, serials);
    // texts
    oct.progress = pickProgress(r, oct.status);
    const problemFor = (s: Status) =>
      statusLevel(s) >= 0 && statusLevel(s) <= 2 && r.chance(0.25) ? r.pick(PROBLEMS) : null;
    oct.problems = problemFor(oct.status);
    if (p.sep) {
      const same = p.sep.status === oct.status;
      p.sep.progress = same && r.chance(0.7) ? oct.progress : pickProgress(r, p.sep.status);
      p.sep.problems = same ? (oct.problems ?? (r.chance(0.15) ? problemFor(p.sep.status) : null)) : problemFor(p.sep.status);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Special cases applied on the finished ledger

function applySpecials(byCode: Map<string, UnitLedger>): string[] {
  const notes: string[] = [];
  const q = (code: string) => byCode.get(code)!;
  const old = (p: Project) => p.phase !== NEW_PHASE_OCT && p.sep && p.oct;

  {
    // Q1: a 签约 project shown 已开工 in September, 已落地 in October (the clerk corrected it).
    const l = q(SPECIAL.statusDown);
    const p =
      l.projects.find((x) => old(x) && x.batch === '签约' && x.oct!.status === '已落地') ??
      l.projects.find((x) => old(x) && x.batch === '签约' && x.oct!.status !== '已终止')!;
    p.oct!.status = '已落地';
    p.oct!.progress = '已注册，正在办理规划许可';
    p.sep!.status = '已开工';
    p.sep!.progress = '基础施工阶段';
    const landed = Math.min(p.dates.landed ?? p.dates.signed + 30, SEP_END - 40);
    p.dates.landed = Math.max(landed, p.dates.signed);
    p.dates.start = SEP_END - 12;
    p.dates.production = null;
    notes.push(`Q1 status down: ${l.unit.code} ${l.unit.name} ${p.code} 已开工 (2026-09) → 已落地 (2026-10)`);
  }
  {
    // Q3: a small 开工 project over its budget: ytd(10) > total, ytd(9) still below.
    const l = q(SPECIAL.ytdOverTotal);
    const cands = l.projects.filter((x) => old(x) && x.batch === '开工' && x.oct!.status === '已开工');
    const p = cands.sort((a, b) => a.total - b.total)[0];
    const t = p.total;
    p.annualPlan = t;
    p.oct!.ytd = roundTo(t * 1.08, 10);
    p.oct!.month = roundTo(t * 0.12, 10);
    p.sep!.ytd = p.oct!.ytd - p.oct!.month;
    p.sep!.month = roundTo(t * 0.1, 10);
    p.sep!.status = '已开工';
    p.sep!.progress = '主体完工，设备安装调试中';
    p.oct!.progress = '设备安装调试中，计划年底试生产';
    p.oct!.problems = '超概算，正在办理概算调整';
    notes.push(`Q3 ytd > total: ${l.unit.code} ${l.unit.name} ${p.code} total ${t / 10} 万元, ytd(2026-10) ${p.oct!.ytd / 10} 万元`);
  }
  {
    // Q7: a project code with a digit missing in its serial (both months).
    const l = q(SPECIAL.badCodeFormat);
    const p = l.projects.find((x) => old(x))!;
    p.code = p.code.slice(0, -6) + p.code.slice(-5);
    notes.push(`Q7 code format: ${l.unit.code} ${l.unit.name} ${p.code}`);
  }
  {
    // Q6: a project of 2026-09 missing in 2026-10, not terminated.
    const l = q(SPECIAL.dropped);
    const p = l.projects.find((x) => old(x) && x.oct!.status !== '已终止' && x.batch === '开工')!;
    p.oct = null;
    notes.push(`Q6 dropped: ${l.unit.code} ${l.unit.name} ${p.code} (${p.sep!.status} in 2026-09, absent in 2026-10)`);
  }
  return notes;
}

// ---------------------------------------------------------------------------------------

export interface Ledger {
  units: UnitLedger[];
  /** Human-readable notes on the deliberate findings. */
  notes: string[];
}

export function buildLedger(): Ledger {
  const units = REPORTING_UNITS.map((u) => skeleton(u));
  const byCode = new Map(units.map((l) => [l.unit.code, l]));
  makeTie(byCode.get(SPECIAL.tie[0])!, byCode.get(SPECIAL.tie[1])!);
  for (const l of units) finish(l);
  const notes = applySpecials(byCode);
  return { units, notes };
}

/** The view of a project in a month, or null when it is not on that month's ledger. */
export function viewOf(p: Project, month: MonthKey): MonthView | null {
  return month === '2026-09' ? p.sep : p.oct;
}

/** Whether a unit's file for a month is absent. */
export function isMissing(unitCode: string, month: MonthKey): boolean {
  const list: readonly string[] = month === '2026-09' ? SPECIAL.missingSep : SPECIAL.missingOct;
  return list.includes(unitCode);
}

/** Whether a unit's file for a month is the deliberately bad one. */
export function isBad(unitCode: string, month: MonthKey): boolean {
  return month === '2026-10' && unitCode === SPECIAL.badOct;
}
