import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ComputeResult } from '../../functions/compute/compute-rates';
import type { PublishRefusal } from '../../functions/core/bulletin/publishable';
import type { Actor, MonthAction } from '../../functions/core/month/month-state';
import type { MonthActionResult, MonthActions } from '../../functions/core/ports';
import { copyCuratedMonth } from './curated-out';
import { objectKeys } from '../../functions/core/shared/storage-keys';
import type { ReportEvent, ReportResult } from '../../functions/report/report-month';
import type { LocalPipeline } from './runtime';

/** The report stage as reporting.ts `localReporting` runs it (named by its shape). */
export interface LocalReporting {
  report(event: ReportEvent): Promise<ReportResult>;
}

export interface LocalMonthResult extends MonthActionResult {
  version: number | null;
  report: ReportResult | null;
  /** Compute's answer for a version (units reported, not reported). */
  computed?: ComputeResult;
  refused?: PublishRefusal;
}

/**
 * The month's actions on this machine, as in AWS: compute takes the step (lock, or claim and
 * compute a version); for a version the report stage renders it and mails it (send-once, per
 * version). `tb lock|publish|republish` and `tb serve`'s control panel use the same.
 */
export function localMonthActions(
  pipeline: LocalPipeline,
  reporting: LocalReporting,
  opts: { send: boolean; force?: boolean },
): MonthActions & { run(month: string, action: MonthAction, actor: Actor, runId?: string): Promise<LocalMonthResult> } {
  async function run(month: string, action: MonthAction, actor: Actor, runId?: string): Promise<LocalMonthResult> {
    const force = opts.force === true;
    const computed: ComputeResult = await pipeline.compute({ month, action, actor, ...(force ? { force } : {}), ...(runId ? { runId } : {}) });
    const state = await pipeline.months.getMonthState(month);
    const message = computed.message ?? '';
    // A lock moves the month without a version; a refusal (or a race lost) moves nothing.
    if (computed.skipReport || !computed.version) {
      return { done: computed.done === true, message, state, version: null, report: null, ...(computed.refused ? { refused: computed.refused } : {}) };
    }
    const report = await reporting.report({ month, version: computed.version, send: opts.send, force });
    return { done: true, message, state: await pipeline.months.getMonthState(month), version: computed.version, report, computed };
  }
  return {
    run,
    request: (month, action, actor) => run(month, action, actor),
  };
}

/**
 * OUT/{month}/v{N}/: the version's rates.json and every edition's PDF, as published; and OUT/curated/
 * as the curated bucket now has the month (its ledger, the audit trail up to this version).
 */
export async function saveVersionFiles(pipeline: LocalPipeline, month: string, version: number, rep: ReportResult, out: string): Promise<string> {
  const dir = join(out, month, `v${version}`);
  mkdirSync(dir, { recursive: true });
  const bucket = pipeline.servers.buckets.reports;
  writeFileSync(join(dir, 'rates.json'), await pipeline.store.getBytes(bucket, objectKeys.ratesVersion(month, version)));
  for (const e of rep.editions) writeFileSync(join(dir, e.pdfKey.split('/').pop()!), await pipeline.store.getBytes(bucket, e.pdfKey));
  // The ledger copy is the export stage's, written after compute returned; a failure is in the pipeline log.
  await pipeline.exported();
  await copyCuratedMonth(pipeline.store, pipeline.servers.buckets.curated, month, out);
  return dir;
}
