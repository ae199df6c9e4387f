import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../functions/core/shared/config';
import { parseUploadKey } from '../../../functions/core/ingest/upload-key';
import {
  checkUploadMonth,
  checkViewMonth,
  displayFileName,
  openUploadMonths,
  planUpload,
  portalUploadId,
  safeFileName,
  uploadIdFrom,
  uploadSettings,
} from '../../../functions/core/portal/upload-request';

const now = new Date('2026-11-05T02:00:00Z'); // 2026-11-05 10:00 Shanghai
const settings = uploadSettings(parseConfig({ ingest: { maxBytes: 1024 * 1024 } }));
const id = 'a1b2c3d4e5f60718';

describe('months open for upload', () => {
  it('are the reporting month (the month before, Shanghai) and the one before it', () => {
    expect(openUploadMonths(now, 2)).toEqual(['2026-10', '2026-09']);
    // 2026-11-30T16:30Z is already 12-01 in Shanghai
    expect(openUploadMonths(new Date('2026-11-30T16:30:00Z'), 2)).toEqual(['2026-11', '2026-10']);
    expect(openUploadMonths(new Date('2027-01-10T00:00:00Z'), 3)).toEqual(['2026-12', '2026-11', '2026-10']);
  });

  it('refuses the future, the running month, closed months and nonsense, in Chinese', () => {
    expect(checkUploadMonth('2026-10', now, 2)).toEqual({ ok: true, month: '2026-10' });
    expect(checkUploadMonth('2026-12', now, 2)).toMatchObject({ ok: false, status: 400, code: 'future-month', message: expect.stringContaining('不能报送未来月份') });
    expect(checkUploadMonth('2026-11', now, 2)).toMatchObject({ ok: false, code: 'open-month', message: expect.stringContaining('尚未结束') });
    expect(checkUploadMonth('2026-08', now, 2)).toMatchObject({ ok: false, code: 'closed-month', message: '2026年8月已截止报送。可报送：2026年10月、2026年9月' });
    for (const bad of ['2026-13', '2026/10', '', null, 202610, '2026-10,2026-09']) {
      expect(checkUploadMonth(bad, now, 2)).toMatchObject({ ok: false, code: 'bad-month' });
    }
    expect(checkViewMonth('2026-11', now)).toMatchObject({ ok: true });
    expect(checkViewMonth('2025-01', now)).toMatchObject({ ok: true });
    expect(checkViewMonth('2026-12', now)).toMatchObject({ ok: false, code: 'future-month' });
  });
});

describe('safeFileName', () => {
  const name = (s: unknown) => {
    const r = safeFileName(s);
    return r.ok ? r.name : `!${r.code}`;
  };
  it('keeps Chinese names and drops folders and ..', () => {
    expect(name('源汇区（10月）台账.xlsx')).toBe('源汇区（10月）台账.xlsx');
    expect(name('../../411103/源汇区 台账.xlsx')).toBe('源汇区 台账.xlsx');
    expect(name('..\\..\\C:\\Users\\张三\\台账.CSV')).toBe('台账.csv');
    expect(name('..源汇区..台账...xlsx')).toBe('源汇区.台账.xlsx');
    expect(name('....xlsx')).toBe('台账.xlsx');
    expect(name('/')).toBe('!unsupported-type');
  });
  it('replaces characters that are unsafe in keys, HTML or shells', () => {
    expect(name('a<b>"c"|d?*e%f#g.xlsx')).toBe('a_b_c_d_e_f_g.xlsx');
    expect(name('evil\u202Egpj.xlsx')).toBe('evilgpj.xlsx'); // right-to-left override removed
    expect(name('tab\tnew\nline.csv')).toBe('tabnewline.csv');
    expect(name('  空格  很多  .xlsx')).toBe('空格 很多.xlsx');
    // up to 640 bytes (200 Chinese characters and more) kept as written; the key bounds it further
    expect(name('x'.repeat(200) + '.xlsx')).toBe('x'.repeat(200) + '.xlsx');
    expect(name('源'.repeat(200) + '.xlsx')).toBe('源'.repeat(200) + '.xlsx');
    expect(name('源'.repeat(300) + '.xlsx')).toBe('源'.repeat(211) + '.xlsx');
  });
  it('takes .xlsx, .xlsm and .csv only', () => {
    expect(name('台账.XLSM')).toBe('台账.xlsm');
    expect(name('台账.xls')).toBe('!unsupported-type');
    expect(safeFileName('台账.xls')).toMatchObject({ message: expect.stringContaining('另存为 .xlsx') });
    expect(name('台账.et')).toBe('!unsupported-type');
    expect(name('台账.pdf')).toBe('!unsupported-type');
    expect(name('台账')).toBe('!unsupported-type');
    expect(name('')).toBe('!bad-file-name');
    expect(name(42)).toBe('!bad-file-name');
    expect(name('a'.repeat(600) + '.xlsx')).toBe('!bad-file-name');
  });
});

