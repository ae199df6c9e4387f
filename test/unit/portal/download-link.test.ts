import { describe, expect, it } from 'vitest';
import { downloadUrl, verifyDownload } from '../../../functions/core/portal/download-link';

const SECRET = 'a-test-secret';
const KEY = 'reports/2026-10/bulletin-2026-10-411100.pdf';
const NOW = new Date('2026-11-05T02:00:00Z');
const params = (url: string) => Object.fromEntries(new URL(url).searchParams);

describe('signed bulletin download links', () => {
  const url = downloadUrl('https://portal.example.gov.cn/', SECRET, KEY, new Date(NOW.getTime() + 7 * 86400_000));

  it('point at the portal and verify while unexpired', () => {
    expect(url.startsWith('https://portal.example.gov.cn/download?key=reports%2F2026-10%2F')).toBe(true);
    expect(verifyDownload(SECRET, params(url), NOW)).toEqual({ ok: true, key: KEY });
  });

  it('refuse another key, a longer expiry, another secret, or a missing signature', () => {
    const p = params(url);
    expect(verifyDownload(SECRET, { ...p, key: 'reports/2026-10/bulletin-2026-10.pdf' }, NOW)).toMatchObject({ ok: false, status: 403 });
    expect(verifyDownload(SECRET, { ...p, exp: String(Number(p.exp) + 86400) }, NOW)).toMatchObject({ ok: false, status: 403 });
    expect(verifyDownload('another-secret', p, NOW)).toMatchObject({ ok: false, status: 403, code: 'link-invalid' });
    expect(verifyDownload(SECRET, { key: p.key, exp: p.exp }, NOW)).toMatchObject({ ok: false, status: 403 });
  });

  it('say when a link has expired', () => {
    const r = verifyDownload(SECRET, params(url), new Date(NOW.getTime() + 8 * 86400_000));
    expect(r).toMatchObject({ ok: false, status: 410, code: 'link-expired' });
    expect(r.ok ? '' : r.message).toContain('已过期');
  });

  it('only ever link bulletin PDFs under reports/', () => {
    expect(() => downloadUrl('https://p', SECRET, 'incoming/2026-10/411102/x.xlsx', NOW)).toThrow();
    expect(() => downloadUrl('https://p', SECRET, 'reports/2026-10/rates.json', NOW)).toThrow();
    const forged = { key: 'receipts/2026-10/411102/a.json', exp: '9999999999', sig: 'x' };
    expect(verifyDownload(SECRET, forged, NOW)).toMatchObject({ ok: false, status: 403 });
  });
});
