import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectStore } from '../../core/ports';

/** The S3 operations the stages need (core/ports.ts), nothing more. */
export class S3ObjectStore implements ObjectStore {
  constructor(readonly s3: S3Client) {}

  /** The object's bytes; with a versionId, exactly that version (the raw bucket is versioned). */
  async getBytes(bucket: string, key: string, versionId?: string | null): Promise<Uint8Array> {
    return (await this.getObject(bucket, key, versionId)).bytes;
  }

  /** The bytes and the user metadata (the SDK gives its names without `x-amz-meta-`, lower case). */
  async getObject(bucket: string, key: string, versionId?: string | null): Promise<{ bytes: Uint8Array; metadata: Record<string, string> }> {
    const res = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }));
    if (!res.Body) throw new Error(`Empty body for s3://${bucket}/${key}`);
    return { bytes: await res.Body.transformToByteArray(), metadata: res.Metadata ?? {} };
  }

  async getJson<T>(bucket: string, key: string): Promise<T> {
    return JSON.parse(new TextDecoder().decode(await this.getBytes(bucket, key))) as T;
  }

  async put(bucket: string, key: string, body: Uint8Array | string, contentType: string): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
  }

  async putJson(bucket: string, key: string, value: unknown): Promise<void> {
    await this.put(bucket, key, JSON.stringify(value, null, 2), 'application/json; charset=utf-8');
  }

  async exists(bucket: string, key: string): Promise<boolean> {
    try {
      await this.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return true;
    } catch (e) {
      // A HEAD has no body: a missing object is the 404 itself (NotFound), or NoSuchKey.
      const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (err.name === 'NotFound' || err.name === 'NoSuchKey' || err.$metadata?.httpStatusCode === 404) return false;
      throw e;
    }
  }

  async list(bucket: string, prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const res = await this.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of res.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }
}
