/**
 * The model behind `npm run samples:history`: every reporting unit's campaign ledger simulated
 * month by month over a span of months (e.g. 2025-01 … 2026-12), so that trends, the year's
 * evaluation and the saved queries have a history to read.
 *
 * - A unit's project list persists and grows: it starts with about `projectsPerUnit` projects
 *   of the earlier 期次 (simulated from their own phase month up to the first month, so they
 *   arrive with the statuses and money an older ledger has), and each quarterly 期次 (January,
 *   April, July, October: phase 1 was 2021-10) adds about a tenth of that.
 * - Statuses only move forward, one step at a time, at a unit-specific pace: 签约 projects
 *   已签约 → 已落地 → 已开工 → 已投产 → 已达效 (no production within a year of signing, no 达效
 *   within half a year of production); 开工 ones from 已开工, 投产 ones from 已投产. A few 签约
 *   projects that never started become 已终止 and stay so.
 * - Money is in integer tenths of 万元 (whole 万元 for units that state 亿元), so sums are exact:
 *   每年一月 a new 年度计划投资 and 本年累计完成投资 (1—M月) starting again from the month's work;
 *   本月完成投资 is always 本年累计(M) − 本年累计(M−1), and the cumulative work never exceeds 总投资.
 * - A unit misses a month now and then (about 1 in 40): its file is absent, the ledger carries on.
 *
 * Deterministic: every draw comes from an Rng keyed by the seed and a label naming the unit (and
 * the month where it applies), so the same arguments give the same ledgers, and one unit's data
 * does not depend on which other units are generated. No clock, no I/O.
 */
import { CITIES, type Division } from '../../functions/core/shared/divisions';
import type { Batch, Status } from '../../functions/core/ledger/ledger-row';
import { day, fromMonthIndex, lastDayOfMonth, monthIndex, ymd, type Day } from './dates';
import { YIYUAN_UNITS, type MonthView } from './model';
import { Rng, SAMPLE_SEED } from './prng';
import { BRANDS, GIVEN_NAMES, INDUSTRIES, PROBLEMS, PROGRESS, SURNAMES, leaderTitles } from './vocab';
import type { RowProject } from './writers';

export interface HistoryOptions {
  /** First and last month, 'YYYY-MM'. */
  from: string;
  to: string;
  /** About how many projects a unit's ledger holds at the first month. */
  projectsPerUnit: number;
  seed?: number;
}

export interface HistoryProject extends RowProject {
  /** Month index (y*12+m-1) from which the project is on the ledger. */
  sinceMonth: number;
}

/** A unit's ledger in one month: null when the unit sends nothing that month. */
export interface UnitMonth {
  month: string;
  entries: { p: HistoryProject; v: MonthView }[] | null;
}

export interface UnitHistory {
  unit: Division;
  months: UnitMonth[];
}

const BY_LEVEL: Status[] = ['已签约', '已落地', '已开工', '已投产', '已达效'];
const MIN_LEVEL: Record<Batch, number> = { 签约: 0, 开工: 2, 投产: 3 };

/** The campaign's 期次 are quarterly: phase 1 in 2021-10, so phases start in Jan, Apr, Jul, Oct. */
const PHASE1 = monthIndex(2021, 10);
const phaseOf = (mi: number): number | null => (mi >= PHASE1 && (mi - PHASE1) % 3 === 0 ? (mi - PHASE1) / 3 + 1 : null);
const phaseMonth = (phase: number): number => PHASE1 + 3 * (phase - 1);

export function parseMonthKey(s: string): number {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(s);
  if (!m) throw new Error(`月份“${s}”无效（应为 YYYY-MM，如 2025-01）`);
  return monthIndex(Number(m[1]), Number(m[2]));
}

export function monthKey(mi: number): string {
  const { y, m } = fromMonthIndex(mi);
  return `${y}-${String(m).padStart(2, '0')}`;
}

