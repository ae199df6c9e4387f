import { createHmac, timingSafeEqual } from 'node:crypto';
import { escapeMarkup } from '../../functions/core/shared/markup';

/**
 * Checks a browser-form POST upload the way S3 does (Signature Version 4 POST policies), for the
 * local runtime: s3rver stores any POSTed object and ignores the policy entirely (no signature,
 * expiry, key or content-length-range check; see node_modules/s3rver/lib/controllers/object.js
 * `postObject`). `tb serve` puts this check in front of it so that what the portal's presigned
 * POST forbids is refused locally too.
 *
 * Rules (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html):
 * the signature is HMAC-SHA256 of the base64 policy with the SigV4 signing key of the credential
 * scope; the policy must not have expired; every condition must hold; every form field except
 * x-amz-signature, file, policy and x-ignore-* must be covered by a condition; field names are
 * case-insensitive, so a name given twice in any case is refused. Errors carry S3's codes.
 */
export interface PostCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export type PolicyCheck =
  /** `fields`: what s3rver may be given, exactly the fields checked, names in lower case, no x-ignore-*. */
  | { ok: true; key: string; fields: [string, string][] }
  | { ok: false; status: number; code: string; message: string; extra?: Record<string, string | number> };

type Condition = Record<string, unknown> | unknown[];

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
}

function denied(message: string): PolicyCheck {
  return { ok: false, status: 403, code: 'AccessDenied', message };
}

/**
 * S3 refuses a POST whose fields before the file exceed 20 KB (MaxPostPreDataLengthExceeded, with
 * MaxPostPreDataLengthBytes 20480). S3 counts the bytes on the wire; names and values are counted
 * here, which no real form comes near either way.
 */
export const MAX_PRE_DATA_BYTES = 20 * 1024;

const ignored = (n: string) => n.startsWith('x-ignore-');

function conditionText(c: Condition): string {
  return JSON.stringify(c).replace(/,/g, ', ');
}

/**
 * `fields`: the form fields that came before the file, in order (S3 ignores fields after it).
 * `bucket`: the bucket named by the request URL.
 */
