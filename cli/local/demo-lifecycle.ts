import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { TokenRepository } from '../../functions/adapters/aws/token-repo';
import { formatShanghaiDateTime } from '../../functions/core/bulletin/format';
import type { Config } from '../../functions/core/shared/config';
import { deadlineOf } from '../../functions/core/shared/deadline';
import { division } from '../../functions/core/shared/divisions';
import { shanghaiDate } from '../../functions/core/shared/shanghai-time';
import { MONTH_STATUS_LABEL } from '../../functions/core/month/month-state';
import type { RatesDoc } from '../../functions/core/metrics/rates-types';
import { fileNameMetadata } from '../../functions/core/shared/file-names';
import { objectKeys } from '../../functions/core/shared/storage-keys';
import { auditLine } from '../commands/month-run';
import { onlyRanks } from '../../functions/core/month/corrections';
import { startServe } from '../commands/serve-run';
import { localMonthActions, saveVersionFiles } from './month-actions';
import { localReporting, printReport, saveReportFiles } from './reporting';
import type { LocalPipeline } from './runtime';

/**
 * The demo's contacts: the 漯河 counties, the units the samples leave missing and their city
 * offices, so the outbox shows receipt, reminder and review mails beside the bulletins. They live
 * here, not in tb.config.json: that file is also what a deploy reads, and a stack with contacts
 * gives ingest the right to mail.
 */
export const DEMO_CONTACTS: Record<string, string[]> = Object.fromEntries(
  [
    ['411100', 'luohe-office'], ['411102', 'yuanhui'], ['411103', 'yancheng'], ['411104', 'zhaoling'],
    ['411121', 'wuyang'], ['411122', 'linying'], ['410900', 'puyang-office'], ['410927', 'taiqian'],
    ['411300', 'nanyang-office'], ['411329', 'xinye'], ['411600', 'zhoukou-office'], ['411623', 'shangshui'],
  ].map(([code, name]) => [code, [`${name}@example.gov.cn`]]),
);

/** The portal the demo's mails link to (tb serve's default address). */
export const DEMO_PORTAL_URL = 'http://127.0.0.1:8787/';

/** The config the demo runs on: the program's, with the demo contacts where it names none. */
export function demoConfig(config: Config): Config {
  return {
    ...config,
    contacts: Object.keys(config.contacts ?? {}).length > 0 ? config.contacts : DEMO_CONTACTS,
    portalUrl: config.portalUrl ?? DEMO_PORTAL_URL,
  };
}

/** The city office whose review the demo shows (漯河市: five counties in the samples, one refused). */
const REVIEW_CITY = '411100';

/** The sample month's refused ledger and what its clerk corrects (the sample generator's two mistakes). */
const CORRECTED_UNIT = '411623';
const FIXES: Record<string, string | number> = { 待定: 50000, 签约二批: '签约一批' };

/** The refused sample file with its mistakes fixed, as the clerk would send it again. */
async function correctedFile(path: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(readFileSync(path) as unknown as ArrayBuffer);
  wb.eachSheet((ws) =>
    ws.eachRow((row) =>
      row.eachCell((cell) => {
        const v = typeof cell.value === 'string' ? cell.value.trim() : null;
        if (v !== null && Object.hasOwn(FIXES, v)) cell.value = FIXES[v];
      }),
    ),
  );
  return Buffer.from(await wb.xlsx.writeBuffer());
}

type Log = (l: string) => void;
type Json = Record<string, any>;

/** The sample file of a unit in the month folder (the demo's re-upload sends it again). */
function sampleFile(input: string, month: string, unit: string): { path: string; name: string } | null {
  const name = readdirSync(join(input, month)).find((f) => f.startsWith(`${unit}-`));
  return name ? { path: join(input, month, name), name } : null;
}

async function upload(pipeline: LocalPipeline, month: string, unit: string, name: string, bytes: Uint8Array): Promise<string> {
  await pipeline.upload(objectKeys.upload(month, unit, name), bytes, fileNameMetadata(name));
  const { receipts } = await pipeline.drain();
  return receipts.map((r) => r.summary).join('；');
}