/** The months of a span, 'YYYY-MM', in order. */
export function monthsOf(from: string, to: string): string[] {
  const a = parseMonthKey(from);
  const b = parseMonthKey(to);
  if (b < a) throw new Error(`结束月份 ${to} 早于开始月份 ${from}`);
  if (a < PHASE1) throw new Error(`开始月份 ${from} 早于第 1 期（2021-10）`);
  return Array.from({ length: b - a + 1 }, (_, i) => monthKey(a + i));
}

/** Internal state of a project while simulating. */
interface Sim {
  p: HistoryProject;
  level: number; // -1 = 已终止
  /** Month index when the current level was reached. */
  levelSince: number;
  pace: number;
  /** Completed investment of earlier years, and this year's so far (tenths of 万元). */
  before: number;
  ytd: number;
  month: number;
  progress: string;
  problems: string | null;
}

const roundTo = (x: number, q: number) => Math.round(x / q) * q;

function dayIn(r: Rng, mi: number, lo = 1, hi = 28): Day {
  const { y, m } = fromMonthIndex(mi);
  return day(y, m, r.int(lo, Math.min(hi, ymd(lastDayOfMonth(y, m)).d)));
}

class UnitSim {
  readonly q: number;
  readonly eff: number;
  readonly investRate: number;
  readonly leaders: string[];
  readonly place: string;
  private readonly serials = new Set<string>();
  private readonly names = new Set<string>();
  readonly sims: Sim[] = [];

  constructor(
    readonly unit: Division,
    readonly seed: number,
    cityEff: number,
  ) {
    const r = Rng.for(`hist:unit:${unit.code}`, seed);
    this.q = YIYUAN_UNITS.has(unit.code) ? 10 : 1;
    this.eff = cityEff + r.normal(0, 0.3) - (r.chance(0.1) ? 0.6 : 0);
    this.investRate = Math.min(1.1, Math.max(0.6, 0.9 + r.normal(0, 0.08)));
    const titles = leaderTitles(unit.name, unit.code);
    this.leaders = Array.from({ length: r.int(4, 7) }, () => `${r.pick(SURNAMES)}${r.pick(GIVEN_NAMES)}（${r.pick(titles)}）`);
    this.place = unit.code === '410173' ? '航空港' : unit.name.replace(/(回族区|区|县|市)$/, '').padEnd(2, unit.name.slice(-1));
  }

  /** A new project of `phase` put on the ledger in month `mi`. */
  add(r: Rng, batch: Batch, phase: number, mi: number): void {
    const ind = r.weighted(INDUSTRIES.map((x) => [x, x.weight] as const));
    let name = '';
    for (let k = 0; k < 20 && (!name || this.names.has(name)); k++) {
      const prefix = r.chance(0.5) ? r.pick(BRANDS) : r.chance(0.6) ? this.place : '';
      name = prefix + r.pick(ind.cores)(r);
    }
    while (this.names.has(name)) name += '（二期）';
    this.names.add(name);
    const w = Math.min(500_000, Math.max(5_000, Math.exp(r.normal(Math.log(ind.typicalTotal), 0.8))));
    const total = (w >= 100_000 ? roundTo(w, 1000) : w >= 20_000 ? roundTo(w, 100) : roundTo(w, 10)) * 10;
    const pm = phaseMonth(phase);
    const ev = dayIn(r, pm, 8, 26);
    const dates: HistoryProject['dates'] = { signed: ev - r.int(0, 3), landed: null, start: null, production: null };
    if (batch === '开工') {
      dates.signed = ev - r.int(60, 540);
      dates.landed = dates.signed + r.int(15, 50);
      dates.start = ev;
    } else if (batch === '投产') {
      dates.signed = ev - r.int(400, 1100);
      dates.landed = dates.signed + r.int(15, 90);
      dates.start = dates.landed + r.int(30, 120);
      dates.production = ev;
    }
    const anchor = ymd(batch === '签约' ? dates.signed : dates.landed!);
    const yymm = `${String(anchor.y % 100).padStart(2, '0')}${String(anchor.m).padStart(2, '0')}`;
    let serial = '';
    do serial = String(r.int(100000, 999999));
    while (this.serials.has(serial));
    this.serials.add(serial);
    const code = `${yymm}-${this.unit.code}-${r.pick(ind.codes)}-${r.weighted([['03', 80], ['02', 15], ['01', 5]] as const)}-${serial}`;
    const level = batch === '签约' && r.chance(0.15) ? 1 : MIN_LEVEL[batch];
    if (level === 1) dates.landed = dates.signed + r.int(0, 3);
    const p: HistoryProject = { code, name, industry: ind.name, batch, phase, leader: r.pick(this.leaders), total, annualPlan: 0, dates, sinceMonth: mi };
    const sim: Sim = { p, level, levelSince: pm, pace: Math.exp(this.eff + r.normal(0, 0.35)), before: 0, ytd: 0, month: 0, progress: '', problems: null };
    this.plan(r, sim);
    this.sims.push(sim);
  }

