import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import type { SignedPost, StoredUpload, UploadBucket } from '../../core/ports';

export interface UploadBucketOptions {
  /**
   * Replaces the POST URL the SDK computes (the local server fronts s3rver with a gateway that
   * checks the policy as S3 does; see cli/local/post-gateway.ts).
   */
  postUrl?: string;
}

/**
 * The raw bucket as the portal sees it: presigned browser POSTs for exactly one key under
 * `incoming/`, and the listing of one unit's uploads for a month. Nothing else.
 */
export class S3UploadBucket implements UploadBucket {
  private origin: Promise<string | null> | undefined;

  constructor(
    readonly s3: S3Client,
    readonly bucket: string,
    readonly options: UploadBucketOptions = {},
  ) {}

  /**
   * A POST policy that admits one object: this key exactly, 1…maxBytes bytes, until expiry, and
   * the given user metadata as `x-amz-meta-…` fields (each also fixed by the policy).
   * Signing is local (no request to S3); the signer's credentials need s3:PutObject on the key.
   */
  async signPost(key: string, maxBytes: number, expiresSeconds: number, metadata: Record<string, string> = {}): Promise<SignedPost> {
    const post = await createPresignedPost(this.s3, {
      Bucket: this.bucket,
      Key: key,
      Conditions: [['content-length-range', 1, maxBytes]],
      Fields: Object.fromEntries(Object.entries(metadata).map(([k, v]) => [`x-amz-meta-${k}`, v])),
      Expires: expiresSeconds,
    });
    return { url: this.options.postUrl ?? post.url, fields: post.fields };
  }

  /** The origin browsers POST to (for the page's Content-Security-Policy); null when same-origin. */
  uploadOrigin(): Promise<string | null> {
    this.origin ??= (async () => {
      const url = this.options.postUrl ?? (await createPresignedPost(this.s3, { Bucket: this.bucket, Key: 'incoming/', Expires: 60 })).url;
      return /^https?:\/\//i.test(url) ? new URL(url).origin : null;
    })().catch(() => null);
    return this.origin;
  }

  /** Objects under `prefix` (one unit's month folder), newest first. */
  async list(prefix: string, limit = 1000): Promise<StoredUpload[]> {
    const out: StoredUpload[] = [];
    let token: string | undefined;
    do {
      const res = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of res.Contents ?? []) {
        if (o.Key) out.push({ key: o.Key, size: o.Size ?? 0, lastModified: o.LastModified ? o.LastModified.toISOString() : null });
      }
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token && out.length < limit);
    return out.sort((a, b) => (b.lastModified ?? '').localeCompare(a.lastModified ?? ''));
  }
}
