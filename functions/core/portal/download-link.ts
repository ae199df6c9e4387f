import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Download links for bulletins too large to attach. A presigned S3 URL made by the report Lambda
 * dies with that Lambda's temporary credentials (hours, unannounced), so in AWS the mail carries
 * a portal link instead: `{portal}/download?key=…&exp=…&sig=…`, an HMAC over key and expiry. The
 * portal checks it and redirects to an S3 URL it presigns on the spot. Pure: the secret is given.
 */
export const DOWNLOAD_PATH = '/download';

/** Only bulletin PDFs under reports/ can be linked. */
const LINKABLE = /^reports\/\d{4}-(0[1-9]|1[0-2])\/bulletin-\d{4}-\d{2}(-\d{6})?\.pdf$/;

function signature(secret: string, key: string, exp: number): string {
  return createHmac('sha256', secret).update(`${key}\n${exp}`).digest('base64url');
}

export function downloadUrl(portalUrl: string, secret: string, key: string, expiresAt: Date): string {
  if (!LINKABLE.test(key)) throw new Error(`Not a linkable bulletin key: ${key}`);
  const exp = Math.floor(expiresAt.getTime() / 1000);
  const q = new URLSearchParams({ key, exp: String(exp), sig: signature(secret, key, exp) });
  return `${portalUrl.replace(/\/+$/, '')}${DOWNLOAD_PATH}?${q}`;
}

export type DownloadCheck = { ok: true; key: string } | { ok: false; status: 403 | 410; code: string; message: string };

export function verifyDownload(
  secret: string,
  q: { key?: string; exp?: string; sig?: string },
  now: Date,
): DownloadCheck {
  const refused: DownloadCheck = { ok: false, status: 403, code: 'link-invalid', message: '下载链接无效（可能不完整或被改动），请使用通报邮件中的原始链接' };
  const { key, exp, sig } = q;
  if (!key || !exp || !sig || !LINKABLE.test(key) || !/^\d{1,12}$/.test(exp)) return refused;
  const expected = Buffer.from(signature(secret, key, Number(exp)));
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return refused;
  if (Number(exp) * 1000 < now.getTime()) {
    return { ok: false, status: 410, code: 'link-expired', message: '下载链接已过期，请联系省“三个一批”专班重新发送通报' };
  }
  return { ok: true, key };
}
