import { describe, expect, it } from 'vitest';
import { cellText, chineseNumeral, excelSerialToIso, isBlank, nfkc, parseBatch, parseDate, parseNumber, parsePhase, parseStatus, plainDecimal } from '../../../functions/core/ledger/cell-values';

const value = <T>(p: { ok: boolean; value?: T; reason?: string }) => (p.ok ? p.value : `ERR:${p.reason}`);

describe('cell values as clerks type them', () => {
  it('numbers: text, full-width digits, thousands separators; text is refused', () => {
    expect(value(parseNumber(1234.5))).toBe(1234.5);
    expect(value(parseNumber(' 1,234.50 '))).toBe(1234.5);
    expect(value(parseNumber('１２３４．５'))).toBe(1234.5);
    expect(value(parseNumber('1，234'))).toBe(1234);
    expect(value(parseNumber('待定'))).toBe('ERR:不是数字');
    expect(value(parseNumber('12万'))).toBe('ERR:不是数字');
  });

  it('plain decimals are read without a regex, to the same double as Number()', () => {
    // Random digit strings with and without a point, up to and past the 15-digit fast path.
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 20_000; i++) {
      const len = 1 + rand(18);
      let s = '';
      for (let j = 0; j < len; j++) s += String(rand(10));
      const point = rand(len + 2);
      if (point <= len) s = s.slice(0, point) + '.' + s.slice(point);
      expect(plainDecimal(s), s).toBe(Number(s));
    }
    for (const bad of ['', '.', '-1', '+1', '1e5', '0x10', '1.2.3', ' 1', '1 ', '１２', 'Infinity', '1,234']) expect(plainDecimal(bad), bad).toBe(-1);
  });

  it('placeholders for empty', () => {
    for (const s of ['', ' ', '—', '-', '/', '——', '－', '／', '\u3000', '无', 'N/A']) expect(isBlank(s)).toBe(true);
    expect(isBlank('0')).toBe(false);
    expect(isBlank(0)).toBe(false);
  });

  it('text is trimmed of every kind of space, kept otherwise; NFKC only where it changes something', () => {
    expect(cellText('\u3000 冷链物流\u00a0')).toBe('冷链物流');
    expect(cellText('  ')).toBeNull();
    expect(cellText(12.5)).toBe('12.5');
    expect(nfkc('ＡＢ１２（亿元）')).toBe('AB12(亿元)');
    expect(nfkc('源汇区“三个一批”')).toBe('源汇区“三个一批”');
  });

  it('batches and statuses: canonical and bare words', () => {
    expect(value(parseBatch('签约一批'))).toBe('签约');
    expect(value(parseBatch('“开工一批”'))).toBe('开工');
    expect(value(parseBatch('签约二批'))).toMatch(/^ERR:不是有效批次/);
    expect(value(parseStatus('在建'))).toBe('已开工');
    expect(value(parseStatus('达产'))).toBe('已达效');
    expect(value(parseStatus('供地'))).toBe('已落地');
    expect(value(parseStatus('终止'))).toBe('已终止');
    expect(value(parseStatus('快开工了'))).toMatch(/^ERR:/);
  });

  it('phases: 13, "第13期", "十三", "第二十一期"; not 0 or 2.5', () => {
    expect(value(parsePhase(13))).toBe(13);
    expect(value(parsePhase('第13期'))).toBe(13);
    expect(value(parsePhase('十三'))).toBe(13);
    expect(value(parsePhase('第二十一期'))).toBe(21);
    expect(value(parsePhase('十'))).toBe(10);
    expect(value(parsePhase(0))).toMatch(/^ERR/);
    expect(value(parsePhase(2.5))).toMatch(/^ERR/);
    expect(chineseNumeral('九十九')).toBe(99);
    expect(chineseNumeral('十十')).toBeNull();
  });

  it('dates in every form docs/ledger-format.md lists', () => {
    expect(value(parseDate(new Date(Date.UTC(2026, 9, 8))))).toBe('2026-10-08');
    expect(value(parseDate(46303))).toBe(excelSerialToIso(46303));
    expect(excelSerialToIso(45940)).toBe('2025-10-10');
    expect(value(parseDate('2026-10-08'))).toBe('2026-10-08');
    expect(value(parseDate('2026/10/8'))).toBe('2026-10-08');
    expect(value(parseDate('2026.10.08'))).toBe('2026-10-08');
    expect(value(parseDate('2026年10月8日'))).toBe('2026-10-08');
    expect(value(parseDate('2026年10月'))).toBe('2026-10-01');
    expect(value(parseDate('2026-02-30'))).toMatch(/^ERR/);
    expect(value(parseDate('2026年10月8号'))).toBe('2026-10-08');
    expect(value(parseDate('２０２６．１０．０８'))).toBe('2026-10-08');
    expect(value(parseDate('2026-10-08 00:00:00'))).toBe('2026-10-08');
    expect(value(parseDate('20261008'))).toBe('2026-10-08');
    // A year typed into a date column is not a serial of 1905.
    expect(value(parseDate(2026))).toMatch(/^ERR/);
    expect(value(parseDate('下月'))).toMatch(/^ERR/);
  });
});