/**
 * `npm start`'s second half: the life of the last sample month, which `tb run --hold-last` left
 * open with its uploads received. 催报 of the units still missing; the 漯河 city office's review in
 * the portal (`tb serve`'s HTTP routes, a city token): one county returned and uploading again, one
 * approved with a project 不予认定; publish (version 1); a correction after the lock (the published
 * numbers stay); republish (version 2 with its 更正说明); and the audit trail of every step.
 */
export async function demoLifecycle(o: { input: string; out: string; dataDir: string; config: Config; month: string; log?: Log }): Promise<void> {
  const log = o.log ?? ((l: string) => console.log(l));
  const outbox = join(o.out, 'outbox');
  // The portal on the run's store, as a city office would open it; mails go to OUT/outbox.
  const serve = await startServe({ config: o.config, dataDir: o.dataDir, fresh: false, port: 0, demoUnit: null, outbox, send: true });
  const pipeline = serve.pipeline;
  const reporting = localReporting(pipeline, o.config, outbox);
  const actions = localMonthActions(pipeline, reporting, { send: true });
  const province = { kind: 'operator' as const, id: '省专班（演示）' };
  const month = o.month;
  try {
    const deadline = deadlineOf(month, o.config.deadline);
    const accepted = (await pipeline.repo.getPointers(month)).length;
    log(`\n== ${month} 的流程（演示）==`);
    log(`  1. ${MONTH_STATUS_LABEL[(await pipeline.months.getMonthState(month)).status]}：截止 ${formatShanghaiDateTime(deadline)}，已接收 ${accepted} 个单位的台账`);

    // 催报 on the day before the deadline (a reminder day by default: reminders.daysBefore [3, 1]).
    const date = shanghaiDate(new Date(deadline.getTime() - 86400_000));
    const reminded = await pipeline.remind({ remind: true, month, date, force: true, actor: { kind: 'schedule', id: 'reminders（演示）' } });
    log(`  2. 催报（tb remind）：${reminded.message}；邮件在 ${outbox}/`);
    for (const m of reminded.mails.slice(0, 8)) log(`     ✉ ${m.kind === 'city' ? `${m.name}（市）` : m.name} → ${m.recipient}`);

    // The re-upload after a return is handed in on the deadline's morning (on time), the correction two days after it.
    pipeline.uploadedAt = new Date(deadline.getTime() - 6 * 3600_000);
    await reviewByCity(serve.url, pipeline, o, month, log);

    const pub = await actions.run(month, 'publish', province);
    if (!pub.done || !pub.report || !pub.version) throw new Error(`发布未完成：${pub.message}`);
    const v1Dir = await saveVersionFiles(pipeline, month, pub.version, pub.report, o.out);
    const v1Saved = await saveReportFiles(pipeline, pub.report, join(o.out, month));
    log(`  4. 发布（tb publish）：${pub.message}，锁定后不再变动；第 1 版在 ${v1Dir}/（漯河市版列出不予认定的项目）`);
    printReport(pub.report, v1Saved, (l) => log(`  ${l}`));

    pipeline.uploadedAt = new Date(deadline.getTime() + 2 * 86400_000);
    const sample = join(o.input, month, `${CORRECTED_UNIT}-商水县.xlsx`);
    const name = `${CORRECTED_UNIT}-商水县（更正）.xlsx`;
    log(`  5. 锁定后更正上传：${await upload(pipeline, month, CORRECTED_UNIT, name, await correctedFile(sample))}`);
    const v1 = await pipeline.store.getJson<RatesDoc>(pipeline.servers.buckets.reports, objectKeys.ratesVersion(month, 1));
    const latest = await pipeline.store.getJson<RatesDoc>(pipeline.servers.buckets.reports, objectKeys.rates(month));
    log(`     已发布数据不变：rates.json 仍为第 ${latest.version} 版（未报送 ${v1.unreported.length} 个单位）`);
    const r = await actions.run(month, 'republish', province);
    if (!r.done || !r.report || !r.version) throw new Error(`更正发布未完成：${r.message}`);
    const dir = await saveVersionFiles(pipeline, month, r.version, r.report, o.out);
    const saved = await saveReportFiles(pipeline, r.report, join(o.out, month));
    const v2 = await pipeline.store.getJson<RatesDoc>(pipeline.servers.buckets.reports, objectKeys.ratesVersion(month, r.version));
    log(`  6. 更正发布（tb republish）：${r.message}；第 1 版仍可查（reports/${month}/v1/），第 ${r.version} 版在 ${dir}/`);
    // The units whose numbers changed first: rank moves follow from them.
    const changes = [...(v2.correction?.changes ?? [])].sort((a, b) => Number(onlyRanks(a)) - Number(onlyRanks(b)));
    for (const c of changes.slice(0, 5)) log(`     ${c.name}：${c.fields.map((f) => `${f.label} ${f.from} → ${f.to}`).join('；')}`);
    if ((v2.correction?.changes.length ?? 0) > 5) log(`     ……共 ${v2.correction!.changes.length} 个单位（全文见通报的更正说明）`);
    printReport(r.report, saved, (l) => log(`  ${l}`));
    const trail = await pipeline.months.listAudit(month);
    const steps = trail.filter((e) => e.action !== 'upload' && e.action !== 'receipt');
    log(`  7. 审计记录（tb audit --month ${month}）：${trail.length} 条，其中上传与回执 ${trail.length - steps.length} 条；其余：`);
    for (const e of steps) log(`     ${auditLine(e)}`);
  } finally {
    await reporting.close();
    await serve.close();
  }
}

