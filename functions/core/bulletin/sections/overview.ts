/**
 * 一、总体情况: the edition's unit (全省, or the city) in numbers. The batch table, the main-indicator
 * table (a city's against the province), the paragraphs of counts and rates, and the province's
 * 期次 cohorts. Pure.
 */
import {
  DASH,
  cnNumber,
  formatChangePhrase,
  formatCount,
  formatGap,
  formatRate,
  formatRateDiff,
  formatYi,
} from '../format';
import type { Batch } from '../../ledger/ledger-row';
import { NO_BASE, PROSE_METRIC, ratesList, sentence } from '../prose';
import { COUNT_RATES, previousRate, rateCell, rateColumns } from '../cells';
import { RATE_KEYS, RATE_NAMES, type RateKey, type RateMap, type RatesDoc, type UnitResult } from '../../metrics/rates-types';
import type { BatchRow, BulletinModel, IndicatorRow } from '../view-model';

type Overview = BulletinModel['overview'];

const BATCH_LABEL: Record<Batch, string> = { 签约: '“签约一批”', 开工: '“开工一批”', 投产: '“投产一批”' };

/**
 * The section: the paragraphs the edition wrote, the batch table of its unit (`who`: 全省 /
 * 郑州市), its main indicators, and the 期次 table (province) or none.
 */
export function overviewSection(o: {
  label: string;
  who: string;
  unit: UnitResult;
  paragraphs: string[];
  indicatorTable: Omit<Overview['indicatorTable'], 'number'>;
  phaseTable: Overview['phaseTable'];
}): Overview {
  const t = o.indicatorTable;
  return {
    paragraphs: o.paragraphs,
    batchTable: { number: '', caption: `${o.label}${o.who}“三个一批”项目分批次情况`, rows: batchTable(o.unit), note: '金额单位：亿元。' },
    indicatorTable: { number: '', caption: t.caption, unitHeader: t.unitHeader, compare: t.compare, rows: t.rows, note: t.note },
    phaseTable: o.phaseTable,
  };
}

/** The batch table: projects and money per batch, 合计 last. Money is "—" for a rates.json without `byBatch`. */
export function batchTable(unit: UnitResult): BatchRow[] {
  const breakdown = unit.byBatch;
  const counts: Record<Batch, number> = { 签约: unit.counts.signed, 开工: unit.counts.startBatch, 投产: unit.counts.productionBatch };
  const rows: BatchRow[] = (['签约', '开工', '投产'] as const).map((b) => {
    const f = breakdown ? breakdown[b] : null;
    return {
      name: BATCH_LABEL[b],
      projects: formatCount(counts[b]),
      total: f ? formatYi(f.total) : DASH,
      annualPlan: f ? formatYi(f.annualPlan) : DASH,
      ytdCompleted: f ? formatYi(f.ytdCompleted) : DASH,
      completion: f ? formatRate(f.annualPlan > 0 ? f.ytdCompleted / f.annualPlan : null) : DASH,
      isTotal: false,
    };
  });
  rows.push({
    name: '合计',
    projects: formatCount(unit.counts.projects),
    total: formatYi(unit.investment.total),
    annualPlan: formatYi(unit.investment.annualPlan),
    ytdCompleted: formatYi(unit.investment.ytdCompleted),
    completion: formatRate(unit.rates.investmentCompletion),
    isTotal: true,
  });
  return rows;
}

/**
 * "截至2026年10月底，全省“三个一批”台账共有项目 3586 个，总投资 16505.63 亿元。其中，“签约一批”项目
 * 1494 个、总投资 … 亿元，……；已终止项目 40 个（计入各项比率的分母）。全年计划投资 … 亿元，本年累计完成
 * 投资 … 亿元。"
 */
export function countsParagraph(label: string, who: string, unit: UnitResult): string {
  const c = unit.counts;
  const money = unit.byBatch;
  const batch = (b: Batch, n: number) => `${BATCH_LABEL[b]}项目 ${formatCount(n)} 个${money ? `、总投资 ${formatYi(money[b].total)} 亿元` : ''}`;
  const terminated = c.terminated > 0 ? `；已终止项目 ${formatCount(c.terminated)} 个（计入各项比率的分母）` : '';
  return (
    `截至${label}底，${who}“三个一批”台账共有项目 ${formatCount(c.projects)} 个，总投资 ${formatYi(unit.investment.total)} 亿元。` +
    `其中，${batch('签约', c.signed)}，${batch('开工', c.startBatch)}，${batch('投产', c.productionBatch)}${terminated}。` +
    `全年计划投资 ${formatYi(unit.investment.annualPlan)} 亿元，本年累计完成投资 ${formatYi(unit.investment.ytdCompleted)} 亿元。`
  );
}

