import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { describe, expect, it } from 'vitest';
import { checkPostPolicy } from '../../../cli/local/post-policy';

/**
 * The local stand-in for S3's POST policy check (s3rver checks nothing), against policies signed
 * by the real presigner: what the portal's POST forbids must be refused locally as S3 refuses it.
 */
const credentials = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' };
const s3 = new S3Client({ region: 'us-east-1', credentials, endpoint: 'http://127.0.0.1:1', forcePathStyle: true });
const key = 'incoming/2026-10/411102/a1b2c3d4e5f60718-源汇区 台账.xlsx';

async function signed(expires = 900) {
  const post = await createPresignedPost(s3, { Bucket: 'tb-raw', Key: key, Conditions: [['content-length-range', 1, 1000]], Expires: expires });
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
    expect(check(await signed())).toEqual({ ok: true, key });
    expect(check(await signed(), { fileSize: 1000 })).toEqual({ ok: true, key });
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
    expect(check([...fields.map(([k, v]): [string, string] => [k.toUpperCase(), v]), ['x-ignore-note', '1']])).toEqual({ ok: true, key });
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
    expect(check(fields, { now: new Date(expiration - 1) })).toEqual({ ok: true, key });
    expect(check(fields, { now: new Date(expiration) })).toMatchObject({ ok: false, code: 'AccessDenied', message: expect.stringContaining('Policy expired') });
    expect(check(fields.filter(([k]) => k !== 'Policy'))).toMatchObject({ ok: false, code: 'AccessDenied' });
    expect(check(fields.filter(([k]) => k !== 'key'))).toMatchObject({ ok: false, code: 'InvalidArgument' });
  });
});
