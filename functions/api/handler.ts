import { makeDocClient, makeS3Client, requireEnv } from '../adapters/aws/clients';
import { secretFromSecretsManager } from '../adapters/aws/download-links';
import { LedgerRepository } from '../adapters/aws/ledger-repo';
import { s3Presigner } from '../adapters/aws/presign';
import { configFromEnv } from '../adapters/runtime-config';
import { TokenRepository } from '../adapters/aws/token-repo';
import { UploadBucket } from '../adapters/aws/upload-bucket';
import { LAMBDA_WEB_DIR, loadWebAssets } from '../adapters/web-assets';
import { uploadSettings } from '../core/portal/upload-request';
import type { HttpApiEvent, HttpApiResult } from './http';
import { createPortalHandler } from './portal';

export { createPortalHandler } from './portal';
export type { PortalDeps } from './portal';

let cached: ReturnType<typeof createPortalHandler> | undefined;

/** API Gateway HTTP API (payload 2.0) → the portal. */
export const handler = (event: HttpApiEvent): Promise<HttpApiResult> => {
  if (!cached) {
    const doc = makeDocClient();
    const s3 = makeS3Client();
    const table = requireEnv('TABLE_NAME');
    const { LINK_SECRET_ARN, REPORTS_BUCKET } = process.env;
    cached = createPortalHandler({
      tokens: new TokenRepository(doc, table),
      uploads: new UploadBucket(s3, requireEnv('RAW_BUCKET')),
      repo: new LedgerRepository(doc, table),
      assets: loadWebAssets(process.env.TB_WEB_DIR ?? LAMBDA_WEB_DIR),
      settings: uploadSettings(configFromEnv()),
      now: () => new Date(),
      // Signed bulletin links from mails: presigned here, at click time, for 5 minutes.
      ...(LINK_SECRET_ARN && REPORTS_BUCKET
        ? {
            downloads: {
              secret: secretFromSecretsManager(LINK_SECRET_ARN),
              presign: async (key: string) => (await s3Presigner(s3)(REPORTS_BUCKET, key, 300, key.split('/').pop())).url,
            },
          }
        : {}),
    });
  }
  return cached(event);
};
