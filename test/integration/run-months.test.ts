/**
 * tb run against an operator's folder with mistakes in it: every file gets one line and one
 * receipt in OUT, folders that are not months are named and skipped, the counts add up, and a
 * receipt superseded by a later upload says so in OUT as in the store.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type MonthSummary, runMonths } from '../../cli/local/run-months';
import { setLogSink } from '../../functions/adapters/log';
import type { Receipt } from '../../functions/core/ingest/receipt';
import { parseConfig } from '../../functions/core/shared/config';
import { ledgerTable, xlsx } from '../helpers/files';

setLogSink(() => {});

let out: string;
let lines: string[];
let summaries: MonthSummary[];

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), 'tb-run-mistakes-'));
  const input = join(root, 'in');
  out = join(root, 'out');
  for (const m of ['2026-10', 'October', '2026-13']) mkdirSync(join(input, m), { recursive: true });
  writeFileSync(join(input, 'October', '411102-源汇区.xlsx'), await xlsx(ledgerTable('411102', 3)));
  // 411102 twice: the later file (by name) supersedes the earlier one.
  writeFileSync(join(input, '2026-10', '411102-源汇区-a.xlsx'), await xlsx(ledgerTable('411102', 3)));
  writeFileSync(join(input, '2026-10', '411102-源汇区-b.xlsx'), await xlsx(ledgerTable('411102', 4)));
  // 410100 is 郑州市, a city, not a reporting unit: refused for its key.
  writeFileSync(join(input, '2026-10', '410100-郑州市.xlsx'), await xlsx(ledgerTable('410102', 2)));
  writeFileSync(join(input, '2026-10', '411103-郾城区.csv'), '不是台账');
  lines = [];
  summaries = await runMonths({ input, out, dataDir: join(root, 'data'), config: parseConfig({}), send: false, log: (l) => lines.push(l) });
});

const receiptsIn = (month: string): Receipt[] =>
  readdirSync(join(out, month, 'receipts')).map((f) => JSON.parse(readFileSync(join(out, month, 'receipts', f), 'utf8')) as Receipt);

describe('tb run on a folder with mistakes', () => {
  it('names the folders that are not months and runs the rest', () => {
    expect(lines).toContain('  ? 2026-13  跳过：文件夹名不是月份（应为 YYYY-MM，如 2026-10）');
    expect(lines).toContain('  ? October  跳过：文件夹名不是月份（应为 YYYY-MM，如 2026-10）');
    expect(summaries.map((s) => s.month)).toEqual(['2026-10']);
  });

  it('one line and one receipt in OUT per file, the refused key too', () => {
    const fileLines = lines.filter((l) => /^ {2}[✓✗↷] /.test(l));
    expect(fileLines).toHaveLength(4);
    const receipts = receiptsIn('2026-10');
    expect(receipts).toHaveLength(4);
    const invalid = receipts.find((r) => r.unitCode === null)!;
    expect(invalid).toMatchObject({ status: 'rejected', month: null, errors: [{ code: 'bad-key' }] });
    expect(readdirSync(join(out, '2026-10', 'receipts'))).toContain(`invalid-${invalid.uploadId}.json`);
  });

  it('OUT shows what the store knows: the earlier upload of 411102 is superseded there', () => {
    const mine = receiptsIn('2026-10').filter((r) => r.unitCode === '411102');
    const a = mine.find((r) => r.file.name.endsWith('-a.xlsx'))!;
    const b = mine.find((r) => r.file.name.endsWith('-b.xlsx'))!;
    expect(b.status).toBe('accepted');
    expect(a).toMatchObject({ status: 'superseded', supersededBy: b.uploadId });
  });

  it('the counts add up: 1 unit accepted, 2 files refused (the key, the CSV), 156 units that sent nothing (158 − 源汇区 − 郾城区)', () => {
    expect(summaries[0]).toMatchObject({ accepted: 1, rejected: 2, unreported: 156 });
    expect(lines).toContain('  接收 1 个单位，退回 2 个文件，未报送 156 个单位');
  });
});

describe('tb run --uploaded-at: when the replayed files were handed in decides 按时/逾期', () => {
  const reportingOf = (dir: string, unit: string) => {
    const rates = JSON.parse(readFileSync(join(dir, '2026-10', 'rates.json'), 'utf8')) as { units: { code: string; reporting?: { status: string; at: string | null } }[] };
    return rates.units.find((u) => u.code === unit)?.reporting;
  };

  it('without it a month replayed after its deadline is 逾期 (the files were uploaded now)', () => {
    expect(reportingOf(out, '411102')?.status).toBe('late');
  });

  it('with a time before the deadline every accepted unit is 按时, at that time', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tb-run-uploaded-at-'));
    mkdirSync(join(root, 'in', '2026-10'), { recursive: true });
    writeFileSync(join(root, 'in', '2026-10', '411102-源汇区.xlsx'), await xlsx(ledgerTable('411102', 3)));
    const at = new Date('2026-11-02T01:00:00Z');
    await runMonths({ input: join(root, 'in'), out: join(root, 'out'), dataDir: join(root, 'data'), config: parseConfig({}), send: false, uploadedAt: () => at, log: () => {} });
    expect(reportingOf(join(root, 'out'), '411102')).toEqual({ status: 'on-time', at: at.toISOString() });
  });
});
