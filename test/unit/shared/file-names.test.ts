import { describe, expect, it } from 'vitest';
import {
  MAX_DISPLAY_NAME_BYTES,
  MAX_KEY_NAME_BYTES,
  boundedKeyName,
  cutToBytes,
  decodeFileNameMeta,
  encodeFileNameMeta,
  fileNameMetadata,
  utf8Bytes,
} from '../../../functions/core/shared/file-names';
import { objectKeys } from '../../../functions/core/shared/storage-keys';

const zh = (n: number) => '源汇区项目台账'.repeat(Math.ceil(n / 7)).slice(0, n);
const HASH = /~[0-9a-f]{10}/;

/** True when `text` has no lone surrogate (a cut pair) and survives UTF-8 unchanged. */
const intact = (text: string) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text) && Buffer.from(text, 'utf8').toString('utf8') === text;

describe('boundedKeyName: the last segment of every upload key', () => {
  const cases: { what: string; name: string; same?: boolean; ext?: string; startsWith?: string }[] = [
    { what: 'a short ASCII name', name: '411102.csv', same: true },
    { what: 'a short Chinese name', name: '411102-源汇区.xlsx', same: true },
    { what: 'exactly 120 bytes (7 + 36 × 3 + 5)', name: `411102-${zh(36)}.xlsx`, same: true },
    { what: '121 bytes', name: `411102-${zh(36)}x.xlsx`, ext: '.xlsx', startsWith: `411102-${zh(30)}` },
    { what: '76 Chinese characters', name: `411102-${zh(76)}.xlsx`, ext: '.xlsx', startsWith: `411102-${zh(30)}` },
    { what: '200 Chinese characters', name: `${zh(200)}.csv`, ext: '.csv', startsWith: zh(30) },
    { what: '1000 Chinese characters', name: `${zh(1000)}.xlsm`, ext: '.xlsm', startsWith: zh(30) },
    { what: 'a portal key (upload id first)', name: `a1b2c3d4e5f60718-${zh(76)}.xlsx`, ext: '.xlsx', startsWith: `a1b2c3d4e5f60718-${zh(20)}` },
    { what: 'emoji and astral characters', name: `${'📊𠀀👨‍👩‍👧'.repeat(40)}.xlsx`, ext: '.xlsx', startsWith: '📊𠀀👨‍👩‍👧' },
    { what: 'combining marks', name: `${'e\u0301'.repeat(100)}.csv`, ext: '.csv' },
    { what: 'dots inside the name', name: `${zh(60)}.v2.最终版.${zh(20)}.xlsx`, ext: '.xlsx' },
    { what: 'no extension', name: zh(90), ext: '' },
    { what: 'a long extension-like tail (not an extension)', name: `${zh(60)}.${'a'.repeat(30)}`, ext: '' },
    { what: 'only ASCII, 300 characters', name: `${'x'.repeat(300)}.csv`, ext: '.csv', startsWith: 'x'.repeat(100) },
  ];
  it.each(cases)('$what', ({ name, same, ext, startsWith }) => {
    const out = boundedKeyName(name);
    expect(utf8Bytes(out)).toBeLessThanOrEqual(MAX_KEY_NAME_BYTES);
    expect(intact(out)).toBe(true);
    expect(boundedKeyName(out)).toBe(out); // idempotent
    if (same) {
      expect(out).toBe(name);
      return;
    }
    expect(out).toMatch(HASH);
    expect(out.endsWith(`${out.match(HASH)![0]}${ext}`)).toBe(true);
    // the start kept is a start of the name, whole characters only
    const stem = out.slice(0, out.lastIndexOf('~'));
    expect(name.startsWith(stem)).toBe(true);
    if (startsWith) expect(out.startsWith(startsWith)).toBe(true);
    // as much of the name as fits: one more character would pass the bound
    expect(utf8Bytes(out)).toBeGreaterThan(MAX_KEY_NAME_BYTES - 30);
  });

  it('never cuts inside an emoji sequence or a surrogate pair, whatever the bound', () => {
    const name = `${'👨‍👩‍👧📊𠀀é'.repeat(30)}.xlsx`;
    for (let bound = 40; bound <= 140; bound++) {
      const out = boundedKeyName(name, bound);
      expect(utf8Bytes(out)).toBeLessThanOrEqual(bound);
      expect(intact(out)).toBe(true);
      const stem = out.slice(0, out.lastIndexOf('~'));
      expect(name.startsWith(stem)).toBe(true);
      // graphemes whole: the stem ends where one of the name's graphemes ends
      expect([...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(name)].some((s) => s.index + s.segment.length === stem.length) || stem === '').toBe(true);
    }
  });

  it('gives two long names with the same start two keys', () => {
    const a = `411102-${zh(80)}（第一版）.xlsx`;
    const b = `411102-${zh(80)}（第二版）.xlsx`;
    expect(boundedKeyName(a)).not.toBe(boundedKeyName(b));
    expect(boundedKeyName(a).replace(HASH, '')).toBe(boundedKeyName(b).replace(HASH, ''));
    expect(boundedKeyName(a)).toBe(boundedKeyName(a)); // and the same name always the same key
  });

  it('makes lone surrogates (which UTF-8 cannot carry) U+FFFD', () => {
    expect(boundedKeyName('a\uD800b.csv')).toBe('a\uFFFDb.csv');
  });

  it('is what objectKeys.upload uses', () => {
    const key = objectKeys.upload('2026-10', '411102', `411102-${zh(200)}.xlsx`);
    expect(key.startsWith('incoming/2026-10/411102/411102-源汇区')).toBe(true);
    expect(utf8Bytes(key)).toBeLessThanOrEqual('incoming/2026-10/411102/'.length + MAX_KEY_NAME_BYTES);
    expect(objectKeys.upload('2026-10', '411102', '411102.csv')).toBe('incoming/2026-10/411102/411102.csv');
    expect(objectKeys.uploadPrefix('2026-10', '411102')).toBe('incoming/2026-10/411102/');
  });
});

