import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import PostalMime from 'postal-mime';
import { beforeAll, describe, expect, it } from 'vitest';
import { type MonthSummary, runMonths } from '../../cli/local/run-months';
import { setLogSink } from '../../functions/adapters/log';
import { parquetToIpcStream } from '../../functions/adapters/columnar/parquet';
import { parseConfig } from '../../functions/core/shared/config';
import type { RatesDoc } from '../../functions/core/metrics/rates-types';
import type { Receipt } from '../../functions/core/ingest/receipt';
import { runTb } from '../helpers/cli';
import { csvGb18030, xlsx } from '../helpers/files';
import { pdfPages } from '../helpers/pdf-text';

setLogSink(() => {});

const squash = (s: string) => s.replace(/\s+/g, '');

const HEADER = ['项目代码', '项目名称', '批次', '期次', '项目状态', '总投资', '年度计划投资', '本年累计完成投资'];
const code = (unit: string, n: number) => `2601-${unit}-04-01-${String(n).padStart(6, '0')}`;

/**
 * A month computed by hand. October, province (411102 + 411103; 411121's file is rejected):
 *   签约 4 (one 已终止): 落地 2 → 50.0%, 开工 1 → 25.0%
 *   投资 Σytd 870 / Σplan 1300 → 66.9%, 低于时序进度 (83.3%) 16.4 个百分点
 *   开工 batch 3: 投产 2 → 66.7%;  投产 batch 2: 达效 1 → 50.0%
 * September: the same, but 411102's first project only 已落地 → 开工率 0.0%, so October's change is +25.0.
 * Per batch (亿元): 签约 4 projects, 总投资 0.40, 计划 0.04, 完成 0.01 (140/400 → 35.0%);
 *   开工 3: 0.70, 0.07, 0.06 (550/700 → 78.6%); 投产 2: 0.11, 0.02, 0.02 (180/200 → 90.0%).
 * 漯河's edition: 源汇区 (5 projects) 66.7% / 33.3% / 70.0% (420/600) / 100.0% / 100.0%;
 *   郾城区 (4) 0.0% / 0.0% / 64.3% (450/700) / 50.0% / 0.0%.
 */
