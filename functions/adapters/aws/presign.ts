/**
 * Presigned, time-limited GET links to stored reports (a bulletin too large to attach to a mail).
 *
 * SigV4 query signing allows at most 7 days. A URL signed with temporary credentials (a Lambda
 * role's) stops working when those credentials expire, whatever its X-Amz-Expires says; when the
 * credential provider tells us the expiry we never promise more than that. (Lambda's environment
 * credentials do not carry their expiry: see README "Delivery" for what that means for links.)
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { MAX_PRESIGN_SECONDS, type Presign } from '../../core/ports';

/** A presigner for this S3 client (the embedded s3rver locally, S3 in AWS). */
export function s3Presigner(s3: S3Client, now: () => Date = () => new Date()): Presign {
  return async (bucket, key, seconds, downloadName) => {
    const t = now();
    let expiresIn = Math.max(1, Math.min(Math.floor(seconds), MAX_PRESIGN_SECONDS));
    const creds = await s3.config.credentials();
    if (creds.expiration) {
      // Leave a minute's margin: a link that dies as it is clicked helps nobody.
      const left = Math.floor((creds.expiration.getTime() - t.getTime()) / 1000) - 60;
      expiresIn = Math.max(1, Math.min(expiresIn, left));
    }
    const command = new GetObjectCommand({
      Bucket: bucket,
      Key: key,
      ...(downloadName ? { ResponseContentDisposition: `attachment; filename*=UTF-8''${encodeURIComponent(downloadName)}` } : {}),
    });
    const url = await getSignedUrl(s3, command, { expiresIn, signingDate: t });
    return { url, expiresAt: new Date(t.getTime() + expiresIn * 1000), expiresIn };
  };
}
