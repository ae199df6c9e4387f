/**
 * A month no reporting unit has an accepted upload for is not published: the report use case
 * refuses it (and says why, with the counts), the Lambda handler logs that at error level and
 * answers without mailing, `tb report` and `tb run` print it and exit 3 — `tb run` for that month
 * only, the others are issued — and `--force` / `{ "force": true }` renders and mails it anyway.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalPipeline } from '../../cli/local/runtime';
import { setLogSink } from '../../functions/adapters/log';
import { parseConfig } from '../../functions/core/shared/config';
import { objectKeys } from '../../functions/core/shared/storage-keys';
import { ReportRefusedError } from '../../functions/report/report-month';
import { runTb } from '../helpers/cli';
import { ledgerTable, xlsx } from '../helpers/files';

const logs: Record<string, unknown>[] = [];
setLogSink((line) => logs.push(JSON.parse(line)));

const ALL_REFUSED = '2026-09';
const NOTHING = '2026-11';
const REFUSED_09 = '2026-09 没有任何单位的台账被接收（0/158：2 个单位报送未通过（已退回），156 个单位未报送）：不生成、不发送通报';
const REFUSED_11 = '2026-11 没有任何单位的台账被接收（0/158：158 个单位均未报送）：不生成、不发送通报';
const HINT = '如确需发布，请加 --force';

/** A ledger with a money cell that is no number: refused. */
async function badLedger(unit: string) {
  const t = ledgerTable(unit, 3);
  t[2][5] = '待定';
  return xlsx(t);
}

const files = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);

/** `tb …` as a command; its exit code and output, whatever the code. */
async function tb(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    return { code: 0, ...(await runTb(args, cwd)) };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

describe('the report function on a month with no accepted upload', () => {
  let p: LocalPipeline;
  let outbox: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), 'tb-empty-month-'));
    outbox = join(root, 'outbox');
    const config = { mail: { province: ['p@example.gov.cn'], cities: { '411100': ['luohe@example.gov.cn'] } } };
    p = await LocalPipeline.start({ dataDir: join(root, 'store'), config: parseConfig(config) });
    for (const unit of ['411102', '411103']) await p.upload(objectKeys.upload(ALL_REFUSED, unit, `${unit}.xlsx`), await badLedger(unit));
    expect((await p.drain()).receipts.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await p.compute({ month: ALL_REFUSED });
    await p.compute({ month: NOTHING });
    // The Lambda's own wiring, pointed at the embedded servers (as the local runtime does).
    Object.assign(process.env, {
      TABLE_NAME: p.servers.table,
      REPORTS_BUCKET: p.servers.buckets.reports,
      TB_S3_ENDPOINT: p.servers.s3Endpoint,
      TB_DYNAMODB_ENDPOINT: p.servers.dynamoEndpoint,
      TB_CONFIG: JSON.stringify(config),
      MAIL_TRANSPORT: 'outbox',
      TB_OUTBOX_DIR: outbox,
    });
  });

  afterAll(async () => {
    process.env = saved;
    await p?.close();
  });

  it('the use case refuses it with the counts, and renders and mails nothing', async () => {
    const { localReporting } = await import('../../cli/local/reporting');
    const reporting = localReporting(p, p.config, outbox);
    try {
      for (const [month, message] of [[ALL_REFUSED, REFUSED_09], [NOTHING, REFUSED_11]]) {
        const refused = reporting.report({ month, send: true });
        await expect(refused).rejects.toBeInstanceOf(ReportRefusedError);
        await expect(refused).rejects.toMatchObject({ message, refusal: { code: 'no-accepted-upload', month, accepted: 0, reportingUnits: 158 } });
      }
    } finally {
      await reporting.close();
    }
    expect(files(outbox)).toEqual([]);
    expect(await p.store.list(p.servers.buckets.reports, `reports/${ALL_REFUSED}/bulletin`)).toEqual([]);
  });

  it('the scheduled run (handler): logged at error level, answered without mailing; { force: true } mails it', async () => {
    const { handler } = await import('../../functions/report/handler');
    logs.length = 0;
    // what compute's destination hands the report function
    expect(await handler({ month: ALL_REFUSED })).toEqual({
      month: ALL_REFUSED,
      refused: { code: 'no-accepted-upload', month: ALL_REFUSED, accepted: 0, reportingUnits: 158, rejected: 2, unreported: 156, message: REFUSED_09 },
    });
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 'ERROR', message: 'report refused', month: ALL_REFUSED, accepted: 0, refusal: REFUSED_09, toForce: `{"month":"${ALL_REFUSED}","force":true}` }),
    );
    expect(files(outbox)).toEqual([]);

    const forced = await handler({ month: ALL_REFUSED, city: '411100', force: true });
    expect(forced).toMatchObject({ month: ALL_REFUSED, editions: [{ edition: '411100' }], mails: [{ recipient: 'luohe@example.gov.cn', status: 'sent' }] });
    expect(files(outbox)).toEqual([`${ALL_REFUSED}-411100-luohe_example.gov.cn.eml`]);
    expect(logs).toContainEqual(expect.objectContaining({ level: 'INFO', message: 'report forced', month: ALL_REFUSED }));
  });
});