function ledger102(octStatus1: string) {
  return [
    HEADER,
    [code('411102', 1), '年产10万吨新型环保材料项目', '签约', 1, octStatus1, 1000, 100, 90],
    [code('411102', 2), '冷链物流中心', '签约', 1, '已落地', 1000, 100, 50],
    [code('411102', 3), '智能装备产业园二期', '签约一批', '第2期', '已签约', 1000, 100, 0],
    [code('411102', 4), '新能源汽车零部件生产线', '开工', 2, '已投产', 2000, 200, 180],
    // 本年累计 100 > 总投资 90: a Q3 finding that carries this upload's project name into the bulletin
    [code('411102', 5), '<script>alert("x")</script>食品加工园', '投产', 2, '已达效', 90, 100, 100],
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
  const config = parseConfig({
    mail: { province: ['leader@example.gov.cn'], cities: { '411100': ['luohe@example.gov.cn', 'luohe-office@example.gov.cn'], '410100': ['zz@example.gov.cn'] } },
  });
  summaries = await runMonths({ input, out, dataDir: join(root, 'data'), config, send: true, log: () => {} });
});

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
    // of which 411121 uploaded and was refused: 报送未通过, not 未报送
    expect(doc.rejected).toEqual(['411121']);
    const luohe = doc.units.find((u) => u.level === 'city' && u.code === '411100')!;
    expect(luohe.rates.start).toBe(0.25);
    expect(doc.units).toHaveLength(1 + 19 + 158);
  });

  it('writes each unit\'s timeliness from its current upload\'s receipt event time against the deadline', () => {
    const doc = JSON.parse(readFileSync(join(out, '2026-10', 'rates.json'), 'utf8')) as RatesDoc;
    expect(doc.deadline).toBe('2026-11-03T10:00:00.000Z');
    const dir = join(out, '2026-10', 'receipts');
    const receipts = readdirSync(dir).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Receipt);
    const county = (code: string) => doc.units.find((u) => u.level === 'county' && u.code === code)!;
    for (const code of ['411102', '411103']) {
      const r = receipts.find((x) => x.unitCode === code && x.status === 'accepted')!;
      // Locally the event time is when the run uploaded the file: late or not depends on the clock.
      const status = Date.parse(r.file.eventTime) <= Date.parse(doc.deadline!) ? 'on-time' : 'late';
      expect(county(code).reporting).toEqual({ status, at: r.file.eventTime });
    }
    // 舞阳县: only a refused upload, so 未报送 for timeliness
    expect(county('411121').reporting).toEqual({ status: 'missing', at: null });
    const luohe = doc.units.find((u) => u.level === 'city' && u.code === '411100')!;
    const t = luohe.timeliness!;
    expect(t.onTime + t.late).toBe(2);
    expect(t.missing).toBe(3);
    expect(t.rate).toBe(t.onTime / 5);
  });

  it('copies the month\'s columnar ledger to OUT/curated/ as the bucket lays it out: ledger/month=YYYY-MM/ (Parquet), ledger-arrow/month=YYYY-MM/', () => {
    const dir = join(out, 'curated', 'ledger', 'month=2026-10');
    expect(readdirSync(dir)).toEqual(['ledger.parquet']);
    const parquet = readFileSync(join(dir, 'ledger.parquet'));
    expect(parquet.subarray(0, 4).toString('latin1')).toBe('PAR1');
    const table = tableFromIPC(parquetToIpcStream(new Uint8Array(parquet)));
    expect(table.numRows).toBe(9);
    expect(new Set(table.getChild('unitCode')!.toArray())).toEqual(new Set(['411102', '411103']));
    expect(tableFromIPC(readFileSync(join(out, 'curated', 'ledger-arrow', 'month=2026-10', 'ledger.arrow'))).numRows).toBe(9);
  });

  it('renders the bulletin PDF whose text carries the province rates formatted as docs/metrics.md says', async () => {
    const pages = await pdfPages(readFileSync(join(out, '2026-10', 'bulletin-2026-10.pdf')));
    const text = squash(pages.join('\n'));
    for (const s of ['50.0%', '25.0%', '66.9%', '66.7%', '低于时序进度（83.3%）16.4个百分点', '2026年10月', '漯河']) {
      expect(text).toContain(squash(s));
    }
    // money per batch, from the ledger (万元 → 亿元), and the change since September
    expect(text).toContain('“签约一批”40.400.040.0135.0%');
    expect(text).toContain('“开工一批”30.700.070.0678.6%');
    expect(text).toContain('“投产一批”20.110.020.0290.0%');
    expect(text).toContain('合计91.210.130.0966.9%');
    expect(text).toContain(squash('“签约一批”项目开工率 25.0%，较上月提高 25.0 个百分点'));
    // the upload's project name, in a data-quality finding: printed literally, escaped in the HTML
    expect(text).toContain(squash('项目“<script>alert("x")</script>食品加工园”（2601-411102-04-01-000005）本年累计完成投资100万元超过总投资90万元'));
    const html = readFileSync(join(out, '2026-10', 'bulletin-2026-10.html'), 'utf8');
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;食品加工园');
  });

  it('renders all 20 editions (PDF + HTML) into the month folder', async () => {
    const files = readdirSync(join(out, '2026-10')).filter((f) => f.startsWith('bulletin-'));
    expect(files.filter((f) => f.endsWith('.pdf'))).toHaveLength(20);
    expect(files.filter((f) => f.endsWith('.html'))).toHaveLength(20);
    expect(files).toContain('bulletin-2026-10-411100.pdf');
    const luohe = squash((await pdfPages(readFileSync(join(out, '2026-10', 'bulletin-2026-10-411100.pdf')))).join('\n'));
    expect(luohe).toContain('（漯河市）');
    expect(luohe).toContain(squash('2026年10月漯河市“三个一批”项目建设进展情况'));
    expect(luohe).toContain('源汇区566.7%1→33.3%1→70.0%1→100.0%1→100.0%');
    expect(luohe).toContain('郾城区40.0%2→0.0%2↓164.3%');
    // 舞阳县 uploaded and was refused: the edition says so, and never that it did not report
    expect(luohe).toContain(squash('舞阳县（报送未通过）'));
    expect(luohe).toContain(squash('报送未通过（已退回修改）1 个：舞阳县。'));
    expect(luohe).not.toContain(squash('舞阳县（未报送）'));
    expect(luohe).toContain(squash('<script>alert("x")</script>食品加工园'));
    const zz = squash((await pdfPages(readFileSync(join(out, '2026-10', 'bulletin-2026-10-410100.pdf')))).join('\n'));
    expect(zz).toContain(squash('郑州市未报送“三个一批”项目台账'));
    expect(summaries[1].report!.editions.map((e) => e.edition)).toHaveLength(20);
  });

  it('writes receipts and real MIME messages: the province bulletin to the province list, each edition to its city', async () => {
    const receipts = readdirSync(join(out, '2026-10', 'receipts'));
    expect(receipts.filter((f) => f.startsWith('411121-'))).toHaveLength(1);
    const rejected = JSON.parse(readFileSync(join(out, '2026-10', 'receipts', receipts.find((f) => f.startsWith('411121-'))!), 'utf8'));
    expect(rejected.errors.map((e: { row: number; column: string; value: string }) => [e.row, e.column, e.value])).toEqual([
      [2, '批次', '签约二批'],
      [2, '总投资', '待定'],
    ]);
    const emls = readdirSync(join(out, 'outbox')).filter((f) => f.startsWith('2026-10')).sort();
    expect(emls).toEqual([
      '2026-10-410100-zz_example.gov.cn.eml',
      '2026-10-411100-luohe-office_example.gov.cn.eml',
      '2026-10-411100-luohe_example.gov.cn.eml',
      '2026-10-province-leader_example.gov.cn.eml',
    ]);
    const mail = await PostalMime.parse(readFileSync(join(out, 'outbox', '2026-10-province-leader_example.gov.cn.eml')));
    expect(mail.to?.map((a) => a.address)).toEqual(['leader@example.gov.cn']);
    expect(mail.subject).toBe('【通报】2026年10月“三个一批”项目建设情况');
    expect(mail.html).toContain('50.0%');
    const pdf = mail.attachments.find((a) => a.mimeType === 'application/pdf')!;
    expect(pdf.filename).toBe('三个一批项目建设月度通报-2026年10月（第10期）.pdf');
    expect(new TextDecoder().decode(new Uint8Array(pdf.content as ArrayBuffer).slice(0, 5))).toBe('%PDF-');

    // 漯河's edition goes to 漯河's recipients only, one message each
    for (const who of ['luohe', 'luohe-office']) {
      const m = await PostalMime.parse(readFileSync(join(out, 'outbox', `2026-10-411100-${who}_example.gov.cn.eml`)));
      expect(m.to?.map((a) => a.address)).toEqual([`${who}@example.gov.cn`]);
      expect(m.subject).toBe('【通报】2026年10月“三个一批”项目建设情况（漯河市）');
      expect(m.html).toContain('漯河市');
      expect(m.html).toContain('全省位次');
      const att = m.attachments.find((a) => a.mimeType === 'application/pdf')!;
      expect(att.filename).toBe('三个一批项目建设月度通报-2026年10月（第10期）-漯河市.pdf');
      const text = squash((await pdfPages(new Uint8Array(att.content as ArrayBuffer))).join(''));
      expect(text).toContain(squash('2026年10月漯河市“三个一批”项目建设进展情况'));
      expect(text).not.toContain(squash('2026年10月全省“三个一批”项目建设进展情况'));
    }
  });
});

describe('tb run as a command', () => {
  it('exits 0 with a rejected file and prints per-file lines and the headline rates', async () => {
    const cwd = join(out, '..', 'cli-cwd');
    mkdirSync(cwd);
    const { stdout } = await runTb(['run', '--input', input, '--out', join(out, '..', 'cli-out'), '--no-send'], cwd);
    expect(readdirSync(join(cwd, '.data'))).toContain('store'); // its store, not the repository's
    expect(stdout).toContain('✗ 411121 舞阳县');
    expect(stdout).toContain('未接收：舞阳县 2026年10月 第 2 行“批次”：“签约二批”不是有效批次');
    expect(stdout).toContain('全省 签约落地率 50.0%  开工率 25.0%  投资完成率 66.9%（低于时序进度 16.4 个百分点）');
    // the counts add up: 2 accepted + 1 file refused + 155 that sent nothing = 158
    expect(stdout).toContain('接收 2 个单位，退回 1 个文件，未报送 155 个单位');
    expect(stdout).toContain('各市分册 PDF：19 份');
    expect(stdout).toMatch(/完成：2 个月/);
  });
});
