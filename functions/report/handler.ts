import { makeDocClient, makeS3Client } from '../adapters/aws/clients';
import { portalLinker, secretFromSecretsManager } from '../adapters/aws/download-links';
import { LedgerRepository } from '../adapters/aws/ledger-repo';
import { MonthRepository } from '../adapters/aws/month-repo';
import { S3ObjectStore } from '../adapters/aws/object-store';
import { s3Presigner } from '../adapters/aws/presign';
import { configFromEnv, readEnv } from '../adapters/env';
import { lambdaHandler } from '../adapters/lambda';
import { buildMimeMessage, mailerFromEnv } from '../adapters/mail/mailer';
import { withFreshRenderer } from '../adapters/render/pdf-renderer';
import { noticeTemplates } from '../adapters/render/notice-templates';
import { handlebarsTemplates } from '../adapters/render/templates';
import { renderEvaluationHtml } from '../adapters/render/evaluation-html';
import { type EvaluateEvent, type EvaluateSummary, createEvaluate, evaluateSummary, isEvaluateEvent } from '../evaluate/evaluate-year';
import { type DeliveryCheckEvent, type DeliveryVerdict, isDeliveryCheck } from '../core/delivery/delivery-check';
import { createDeliveryCheck } from './check-delivered';
import { type RemindEvent, type RemindResult, createRemind, isRemindEvent } from './remind';
import { type ReportEvent, type ReportRefused, type ReportResult, ReportRefusedError, createReport } from './report-month';

/** compute's result (Lambda destination) or `tb report --stack` → render and mail the month. */
let report: ReturnType<typeof createReport> | undefined;
let check: ReturnType<typeof createDeliveryCheck> | undefined;
let evaluate: ReturnType<typeof createEvaluate> | undefined;
let remind: ReturnType<typeof createRemind> | undefined;

export const handler = lambdaHandler(async (event: ReportEvent | DeliveryCheckEvent | EvaluateEvent | RemindEvent): Promise<ReportResult | ReportRefused | DeliveryVerdict | EvaluateSummary | RemindResult> => {
  // The year's evaluation (infra/evaluation-schedule.ts, or invoked by hand with {"evaluate":{"year":2026}}).
  if (isEvaluateEvent(event)) {
    const env = readEnv(['reportsBucket', 'curatedBucket']);
    evaluate ??= createEvaluate({
      store: new S3ObjectStore(makeS3Client()),
      reportsBucket: env.reportsBucket,
      curatedBucket: env.curatedBucket,
      config: configFromEnv(),
      evaluationHtml: renderEvaluationHtml,
      withRenderer: withFreshRenderer,
      now: () => new Date(),
    });
    return evaluateSummary(await evaluate(event));
  }
  // The scheduled delivery check (infra/schedule.ts): reads, renders and mails nothing.
  if (isDeliveryCheck(event)) {
    const env = readEnv(['table', 'reportsBucket']);
    check ??= createDeliveryCheck({
      store: new S3ObjectStore(makeS3Client()),
      sendLog: new LedgerRepository(makeDocClient(), env.table),
      config: configFromEnv(),
      reportsBucket: env.reportsBucket,
      now: () => new Date(),
    });
    return check(event);
  }
  // The reminder schedule (催报, infra/schedule.ts): mails, renders no PDF.
  if (isRemindEvent(event)) {
    if (!remind) {
      const env = readEnv(['table']);
      const doc = makeDocClient();
      const repo = new LedgerRepository(doc, env.table);
      const config = configFromEnv();
      remind = createRemind({
        receipts: repo,
        months: new MonthRepository(doc, env.table),
        sendLog: repo,
        config,
        templates: noticeTemplates,
        composeMime: buildMimeMessage,
        mailer: mailerFromEnv(),
        portalUrl: config.portalUrl ?? env.portalUrl ?? null,
        now: () => new Date(),
      });
    }
    return remind(event);
  }
  if (!report) {
    const env = readEnv(['table', 'reportsBucket']);
    const s3 = makeS3Client();
    report = createReport({
      store: new S3ObjectStore(s3),
      sendLog: new LedgerRepository(makeDocClient(), env.table),
      config: configFromEnv(),
      reportsBucket: env.reportsBucket,
      templates: handlebarsTemplates,
      withRenderer: withFreshRenderer,
      composeMime: buildMimeMessage,
      mailer: mailerFromEnv(),
      // In AWS, links go through the portal (which presigns on click with fresh credentials);
      // elsewhere a presigned S3 URL is fine.
      presign:
        env.portalUrl && env.linkSecretArn ? portalLinker(env.portalUrl, secretFromSecretsManager(env.linkSecretArn)) : s3Presigner(s3),
      now: () => new Date(),
      ...(env.linkTtlHours ? { linkTtlSeconds: Math.round(env.linkTtlHours * 3600) } : {}),
    });
  }
  try {
    return await report(event);
  } catch (e) {
    // A month with no accepted upload: logged at error level, nothing mailed, answered (no retry).
    if (e instanceof ReportRefusedError) return { month: e.refusal.month, refused: e.refusal };
    throw e;
  }
});