/** "“签约一批”项目开工率 60.0%，与上月持平" or "…暂无数据（暂无签约类项目）". */
export function rateWithChange(unit: UnitResult, key: RateKey, withName = true): string {
  const v = unit.rates[key];
  const name = withName ? PROSE_METRIC[key] : '';
  if (v === null) return `${name}暂无数据${unit.reported ? `（${NO_BASE[key]}）` : ''}`;
  const phrase = formatChangePhrase(unit.change?.[key]);
  const change = phrase === DASH ? '' : phrase === '持平' ? '，与上月持平' : `，较上月${phrase}`;
  return `${name} ${formatRate(v)}${change}`;
}

/** "投资完成率 83.7%，较上月提高 8.2 个百分点，高于时序进度（83.3%）0.4 个百分点". */
export function investmentWithGap(unit: UnitResult, timeProgress: number): string {
  const ic = unit.rates.investmentCompletion;
  if (ic === null) return rateWithChange(unit, 'investmentCompletion');
  const gap = formatGap(ic, timeProgress).replace(/时序进度 ?/, `时序进度（${formatRate(timeProgress)}）`);
  return `${rateWithChange(unit, 'investmentCompletion')}，${gap}`;
}

/** 从主要指标看，全省“签约一批”项目落地率 …；…；投资完成率 …，高于时序进度（83.3%）0.4 个百分点。 */
export function ratesParagraph(who: string, unit: UnitResult, timeProgress: number): string {
  const parts = COUNT_RATES.map((k) => rateWithChange(unit, k));
  parts.push(investmentWithGap(unit, timeProgress));
  return `从主要指标看，${who}${parts.join('；')}。`;
}

/** The main-indicator table's rows; with `compare` (city editions) the province's value, the difference and the 全省位次. */
export function indicatorRows(unit: UnitResult, compare?: { province: UnitResult; rank: RateMap<number | null>; previousRank: RateMap<number | null> | null }): IndicatorRow[] {
  return RATE_KEYS.map((key) => {
    const cell = rateCell(unit, key, compare ? compare.rank[key] : null, compare?.previousRank?.[key] ?? null);
    const provinceValue = compare ? compare.province.rates[key] : null;
    return {
      key,
      name: RATE_NAMES[key],
      value: cell.value,
      previous: previousRate(unit, key),
      change: cell.change,
      gradeLabel: cell.gradeLabel,
      gradeClass: cell.gradeClass,
      province: compare ? formatRate(provinceValue) : '',
      diff: compare ? formatRateDiff(unit.rates[key], provinceValue) : '',
      rank: compare ? cell.rank : '',
      rankMove: compare ? cell.rankMove : '',
      rankMoveClass: compare ? cell.rankMoveClass : '',
    };
  });
}

/** The province's 期次 cohorts: a table and a sentence on the first and the latest phase (none without phases). */
export function phaseSection(doc: RatesDoc): { table: Overview['phaseTable']; paragraph: string } {
  const phases = [...doc.byPhase].sort((a, b) => a.phase - b.phase);
  if (!phases.length) return { table: null, paragraph: '' };
  const names: Record<RateKey, string> = { ...RATE_NAMES, start: '开工率', production: '投产率', efficiency: '达效率' };
  const line = (p: (typeof phases)[number], label: string) => {
    // A phase just listed has nothing started, in production or at capacity yet: "0.0%" three
    // times would read as a failure; it is a beginning.
    const started = p.counts.signedStarted + p.counts.startBatchInProduction + p.counts.productionBatchAtCapacity;
    if (started === 0 && p.counts.projects > 0) return `${label}${formatCount(p.counts.projects)} 个项目刚列入台账，尚未开工、投产`;
    const list = ratesList(p.rates, ['start', 'production', 'efficiency'], names);
    return list ? `${label}“三个一批”项目${list}` : `${label}项目暂无可计算的开工率、投产率、达效率`;
  };
  const first = phases[0];
  const last = phases[phases.length - 1];
  const parts = [line(first, `第${cnNumber(first.phase)}期`)];
  if (last !== first) parts.push(line(last, `最近一期（第${cnNumber(last.phase)}期）`));
  return {
    table: {
      number: '',
      caption: '分期次主要指标',
      columns: rateColumns(),
      rows: phases.map((p) => ({
        phase: `第${p.phase}期`,
        projects: formatCount(p.counts.projects),
        rates: RATE_KEYS.map((k) => ({ key: k, value: formatRate(p.rates[k]) })),
      })),
    },
    paragraph: sentence(parts, `分期次看，全省共有 ${phases.length} 期“三个一批”项目在库。`),
  };
}
