import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildMimeMessage, mailerFromEnv } from '../../functions/adapters/mail/mailer';
import { handlebarsTemplates } from '../../functions/adapters/render/templates';
import { ChromiumRenderer } from '../../functions/adapters/render/pdf-renderer';
import { s3Presigner } from '../../functions/adapters/aws/presign';

import type { Config } from '../../functions/core/shared/config';
import { division } from '../../functions/core/shared/divisions';
import { formatGap, formatRate } from '../../functions/core/bulletin/format';
import type { RatesDoc } from '../../functions/core/metrics/rates-types';
import type { Receipt } from '../../functions/core/ingest/receipt';
import { lambdaHandler } from '../../functions/adapters/lambda';

import type { PublishRefusal } from '../../functions/core/bulletin/publishable';
import { type ReportEvent, type ReportResult, ReportRefusedError, createReport } from '../../functions/report/report-month';
import { FORCE_HINT, RefusedError } from '../errors';
import { copyCuratedMonth } from './curated-out';
import { requireMonths } from './input-files';
import { Progress } from './progress';
import { padDisplay } from './text-width';
import { LocalPipeline } from './runtime';
import { localMonthActions } from './month-actions';
import { localReporting, printReport, saveReportFiles } from './reporting';
import type { Actor } from '../../functions/core/month/month-state';
import { fileNameMetadata } from '../../functions/core/shared/file-names';
import { objectKeys } from '../../functions/core/shared/storage-keys';

export interface RunOptions {
  input: string;
  out: string;
  dataDir: string;
  config: Config;
  send: boolean;
  /** Issue even a month with no accepted upload (refused otherwise: the run ends with RefusedError). */
  force?: boolean;
  /** When each month's files were handed in (the uploads' event time); none: now, as the files are uploaded. */
  uploadedAt?: (month: string) => Date;
  /** Leave the last month open (received, a draft computed, not published): `tb demo` walks its review and publish. */
  holdLast?: boolean;
  log?: (line: string) => void;
}

export interface MonthSummary {
  month: string;
  accepted: number;
  rejected: number;
  skippedFiles: string[];
  unreported: number;
  rates: RatesDoc;
  /** Null when the month was not issued (`refused` says why, or it was held open: `holdLast`). */
  report: ReportResult | null;
  refused: PublishRefusal | null;
}

/** Who publishes the months of a `tb run` (the audit trail says so). */
const RUN_ACTOR: Actor = { kind: 'operator', id: 'tb run' };

const STATUS_MARK: Record<Receipt['status'], string> = { accepted: '✓', rejected: '✗', superseded: '↷' };

/**
 * `tb run`: every month folder of the input, in order, through one fresh embedded store —
 * upload via the S3 API, ingest on the S3 event, then compute and report as the schedule would.
 */
