import { createHash } from 'node:crypto';

/**
 * File names inside object keys, and the clerk's own name beside them (pure).
 *
 * A key's last segment is bounded in UTF-8 bytes whatever the file was called: S3 allows 1024
 * bytes for the whole key, and the embedded S3 (s3rver) stores every segment as a file name on
 * disk, where a name over 255 bytes fails (ENAMETOOLONG) — and it appends up to 22 bytes of its
 * own (`._S3rver_metadata.json`). A Chinese character is 3 bytes: 76 of them already pass 228.
 *
 * The name the clerk wrote travels beside the key, as the object's user metadata
 * (`x-amz-meta-file-name`, percent-encoded: S3 metadata is ASCII and at most 2 KB), and is what
 * the receipt shows.
 */

/** The largest last segment of an upload key: safe for s3rver on disk, far below S3's key limit. */
export const MAX_KEY_NAME_BYTES = 120;
/** S3's limit for a whole key. */
export const MAX_KEY_BYTES = 1024;
/** The longest file name of the common file systems (ext4, APFS): a longer segment is no file's name. */
export const MAX_SEGMENT_BYTES = 255;
/**
 * The longest clerk's file name kept (portal, object metadata, receipt): 200 Chinese characters
 * and an extension. Percent-encoded it is at most 3 × 640 = 1920 bytes, under S3's 2 KB of user
 * metadata (key and value counted).
 */
export const MAX_DISPLAY_NAME_BYTES = 640;
/** The user-metadata key of the clerk's file name (`x-amz-meta-file-name` on the wire). */
export const FILE_NAME_META = 'file-name';

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Lone surrogates (which UTF-8 cannot encode, and encodeURIComponent refuses) become U+FFFD. */
export function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The longest start of `text` within `maxBytes` UTF-8 bytes, cut between user-perceived
 * characters: never inside a UTF-8 sequence, a surrogate pair, an emoji sequence or before a
 * combining mark.
 */
export function cutToBytes(text: string, maxBytes: number): string {
  if (utf8Bytes(text) <= maxBytes) return text;
  let out = '';
  let used = 0;
  for (const { segment } of graphemes.segment(text)) {
    const n = utf8Bytes(segment);
    if (used + n > maxBytes) break;
    out += segment;
    used += n;
  }
  return out;
}

/** `name` as stem and extension (`.xlsx`; empty when there is none, or only an implausibly long one). */
export function splitExtension(name: string): { stem: string; ext: string } {
  const m = /^(.+)(\.[A-Za-z0-9]{1,16})$/s.exec(name);
  return m ? { stem: m[1], ext: m[2] } : { stem: name, ext: '' };
}

/**
 * The last segment of an upload key for a file called `name`: the name itself when it fits in
 * `maxBytes` UTF-8 bytes; otherwise its readable start, `~`, 10 hex digits of the SHA-256 of
 * the whole name (two long names that start alike still get two keys), and its extension (which
 * ingest reads the format from). Always at most `maxBytes` bytes; idempotent.
 */
export function boundedKeyName(name: string, maxBytes: number = MAX_KEY_NAME_BYTES): string {
  if (maxBytes < 40) throw new Error(`boundedKeyName: ${maxBytes} bytes is too few for a name`);
  const whole = wellFormed(name);
  if (utf8Bytes(whole) <= maxBytes) return whole;
  const { stem, ext } = splitExtension(whole);
  const tag = `~${createHash('sha256').update(whole, 'utf8').digest('hex').slice(0, 10)}`;
  return cutToBytes(stem, maxBytes - utf8Bytes(tag + ext)) + tag + ext;
}

/**
 * The clerk's file name as object metadata: within MAX_DISPLAY_NAME_BYTES (start kept, extension
 * kept), percent-encoded to ASCII.
 */
export function encodeFileNameMeta(name: string): string {
  return encodeURIComponent(displayName(name));
}

/** The user metadata an upload carries: the clerk's file name (FILE_NAME_META). */
export function fileNameMetadata(name: string): Record<string, string> {
  return { [FILE_NAME_META]: encodeFileNameMeta(name) };
}

/** A file name fit to show: well-formed, within MAX_DISPLAY_NAME_BYTES, its extension kept. */
export function displayName(name: string): string {
  const whole = wellFormed(name);
  if (utf8Bytes(whole) <= MAX_DISPLAY_NAME_BYTES) return whole;
  const { stem, ext } = splitExtension(whole);
  return cutToBytes(stem, MAX_DISPLAY_NAME_BYTES - utf8Bytes(ext)) + ext;
}

/**
 * The clerk's file name back from the object's metadata, or null when there is none or it is not
 * a name (not percent-encoding, empty, control characters only). Whoever may write to the bucket
 * may set it: control and bidirectional-override characters are dropped, the length is bounded.
 */
export function decodeFileNameMeta(value: string | null | undefined): string | null {
  if (!value) return null;
  let name: string;
  try {
    name = decodeURIComponent(value);
  } catch {
    return null;
  }
  name = displayName(name.replace(/[\p{Cc}\u202A-\u202E\u2066-\u2069]/gu, '')).trim();
  return name ? name : null;
}
