/**
 * 年度考评 end to end on the embedded servers: three small months uploaded and computed as
 * `tb run` does, then `tb evaluate`'s path (evaluateLocal: the store reopened, the months'
 * rates.json and curated ledgers read, the PDF printed by Chromium). evaluation.json is checked
 * against a recomputation here from the rows uploaded (not from core/evaluation), the PDF by its
 * text, and the command by its output.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateLocal } from '../../cli/commands/evaluate-run';
import { LocalPipeline } from '../../cli/local/runtime';
import { setLogSink } from '../../functions/adapters/log';
import type { EvaluationDoc } from '../../functions/core/evaluation/evaluation-types';
import { parseConfig } from '../../functions/core/shared/config';
import { objectKeys } from '../../functions/core/shared/storage-keys';
import type { EvaluateResult } from '../../functions/evaluate/evaluate-year';
import { runTb } from '../helpers/cli';
import { CANONICAL_HEADER, xlsx } from '../helpers/files';
import { pdfPages } from '../helpers/pdf-text';

setLogSink(() => {});

type Spec = [batch: '签约' | '开工' | '投产', status: string, industry: string | null];

// What each unit hands in, month by month (April–December: nothing computed).
const LEDGERS: Record<string, Record<string, Spec[]>> = {
  '2026-01': {
    '411102': [['签约', '已开工', '先进制造业'], ['签约', '已签约', '商贸物流'], ['开工', '已投产', '战略性新兴产业'], ['投产', '已达效', null]],
    '411103': [['签约', '已落地', null], ['签约', '已落地', '两新一重'], ['开工', '已开工', null]],
  },
  '2026-02': {
    '411102': [['签约', '已开工', '先进制造业'], ['签约', '已落地', '商贸物流'], ['开工', '已投产', '战略性新兴产业'], ['投产', '已达效', null]],
  },
  '2026-03': {
    '411102': [['签约', '已开工', '先进制造业'], ['签约', '已落地', '商贸物流'], ['开工', '已投产', '战略性新兴产业'], ['投产', '已达效', null], ['投产', '已投产', '“两新一重”']],
    '411103': [['签约', '已开工', null], ['签约', '已落地', '两新一重'], ['开工', '已投产', null]],
    '410102': [['签约', '已开工', '先进制造业']],
  },
};
const MONTHS = Object.keys(LEDGERS);

function table(unit: string, specs: Spec[]) {
  return [
    [...CANONICAL_HEADER, '产业类别'],
    ...specs.map(([batch, status, industry], i) => [`2601-${unit}-04-01-${String(i + 1).padStart(6, '0')}`, `考评测试项目${i + 1}`, batch, 1, status, 10000, 1000, 500, 50, industry]),
  ];
}

// ── the recomputation: the rule of docs/metrics.md (年度考评), written again from the rows ──
const LEVEL = ['已签约', '已落地', '已开工', '已投产', '已达效'];
const atLeast = (s: string, min: string) => LEVEL.indexOf(s) >= LEVEL.indexOf(min);
const weight = (industry: string | null) => (industry && /先进制造|战略性新兴产业|两新一重/.test(industry) ? 1.5 : 1);
type Rates = { sl: number | null; st: number | null; pr: number | null; ef: number | null };

function monthRates(specs: Spec[]): Rates {
  const sum = (f: (s: Spec) => boolean) => specs.filter(f).reduce((a, s) => a + weight(s[2]), 0);
  const q = (n: number, d: number) => (d === 0 ? null : n / d);
  const signed = sum((s) => s[0] === '签约');
  return {
    sl: q(sum((s) => s[0] === '签约' && atLeast(s[1], '已落地')), signed),
    st: q(sum((s) => s[0] === '签约' && atLeast(s[1], '已开工')), signed),
    pr: q(sum((s) => s[0] === '开工' && atLeast(s[1], '已投产')), sum((s) => s[0] === '开工')),
    ef: q(sum((s) => s[0] === '投产' && s[1] === '已达效'), sum((s) => s[0] === '投产')),
  };
}

/** Zero rule: an unreported month is 0 for each rate the unit had in a reported month. */
function expected(units: string[]): { rates: Rates; score: number | null; reported: number } {
  const months = MONTHS.map((m) => {
    const specs = units.flatMap((u) => LEDGERS[m][u] ?? []);
    const reported = units.some((u) => LEDGERS[m][u]);
    return { reported, rates: reported ? monthRates(specs) : null };
  });
  const rates = {} as Rates;
  for (const k of ['sl', 'st', 'pr', 'ef'] as const) {
    const had = months.some((m) => m.rates && m.rates[k] !== null);
    const values = months.flatMap((m) => (m.rates ? (m.rates[k] === null ? [] : [m.rates[k]!]) : had ? [0] : []));
    rates[k] = values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
  }
  const w = { sl: 30, st: 30, pr: 20, ef: 20 };
  let num = 0;
  let den = 0;
  for (const k of ['sl', 'st', 'pr', 'ef'] as const) if (rates[k] !== null) ((num += w[k] * rates[k]!), (den += w[k]));
  return { rates, score: den ? (100 * num) / den : null, reported: months.filter((m) => m.reported).length };
}

