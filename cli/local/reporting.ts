import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { s3Presigner } from '../../functions/adapters/aws/presign';
import { lambdaHandler } from '../../functions/adapters/lambda';
import { buildMimeMessage, mailerFromEnv } from '../../functions/adapters/mail/mailer';
import { withFreshRenderer } from '../../functions/adapters/render/pdf-renderer';
import { handlebarsTemplates } from '../../functions/adapters/render/templates';
import type { Config } from '../../functions/core/shared/config';
import { type ReportEvent, type ReportResult, createReport } from '../../functions/report/report-month';
import type { LocalPipeline } from './runtime';

/**
 * The report stage on a local pipeline (a browser per report, mail to the outbox) and
 * what the commands do with its result: the PDFs copied under OUT, one line each for the reader.
 * Shared by tb run, tb report, tb publish/republish and the demo.
 */
/**
 * The report stage as the local runtime runs it: the Lambda's use case with a Chromium of its own
 * per report, as in Lambda (withFreshRenderer: one kept for a whole run slowed down month by month),
 * mails to OUTBOX (and SMTP when SMTP_URL is set), download links
 * presigned against the embedded S3.
 */
export function localReporting(pipeline: LocalPipeline, config: Config, outbox: string) {
  const report = createReport({
    store: pipeline.store,
    sendLog: pipeline.repo,
    config,
    reportsBucket: pipeline.servers.buckets.reports,
    templates: handlebarsTemplates,
    composeMime: buildMimeMessage,
    mailer: mailerFromEnv(outbox),
    withRenderer: withFreshRenderer,
    presign: s3Presigner(pipeline.s3),
    now: pipeline.now,
  });
  return {
    report: lambdaHandler((event: ReportEvent) => report(event)),
    /** Nothing stays open between reports (each closes its browser); kept for the callers' shape. */
    async close() {},
  };
}

export interface ReportFiles {
  /** Edition (`province` or a city code) → the PDF's path under OUT. */
  pdfs: Record<string, string>;
}

/** Copies every rendered edition (PDF + HTML) from the reports bucket to `monthDir`. */
export async function saveReportFiles(pipeline: LocalPipeline, rep: ReportResult, monthDir: string): Promise<ReportFiles> {
  mkdirSync(monthDir, { recursive: true });
  const pdfs: Record<string, string> = {};
  for (const e of rep.editions) {
    const bucket = pipeline.servers.buckets.reports;
    const pdfPath = join(monthDir, e.pdfKey.split('/').pop()!);
    writeFileSync(pdfPath, await pipeline.store.getBytes(bucket, e.pdfKey));
    writeFileSync(join(monthDir, e.htmlKey.split('/').pop()!), await pipeline.store.getBytes(bucket, e.htmlKey));
    pdfs[e.edition] = pdfPath;
  }
  return { pdfs };
}

/** One line for the province PDF, one for the city editions, one for the mails. */
export function printReport(rep: ReportResult, files: ReportFiles, log: (l: string) => void): void {
  const province = rep.editions.find((e) => e.edition === 'province');
  const cities = rep.editions.filter((e) => e.edition !== 'province');
  if (province) log(`  通报 PDF：${files.pdfs.province}`);
  if (cities.length === 1) log(`  ${cities[0].name}分册 PDF：${files.pdfs[cities[0].edition]}`);
  else if (cities.length) {
    const example = files.pdfs[cities[0].edition];
    log(`  各市分册 PDF：${cities.length} 份，${example.replace(/-\d{6}\.pdf$/, '-{城市代码}.pdf')}`);
  }
  if (!rep.mails.length) return;
  const sent = rep.mails.filter((m) => m.status === 'sent');
  const skipped = rep.mails.filter((m) => m.status === 'skipped').length;
  const failed = rep.mails.filter((m) => m.status === 'failed').length;
  const links = sent.filter((m) => m.delivery === 'link').length;
  log(
    `  邮件：${sent.length} 封已发出（写入 outbox）` +
      (links ? `，其中 ${links} 封附下载链接代替附件` : '') +
      `；跳过 ${skipped} 封已发送` +
      (failed ? `；失败 ${failed} 封` : ''),
  );
}