describe('cutToBytes', () => {
  it.each([
    ['abc', 2, 'ab'],
    ['源汇区', 8, '源汇'],
    ['源汇区', 9, '源汇区'],
    ['📊📊', 7, '📊'],
    ['e\u0301e\u0301', 4, 'e\u0301'],
    ['👨‍👩‍👧x', 17, ''],
    ['👨‍👩‍👧x', 18, '👨‍👩‍👧'],
  ])('%j in %i bytes → %j', (text, bytes, out) => {
    expect(cutToBytes(text, bytes)).toBe(out);
  });
});

describe('the clerk’s file name as object metadata', () => {
  it.each([
    ['411102-源汇区.xlsx'],
    [`${zh(76)}.xlsx`],
    [`${zh(200)}.xlsx`],
    ['📊 报表 (v2) 100%.csv'],
  ])('round-trips %s as ASCII within 2 KB', (name) => {
    const value = encodeFileNameMeta(name);
    expect(value).toMatch(/^[\x21-\x7e]+$/);
    expect(utf8Bytes(value) + 'file-name'.length).toBeLessThan(2048);
    expect(decodeFileNameMeta(value)).toBe(name);
    expect(fileNameMetadata(name)).toEqual({ 'file-name': value });
  });

  it('keeps at most 640 bytes of a longer name, with its extension', () => {
    const name = decodeFileNameMeta(encodeFileNameMeta(`${zh(1000)}.xlsx`))!;
    expect(utf8Bytes(name)).toBeLessThanOrEqual(MAX_DISPLAY_NAME_BYTES);
    expect(name.endsWith('.xlsx')).toBe(true);
    expect(utf8Bytes(encodeFileNameMeta(`${'📊'.repeat(1000)}.xlsx`))).toBeLessThanOrEqual(3 * MAX_DISPLAY_NAME_BYTES);
  });

  it('believes no junk: not percent-encoding, empty, control and bidi characters', () => {
    expect(decodeFileNameMeta(undefined)).toBeNull();
    expect(decodeFileNameMeta('')).toBeNull();
    expect(decodeFileNameMeta('%E6%BA')).toBeNull(); // half a character
    expect(decodeFileNameMeta('%00%0A')).toBeNull();
    expect(decodeFileNameMeta(encodeURIComponent('evil\u202Egpj.xlsx'))).toBe('evilgpj.xlsx');
  });
});
