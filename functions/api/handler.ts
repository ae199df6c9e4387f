import { makeDocClient, makeLambdaClient, makeS3Client } from '../adapters/aws/clients';
import { ComputeInvoker } from '../adapters/aws/compute-invoker';
import { MonthRepository } from '../adapters/aws/month-repo';
import { buildMimeMessage, mailerFromEnv } from '../adapters/mail/mailer';
import { reviewMailTemplate } from '../adapters/render/review-mail';
import { secretFromSecretsManager } from '../adapters/aws/download-links';
import { LedgerRepository } from '../adapters/aws/ledger-repo';
import { s3Presigner } from '../adapters/aws/presign';
import { TokenRepository } from '../adapters/aws/token-repo';
import { S3UploadBucket } from '../adapters/aws/upload-bucket';
import { S3ObjectStore } from '../adapters/aws/object-store';
import { configFromEnv, readEnv } from '../adapters/env';
import { lambdaHandler } from '../adapters/lambda';
import { LAMBDA_WEB_DIR, loadWebAssets } from '../adapters/web-assets';
import { uploadSettings } from '../core/portal/upload-request';
import type { HttpApiEvent, HttpApiResult } from './http';
import { createPortal } from './portal';
import { createReviewNotice } from './review-notice';

/** API Gateway HTTP API (payload 2.0) → the portal. */
let portal: ReturnType<typeof createPortal> | undefined;

export const handler = lambdaHandler(async (event: HttpApiEvent): Promise<HttpApiResult> => {
  if (!portal) {
    const env = readEnv(['table', 'rawBucket']);
    const doc = makeDocClient();
    const s3 = makeS3Client();
    const { linkSecretArn, reportsBucket } = env;
    const config = configFromEnv();
    const repo = new LedgerRepository(doc, env.table);
    const months = new MonthRepository(doc, env.table);
    const now = () => new Date();
    portal = createPortal({
      tokens: new TokenRepository(doc, env.table),
      uploads: new S3UploadBucket(s3, env.rawBucket),
      repo,
      months,
      ledger: repo,
      review: config.review,
      // The control panel's actions run in the compute function (asynchronously); without its name, 503.
      ...(env.computeFunction ? { monthActions: new ComputeInvoker(makeLambdaClient(), env.computeFunction, months) } : {}),
      // The county's review mail, through the same MIME path and send-once claim as the bulletin.
      reviewNotice: createReviewNotice({ sendLog: repo, config, composeMime: buildMimeMessage, mailer: mailerFromEnv(), template: reviewMailTemplate, now }),
      assets: loadWebAssets(env.webDir ?? LAMBDA_WEB_DIR),
      settings: uploadSettings(config),
      deadline: config.deadline,
      now,
      // 本年各月 (GET /history): each month's rates.json, one GET a month (s3:GetObject on reports/).
      ...(reportsBucket ? { reports: { store: new S3ObjectStore(s3), bucket: reportsBucket } } : {}),
      // Signed bulletin links from mails: presigned here, at click time, for 5 minutes.
      ...(linkSecretArn && reportsBucket
        ? {
            downloads: {
              secret: secretFromSecretsManager(linkSecretArn),
              presign: async (key: string) => (await s3Presigner(s3)(reportsBucket, key, 300, key.split('/').pop())).url,
            },
          }
        : {}),
    });
  }
  return portal(event);
});