describe('tb run and tb report on months with no accepted upload', () => {
  let root: string;
  let out: string;
  let run: { code: number; stdout: string; stderr: string };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'tb-empty-month-cli-'));
    const input = join(root, 'in');
    for (const m of [ALL_REFUSED, '2026-10', NOTHING]) mkdirSync(join(input, m), { recursive: true });
    // 2026-09: every file refused; 2026-10: one unit accepted; 2026-11: no upload at all (a file without a unit code is skipped)
    writeFileSync(join(input, ALL_REFUSED, '411102-源汇区.xlsx'), await badLedger('411102'));
    writeFileSync(join(input, ALL_REFUSED, '411103-郾城区.csv'), '不是台账');
    writeFileSync(join(input, '2026-10', '411102-源汇区.xlsx'), await xlsx(ledgerTable('411102', 3)));
    writeFileSync(join(input, NOTHING, '说明.txt'), '本月无台账');
    out = join(root, 'out');
    run = await tb(['run', '--input', input, '--out', out, '--data-dir', join(root, 'data')], root);
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('tb run: refuses those months only, says why, issues the other, exits 3', () => {
    expect(run.code).toBe(3);
    expect(run.stdout).toContain(`  ✗ 未发布：${REFUSED_09}。${HINT}`);
    expect(run.stdout).toContain(`  ✗ 未发布：${REFUSED_11}。${HINT}`);
    expect(run.stdout).toContain('  接收 0 个单位，退回 2 个文件，未报送 156 个单位');
    // (stderr also has the progress lines; the last line is the verdict)
    expect(run.stderr.trim().split('\n').pop()).toBe(`未发布：2026-09、2026-11 没有任何单位的台账被接收，未生成、未发送通报（见标 ✗ 未发布 的行），其余月份已完成。${HINT}`);
    // 2026-10 is issued and mailed (2 province recipients, 郑州, 漯河); the others not
    expect(files(join(out, 'outbox')).every((f) => f.startsWith('2026-10-'))).toBe(true);
    expect(files(join(out, 'outbox'))).toHaveLength(4);
    expect(files(join(out, '2026-10')).filter((f) => f.endsWith('.pdf'))).toHaveLength(20);
    // a refused month still has its receipts and rates.json in OUT, and no bulletin
    for (const m of [ALL_REFUSED, NOTHING]) {
      expect(files(join(out, m))).toContain('rates.json');
      expect(files(join(out, m)).filter((f) => f.endsWith('.pdf') || f.endsWith('.html'))).toEqual([]);
    }
    expect(files(join(out, ALL_REFUSED, 'receipts'))).toHaveLength(2);
  });

  it('tb report: refuses with the reason, exit 3, nothing mailed; --force renders and mails', async () => {
    const args = (month: string, ...more: string[]) => ['report', '--month', month, '--data-dir', join(root, 'data'), '--out', out, ...more];
    const refused = await tb(args(ALL_REFUSED, '--send'), root);
    expect(refused).toMatchObject({ code: 3, stdout: '' });
    expect(refused.stderr.trim()).toBe(`未发布：${REFUSED_09}。${HINT}`);
    const nothing = await tb(args(NOTHING), root);
    expect(nothing.code).toBe(3);
    expect(nothing.stderr.trim()).toBe(`未发布：${REFUSED_11}。${HINT}`);
    expect(files(join(out, 'outbox')).every((f) => f.startsWith('2026-10-'))).toBe(true);

    const forced = await tb(args(ALL_REFUSED, '--city', '411100', '--send', '--force'), root);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('邮件 411100 → luohe@example.gov.cn：已发送');
    expect(files(join(out, 'outbox'))).toContain(`${ALL_REFUSED}-411100-luohe_example.gov.cn.eml`);
    expect(files(join(out, ALL_REFUSED))).toContain(`bulletin-${ALL_REFUSED}-411100.pdf`);
  });

  it('tb run --force: issues and mails a month with no upload at all', async () => {
    const input = join(root, 'in-force');
    mkdirSync(join(input, NOTHING), { recursive: true });
    const forcedOut = join(root, 'out-force');
    const forced = await tb(['run', '--input', input, '--out', forcedOut, '--data-dir', join(root, 'data-force'), '--force'], root);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('  接收 0 个单位，退回 0 个文件，未报送 158 个单位');
    expect(forced.stdout).not.toContain('未发布');
    expect(files(join(forcedOut, 'outbox'))).toHaveLength(4);
    expect(files(join(forcedOut, 'outbox')).every((f) => f.startsWith(`${NOTHING}-`))).toBe(true);
  });

  it('--help documents --force on both commands', async () => {
    const help = await tb(['run', '--help'], root);
    expect(help.stdout).toMatch(/--force\s+issue the bulletin even for a month with no\s+accepted\s+upload/);
    expect((await tb(['report', '--help'], root)).stdout).toMatch(/--force\s+issue even a month with no accepted upload/);
  });
});
