/**
 * `tb run` (the command, in a process of its own) on files with long Chinese names: each is
 * uploaded under a key whose name is bounded in bytes, ingested, and receipted in OUT under the
 * name as written. Before, a 76-character name failed the whole run (s3rver could not store the
 * key on disk) and a slightly longer one ended the process.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Receipt } from '../../functions/core/ingest/receipt';
import { runTb } from '../helpers/cli';
import { ledgerTable, xlsx } from '../helpers/files';

const zh = (n: number) => '漯河市源汇区重点项目建设台账'.repeat(Math.ceil(n / 14)).slice(0, n);
const MONTH = '2026-10';

let root: string;
let out: string;
let stdout: string;
const names: Record<string, string> = {
  // 76 characters after the code: 7 + 228 + 5 = 240 bytes, the case of the issue
  '411102': `411102-${zh(76)}.xlsx`,
  // the longest name ext4 allows: 7 + 81 × 3 + 5 = 255 bytes
  '411103': `411103-${zh(81)}.xlsx`,
};
/** Two long names that differ only at their end: two keys, the later upload current. */
const twins = [`411104-${zh(70)}（初稿）.xlsx`, `411104-${zh(70)}（终稿）.xlsx`];
/** 200 characters (607 bytes): no file can have this name on ext4, APFS or NTFS-3G; included where one can. */
const name200 = `411121-${zh(200)}.xlsx`;
let with200 = false;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'tb-long-names-'));
  const dir = join(root, 'in', MONTH);
  mkdirSync(dir, { recursive: true });
  for (const [unit, name] of Object.entries(names)) writeFileSync(join(dir, name), await xlsx(ledgerTable(unit, 3)));
  writeFileSync(join(dir, twins[0]), await xlsx(ledgerTable('411104', 2)));
  writeFileSync(join(dir, twins[1]), await xlsx(ledgerTable('411104', 4)));
  try {
    writeFileSync(join(dir, name200), await xlsx(ledgerTable('411121', 5)));
    with200 = true;
  } catch (e) {
    expect((e as NodeJS.ErrnoException).code).toBe('ENAMETOOLONG');
  }
  out = join(root, 'out');
  ({ stdout } = await runTb(['run', '--input', join(root, 'in'), '--out', out, '--no-send', '--data-dir', join(root, 'data')], root));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const receipts = (): Receipt[] =>
  readdirSync(join(out, MONTH, 'receipts')).map((f) => JSON.parse(readFileSync(join(out, MONTH, 'receipts', f), 'utf8')) as Receipt);

describe('tb run with long file names', () => {
  it('processes every file and exits 0', () => {
    const accepted = 3 + (with200 ? 1 : 0);
    expect(stdout).toContain(`接收 ${accepted} 个单位，退回 0 个文件`);
    expect(stdout).toContain('✓ 411102 源汇区');
    expect(stdout).toContain('✓ 411103 郾城区');
    expect(stdout).not.toContain('!');
  });

  it('writes each receipt to OUT with the name as written and a key of at most 120 bytes for the name', () => {
    const all = receipts();
    expect(all).toHaveLength(4 + (with200 ? 1 : 0));
    for (const [unit, name] of Object.entries({ ...names, ...(with200 ? { '411121': name200 } : {}) })) {
      const r = all.find((x) => x.unitCode === unit)!;
      expect(r).toMatchObject({ status: 'accepted', file: { name } });
      const last = r.file.key.split('/').pop()!;
      expect(Buffer.byteLength(last)).toBeLessThanOrEqual(120);
      expect(last).toMatch(new RegExp(`^${unit}-漯河市源汇区.*~[0-9a-f]{10}\\.xlsx$`));
    }
  });

  it('gives two long names with the same start two keys: the later one is current', () => {
    const [first, second] = twins.map((name) => receipts().find((r) => r.file.name === name)!);
    expect(first.file.key).not.toBe(second.file.key);
    expect(second).toMatchObject({ status: 'accepted', counts: { projects: 4 } });
    expect(first).toMatchObject({ status: 'superseded', supersededBy: second.uploadId });
  });
});
