import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Config } from '../../functions/core/shared/config';
import { MONTH_STATUS_LABEL } from '../../functions/core/month/month-state';
import type { RatesDoc } from '../../functions/core/metrics/rates-types';
import { fileNameMetadata } from '../../functions/core/shared/file-names';
import { objectKeys } from '../../functions/core/shared/storage-keys';
import { auditLine } from '../commands/month-run';
import { onlyRanks } from '../../functions/core/month/corrections';
import { localMonthActions, saveVersionFiles } from './month-actions';
import { localReporting, printReport, saveReportFiles } from './reporting';
import { LocalPipeline } from './runtime';

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

/**
 * `npm start`'s second half: the life of the last sample month after `tb run` published it —
 * a correction arrives after the lock (the published numbers stay), the province republishes
 * (version 2 with its 更正说明), and the audit trail shows every step.
 */
export async function demoLifecycle(o: { input: string; out: string; dataDir: string; config: Config; month: string; log?: (l: string) => void }): Promise<void> {
  const log = o.log ?? ((l: string) => console.log(l));
  const pipeline = await LocalPipeline.start({ dataDir: o.dataDir, config: o.config, fresh: false });
  const reporting = localReporting(pipeline, o.config, join(o.out, 'outbox'));
  const actions = localMonthActions(pipeline, reporting, { send: true });
  const province = { kind: 'operator' as const, id: '省专班（演示）' };
  try {
    const month = o.month;
    const state = await pipeline.months.getMonthState(month);
    log(`\n== ${month} 的流程（演示）==`);
    log(`  1. ${MONTH_STATUS_LABEL[state.status]}（第 ${state.version} 版）：tb run 已按时间表锁定、计算、发出第 1 版`);
    const sample = join(o.input, month, `${CORRECTED_UNIT}-商水县.xlsx`);
    const name = `${CORRECTED_UNIT}-商水县（更正）.xlsx`;
    await pipeline.upload(objectKeys.upload(month, CORRECTED_UNIT, name), await correctedFile(sample), fileNameMetadata(name));
    const { receipts } = await pipeline.drain();
    log(`  2. 锁定后更正上传：${receipts.map((r) => r.summary).join('；')}`);
    const v1 = await pipeline.store.getJson<RatesDoc>(pipeline.servers.buckets.reports, objectKeys.ratesVersion(month, 1));
    const latest = await pipeline.store.getJson<RatesDoc>(pipeline.servers.buckets.reports, objectKeys.rates(month));
    log(`     已发布数据不变：rates.json 仍为第 ${latest.version} 版（未报送 ${v1.unreported.length} 个单位）`);
    const r = await actions.run(month, 'republish', province);
    if (!r.done || !r.report || !r.version) throw new Error(`更正发布未完成：${r.message}`);
    const dir = await saveVersionFiles(pipeline, month, r.version, r.report, o.out);
    const saved = await saveReportFiles(pipeline, r.report, join(o.out, month));
    const v2 = await pipeline.store.getJson<RatesDoc>(pipeline.servers.buckets.reports, objectKeys.ratesVersion(month, r.version));
    log(`  3. 更正发布：${r.message}；第 1 版仍可查（reports/${month}/v1/），第 ${r.version} 版在 ${dir}/`);
    // The units whose numbers changed first: rank moves follow from them.
    const changes = [...(v2.correction?.changes ?? [])].sort((a, b) => Number(onlyRanks(a)) - Number(onlyRanks(b)));
    for (const c of changes.slice(0, 5)) log(`     ${c.name}：${c.fields.map((f) => `${f.label} ${f.from} → ${f.to}`).join('；')}`);
    if ((v2.correction?.changes.length ?? 0) > 5) log(`     ……共 ${v2.correction!.changes.length} 个单位（全文见通报的更正说明）`);
    printReport(r.report, saved, (l) => log(`  ${l}`));
    const trail = await pipeline.months.listAudit(month);
    const steps = trail.filter((e) => e.action !== 'upload' && e.action !== 'receipt');
    log(`  4. 审计记录（tb audit --month ${month}）：${trail.length} 条，其中上传与回执 ${trail.length - steps.length} 条；其余：`);
    for (const e of steps) log(`     ${auditLine(e)}`);
  } finally {
    await reporting.close();
    await pipeline.close();
  }
}
