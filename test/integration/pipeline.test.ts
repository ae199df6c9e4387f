import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import PostalMime from 'postal-mime';
import { beforeAll, describe, expect, it } from 'vitest';
import { type MonthSummary, runMonths } from '../../cli/local/run-months';
import { setLogSink } from '../../functions/adapters/log';
import { parseConfig } from '../../functions/core/config';
import type { RatesDoc } from '../../functions/core/rates-types';
import { csvGb18030, xlsx } from '../helpers/files';
import { pdfPages } from '../helpers/pdf-text';

setLogSink(() => {});

const HEADER = ['项目代码', '项目名称', '批次', '期次', '项目状态', '总投资', '年度计划投资', '本年累计完成投资'];
const code = (unit: string, n: number) => `2601-${unit}-04-01-${String(n).padStart(6, '0')}`;

/**
 * A month computed by hand. October, province (411102 + 411103; 411121's file is rejected):
 *   签约 4 (one 已终止): 落地 2 → 50.0%, 开工 1 → 25.0%
 *   投资 Σytd 870 / Σplan 1300 → 66.9%, 低于时序进度 (83.3%) 16.4 个百分点
 *   开工 batch 3: 投产 2 → 66.7%;  投产 batch 2: 达效 1 → 50.0%
 * September: the same, but 411102's first project only 已落地 → 开工率 0.0%, so October's change is +25.0.
 */
function ledger102(octStatus1: string) {
  return [
    HEADER,
    [code('411102', 1), '年产10万吨新型环保材料项目', '签约', 1, octStatus1, 1000, 100, 90],
    [code('411102', 2), '冷链物流中心', '签约', 1, '已落地', 1000, 100, 50],
    [code('411102', 3), '智能装备产业园二期', '签约一批', '第2期', '已签约', 1000, 100, 0],
    [code('411102', 4), '新能源汽车零部件生产线', '开工', 2, '已投产', 2000, 200, 180],
    [code('411102', 5), '<script>alert("x")</script>食品加工园', '投产', 2, '已达效', 1000, 100, 100],
  ];
}
const ledger103 = [
  ['项目编号', '项目名称', '三个一批类别', '活动期次', '进展状态', '计划总投资', '本年计划投资', '1-10月累计完成投资'],
  [code('411103', 1), '文旅小镇', '签约', 1, '终止', 1000, 100, 0],
  [code('411103', 2), '电子信息产业园', '开工', 1, '在建', 2000, 200, 100],
  [code('411103', 3), '生物医药研发中心', '开工', 2, '达产', 3000, 300, 270],
  [code('411103', 4), '现代农业示范园', '投产', 2, '投产', 1000, 100, 80],
];

let input: string;
let out: string;
let summaries: MonthSummary[];

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), 'tb-run-'));
  input = join(root, 'in');
  out = join(root, 'out');
  for (const m of ['2026-09', '2026-10']) mkdirSync(join(input, m), { recursive: true });
  writeFileSync(join(input, '2026-09', '411102-源汇区.xlsx'), await xlsx(ledger102('已落地')));
  writeFileSync(join(input, '2026-09', '411103-郾城区.csv'), csvGb18030(ledger103.map((r) => r.map((c) => (c === '1-10月累计完成投资' ? '1-9月累计完成投资' : c)))));
  writeFileSync(join(input, '2026-10', '411102-源汇区.xlsx'), await xlsx(ledger102('已开工')));
  writeFileSync(join(input, '2026-10', '411103-郾城区.csv'), csvGb18030(ledger103));
  writeFileSync(join(input, '2026-10', '411121-舞阳县.csv'), csvGb18030([HEADER, [code('411121', 1), '项目', '签约二批', 1, '已签约', '待定', 1, 1]]));
  writeFileSync(join(input, '2026-10', 'readme.txt'), '说明');
  const config = parseConfig({ mail: { province: ['leader@example.gov.cn'] } });
  summaries = await runMonths({ input, out, dataDir: join(root, 'data'), config, send: true, log: () => {} });
}, 120_000);

