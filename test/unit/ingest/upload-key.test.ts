import { describe, expect, it } from 'vitest';
import { checkUpload } from '../../../functions/core/ingest/check-upload';
import { parseUploadKey, uploadFileName } from '../../../functions/core/ingest/upload-key';
import { parseConfig } from '../../../functions/core/shared/config';
import { boundedKeyName, encodeFileNameMeta } from '../../../functions/core/shared/file-names';
import { objectKeys } from '../../../functions/core/shared/storage-keys';

const zh = (n: number) => '郾'.repeat(n);

describe('parseUploadKey: keys over the limits', () => {
  it('reads a bounded key of a long name like any other', () => {
    const key = objectKeys.upload('2026-10', '411102', `411102-${zh(200)}.xlsx`);
    expect(parseUploadKey(key)).toMatchObject({ ok: true, key: { month: '2026-10', unitCode: '411102' } });
  });

  it('refuses a name segment over 255 bytes, precisely and under its unit', () => {
    const check = parseUploadKey(`incoming/2026-10/411102/${zh(86)}.csv`);
    expect(check).toEqual({
      ok: false,
      month: '2026-10',
      unitCode: '411102',
      message: `文件名过长（262 字节，上限 255 字节，约 85 个汉字）：“${zh(40)}…”，请把文件名改短后重新上传`,
    });
    expect(parseUploadKey(`incoming/2026-10/411102/${zh(85)}`)).toMatchObject({ ok: true });
    // a folder inside the unit's folder counts too
    expect(parseUploadKey(`incoming/2026-10/411102/${zh(90)}/a.csv`)).toMatchObject({ ok: false, unitCode: '411102', message: expect.stringContaining('文件名过长（270 字节') });
  });

  it('refuses a key over S3’s 1024 bytes without echoing all of it', () => {
    const key = `incoming/2026-10/411102/${'a/'.repeat(600)}x.csv`;
    const check = parseUploadKey(key);
    expect(check).toMatchObject({ ok: false, month: '2026-10', unitCode: '411102', message: expect.stringMatching(/^上传路径过长（1229 字节，S3 上限 1024 字节）：“incoming\/2026-10\/411102\/a\/.*…”，请把文件名改短后重新上传$/) });
    expect((check as { message: string }).message.length).toBeLessThan(120);
    expect(parseUploadKey(`${'x'.repeat(2000)}`)).toMatchObject({ ok: false, message: expect.stringContaining('上传路径过长（2000 字节') });
    expect(parseUploadKey(`${'x'.repeat(2000)}`)).not.toHaveProperty('unitCode');
  });

  it('gives checkUpload a rejection, filed under the unit, not a crash', async () => {
    const check = await checkUpload(`incoming/2026-10/411102/${zh(100)}.xlsx`, new Uint8Array([1, 2, 3]), parseConfig({}));
    expect(check).toMatchObject({ status: 'rejected', month: '2026-10', unitCode: '411102', errors: [{ code: 'bad-key', message: expect.stringContaining('文件名过长（305 字节') }] });
  });
});

describe('uploadFileName: the name a receipt shows', () => {
  const long = `411102-${zh(76)}.xlsx`;
  const key = objectKeys.upload('2026-10', '411102', long);
  it('is the clerk’s name from the metadata when the key was made from it', () => {
    expect(key).not.toContain(long);
    expect(uploadFileName(key, encodeFileNameMeta(long))).toBe(long);
    const id = 'a1b2c3d4e5f60718';
    const portalKey = objectKeys.upload('2026-10', '411102', `${id}-${zh(76)}.xlsx`);
    expect(uploadFileName(portalKey, encodeFileNameMeta(`${zh(76)}.xlsx`))).toBe(`${zh(76)}.xlsx`);
  });
  it('is the key’s last segment without metadata, or with metadata that does not match the key', () => {
    expect(uploadFileName(key, undefined)).toBe(boundedKeyName(long));
    expect(uploadFileName(key, encodeFileNameMeta('别的文件.xlsx'))).toBe(boundedKeyName(long));
    expect(uploadFileName('incoming/2026-10/411102/411102.csv', '%E6%BA')).toBe('411102.csv');
  });
});
