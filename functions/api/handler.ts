import { makeDocClient, makeS3Client, requireEnv } from '../adapters/aws-clients';
import { PortalRepository } from '../adapters/portal-repo';
import { configFromEnv } from '../adapters/runtime-config';
import { TokenRepository } from '../adapters/token-repo';
import { UploadBucket } from '../adapters/upload-bucket';
import { LAMBDA_WEB_DIR, loadWebAssets } from '../adapters/web-assets';
import { uploadSettings } from '../core/upload-request';
import type { HttpApiEvent, HttpApiResult } from './http';
import { createPortalHandler } from './portal';

export { createPortalHandler } from './portal';
export type { PortalDeps } from './portal';

let cached: ReturnType<typeof createPortalHandler> | undefined;

/** API Gateway HTTP API (payload 2.0) → the portal. */
export const handler = (event: HttpApiEvent): Promise<HttpApiResult> => {
  if (!cached) {
    const doc = makeDocClient();
    const table = requireEnv('TABLE_NAME');
    cached = createPortalHandler({
      tokens: new TokenRepository(doc, table),
      uploads: new UploadBucket(makeS3Client(), requireEnv('RAW_BUCKET')),
      repo: new PortalRepository(doc, table),
      assets: loadWebAssets(process.env.TB_WEB_DIR ?? LAMBDA_WEB_DIR),
      settings: uploadSettings(configFromEnv()),
      now: () => new Date(),
    });
  }
  return cached(event);
};
