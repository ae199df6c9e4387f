/**
 * 催报 and receipt mails on the embedded servers (issue 12): uploads (one accepted with a warning,
 * one refused), each receipt mailed to its unit's contacts; a reminder run mails exactly the
 * missing units and their city offices (parsed back from the outbox with postal-mime), a second
 * run on the same day mails nobody again; no reminder on another day or after the lock; and a
 * receipt mail that cannot be sent changes nothing of the upload.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PostalMime, { type Email } from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRemind } from '../../cli/commands/remind-run';
import { LocalPipeline } from '../../cli/local/runtime';
import { parseConfig } from '../../functions/core/shared/config';
import { objectKeys } from '../../functions/core/shared/storage-keys';
import { CANONICAL_HEADER, ledgerRow, ledgerTable, xlsx } from '../helpers/files';
import { startPipeline } from '../helpers/pipeline';

const MONTH = '2026-10';
const PORTAL = 'https://portal.example.gov.cn/';
const CONFIG = parseConfig({
  portalUrl: PORTAL,
  contacts: {
    // 漯河: 源汇区 uploads (accepted), 郾城区 refused, 召陵区 nothing; the city office.
    '411102': ['yuanhui@example.gov.cn'],
    '411103': ['yancheng@example.gov.cn'],
    '411104': ['zhaoling@example.gov.cn', 'zhaoling2@example.gov.cn'],
    '411100': ['luohe@example.gov.cn'],
  },
});
const LUOHE_OTHERS = ['411121', '411122'];

/** The outbox names a mail `{month}-{edition}-{recipient}` with `@` written as `_`. */
const emls = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.eml')).sort();
const parse = async (dir: string, f: string): Promise<Email> => PostalMime.parse(readFileSync(join(dir, f)));
const to = (m: Email) => (m.to ?? []).map((a) => a.address);