export async function runMonths(opts: RunOptions): Promise<MonthSummary[]> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const { months, skipped } = requireMonths(opts.input);
  for (const name of skipped) log(`  ? ${name}  跳过：文件夹名不是月份（应为 YYYY-MM，如 2026-10）`);
  // A fresh store has sent nothing: the outbox starts empty too (mails of an earlier run are not this run's).
  const outbox = join(opts.out, 'outbox');
  rmSync(outbox, { recursive: true, force: true });
  mkdirSync(outbox, { recursive: true });

  // Receipt mails (to the units' contacts, when configured) go to the outbox as the bulletin's do.
  const pipeline = await LocalPipeline.start({ dataDir: opts.dataDir, config: opts.config, ...(opts.send ? { outbox } : {}) });
  const reporting = localReporting(pipeline, opts.config, outbox);
  const actions = localMonthActions(pipeline, reporting, { send: opts.send, force: opts.force === true });

  const summaries: MonthSummary[] = [];
  let failures = 0;
  /** Months computed but not issued: no accepted upload (without --force). */
  const refusedMonths: string[] = [];
  try {
    for (const { month, files } of months) {
      log(`\n== ${month}: ${files.length} 个文件 ==`);
      pipeline.uploadedAt = opts.uploadedAt?.(month) ?? null;
      const skippedFiles: string[] = [];
      const progress = new Progress('已处理', files.length);
      /** This folder's receipts, as the uploads are ingested (one line each). */
      const receipts: Receipt[] = [];
      const take = (drained: Awaited<ReturnType<LocalPipeline['drain']>>) => {
        receipts.push(...drained.receipts);
        failures += printReceipts(drained.receipts, drained.failures, log);
      };
      let done = 0;
      for (const f of files) {
        if (!f.unitCode) {
          skippedFiles.push(f.fileName);
          log(`  ? ${f.fileName}  跳过：文件名应以 6 位单位代码开头（如 411102-源汇区.xlsx）`);
        } else {
          // The key bounds the name (objectKeys.upload); the receipt gets it whole from the metadata.
          const key = objectKeys.upload(month, f.unitCode, f.fileName);
          try {
            await pipeline.upload(key, readFileSync(f.path), fileNameMetadata(f.fileName));
          } catch (e) {
            // One file the store could not take is a pipeline failure, not the end of the run.
            failures++;
            log(`  ! ${f.fileName}  上传失败（流水线错误）：${(e as Error).message}`);
          }
        }
        // Ingest runs on the S3 event as uploads land; count a file done once its receipt exists.
        if (++done % 10 === 0 || done === files.length) take(await pipeline.drain());
        progress.tick(done);
      }
      take(await pipeline.drain());

      const monthDir = join(opts.out, month);
      mkdirSync(monthDir, { recursive: true });
      // OUT shows what the store knows: a receipt superseded by a later upload says so.
      const stored = await pipeline.repo.listReceipts(month);
      const invalid = receipts.filter((r) => !r.month || !r.unitCode);
      await writeReceipts(monthDir, [...stored, ...invalid], (key) => pipeline.store.getJson(pipeline.servers.buckets.raw, key));

      let summary: MonthSummary;
      try {
        const held = opts.holdLast === true && month === months[months.length - 1].month;
        // As the schedule does: publish the month (lock, compute version 1, render, mail).
        const published = held ? null : await actions.run(month, 'publish', RUN_ACTOR);
        if (published && !published.done && !published.refused) throw new Error(published.message);
        // Refused (no accepted upload) or held: the month stays open; its draft still goes to OUT for the record.
        const computed = !published || published.refused ? await pipeline.compute({ month }) : published.computed;
        const rates = await pipeline.store.getJson<RatesDoc>(pipeline.servers.buckets.reports, objectKeys.rates(month));
        writeFileSync(join(monthDir, 'rates.json'), JSON.stringify(rates, null, 2));
        // The month's columnar ledger for analysts (tb query, DuckDB): OUT/curated/ledger/month=YYYY-MM/ledger.parquet, Arrow under ledger-arrow/.
        // The export stage writes it after compute (as in AWS, where it runs on its own): wait for it.
        for (const f of (await pipeline.exported()).failures) log(`  ! ${f.month} 台账分析副本（ledger/、ledger-arrow/）导出失败：${f.error}`);
        await copyCuratedMonth(pipeline.store, pipeline.servers.buckets.curated, month, opts.out);
        const counts = {
          accepted: stored.filter((r) => r.status === 'accepted').length,
          // Every refused file: those of a reporting unit, and those whose key named none.
          rejected: stored.filter((r) => r.status === 'rejected').length + invalid.length,
          skippedFiles,
          // 未报送: nothing arrived (a unit whose files were all refused is among the rejected files).
          unreported: (computed?.unreportedUnits ?? rates.unreported.length) - (rates.rejected?.length ?? 0),
        };
        const rep: ReportResult | null = published?.report ?? null;
        const refused: PublishRefusal | null = published?.refused ?? null;
        const saved = rep ? await saveReportFiles(pipeline, rep, monthDir) : null;
        summary = { month, ...counts, rates, report: rep, refused };
        summaries.push(summary);
        printMonth(summary, log);
        if (!published) log('  … 本月保持报送中（草稿已写入 rates.json），催报、审核与发布见下');
        else if (rep && saved) printReport(rep, saved, log);
        else {
          refusedMonths.push(month);
          log(`  ✗ 未发布：${refused!.message}。${FORCE_HINT}`);
        }
      } catch (e) {
        // One month that cannot be computed or rendered (a month before bulletin.issueBaseMonth,
        // say) does not stop the others: it is reported, and the run fails at the end.
        failures++;
        log(`  ! ${month} 计算或生成通报失败：${(e as Error).message}`);
      }
    }
  } finally {
    await reporting.close();
    await pipeline.close();
  }
  // Rejected files are the clerks' business; an upload the pipeline could not process is ours.
  const notIssued = refusedMonths.length ? `；${refusedMonths.join('、')} 未发布通报（没有任何单位的台账被接收）` : '';
  if (failures) throw new Error(`${failures} 处流水线错误（见标 ! 的行）${notIssued}`);
  if (refusedMonths.length) throw new RefusedError(`${refusedMonths.join('、')} 没有任何单位的台账被接收，未生成、未发送通报（见标 ✗ 未发布 的行），其余月份已完成。${FORCE_HINT}`);
  return summaries;
}

/** Prints one line per upload; returns the number of pipeline failures. */
function printReceipts(receipts: Receipt[], failures: { key: string; error: string }[], log: (l: string) => void): number {
  for (const r of receipts) {
    const unit = r.unitCode ? `${r.unitCode} ${division(r.unitCode)?.name ?? ''}` : r.file.name;
    log(`  ${STATUS_MARK[r.status]} ${padDisplay(unit, 18)} ${r.summary}`);
  }
  for (const f of failures) log(`  ! ${f.key}  处理失败（流水线错误）：${f.error}`);
  return failures.length;
}

/**
 * OUT/{month}/receipts/{unit}-{uploadId}.json, or invalid-{uploadId}.json for a key that named no
 * unit; beside a receipt whose lists were cut, {…}.issues.json with every issue.
 */
async function writeReceipts(monthDir: string, receipts: Receipt[], readIssues: (key: string) => Promise<unknown>): Promise<void> {
  const dir = join(monthDir, 'receipts');
  mkdirSync(dir, { recursive: true });
  for (const r of receipts) {
    const base = join(dir, `${r.unitCode ?? 'invalid'}-${r.uploadId}`);
    writeFileSync(`${base}.json`, JSON.stringify(r, null, 2));
    if (r.issuesKey) writeFileSync(`${base}.issues.json`, JSON.stringify(await readIssues(r.issuesKey), null, 2));
  }
}

function printMonth(s: MonthSummary, log: (l: string) => void) {
  const p = s.rates.units.find((u) => u.level === 'province')!;
  log(`  接收 ${s.accepted} 个单位，退回 ${s.rejected} 个文件，未报送 ${s.unreported} 个单位${s.skippedFiles.length ? `，跳过 ${s.skippedFiles.length} 个文件` : ''}`);
  log(`  全省 签约落地率 ${formatRate(p.rates.signingLanding)}  开工率 ${formatRate(p.rates.start)}  投资完成率 ${formatRate(p.rates.investmentCompletion)}（${formatGap(p.rates.investmentCompletion, s.rates.timeProgress)}）`);
}