export function checkPostPolicy(input: {
  bucket: string;
  fields: [string, string][];
  fileSize: number;
  credentials: PostCredentials;
  region: string;
  now: Date;
}): PolicyCheck {
  // S3 reads field names case-insensitively and refuses one given twice (400 InvalidArgument; the
  // wording here is ours). Keeping either copy instead would check one value while s3rver, which
  // matches names case-sensitively and lets a later field win, might store the other: `key` + `Key`
  // checked one unit's key and stored another's.
  const fields = new Map<string, string>();
  let preData = 0;
  for (const [name, value] of input.fields) {
    const n = name.toLowerCase();
    if (fields.has(n)) {
      return { ok: false, status: 400, code: 'InvalidArgument', message: `Bucket POST must contain at most one field named '${n}'.`, extra: { ArgumentName: n } };
    }
    fields.set(n, value);
    preData += Buffer.byteLength(name) + Buffer.byteLength(value);
  }
  // Also keeps every field well inside what s3rver's parser reads untruncated (1 MiB a field).
  if (preData > MAX_PRE_DATA_BYTES) {
    // S3's own words, spelling included.
    return { ok: false, status: 400, code: 'MaxPostPreDataLengthExceeded', message: 'Your POST request fields preceeding the upload file was too large.', extra: { MaxPostPreDataLengthBytes: MAX_PRE_DATA_BYTES } };
  }
  // The form's own `bucket` field, if any, is not what S3 checks (nor stores to): the URL's bucket is.
  const forward = [...fields].filter(([n]) => n !== 'bucket' && !ignored(n));
  fields.set('bucket', input.bucket);

  const policyB64 = fields.get('policy');
  const key = fields.get('key');
  if (key === undefined || key === '') {
    return { ok: false, status: 400, code: 'InvalidArgument', message: "Bucket POST must contain a field named 'key'." };
  }
  if (!policyB64) return denied('Anonymous access is forbidden for this operation');

  // --- signature ---
  if (fields.get('x-amz-algorithm') !== 'AWS4-HMAC-SHA256') {
    return { ok: false, status: 400, code: 'InvalidArgument', message: 'Only AWS4-HMAC-SHA256 POST policies are supported' };
  }
  const credential = fields.get('x-amz-credential') ?? '';
  const [accessKeyId, date, region, service, terminator] = credential.split('/');
  if (!accessKeyId || !date || !region || service !== 's3' || terminator !== 'aws4_request') {
    return { ok: false, status: 400, code: 'InvalidArgument', message: 'Invalid x-amz-credential' };
  }
  if (accessKeyId !== input.credentials.accessKeyId) {
    return { ok: false, status: 403, code: 'InvalidAccessKeyId', message: 'The AWS Access Key Id you provided does not exist in our records.' };
  }
  if (region !== input.region) {
    return { ok: false, status: 400, code: 'AuthorizationHeaderMalformed', message: `the region '${region}' is wrong; expecting '${input.region}'` };
  }
  const expected = hmac(signingKey(input.credentials.secretAccessKey, date, region, service), policyB64).toString('hex');
  const given = fields.get('x-amz-signature') ?? '';
  const a = Buffer.from(expected, 'hex');
  const b = Buffer.from(/^[0-9a-f]{64}$/.test(given) ? given : '', 'hex');
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    return { ok: false, status: 403, code: 'SignatureDoesNotMatch', message: 'The request signature we calculated does not match the signature you provided.' };
  }

  // --- the policy document ---
  let policy: { expiration?: unknown; conditions?: unknown };
  try {
    policy = JSON.parse(Buffer.from(policyB64, 'base64').toString('utf8'));
  } catch {
    return { ok: false, status: 400, code: 'InvalidPolicyDocument', message: 'Invalid Policy: Invalid JSON.' };
  }
  const expiration = typeof policy.expiration === 'string' ? Date.parse(policy.expiration) : NaN;
  if (Number.isNaN(expiration)) return { ok: false, status: 400, code: 'InvalidPolicyDocument', message: 'Invalid Policy: Invalid expiration.' };
  if (expiration <= input.now.getTime()) return denied('Invalid according to Policy: Policy expired.');
  if (!Array.isArray(policy.conditions)) return { ok: false, status: 400, code: 'InvalidPolicyDocument', message: 'Invalid Policy: Missing conditions.' };

  const covered = new Set<string>();
  for (const c of policy.conditions as Condition[]) {
    if (Array.isArray(c)) {
      const [op, ...args] = c;
      if (op === 'content-length-range') {
        const [min, max] = args.map(Number);
        if (input.fileSize > max) {
          return { ok: false, status: 400, code: 'EntityTooLarge', message: 'Your proposed upload exceeds the maximum allowed size', extra: { ProposedSize: input.fileSize, MaxSizeAllowed: max } };
        }
        if (input.fileSize < min) {
          return { ok: false, status: 400, code: 'EntityTooSmall', message: 'Your proposed upload is smaller than the minimum allowed size', extra: { ProposedSize: input.fileSize, MinSizeAllowed: min } };
        }
        continue;
      }
      const name = typeof args[0] === 'string' && args[0].startsWith('$') ? args[0].slice(1).toLowerCase() : null;
      const expectedValue = String(args[1] ?? '');
      if (!name) return { ok: false, status: 400, code: 'InvalidPolicyDocument', message: `Invalid Policy: Invalid condition ${conditionText(c)}` };
      const actual = fields.get(name) ?? '';
      covered.add(name);
      const holds = op === 'eq' ? actual === expectedValue : op === 'starts-with' ? actual.startsWith(expectedValue) : null;
      if (holds === null) return { ok: false, status: 400, code: 'InvalidPolicyDocument', message: `Invalid Policy: Unknown condition ${String(op)}` };
      if (!holds) return denied(`Invalid according to Policy: Policy Condition failed: ${conditionText(c)}`);
    } else if (c && typeof c === 'object') {
      for (const [n, v] of Object.entries(c)) {
        const name = n.toLowerCase();
        covered.add(name);
        if ((fields.get(name) ?? '') !== String(v)) {
          return denied(`Invalid according to Policy: Policy Condition failed: ["eq", "$${n}", ${JSON.stringify(String(v))}]`);
        }
      }
    }
  }
  const exempt = (n: string) => n === 'x-amz-signature' || n === 'file' || n === 'policy' || ignored(n);
  const extra = [...fields.keys()].filter((n) => !exempt(n) && !covered.has(n));
  if (extra.length) return denied(`Invalid according to Policy: Extra input fields: ${extra.join(', ')}`);
  return { ok: true, key, fields: forward };
}

export function s3ErrorXml(code: string, message: string, extra: Record<string, string | number> = {}): string {
  const esc = escapeMarkup;
  const more = Object.entries(extra)
    .map(([k, v]) => `<${k}>${esc(String(v))}</${k}>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${esc(code)}</Code><Message>${esc(message)}</Message>${more}</Error>`;
}