describe('receipt mails and reminders', () => {
  let p: LocalPipeline;
  let outbox: string;
  let uploadIds: Record<string, string>;

  beforeAll(async () => {
    outbox = mkdtempSync(join(tmpdir(), 'tb-remind-outbox-'));
    p = await startPipeline(CONFIG, { outbox });
    p.uploadedAt = new Date('2026-11-01T02:00:00Z');
    // Accepted, with one warning (本年累计 above 总投资 in row 3).
    const ok = ledgerTable('411102', 4);
    ok[2] = ledgerRow('411102', 2, { 7: 20000 });
    await p.upload(objectKeys.upload(MONTH, '411102', '411102-源汇区.xlsx'), await xlsx(ok));
    // Refused: two errors, one of them a value that must reach the mail as text.
    const bad = [CANONICAL_HEADER, ledgerRow('411103', 1), ledgerRow('411103', 2, { 5: '<script>alert(1)</script>' }), ledgerRow('411103', 3, { 2: '签约二批' })];
    await p.upload(objectKeys.upload(MONTH, '411103', '411103-郾城区.xlsx'), await xlsx(bad));
    const { receipts, failures } = await p.drain();
    expect(failures).toEqual([]);
    expect(receipts.map((r) => [r.unitCode, r.status])).toEqual([
      ['411102', 'accepted'],
      ['411103', 'rejected'],
    ]);
    uploadIds = Object.fromEntries(receipts.map((r) => [r.unitCode!, r.uploadId]));
  });
  afterAll(async () => {
    await p?.close();
  });

  it('mails each receipt to its unit: accepted with its warning, refused with every error (row, column, value), escaped', async () => {
    const files = emls(outbox);
    expect(files).toEqual([
      `${MONTH}-receipt-${uploadIds['411102']}-yuanhui_example.gov.cn.eml`,
      `${MONTH}-receipt-${uploadIds['411103']}-yancheng_example.gov.cn.eml`,
    ].sort());
    const accepted = await parse(outbox, files.find((f) => f.includes('yuanhui'))!);
    expect(to(accepted)).toEqual(['yuanhui@example.gov.cn']);
    expect(accepted.subject).toBe('【回执】源汇区2026年10月“三个一批”项目台账已接收（共 4 个项目，警告 1 条）');
    expect(accepted.text).toContain('文件“411102-源汇区.xlsx”已通过校验并接收，共 4 个项目');
    expect(accepted.text).toContain('  1. 第 3 行：项目“测试项目2号”（2604-411102-04-01-000002）本年累计完成投资20000万元超过总投资10002万元');
    expect(accepted.html).toContain('需要核实的问题（共 1 条，不影响接收）');

    const refused = await parse(outbox, files.find((f) => f.includes('yancheng'))!);
    expect(to(refused)).toEqual(['yancheng@example.gov.cn']);
    expect(refused.subject).toBe('【回执】郾城区2026年10月“三个一批”项目台账未通过校验，请修改后重新上传');
    expect(refused.text).toContain('错误（共 2 处，须全部修改后重新上传）');
    expect(refused.text).toContain('  1. 第 3 行“总投资”：“<script>alert(1)</script>”不是数字');
    expect(refused.text).toContain('  2. 第 4 行“批次”：“签约二批”不是有效批次');
    // The HTML table: row, column and value in cells of their own.
    expect(refused.html).toMatch(/<td[^>]*>第 4 行<\/td>\s*<td[^>]*>批次<\/td>\s*<td[^>]*>签约二批<\/td>/);
    expect(refused.html).not.toContain('<script>');
    expect(refused.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(refused.html).toContain(`href="${PORTAL}"`);
  });

  it('mails exactly the missing units (the refused one with its reason) and the city office its list; a second run mails nobody', async () => {
    const before = new Set(emls(outbox));
    const r = await p.remind({ remind: true, month: MONTH, date: '2026-11-02' });
    expect(r.outcome).toBe('reminded');
    const fresh = emls(outbox).filter((f) => !before.has(f));
    expect(fresh).toEqual(
      [
        `${MONTH}-remind-2026-11-02-411103-yancheng_example.gov.cn.eml`,
        `${MONTH}-remind-2026-11-02-411104-zhaoling_example.gov.cn.eml`,
        `${MONTH}-remind-2026-11-02-411104-zhaoling2_example.gov.cn.eml`,
        `${MONTH}-remind-2026-11-02-city-411100-luohe_example.gov.cn.eml`,
      ].sort(),
    );
    const refused = await parse(outbox, fresh.find((f) => f.includes('yancheng'))!);
    expect(refused.subject).toBe('【催报】郾城区2026年10月“三个一批”项目台账未通过校验，请于2026年11月3日 18:00前重新报送');
    expect(refused.text).toContain('未接收：郾城区 2026年10月 第 3 行“总投资”');
    expect(refused.text).toContain(`报送平台：${PORTAL}`);
    expect(refused.html).not.toContain('<script>');

    const nothing = await parse(outbox, fresh.find((f) => f.includes('zhaoling_'))!);
    expect(to(nothing)).toEqual(['zhaoling@example.gov.cn']);
    expect(nothing.subject).toBe('【催报】请于2026年11月3日 18:00前报送2026年10月“三个一批”项目台账（召陵区）');
    expect(nothing.text).toContain('系统尚未收到你单位2026年10月“三个一批”项目台账');

    const city = await parse(outbox, fresh.find((f) => f.includes('city-411100'))!);
    expect(to(city)).toEqual(['luohe@example.gov.cn']);
    expect(city.subject).toBe('【催报】漯河市尚有 4 个单位未完成2026年10月“三个一批”项目台账报送');
    const listed = [...city.text!.matchAll(/^ {2}\d+\. (\d{6}) \S+ {2}(\S+?)(：|$)/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(listed).toEqual(['411103 报送未通过', '411104 未报送', '411121 未报送', '411122 未报送']);
    expect(city.html).toContain('舞阳县');
    expect(city.text).not.toContain('源汇区');

    // Every other missing unit and city without an address is reported, not dropped.
    expect(r.noContact.filter((c) => c.kind === 'unit').map((c) => c.code)).toEqual(expect.arrayContaining(LUOHE_OTHERS));
    expect(r.noContact.some((c) => c.code === '411102' || c.code === '411100')).toBe(false);
    // 158 reporting units, one accepted (郾城区's refusal leaves it missing).
    expect(r.missing).toHaveLength(157);

    const again = await p.remind({ remind: true, month: MONTH, date: '2026-11-02' });
    expect(again.mails.map((m) => m.status)).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);
    expect(emls(outbox).length).toBe(before.size + fresh.length);
    // The run that mailed is on the month's audit trail, once: the re-run that mailed nobody is not.
    const audit = (await p.months.listAudit(MONTH)).filter((e) => e.action === 'reminder');
    expect(audit).toEqual([expect.objectContaining({ actor: { kind: 'operator', id: 'remind' }, detail: expect.stringContaining('发出 4 封') })]);
  });

  it('does nothing on a day that is no reminder day, and finds the month of a reminder day by itself', async () => {
    const before = emls(outbox).length;
    const off = await p.remind({ remind: true, month: MONTH, date: '2026-11-01' });
    expect(off.outcome).toBe('not-reminder-day');
    expect(off.message).toBe('2026-11-01 不是 2026-10 的催报日（催报日：2026-10-31、2026-11-02），未发送催报');
    // 31 October reminds of October itself (3 days before 3 November).
    const plan = await p.remind({ remind: true, date: '2026-10-31', send: false });
    expect(plan).toMatchObject({ month: MONTH, outcome: 'planned' });
    expect(plan.mails.map((m) => m.edition)).toContain('remind-2026-10-31-city-411100');
    expect(emls(outbox).length).toBe(before);
  });

  it('does not remind once the month is locked', async () => {
    await p.compute({ month: MONTH, action: 'lock', actor: { kind: 'operator', id: 'test' } });
    const before = emls(outbox).length;
    const r = await p.remind({ remind: true, month: MONTH, date: '2026-11-02', force: true });
    expect(r.outcome).toBe('not-open');
    expect(r.message).toBe('2026-10 已锁定，报送已截止，不再催报');
    expect(emls(outbox).length).toBe(before);
  });
});

describe('a receipt mail that cannot be sent', () => {
  it('leaves the upload as it is: accepted, stored, no failure; the send log says failed', async () => {
    // An outbox path that is a file: every mail fails to be written (a real fault, not a stub).
    const dir = mkdtempSync(join(tmpdir(), 'tb-remind-broken-'));
    const outbox = join(dir, 'not-a-folder');
    writeFileSync(outbox, '');
    const p = await startPipeline(CONFIG, { outbox });
    try {
      await p.upload(objectKeys.upload(MONTH, '411102', '411102-源汇区.xlsx'), await xlsx(ledgerTable('411102', 3)));
      const { receipts, failures } = await p.drain();
      expect(failures).toEqual([]);
      expect(receipts.map((r) => r.status)).toEqual(['accepted']);
      expect((await p.repo.getPointer(MONTH, '411102'))?.uploadId).toBe(receipts[0].uploadId);
      const log = await p.repo.getSendLog(MONTH, `receipt-${receipts[0].uploadId}`, 'yuanhui@example.gov.cn');
      expect(log).toMatchObject({ status: 'failed' });
      expect(log?.error).toMatch(/EEXIST|ENOTDIR/);
    } finally {
      await p.close();
    }
  });
});

describe('tb remind', () => {
  it('prints each mail (to whom, about which unit) and the units and cities without contact, on the store a run left', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tb-remind-cli-'));
    const store = join(root, 'store');
    const p = await LocalPipeline.start({ dataDir: store, config: CONFIG, fresh: true });
    await p.upload(objectKeys.upload(MONTH, '411102', '411102-源汇区.xlsx'), await xlsx(ledgerTable('411102', 3)));
    await p.drain();
    await p.close();

    const lines: string[] = [];
    const out = join(root, 'out');
    const dry = await runRemind({ month: MONTH, date: '2026-11-02', send: false, out, config: CONFIG, dataDir: store, log: (l) => lines.push(l) });
    expect(dry.outcome).toBe('planned');
    expect(lines[0]).toBe('== 2026-10 催报（2026-11-02，截止前 1 天）：未完成报送 157 个单位 ==');
    expect(lines.filter((l) => l.includes('✉'))).toEqual([
      expect.stringMatching(/^ {2}✉ 411103 郾城区 +未报送 +→ yancheng@example\.gov\.cn {2}拟发送$/),
      expect.stringMatching(/^ {2}✉ 411104 召陵区 +未报送 +→ zhaoling@example\.gov\.cn {2}拟发送$/),
      expect.stringMatching(/^ {2}✉ 411104 召陵区 +未报送 +→ zhaoling2@example\.gov\.cn {2}拟发送$/),
      expect.stringMatching(/^ {2}✉ 411100 漯河市（市） +4 个单位未完成 +→ luohe@example\.gov\.cn {2}拟发送$/),
    ]);
    expect(lines.find((l) => l.includes('无联系人'))).toMatch(/^ {2}! 无联系人，未能催报 1\d\d 个（请在配置 contacts 中补充邮箱）：410102 中原区、/);
    expect(() => readdirSync(join(out, 'outbox'))).toThrow();

    lines.length = 0;
    const sent = await runRemind({ month: MONTH, date: '2026-11-02', send: true, out, config: CONFIG, dataDir: store, log: (l) => lines.push(l) });
    expect(sent.mails.map((m) => m.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
    expect(emls(join(out, 'outbox'))).toHaveLength(4);
    expect(lines.at(-1)).toMatch(/发出 4 封，已发过跳过 0 封；1\d\d 个单位或市无联系人，未能催报（写入 /);

    lines.length = 0;
    await runRemind({ date: '2026-11-01', send: true, out, config: CONFIG, dataDir: store, log: (l) => lines.push(l) });
    expect(lines).toEqual(['未催报：2026-11-01 不是 2026-10 的催报日（催报日：2026-10-31、2026-11-02），未发送催报。如确需今天催报，请加 --force']);
  });
});
