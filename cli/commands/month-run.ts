import { join, resolve } from 'node:path';
import { userInfo } from 'node:os';
import type { AuditEntry } from '../../functions/core/audit/audit-entry';
import { ACTOR_KIND_LABEL, AUDIT_LABEL } from '../../functions/core/audit/audit-entry';
import { formatShanghaiDateTime } from '../../functions/core/bulletin/format';
import { type Actor, MONTH_STATUS_LABEL, type MonthAction } from '../../functions/core/month/month-state';
import type { Config } from '../../functions/core/shared/config';
import { division } from '../../functions/core/shared/divisions';
import { RefusedError } from '../errors';
import { localMonthActions, saveVersionFiles } from '../local/month-actions';
import { localReporting, printReport, saveReportFiles } from '../local/reporting';
import { LocalPipeline } from '../local/runtime';

type Log = (line: string) => void;

/** The operator at this terminal, for the audit trail. */
export function operator(name?: string): Actor {
  let id = name?.trim() || process.env.USER || '';
  if (!id) {
    try {
      id = userInfo().username;
    } catch {
      id = 'operator';
    }
  }
  return { kind: 'operator', id };
}

/** `tb lock|publish|republish` on the local store: the step, the version's files in OUT/M/vN/, the mails. */
export async function runMonthAction(o: {
  month: string;
  action: MonthAction;
  config: Config;
  dataDir: string;
  out: string;
  send: boolean;
  operator?: string;
  log?: Log;
}): Promise<void> {
  const log = o.log ?? ((l: string) => console.log(l));
  const pipeline = await LocalPipeline.start({ dataDir: o.dataDir, config: o.config, fresh: false });
  const out = resolve(o.out);
  const reporting = localReporting(pipeline, o.config, join(out, 'outbox'));
  try {
    const r = await localMonthActions(pipeline, reporting, { send: o.send }).run(o.month, o.action, operator(o.operator));
    if (!r.done) throw new RefusedError(r.message);
    log(`== ${r.message} ==`);
    log(`  状态：${MONTH_STATUS_LABEL[r.state.status]}${r.state.version ? `（第 ${r.state.version} 版）` : ''}`);
    if (r.report && r.version) {
      const dir = await saveVersionFiles(pipeline, o.month, r.version, r.report, out);
      // OUT/M/ holds the latest version, as the unversioned keys do.
      const saved = await saveReportFiles(pipeline, r.report, join(out, o.month));
      log(`  第 ${r.version} 版：${dir}/（rates.json 与 ${r.report.editions.length} 份通报）`);
      printReport(r.report, saved, log);
    }
  } finally {
    await reporting.close();
    await pipeline.close();
  }
}

/** One line of `tb audit`: time (Asia/Shanghai), what, who, which unit and upload, detail, checksum. */
export function auditLine(e: AuditEntry): string {
  const unit = e.unitCode ? `${e.unitCode} ${division(e.unitCode)?.name ?? ''}`.trim() : '';
  const who = `${ACTOR_KIND_LABEL[e.actor.kind]} ${e.actor.id}`;
  return [
    formatShanghaiDateTime(new Date(e.at)),
    AUDIT_LABEL[e.action] + (e.version ? ` 第${e.version}版` : ''),
    who,
    unit,
    e.uploadId ? `上传 ${e.uploadId}` : '',
    e.detail ?? '',
    e.checksum ? `sha256:${e.checksum.slice(0, 12)}` : '',
  ]
    .filter(Boolean)
    .join('  ');
}

export async function printAudit(o: { month: string | null; dataDir: string; config: Config; json: boolean; log?: Log }): Promise<AuditEntry[]> {
  const log = o.log ?? ((l: string) => console.log(l));
  const pipeline = await LocalPipeline.start({ dataDir: o.dataDir, config: o.config, fresh: false });
  try {
    const entries = await pipeline.months.listAudit(o.month);
    if (o.json) entries.forEach((e) => log(JSON.stringify(e)));
    else {
      const state = o.month ? await pipeline.months.getMonthState(o.month) : null;
      log(o.month ? `${o.month} 审计记录（${entries.length} 条；当前状态：${MONTH_STATUS_LABEL[state!.status]}${state!.version ? `，第 ${state!.version} 版` : ''}）` : `令牌与配置的审计记录（${entries.length} 条）`);
      entries.forEach((e) => log(`  ${auditLine(e)}`));
    }
    return entries;
  } finally {
    await pipeline.close();
  }
}