describe('tb run: two months end to end on the embedded servers', () => {
  it('reports accepted, rejected and skipped files per month', () => {
    expect(summaries.map((s) => [s.month, s.accepted, s.rejected, s.skippedFiles])).toEqual([
      ['2026-09', 2, 0, []],
      ['2026-10', 2, 1, ['readme.txt']],
    ]);
  });

  it('writes rates.json with the hand-computed province rates, change and unreported units', () => {
    const doc = JSON.parse(readFileSync(join(out, '2026-10', 'rates.json'), 'utf8')) as RatesDoc;
    const p = doc.units.find((u) => u.level === 'province')!;
    expect(p.rates.signingLanding).toBe(0.5);
    expect(p.rates.start).toBe(0.25);
    expect(p.rates.investmentCompletion).toBeCloseTo(870 / 1300, 12);
    expect(p.rates.production).toBeCloseTo(2 / 3, 12);
    expect(p.rates.efficiency).toBe(0.5);
    expect(p.change.start).toBe(0.25);
    expect(p.counts).toMatchObject({ projects: 9, signed: 4, signedLanded: 2, signedStarted: 1, terminated: 1 });
    expect(doc.unreported).toHaveLength(156);
    expect(doc.unreported).toContain('411121');
    const luohe = doc.units.find((u) => u.level === 'city' && u.code === '411100')!;
    expect(luohe.rates.start).toBe(0.25);
    expect(doc.units).toHaveLength(1 + 19 + 158);
  });

  it('renders the bulletin PDF whose text carries the province rates formatted as in METRICS.md', async () => {
    const pages = await pdfPages(readFileSync(join(out, '2026-10', 'bulletin-2026-10.pdf')));
    const text = pages.join('\n');
    for (const s of ['50.0%', '25.0%', '66.9%', '66.7%', '低于时序进度（83.3%）16.4个百分点', '2026年10月', '漯河']) {
      expect(text.replace(/\s+/g, '')).toContain(s.replace(/\s+/g, ''));
    }
  });

  it('writes receipts and a real MIME message with the PDF attached', async () => {
    const receipts = readdirSync(join(out, '2026-10', 'receipts'));
    expect(receipts.filter((f) => f.startsWith('411121-'))).toHaveLength(1);
    const rejected = JSON.parse(readFileSync(join(out, '2026-10', 'receipts', receipts.find((f) => f.startsWith('411121-'))!), 'utf8'));
    expect(rejected.errors.map((e: { row: number; column: string; value: string }) => [e.row, e.column, e.value])).toEqual([
      [2, '批次', '签约二批'],
      [2, '总投资', '待定'],
    ]);
    const emls = readdirSync(join(out, 'outbox')).filter((f) => f.startsWith('2026-10'));
    expect(emls).toHaveLength(1);
    const mail = await PostalMime.parse(readFileSync(join(out, 'outbox', emls[0])));
    expect(mail.to?.map((a) => a.address)).toEqual(['leader@example.gov.cn']);
    expect(mail.subject).toContain('2026年10月');
    expect(mail.html).toContain('50.0%');
    const pdf = mail.attachments.find((a) => a.mimeType === 'application/pdf')!;
    expect(pdf.filename).toMatch(/2026年10月.*\.pdf$|2026-10.*\.pdf$/);
    expect(new TextDecoder().decode(new Uint8Array(pdf.content as ArrayBuffer).slice(0, 5))).toBe('%PDF-');
  });
});

describe('tb run as a command', () => {
  it('exits 0 with a rejected file and prints per-file lines and the headline rates', async () => {
    const { stdout } = await promisify(execFile)('npx', ['tsx', 'cli/tb.ts', 'run', '--input', input, '--out', join(out, '..', 'cli-out'), '--no-send'], {
      cwd: process.cwd(),
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    expect(stdout).toContain('✗ 411121 舞阳县');
    expect(stdout).toContain('未接收：舞阳县 2026年10月 第 2 行“批次”：“签约二批”不是有效批次');
    expect(stdout).toContain('全省 签约落地率 50.0%  开工率 25.0%  投资完成率 66.9%（低于时序进度 16.4 个百分点）');
    expect(stdout).toMatch(/完成：2 个月/);
  }, 120_000);
});
