import type { Serve } from '../../cli/commands/serve-run';
import type { TokenRepository } from '../../functions/adapters/aws/token-repo';
import { S3UploadBucket } from '../../functions/adapters/aws/upload-bucket';
import { createPortal } from '../../functions/api/portal';
import { uploadSettings } from '../../functions/core/portal/upload-request';
import { parseConfig } from '../../functions/core/shared/config';

/**
 * The portal on `serve`'s servers with only the ports it cannot run without (tokens, uploads,
 * receipts): no month store, no reports reader, no month actions. Routes that need one answer 503.
 */
export function barePortal(serve: Serve, tokens: TokenRepository, now: Date) {
  return createPortal({
    tokens,
    uploads: new S3UploadBucket(serve.pipeline.s3, serve.pipeline.servers.buckets.raw),
    repo: serve.pipeline.repo,
    assets: new Map(),
    settings: uploadSettings(parseConfig({})),
    now: () => now,
  });
}