  /** 年度计划投资 for the year (in January, or when the project arrives). */
  private plan(r: Rng, s: Sim): void {
    const left = s.p.total - s.before;
    if (s.level < 0 || left <= 0) {
      s.p.annualPlan = 0;
      return;
    }
    const share = [r.float(0.05, 0.2), r.float(0.1, 0.3), r.float(0.25, 0.5), r.float(0.1, 0.35), r.float(0.03, 0.12)][Math.max(0, s.level)];
    const plan = Math.min(left, Math.max(1000, s.p.total * share));
    s.p.annualPlan = Math.max(0, plan >= 10_000 ? roundTo(plan, 100) : roundTo(plan, 10));
    if (s.p.annualPlan > left) s.p.annualPlan = Math.max(0, left - (left % 10));
  }

  /** One month of work for every project: status steps, money, texts. */
  step(mi: number, r: Rng): void {
    const mNo = fromMonthIndex(mi).m;
    const floorQ = (x: number) => Math.max(0, x - (x % this.q));
    for (const s of this.sims) {
      const arriving = s.p.sinceMonth === mi;
      if (mNo === 1 && !arriving) {
        // 本年累计 starts again; the year gets a new plan
        s.before += s.ytd;
        s.ytd = 0;
        this.plan(r, s);
      }
      if (!arriving) this.advance(r, s, mi);
      const rate = s.level < 0 ? 0 : s.level === 0 ? (r.chance(0.3) ? 0.6 : 0) : [0, 0.9, 1.1, 1.05, 1][s.level];
      const cap = floorQ(Math.min(s.p.annualPlan * 1.15, s.p.total - s.before));
      if (arriving) {
        // a project put on the ledger mid-year brings its work of the year so far
        const ytd = s.p.annualPlan * this.investRate * rate * (mNo / 12) * r.float(0.3, 0.9);
        s.ytd = Math.min(cap, roundTo(ytd, this.q));
        s.month = mNo === 1 ? s.ytd : Math.min(s.ytd, roundTo(s.ytd * r.float(0.05, 0.3), this.q));
      } else {
        const work = (rate * s.p.annualPlan * this.investRate * Math.exp(r.normal(0, 0.3))) / 12;
        s.month = Math.min(roundTo(work, this.q), floorQ(cap - s.ytd));
        s.ytd += s.month;
      }
      const st: Status = s.level < 0 ? '已终止' : BY_LEVEL[s.level];
      if (!s.progress || r.chance(0.3)) s.progress = r.pick(PROGRESS[st])(r);
      if (s.level >= 0 && s.level <= 2 && r.chance(0.05)) s.problems = s.problems ? null : r.pick(PROBLEMS);
      if (s.level > 2 || s.level < 0) s.problems = null;
    }
  }