describe('planUpload', () => {
  it('puts the upload under the token unit, with the upload id before the safe name', () => {
    const plan = planUpload({ month: '2026-10', fileName: '../../411103/源汇区.xlsx', size: 1000 }, '411102', id, now, settings);
    expect(plan).toMatchObject({ ok: true, key: `incoming/2026-10/411102/${id}-源汇区.xlsx`, maxBytes: 1024 * 1024, expiresAt: '2026-11-05T02:15:00.000Z' });
    // the ingest reads month and unit from it
    expect(parseUploadKey((plan as { key: string }).key)).toEqual({ ok: true, key: { month: '2026-10', unitCode: '411102', fileName: `${id}-源汇区.xlsx` } });
    // the clerk's name travels as the object's metadata
    expect(plan).toMatchObject({ fileName: '源汇区.xlsx', metadata: { 'file-name': encodeURIComponent('源汇区.xlsx') } });
  });
  it('bounds the key of a long name in bytes, keeping the upload id, the start and the extension', () => {
    for (const n of [76, 200]) {
      const long = `${'源汇区'.repeat(Math.ceil(n / 3)).slice(0, n)}.xlsx`;
      const plan = planUpload({ month: '2026-10', fileName: long, size: 1000 }, '411102', id, now, settings) as { key: string; fileName: string; metadata: Record<string, string> };
      const last = plan.key.split('/').pop()!;
      expect(Buffer.byteLength(last)).toBeLessThanOrEqual(120);
      expect(last).toMatch(new RegExp(`^${id}-源汇区源汇区.*~[0-9a-f]{10}\\.xlsx$`));
      expect(plan.fileName).toBe(long);
      expect(decodeURIComponent(plan.metadata['file-name'])).toBe(long);
      expect(displayFileName(plan.key)).toBe(last.slice(17));
      expect(portalUploadId(plan.key)).toBe(id);
    }
  });
  it('refuses declared sizes above the limit, and empty files', () => {
    expect(planUpload({ month: '2026-10', fileName: 'a.xlsx', size: 2 * 1024 * 1024 }, '411102', id, now, settings)).toMatchObject({
      ok: false,
      status: 413,
      message: '文件大小 2 MB 超过上限 1 MB，请删除无关工作表、图片后重新上传',
    });
    expect(planUpload({ month: '2026-10', fileName: 'a.xlsx', size: 0 }, '411102', id, now, settings)).toMatchObject({ ok: false, code: 'empty-file' });
    expect(planUpload({ month: '2026-10', fileName: 'a.xlsx', size: '12' }, '411102', id, now, settings)).toMatchObject({ ok: false, code: 'bad-size' });
    expect(planUpload({ month: '2026-12', fileName: 'a.xlsx' }, '411102', id, now, settings)).toMatchObject({ ok: false, code: 'future-month' });
  });
  it('names files back for the clerk', () => {
    expect(displayFileName(`incoming/2026-10/411102/${id}-源汇区.xlsx`)).toBe('源汇区.xlsx');
    expect(displayFileName('incoming/2026-10/411102/411102-源汇区.xlsx')).toBe('411102-源汇区.xlsx');
    expect(portalUploadId(`incoming/2026-10/411102/${id}-源汇区.xlsx`)).toBe(id);
    expect(portalUploadId('incoming/2026-10/411102/411102-源汇区.xlsx')).toBeNull();
    expect(uploadIdFrom(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 255]))).toBe('01020304050607ff');
  });
});
