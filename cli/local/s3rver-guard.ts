import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import type S3rver from '@20minutes/s3rver';
import S3Error from '@20minutes/s3rver/lib/models/error.js';
import { logEvent } from '../../functions/adapters/log';
import { MAX_KEY_BYTES, utf8Bytes } from '../../functions/core/shared/file-names';

/**
 * Makes the embedded S3 answer a request it cannot serve as S3 would, never by ending the process.
 *
 * s3rver 4's file-system store pipes a streamed body to disk with its errors handled, but writes a
 * Buffer body (a POSTed `file` part that busboy reads as a field) with `writeStream.end` and no
 * 'error' listener: a write that fails there — a key segment longer than the file system's 255
 * bytes once s3rver has appended `._S3rver_object` (ENAMETOOLONG), a full disk — is an uncaught
 * exception that ends the whole process, `tb serve` for everyone (s3rver 3.7 did so for every
 * body). Where it does answer, a key it cannot store is a 500 InternalError, not S3's 400, and an
 * object whose metadata file could not be written stays half stored. Here, on the store instance:
 * - a key S3 would refuse (over 1024 bytes), or one that cannot be stored as files, is refused
 *   before anything is written: 400 KeyTooLongError, S3's answer to an over-long key;
 * - objects and multipart parts are written with their write errors turned into that request's
 *   error (500), and what was half written is removed;
 * - the errors s3rver answers with are logged to the pipeline log (5xx as errors).
 */

/** A file name's limit in bytes (ext4, APFS, tmpfs). */
const MAX_FILE_NAME_BYTES = 255;
/** The longest suffix s3rver adds to a key's last segment on disk. */
const S3RVER_SUFFIX_BYTES = utf8Bytes('._S3rver_metadata.json');

interface StoredObject {
  bucket: string;
  key: string;
  content: Buffer | Readable;
  metadata: Record<string, string>;
}

/** The parts of s3rver's FilesystemStore used here. */
interface FilesystemStore {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5: string): Promise<void>;
  putObject(object: StoredObject): Promise<{ size: number; md5: string }>;
  putPart(bucket: string, uploadId: string, partNumber: number, content: Readable): Promise<{ size: number; md5: string }>;
  copyObject(srcBucket: string, srcKey: string, destBucket: string, destKey: string, replacement?: unknown): Promise<unknown>;
  initiateUpload(bucket: string, key: string, uploadId: string, metadata: unknown): Promise<void>;
}

/** Why the embedded S3 cannot store `key` (null: it can). */
export function unstorableKey(key: string): string | null {
  const bytes = utf8Bytes(key);
  if (bytes > MAX_KEY_BYTES) return `the key is ${bytes} bytes, S3 allows ${MAX_KEY_BYTES}`;
  const parts = key.split('/');
  const last = parts.pop() ?? '';
  const dir = parts.find((p) => utf8Bytes(p) > MAX_FILE_NAME_BYTES);
  if (dir !== undefined) return `a folder of the key is ${utf8Bytes(dir)} bytes; the embedded S3 stores it as a folder name of at most ${MAX_FILE_NAME_BYTES}`;
  if (utf8Bytes(last) + S3RVER_SUFFIX_BYTES > MAX_FILE_NAME_BYTES) {
    return `the key's last segment is ${utf8Bytes(last)} bytes; the embedded S3 stores it as file names of at most ${MAX_FILE_NAME_BYTES} bytes (${MAX_FILE_NAME_BYTES - S3RVER_SUFFIX_BYTES} for the segment)`;
  }
  return null;
}

function refuseKey(key: string, content?: unknown): void {
  const why = unstorableKey(key);
  if (!why) return;
  // The body is not wanted: let it drain so the client reads the answer.
  if (content instanceof Readable) content.resume();
  throw new S3Error('KeyTooLongError', `Your key is too long: ${why}.`, { Size: utf8Bytes(key), MaxSizeAllowed: MAX_KEY_BYTES });
}

/** Writes `content` to `path`; any error rejects (the source is drained, the file removed). */
async function writeFileFrom(path: string, content: Buffer | Readable): Promise<{ size: number; md5: string }> {
  await mkdir(dirname(path), { recursive: true });
  const md5 = createHash('md5');
  let size = 0;
  const source = Buffer.isBuffer(content) ? Readable.from([content]) : content;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, callback) {
      md5.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const out = createWriteStream(path);
      const fail = (err: Error) => {
        counter.unpipe(out);
        counter.resume(); // keep reading (and dropping) the body
        reject(err);
      };
      out.once('error', fail);
      counter.once('error', fail);
      source.once('error', fail);
      out.once('finish', () => resolve());
      source.pipe(counter).pipe(out);
    });
  } catch (err) {
    await rm(path, { force: true }).catch(() => undefined);
    throw err;
  }
  return { size, md5: md5.digest('hex') };
}

export function guardS3rver(s3rver: S3rver): void {
  const store = (s3rver as unknown as { store: FilesystemStore }).store;
  const { copyObject, initiateUpload } = store;

  store.putObject = async (object) => {
    refuseKey(object.key, object.content);
    const path = store.getResourcePath(object.bucket, object.key, 'object');
    const written = await writeFileFrom(path, object.content);
    try {
      await store.putMetadata(object.bucket, object.key, object.metadata, written.md5);
    } catch (err) {
      await Promise.all(['object', 'object.md5', 'metadata.json'].map((r) => rm(store.getResourcePath(object.bucket, object.key, r), { force: true })));
      throw err;
    }
    return written;
  };

  store.putPart = async (bucket, uploadId, partNumber, content) => {
    const path = join(store.getResourcePath(bucket, undefined, 'uploads'), uploadId, String(partNumber));
    const written = await writeFileFrom(path, content);
    await writeFile(`${path}.md5`, written.md5);
    return written;
  };

  store.copyObject = async (srcBucket, srcKey, destBucket, destKey, replacement) => {
    refuseKey(destKey);
    return copyObject.call(store, srcBucket, srcKey, destBucket, destKey, replacement);
  };

  store.initiateUpload = async (bucket, key, uploadId, metadata) => {
    refuseKey(key);
    return initiateUpload.call(store, bucket, key, uploadId, metadata);
  };

  // Koa's app-level 'error': with a listener of ours, its default (console.error) is not added.
  s3rver.on('error', (err: { status?: number; code?: string; message?: string; stack?: string }, ctx?: { method?: string; path?: string }) => {
    const status = err.status ?? 500;
    if (status < 500 && err.code !== 'KeyTooLongError') return; // NoSuchKey and the like: answers, not faults
    logEvent(
      'embedded s3 refused a request',
      { status, code: err.code ?? null, method: ctx?.method ?? null, path: ctx?.path ?? null, error: status >= 500 ? (err as Error) : err.message },
      status >= 500 ? 'error' : 'info',
    );
  });
}
