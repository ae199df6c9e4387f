import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { describe, expect, it } from 'vitest';
import { MAX_PRE_DATA_BYTES, checkPostPolicy } from '../../../cli/local/post-policy';

/**
 * The local stand-in for S3's POST policy check (s3rver checks nothing), against policies signed
 * by the real presigner: what the portal's POST forbids must be refused locally as S3 refuses it.
 */
const credentials = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' };
const s3 = new S3Client({ region: 'us-east-1', credentials, endpoint: 'http://127.0.0.1:1', forcePathStyle: true });
const key = 'incoming/2026-10/411102/a1b2c3d4e5f60718-源汇区 台账.xlsx';

type Conditions = NonNullable<Parameters<typeof createPresignedPost>[1]['Conditions']>;

async function signed(expires = 900, more: Conditions = [], client = s3) {
  const post = await createPresignedPost(client, { Bucket: 'tb-raw', Key: key, Conditions: [['content-length-range', 1, 1000], ...more], Expires: expires });
  return Object.entries(post.fields) as [string, string][];
}

/** When the form was signed, from its own X-Amz-Date (20261202T011300Z): the check runs "then", not by the wall clock. */
function signedAt(fields: [string, string][]): Date {
  const d = fields.find(([k]) => k.toLowerCase() === 'x-amz-date')![1];
  return new Date(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9, 11)}:${d.slice(11, 13)}:${d.slice(13, 15)}Z`);
}

const check = (fields: [string, string][], over: Partial<Parameters<typeof checkPostPolicy>[0]> = {}) =>
  checkPostPolicy({ bucket: 'tb-raw', fields, fileSize: 500, credentials, region: 'us-east-1', now: signedAt(fields), ...over });

describe('checkPostPolicy (S3 POST policy rules)', () => {
  it('accepts the form the presigner made, for a file inside the size range', async () => {
    expect(check(await signed())).toMatchObject({ ok: true, key });
    expect(check(await signed(), { fileSize: 1000 })).toMatchObject({ ok: true, key });
  });

  it('refuses a file above or below content-length-range', async () => {
    expect(check(await signed(), { fileSize: 1001 })).toMatchObject({ ok: false, status: 400, code: 'EntityTooLarge', extra: { MaxSizeAllowed: 1000, ProposedSize: 1001 } });
    expect(check(await signed(), { fileSize: 0 })).toMatchObject({ ok: false, code: 'EntityTooSmall' });
  });

  it('refuses another key, another bucket, extra fields', async () => {
    const fields = await signed();
    const other = fields.map(([k, v]): [string, string] => [k, k === 'key' ? 'incoming/2026-10/411103/x.xlsx' : v]);
    expect(check(other)).toMatchObject({ ok: false, status: 403, code: 'AccessDenied', message: expect.stringContaining('Policy Condition failed') });
    expect(check(fields, { bucket: 'tb-reports' })).toMatchObject({ ok: false, code: 'AccessDenied' });
    expect(check([...fields, ['success_action_redirect', 'https://evil.example/']])).toMatchObject({
      ok: false,
      code: 'AccessDenied',
      message: expect.stringContaining('Extra input fields: success_action_redirect'),
    });
    // x-ignore-* fields are allowed, field names are case-insensitive
    expect(check([...fields.map(([k, v]): [string, string] => [k.toUpperCase(), v]), ['x-ignore-note', '1']])).toMatchObject({ ok: true, key });
  });

  it('refuses a tampered policy, a wrong signature, another key id, an expired policy', async () => {
    const fields = await signed();
    const policy = fields.find(([k]) => k === 'Policy')![1];
    const widened = Buffer.from(Buffer.from(policy, 'base64').toString().replace('1000', '999999999')).toString('base64');
    expect(check(fields.map(([k, v]): [string, string] => [k, k === 'Policy' ? widened : v]))).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
    expect(check(fields, { credentials: { ...credentials, secretAccessKey: 'other' } })).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
    expect(check(fields, { credentials: { ...credentials, accessKeyId: 'OTHER' } })).toMatchObject({ ok: false, code: 'InvalidAccessKeyId' });
    // Signed for 900 s: good until the last millisecond before its expiration, refused from then on.
    const expiration = Date.parse(JSON.parse(Buffer.from(policy, 'base64').toString()).expiration);
    expect(expiration - signedAt(fields).getTime()).toBe(900_000);
    expect(check(fields, { now: new Date(expiration - 1) })).toMatchObject({ ok: true, key });
    expect(check(fields, { now: new Date(expiration) })).toMatchObject({ ok: false, code: 'AccessDenied', message: expect.stringContaining('Policy expired') });
    expect(check(fields.filter(([k]) => k !== 'Policy'))).toMatchObject({ ok: false, code: 'AccessDenied' });
    expect(check(fields.filter(([k]) => k !== 'key'))).toMatchObject({ ok: false, code: 'InvalidArgument' });
  });
});

const otherKey = 'incoming/2026-10/411103/0000000000000000-郾城区.xlsx';
const rename = (fields: [string, string][], from: string, to: string) => fields.map(([k, v]): [string, string] => [k === from ? to : k, v]);
const value = (fields: [string, string][], name: string) => fields.find(([k]) => k.toLowerCase() === name)![1];

describe('checkPostPolicy: a field name given twice, in any case, is refused (S3: 400 InvalidArgument)', () => {
  // Each form would pass (or check the wrong copy) if one of the two were kept: the later copy
  // is the signed one, the earlier one what s3rver would have used.
  const cases: [string, string, (f: [string, string][]) => [string, string][]][] = [
    ['key, then the signed Key', 'key', (f) => [['key', otherKey], ...rename(f, 'key', 'Key')]],
    ['KEY, then the signed key', 'key', (f) => [['KEY', otherKey], ...f]],
    ['the signed key, then Key (same value)', 'key', (f) => [...f, ['Key', key]]],
    ['policy, then the signed Policy', 'policy', (f) => [['policy', value(f, 'policy')], ...f]],
    ['x-amz-signature twice, same spelling', 'x-amz-signature', (f) => [...f, ['X-Amz-Signature', value(f, 'x-amz-signature')]]],
    ['x-amz-credential and X-AMZ-CREDENTIAL', 'x-amz-credential', (f) => [['x-amz-credential', value(f, 'x-amz-credential')], ...f]],
    ['Content-Type twice (covered by the policy)', 'content-type', (f) => [...f, ['Content-Type', 'text/csv'], ['content-type', 'application/x-msdownload']]],
    ['x-ignore-note twice', 'x-ignore-note', (f) => [...f, ['x-ignore-note', 'a'], ['X-Ignore-Note', 'b']]],
  ];
  it.each(cases)('%s', async (_, name, form) => {
    const fields = form(await signed(900, [['starts-with', '$Content-Type', '']]));
    expect(check(fields)).toEqual({ ok: false, status: 400, code: 'InvalidArgument', message: `Bucket POST must contain at most one field named '${name}'.`, extra: { ArgumentName: name } });
  });
});

describe('checkPostPolicy: what s3rver is given is what was checked', () => {
  it.each([
    ['as signed', (f: [string, string][]) => f],
    ['names in upper case', (f: [string, string][]) => f.map(([k, v]): [string, string] => [k.toUpperCase(), v])],
    ['with x-ignore-* fields (never forwarded)', (f: [string, string][]) => [['x-ignore-submit', '上传'], ...f, ['X-Ignore-Other', '1']] as [string, string][]],
    ['with the Content-Type the policy allows', (f: [string, string][]) => [...f, ['Content-Type', 'text/csv']] as [string, string][]],
  ])('%s: lower-case names, form order, no x-ignore-*, no bucket', async (_, form) => {
    const base = await signed(900, [['starts-with', '$Content-Type', '']]);
    const fields = form(base);
    const res = check(fields);
    expect(res).toMatchObject({ ok: true, key });
    const expected = fields.map(([k, v]): [string, string] => [k.toLowerCase(), v]).filter(([k]) => k !== 'bucket' && !k.startsWith('x-ignore-'));
    expect(res.ok && res.fields).toEqual(expected);
    expect(res.ok && res.fields.map(([k]) => k)).toContain('key');
  });

  it('never forwards the form field bucket (the presigner adds one): the URL names the bucket', async () => {
    const fields = await signed();
    expect(fields.map(([k]) => k)).toContain('bucket');
    const res = check(fields);
    expect(res.ok && res.fields.map(([k]) => k)).toEqual(['x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'key', 'policy', 'x-amz-signature']);
  });

  it('refuses fields before the file above 20 KB in all (MaxPostPreDataLengthExceeded), whichever field is long', async () => {
    const fields = await signed();
    const used = fields.reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
    const pad = (n: number): [string, string] => ['x-ignore-pad', 'a'.repeat(n - used - 'x-ignore-pad'.length)];
    expect(check([...fields, pad(MAX_PRE_DATA_BYTES)])).toMatchObject({ ok: true });
    const longKey = fields.map(([k, v]): [string, string] => [k, k === 'key' ? v + '源'.repeat(7000) : v]);
    for (const long of [[...fields, pad(MAX_PRE_DATA_BYTES + 1)], longKey]) {
      expect(check(long)).toMatchObject({ ok: false, status: 400, code: 'MaxPostPreDataLengthExceeded', extra: { MaxPostPreDataLengthBytes: 20480 } });
    }
  });
});

describe("checkPostPolicy: only the pipeline's own keys sign", () => {
  // s3rver's built-in pair is public: a form signed with it is a form anyone could have made.
  const s3rverPair = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const signer = (c: typeof credentials) => new S3Client({ region: 'us-east-1', credentials: c, endpoint: 'http://127.0.0.1:1', forcePathStyle: true });
  it.each([
    ['S3RVER / S3RVER', s3rverPair, 403, 'InvalidAccessKeyId'],
    ["the pipeline's key id with the secret S3RVER", { ...credentials, secretAccessKey: 'S3RVER' }, 403, 'SignatureDoesNotMatch'],
    ["S3RVER with the pipeline's secret", { ...credentials, accessKeyId: 'S3RVER' }, 403, 'InvalidAccessKeyId'],
  ])('refuses a policy signed with %s', async (_, c, status, code) => {
    expect(check(await signed(900, [], signer(c)))).toMatchObject({ ok: false, status, code });
  });
});
