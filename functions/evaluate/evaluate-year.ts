/**
 * The year's evaluation as a use case (`tb evaluate --year`, the report function's
 * `{evaluate: {year}}`): reads each month's rates.json (and, when key projects weigh more, the
 * month's curated ledger copy), scores the year (core/evaluation), and stores evaluation.json,
 * the PDF and its HTML under reports/evaluation/{year}/. Months without a computed rates.json
 * are skipped and said so.
 */
import { readCuratedMonth } from '../adapters/columnar/curated-month-reader';
import { logEvent } from '../adapters/log';
import { evaluateYear, type EvaluationMonthInput } from '../core/evaluation/evaluate-year';
import type { EvaluationDoc, SkippedMonth } from '../core/evaluation/evaluation-types';
import { type EvaluationModel, evaluationModel } from '../core/evaluation/evaluation-view';
import { keyFiguresOf, ledgerMismatch } from '../core/evaluation/key-industry';
import type { RatesDoc } from '../core/metrics/rates-types';
import type { ObjectStore, PdfRenderer } from '../core/ports';
import type { Config } from '../core/shared/config';
import { formatMonth, monthLabel, reportingMonth } from '../core/shared/months';
import { shanghaiDate } from '../core/shared/shanghai-time';
import { objectKeys } from '../core/shared/storage-keys';

export interface EvaluateDeps {
  store: ObjectStore;
  reportsBucket: string;
  curatedBucket: string;
  config: Config;
  evaluationHtml: (model: EvaluationModel) => Promise<string>;
  withRenderer: <T>(fn: (renderer: PdfRenderer) => Promise<T>) => Promise<T>;
  now: () => Date;
  /** Progress for people (the CLI prints it). */
  progress?: (line: string) => void;
}

/** `{ evaluate: { year } }`; without a year, the year of the month before now (January: last year). */
export interface EvaluateEvent {
  evaluate: { year?: number; scheduledTime?: string };
}

export function isEvaluateEvent(e: unknown): e is EvaluateEvent {
  return typeof e === 'object' && e !== null && typeof (e as EvaluateEvent).evaluate === 'object' && (e as EvaluateEvent).evaluate !== null;
}

export class EvaluateInputError extends Error {
  override name = 'EvaluateInputError';
}

export interface EvaluateResult {
  year: number;
  monthsUsed: string[];
  skippedMonths: SkippedMonth[];
  keys: { json: string; pdf: string; html: string };
  pdfBytes: number;
  doc: EvaluationDoc;
  pdf: Uint8Array;
  html: string;
}

/** The year an event names: its own, else the year of the reporting month at `scheduledTime` or now. */
export function yearOf(event: EvaluateEvent, now: Date): number {
  const y = event.evaluate.year;
  if (y !== undefined) {
    if (!Number.isInteger(y) || y < 2000 || y > 2100) throw new EvaluateInputError(`年份应为 2000—2100 之间的整数：${String(y)}`);
    return y;
  }
  const at = event.evaluate.scheduledTime ? new Date(event.evaluate.scheduledTime) : now;
  if (Number.isNaN(at.getTime())) throw new EvaluateInputError(`scheduledTime 不是有效时间：${event.evaluate.scheduledTime}`);
  return Number(reportingMonth(at).slice(0, 4));
}

async function readMonth(deps: EvaluateDeps, month: string): Promise<EvaluationMonthInput | SkippedMonth> {
  const key = objectKeys.rates(month);
  if (!(await deps.store.exists(deps.reportsBucket, key))) return { month, reason: '尚未计算' };
  const doc = await deps.store.getJson<RatesDoc>(deps.reportsBucket, key);
  const { keywords, extraWeight } = deps.config.evaluation.keyIndustries;
  if (!(extraWeight > 0)) return { doc, key: null };
  const ledger = await readCuratedMonth(deps.store, deps.curatedBucket, month);
  if (!ledger) return { month, reason: '缺少该月台账副本，无法计算重点领域项目' };
  const mismatch = ledgerMismatch(doc, ledger);
  if (mismatch) return { month, reason: mismatch };
  return { doc, key: keyFiguresOf(ledger, keywords, doc.config.landingCriterion) };
}

export function createEvaluate(deps: EvaluateDeps) {
  const say = deps.progress ?? (() => {});
  return async (event: EvaluateEvent): Promise<EvaluateResult> => {
    const year = yearOf(event, deps.now());
    const used: EvaluationMonthInput[] = [];
    const skipped: SkippedMonth[] = [];
    for (let m = 1; m <= 12; m++) {
      const month = formatMonth(year, m);
      const r = await readMonth(deps, month);
      if ('doc' in r) {
        used.push(r);
        const reported = r.doc.units.filter((u) => u.level === 'county' && u.reported).length;
        say(`  ${monthLabel(month)}：已读取（${reported} 个单位报送${r.doc.version ? `，第 ${r.doc.version} 版` : '，草稿'}）`);
      } else {
        skipped.push(r);
        say(`  ${monthLabel(month)}：跳过（${r.reason}）`);
      }
    }
    const doc = evaluateYear({ year, months: used, skippedMonths: skipped, config: deps.config, generatedAt: deps.now().toISOString() });
    const model = evaluationModel(doc, deps.config, shanghaiDate(deps.now()));
    const html = await deps.evaluationHtml(model);
    say(`  生成 PDF…`);
    const pdf = await deps.withRenderer((r) => r.render(html));
    const keys = objectKeys.evaluation(year);
    await deps.store.put(deps.reportsBucket, keys.json, JSON.stringify(doc, null, 2), 'application/json; charset=utf-8');
    await deps.store.put(deps.reportsBucket, keys.html, html, 'text/html; charset=utf-8');
    await deps.store.put(deps.reportsBucket, keys.pdf, pdf, 'application/pdf');
    logEvent('evaluated', { year, months: used.length, skipped: skipped.length, keys });
    return { year, monthsUsed: used.map((m) => m.doc.month), skippedMonths: skipped, keys, pdfBytes: pdf.byteLength, doc, pdf, html };
  };
}

/** What the function answers (a Lambda response is capped at 6 MB: no PDF, no document, only where they are). */
export interface EvaluateSummary {
  year: number;
  monthsUsed: string[];
  skippedMonths: SkippedMonth[];
  keys: EvaluateResult['keys'];
  pdfBytes: number;
}

export function evaluateSummary(r: EvaluateResult): EvaluateSummary {
  return { year: r.year, monthsUsed: r.monthsUsed, skippedMonths: r.skippedMonths, keys: r.keys, pdfBytes: r.pdfBytes };
}
