import { makeDocClient, makeS3Client } from '../adapters/aws/clients';
import { secretFromSecretsManager } from '../adapters/aws/download-links';
import { LedgerRepository } from '../adapters/aws/ledger-repo';
import { s3Presigner } from '../adapters/aws/presign';
import { TokenRepository } from '../adapters/aws/token-repo';
import { S3UploadBucket } from '../adapters/aws/upload-bucket';
import { configFromEnv, readEnv } from '../adapters/env';
import { lambdaHandler } from '../adapters/lambda';
import { LAMBDA_WEB_DIR, loadWebAssets } from '../adapters/web-assets';
import { uploadSettings } from '../core/portal/upload-request';
import type { HttpApiEvent, HttpApiResult } from './http';
import { createPortal } from './portal';

/** API Gateway HTTP API (payload 2.0) → the portal. */
let portal: ReturnType<typeof createPortal> | undefined;

export const handler = lambdaHandler(async (event: HttpApiEvent): Promise<HttpApiResult> => {
  if (!portal) {
    const env = readEnv(['table', 'rawBucket']);
    const doc = makeDocClient();
    const s3 = makeS3Client();
    const { linkSecretArn, reportsBucket } = env;
    const config = configFromEnv();
    portal = createPortal({
      tokens: new TokenRepository(doc, env.table),
      uploads: new S3UploadBucket(s3, env.rawBucket),
      repo: new LedgerRepository(doc, env.table),
      assets: loadWebAssets(env.webDir ?? LAMBDA_WEB_DIR),
      settings: uploadSettings(config),
      deadline: config.deadline,
      now: () => new Date(),
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