/**
 * Step 3: the city office in the portal (a city token on `tb serve`'s routes). It returns the
 * second county's upload (the county uploads again), approves the first with one project 不予认定,
 * then approves the new upload.
 */
async function reviewByCity(url: string, pipeline: LocalPipeline, o: { input: string }, month: string, log: Log): Promise<void> {
  const tokens = new TokenRepository(pipeline.doc, pipeline.servers.table);
  const token = (await tokens.issue({ role: 'city', cityCode: REVIEW_CITY, label: 'tb demo 市级审核', now: new Date() })).token;
  const call = async (method: string, path: string, body?: unknown): Promise<Json> => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = (await res.json()) as Json;
    if (!res.ok) throw new Error(`审核接口 ${path}：${json.error?.message ?? res.status}`);
    return json;
  };
  const units = async () => ((await call('GET', `/review?month=${month}`)).units as Json[]).filter((u) => u.state === 'accepted');
  const [first, second] = await units();
  if (!first || !second) {
    log(`  3. 市级审核：${division(REVIEW_CITY)!.name}本月被接收的上传不足两个，跳过演示`);
    return;
  }
  const city = division(REVIEW_CITY)!.name;
  const reason = '项目清单缺少第3期项目，请补报后重新上传';
  const returned = await call('POST', '/review', { month, unitCode: second.code, uploadId: second.upload.uploadId, decision: 'return', reason });
  log(`  3. 市级审核（${city}，报送平台的市级令牌）：退回 ${second.name}（${returned.review.summary}）`);
  const file = sampleFile(o.input, month, second.code)!;
  log(`     ${second.name}重新上传：${await upload(pipeline, month, second.code, file.name, readFileSync(file.path))}`);
  const rows = (await call('GET', `/review?month=${month}&unit=${first.code}`)).unit.rows as Json[];
  const unrecognized = [{ projectCode: rows[0].projectCode, reason: '用地手续不全，暂不予认定' }];
  const approved = await call('POST', '/review', { month, unitCode: first.code, uploadId: first.upload.uploadId, decision: 'approve', unrecognized });
  log(`     ${first.name}：${approved.review.summary}（${rows[0].projectCode} ${rows[0].projectName}：${unrecognized[0].reason}）`);
  const again = (await units()).find((u) => u.code === second.code)!;
  const second2 = await call('POST', '/review', { month, unitCode: second.code, uploadId: again.upload.uploadId, decision: 'approve' });
  log(`     ${second.name}：${second2.review.summary}；审核结果已邮件告知各县（有联系人的）`);
}
