import { makeDocClient, makeS3Client } from '../adapters/aws/clients';
import { LedgerRepository } from '../adapters/aws/ledger-repo';
import { MonthRepository } from '../adapters/aws/month-repo';
import { S3ObjectStore } from '../adapters/aws/object-store';
import { DigestStore } from '../adapters/aws/digest-store';
import { CuratedStore } from '../adapters/columnar/curated-store';
import { configFromEnv, readEnv } from '../adapters/env';
import { lambdaHandler } from '../adapters/lambda';
import { buildMimeMessage, mailerFromEnv } from '../adapters/mail/mailer';
import { noticeTemplates } from '../adapters/render/notice-templates';
import { decodeIngestEvent } from '../core/ingest/s3-event';
import { createIngest } from './ingest-upload';
import { createReceiptMail } from './receipt-mail';

/** S3 incoming/ → SQS → this Lambda (ReportBatchItemFailures): one use case, wired for AWS. */
let ingest: ReturnType<typeof createIngest> | undefined;

export const handler = lambdaHandler(async (event: unknown) => {
  if (!ingest) {
    const env = readEnv(['table', 'rawBucket', 'curatedBucket']);
    const store = new S3ObjectStore(makeS3Client());
    const doc = makeDocClient();
    const repo = new LedgerRepository(doc, env.table);
    const config = configFromEnv();
    const now = () => new Date();
    // Receipt mails only when they are on and someone is to get them (the stack grants the mail transport then too).
    const mailing = config.reminders.receiptMail && Object.keys(config.contacts).length > 0;
    ingest = createIngest({
      store,
      repo,
      months: new MonthRepository(doc, env.table),
      config,
      rawBucket: env.rawBucket,
      curated: new CuratedStore(store, env.curatedBucket),
      digests: new DigestStore(doc, env.table, (m, u, id) => repo.readSnapshot(m, u, id)),
      ...(mailing
        ? {
            notify: createReceiptMail({
              sendLog: repo,
              config,
              templates: noticeTemplates,
              composeMime: buildMimeMessage,
              mailer: mailerFromEnv(),
              portalUrl: config.portalUrl ?? env.portalUrl ?? null,
              now,
            }),
          }
        : {}),
      now,
    });
  }
  return ingest(decodeIngestEvent(event));
});