  private advance(r: Rng, s: Sim, mi: number): void {
    if (s.level < 0 || s.level >= 4) return;
    const months = mi - s.levelSince;
    if (s.p.batch === '签约' && s.level <= 1 && r.chance(0.0015)) {
      s.level = -1;
      s.levelSince = mi;
      return;
    }
    // hazard of the next step, per month, at an average pace
    const base = [0.1, 0.08, 0.045, 0.06][s.level];
    const sinceSigned = mi - monthIndex(ymd(s.p.dates.signed).y, ymd(s.p.dates.signed).m);
    if (s.level === 2 && s.p.batch === '签约' && sinceSigned < 12) return;
    if (s.level === 2 && months < 6) return;
    if (s.level === 3 && months < 6) return;
    if (!r.chance(Math.min(0.6, base * s.pace))) return;
    s.level++;
    s.levelSince = mi;
    const d = Math.max(dayIn(r, mi), s.p.dates.signed, s.p.dates.landed ?? 0, s.p.dates.start ?? 0);
    if (s.level === 1) s.p.dates.landed = d;
    if (s.level === 2) s.p.dates.start = d;
    if (s.level === 3) s.p.dates.production = d;
  }

  view(s: Sim): MonthView {
    return { status: s.level < 0 ? '已终止' : BY_LEVEL[s.level], ytd: s.ytd, month: s.month, progress: s.progress, problems: s.problems };
  }
}

function cityEffects(seed: number): Map<string, number> {
  const r = Rng.for('hist:city-effects', seed);
  return new Map(CITIES.map((c) => [c.code, r.normal(0, 0.3)]));
}

const pickBatch = (r: Rng): Batch => r.weighted([['签约', 45], ['开工', 35], ['投产', 20]] as const);

/** One unit's ledgers for every month of the span. */
export function unitHistory(unit: Division, o: HistoryOptions): UnitHistory {
  const seed = o.seed ?? SAMPLE_SEED;
  const span = monthsOf(o.from, o.to).map(parseMonthKey);
  const sim = new UnitSim(unit, seed, cityEffects(seed).get(unit.cityCode) ?? 0);
  const r = Rng.for(`hist:projects:${unit.code}`, seed);
  const first = span[0];
  // The ledger before the first month: projects of earlier phases, older phases fewer.
  const lastPhase = Math.floor((first - 1 - PHASE1) / 3) + 1;
  const n0 = Math.max(3, Math.round(o.projectsPerUnit * r.float(0.8, 1.2)));
  const start: { phase: number; batch: Batch }[] = [];
  for (let i = 0; i < n0; i++) {
    const entries: [number, number][] = [];
    for (let p = Math.max(1, lastPhase - 19); p <= lastPhase; p++) entries.push([p, 1 + p / 7]);
    start.push({ phase: r.weighted(entries), batch: pickBatch(r) });
  }
  start.sort((a, b) => a.phase - b.phase);
  const perPhase = () => Math.max(1, Math.round((o.projectsPerUnit / 10) * r.float(0.5, 1.5)));
  // Warm-up: simulate from the oldest phase up to the month before the span (nothing is written).
  const oldest = start.length ? phaseMonth(start[0].phase) : first;
  const months: UnitMonth[] = [];
  let k = 0;
  for (let mi = Math.min(oldest, first); mi <= span[span.length - 1]; mi++) {
    const phase = phaseOf(mi);
    for (; k < start.length && phaseMonth(start[k].phase) === mi; k++) sim.add(r, start[k].batch, start[k].phase, mi);
    if (mi >= first && phase !== null) {
      const n = perPhase();
      for (let i = 0; i < n; i++) sim.add(r, pickBatch(r), phase, mi);
    }
    const mr = Rng.for(`hist:month:${unit.code}:${mi}`, seed);
    sim.step(mi, mr);
    if (mi < first) continue;
    const missing = mi > first && Rng.for(`hist:missing:${unit.code}:${mi}`, seed).chance(0.025);
    months.push({
      month: monthKey(mi),
      // A snapshot: later months change the projects' plans and dates, not this month's rows.
      entries: missing ? null : sim.sims.map((s) => ({ p: { ...s.p, dates: { ...s.p.dates } }, v: sim.view(s) })),
    });
  }
  return { unit, months };
}