const printed = (x: number) => (Math.round(x * 10 + 1e-9) / 10).toFixed(1);

describe('tb evaluate on the embedded servers', () => {
  let root: string;
  let dataDir: string;
  let result: EvaluateResult;
  let lines: string[];
  const config = parseConfig({});

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'tb-evaluate-'));
    dataDir = join(root, 'store');
    const p = await LocalPipeline.start({ dataDir, config });
    for (const month of MONTHS) {
      for (const [unit, specs] of Object.entries(LEDGERS[month])) await p.upload(objectKeys.upload(month, unit, `${unit}.xlsx`), await xlsx(table(unit, specs)));
      const { failures } = await p.drain();
      expect(failures).toEqual([]);
      await p.compute({ month });
    }
    await p.close();
    lines = [];
    result = await evaluateLocal({ year: 2026, config, dataDir, out: join(root, 'out'), log: (l) => lines.push(l) });
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('uses the three computed months, skips the nine others and says so', () => {
    expect(result.monthsUsed).toEqual(MONTHS);
    expect(result.skippedMonths.map((s) => s.month)).toEqual(['04', '05', '06', '07', '08', '09', '10', '11', '12'].map((m) => `2026-${m}`));
    expect(result.skippedMonths.every((s) => s.reason === '尚未计算')).toBe(true);
    const out = lines.join('\n');
    expect(out).toContain('2026年1月：已读取（2 个单位报送，草稿）');
    expect(out).toContain('2026年4月：跳过（尚未计算）');
    expect(out).toContain('计入 3 个月（2026年1月、2026年2月、2026年3月），跳过 9 个月');
  });

  it('evaluation.json agrees with a recomputation from the rows, for units and cities', () => {
    const doc = JSON.parse(readFileSync(join(root, 'out', 'evaluation', '2026', 'evaluation.json'), 'utf8')) as EvaluationDoc;
    expect(doc.schemaVersion).toBe(1);
    expect(doc.year).toBe(2026);
    expect(doc.units).toHaveLength(158);
    expect(doc.cities).toHaveLength(19);
    // key projects on the province's ledger: 3 in January (先进制造, 战略性新兴, 两新一重), 2 in February, 5 in March
    expect(doc.months.map((m) => m.keyProjects)).toEqual([3, 2, 5]);
    const check = (entry: EvaluationDoc['units'][number], units: string[]) => {
      const e = expected(units);
      expect(entry.monthsReported).toBe(e.reported);
      const got = { sl: entry.rates.signingLanding, st: entry.rates.start, pr: entry.rates.production, ef: entry.rates.efficiency };
      for (const k of ['sl', 'st', 'pr', 'ef'] as const) {
        if (e.rates[k] === null) expect(got[k]).toBeNull();
        else expect(got[k]).toBeCloseTo(e.rates[k]!, 12);
      }
      expect(entry.score).toBeCloseTo(e.score!, 9);
    };
    const unit = (code: string) => doc.units.find((u) => u.code === code)!;
    const city = (code: string) => doc.cities.find((u) => u.code === code)!;
    check(unit('411102'), ['411102']);
    check(unit('411103'), ['411103']);
    check(unit('410102'), ['410102']);
    check(city('411100'), ['411102', '411103']);
    check(city('410100'), ['410102']);
    // 郑州: March only, so January and February count 0: 签约落地率 and 开工率 1/3, score 33.3
    expect(city('410100').score).toBeCloseTo(100 / 3, 9);
    // ranks: by score, highest first; the units that never reported share the last rank with 0
    const scored = ['411102', '411103', '410102'].map((c) => ({ c, s: expected([c]).score! })).sort((a, b) => b.s - a.s);
    expect(scored.map(({ c }) => unit(c).rank)).toEqual([1, 2, 3]);
    expect(unit('411104').score).toBe(0);
    expect(unit('411104').rank).toBe(4);
    expect(city('411100').rank).toBe(1);
    expect(city('410100').rank).toBe(2);
    expect(city('419001').rank).toBe(3);
  });

  it('stores evaluation.json, the PDF and its HTML in the reports bucket under reports/evaluation/2026/; the history loader reads the months', async () => {
    expect(result.keys).toEqual({
      json: 'reports/evaluation/2026/evaluation.json',
      pdf: 'reports/evaluation/2026/evaluation-2026.pdf',
      html: 'reports/evaluation/2026/evaluation-2026.html',
    });
    const p = await LocalPipeline.start({ dataDir, config, fresh: false });
    try {
      const stored = await p.store.getJson<EvaluationDoc>(p.servers.buckets.reports, result.keys.json);
      expect(stored).toEqual(result.doc);
      const pdf = await p.store.getBytes(p.servers.buckets.reports, result.keys.pdf);
      expect(pdf.byteLength).toBe(result.pdfBytes);
    } finally {
      await p.close();
    }
  });

  it('the PDF reads as a 通报: masthead, the rule, both ranked tables with the scores, the chart', async () => {
    const pdf = readFileSync(join(root, 'out', 'evaluation', '2026', 'evaluation-2026.pdf'));
    // Text items of the PDF come with or without the spaces around figures: compared without any.
    const text = (await pdfPages(pdf)).join('').replace(/\s+/g, '');
    const has = (s: string): void => expect(text).toContain(s.replace(/\s+/g, ''));
    has('“三个一批”项目建设年度考评通报');
    has('2026年度全省“三个一批”项目建设考评结果');
    has('按 1.5 倍计入各项指标的分子和分母');
    has('加权平均后乘以 100');
    has('表1　2026年度各省辖市（示范区）考评得分及排名');
    has('表2　2026年度各县（市、区）考评得分及排名');
    has('图1　2026年度各省辖市（示范区）考评得分');
    has('以下月份未计入：2026年4—12月（尚未计算）。');
    const luohe = printed(expected(['411102', '411103']).score!);
    // the cities that never reported share rank 3 at 0.0 and are not named as leaders
    has(`省辖市（示范区）年度得分居前 2 位的是漯河（${luohe}分）、郑州（33.3分）。`);
    // a row of 表2: rank, name, city, months reported, the four weighted rates, the score
    const e = expected(['411102']);
    const row = ['1', '源汇区', '漯河', '3/3', ...(['sl', 'st', 'pr', 'ef'] as const).map((k) => `${printed(e.rates[k]! * 100)}%`), printed(e.score!)].join('');
    has(row);
    const html = readFileSync(join(root, 'out', 'evaluation', '2026', 'evaluation-2026.html'), 'utf8');
    expect(html).toContain('<svg role="img" aria-label="2026年度各省辖市（示范区）考评得分"');
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('as a command: tb evaluate --year prints its progress and where the files are; a bad year changes nothing', async () => {
    const out = join(root, 'out-cli');
    const { stdout } = await runTb(['evaluate', '--year', '2026', '--data-dir', root, '--out', out], root);
    expect(stdout).toContain('== 2026年度考评 ==');
    expect(stdout).toContain('2026年3月：已读取（3 个单位报送，草稿）');
    expect(stdout).toContain(`考评通报 PDF：${join(out, 'evaluation', '2026', 'evaluation-2026.pdf')}`);
    expect(existsSync(join(out, 'evaluation', '2026', 'evaluation.json'))).toBe(true);
    const bad = runTb(['evaluate', '--year', '26', '--data-dir', root, '--out', join(root, 'out-bad')], root);
    await expect(bad).rejects.toMatchObject({ stderr: expect.stringContaining('年份应为四位数字（如 2026）：26') });
    expect(existsSync(join(root, 'out-bad'))).toBe(false);
  });
});
