import { describe, expect, it } from 'vitest';
import { checkUpload } from '../../../functions/core/ingest/check-upload';
import { MAX_LISTED, buildReceipt } from '../../../functions/core/ingest/receipt';
import { DEFAULT_CONFIG } from '../../../functions/core/shared/config';
import { clipText, visibleText } from '../../../functions/core/shared/visible-text';
import { CANONICAL_HEADER, type Table, csvUtf8, handXlsx, ledgerRow, xlsx } from '../../helpers/files';

/**
 * Issue 10's classes of bad input, each with several cases: every one gets a receipt naming the
 * row, the header and the value (or is read exactly as the clerk sees it), and nothing crashes.
 */
const UNIT = '411102';
const KEY = `incoming/2026-10/${UNIT}/台账.csv`;
const CODE = (n: number) => ledgerRow(UNIT, n)[0] as string;

/** A CSV of canonical rows, the first row's cell `col` replaced by `value`. */
const oneCell = (col: number, value: string | number) => csvUtf8([CANONICAL_HEADER, ledgerRow(UNIT, 1, { [col]: value }), ledgerRow(UNIT, 2)]);
const check = (bytes: Uint8Array, key = KEY) => checkUpload(key, bytes, DEFAULT_CONFIG);
const firstError = async (bytes: Uint8Array, key = KEY) => {
  const r = await check(bytes, key);
  expect(r.status).toBe('rejected');
  const e = r.errors[0];
  return [e.code, e.row, e.column, e.value] as const;
};

describe('class 1: values beyond what a ledger holds (or DynamoDB stores) are errors on their row', () => {
  const M = 5; // 总投资
  it.each([
    ['400 digits', M, '9'.repeat(400), 'invalid-money', `${'9'.repeat(60)}…`],
    ['a 20-digit integer (beyond 2^53)', M, '12345678901234567890', 'invalid-money', '12345678901234567890'],
    ['10 万亿元 + 1 万元', M, '1000000001', 'invalid-money', '1000000001'],
    ['1E+308 as a number cell', M, 1e308, 'invalid-money', '1e+308'],
    ['a 期次 of 20 digits', 3, '99999999999999999999', 'invalid-phase', '99999999999999999999'],
    ['a 期次 of 1000', 3, 1000, 'invalid-phase', '1000'],
    ['a project code of 3,000 characters', 0, 'A'.repeat(3000), 'too-long', `${'A'.repeat(60)}…`],
    ['a project code of 65 Chinese characters', 0, '码'.repeat(65), 'too-long', '码'.repeat(60) + '…'],
    ['a name of a megabyte', 1, '名'.repeat(1_000_000), 'too-long', '名'.repeat(60) + '…'],
  ])('%s', async (_name, col, value, code, shown) => {
    expect(await firstError(oneCell(col, value))).toEqual([code, 2, CANONICAL_HEADER[col], shown]);
  });

  it('the message says the bound', async () => {
    const r = await check(oneCell(1, '名'.repeat(201)));
    expect(r.errors[0].message).toMatch(/^第 2 行“项目名称”：“名+…”过长（201 字，上限 200 字）$/);
    const m = await check(oneCell(5, `1${'0'.repeat(30)}`));
    expect(m.errors[0].message).toContain('超出合理范围（单个项目不超过 10 万亿元）');
  });

  it('in 亿元, the bound is on the amount in 万元: 10 万亿元 passes, more does not', async () => {
    const header = [...CANONICAL_HEADER];
    header[5] = '总投资（亿元）';
    const at = (v: string) => csvUtf8([header, ledgerRow(UNIT, 1, { 5: v })]);
    expect((await check(at('100000'))).rows[0]?.totalInvestment).toBe(1e9);
    expect(await firstError(at('100000.01'))).toEqual(['invalid-money', 2, '总投资（亿元）', '100000.01']);
  });

  it('values at the bounds are accepted as written', async () => {
    const r = await check(csvUtf8([CANONICAL_HEADER, ledgerRow(UNIT, 1, { 0: 'C'.repeat(64), 1: '名'.repeat(200), 3: 999, 5: '1000000000' })]));
    expect(r.errors).toEqual([]);
    expect(r.rows[0]).toMatchObject({ projectCode: 'C'.repeat(64), projectName: '名'.repeat(200), phase: 999, totalInvestment: 1e9 });
  });
});

describe('class 2: values that were read wrong, silently', () => {
  it.each([
    ['1,2,3', '1,2,3'],
    ['12,5 (a decimal comma?)', '12,5'],
    ['1,23,456', '1,23,456'],
    ['1,2345', '1,2345'],
    ['full-width 1，2，3', '1，2，3'],
    ['mixed separators 1,234 567', '1,234 567'],
  ])('thousands separators out of place are refused: %s', async (_name, v) => {
    const r = await check(oneCell(5, v));
    expect([r.errors[0].code, r.errors[0].row, r.errors[0].column, r.errors[0].value]).toEqual(['invalid-money', 2, '总投资', v]);
    if (v.includes(',') || v.includes('，')) expect(r.errors[0].message).toContain('千位分隔符位置不对');
  });

  it.each([
    ['1,234.5', 1234.5],
    ['12,919', 12919],
    ['1,234,567', 1234567],
    ['1 234', 1234],
    ['１２，９１９．５', 12919.5],
  ])('thousands separators in place are read: %s', async (v, n) => {
    const r = await check(oneCell(5, v));
    expect(r.errors).toEqual([]);
    expect(r.rows[0].totalInvestment).toBe(n);
  });

  it.each([
    ['U+200B zero-width space', '\u200b'],
    ['U+FEFF BOM', '\ufeff'],
    ['U+202E right-to-left override', '\u202e'],
    ['U+2060 word joiner', '\u2060'],
    ['U+00AD soft hyphen', '\u00ad'],
  ])('two codes that differ only by %s are one code: a duplicate', async (_name, ch) => {
    const mid = CODE(1).slice(0, 5) + ch + CODE(1).slice(5);
    const r = await check(csvUtf8([CANONICAL_HEADER, ledgerRow(UNIT, 1), ledgerRow(UNIT, 2, { 0: mid })]));
    expect(r.errors.map((e) => [e.code, e.row, e.column, e.value])).toEqual([['duplicate-code', 3, '项目代码', CODE(1)]]);
  });

  it.each([['\u200b'], ['\u200b\ufeff\u202e'], ['\u2066\u2069'], ['\u0007\u001b']])('a code made only of invisible characters is empty (%j)', async (code) => {
    expect(await firstError(oneCell(0, code))).toEqual(['required-empty', 2, '项目代码', null]);
  });

  it('a CRLF file with one bare-LF line keeps its two projects apart', async () => {
    const h = CANONICAL_HEADER.join(',');
    const line = (n: number) => ledgerRow(UNIT, n).join(',');
    for (const text of [`${h}\r\n${line(1)}\n${line(2)}\r\n`, `${h}\r\n${line(1)}\r${line(2)}\r\n`, `${h}\n${line(1)}\r\n${line(2)}\n${line(3)}`]) {
      const r = await check(new TextEncoder().encode(text));
      expect(r.errors).toEqual([]);
      expect(r.rows.map((x) => [x.sourceRow, x.projectCode])).toEqual(
        Array.from({ length: text.endsWith(line(3)) ? 3 : 2 }, (_, i) => [i + 2, CODE(i + 1)]),
      );
    }
  });

  it('a line break inside a quoted cell is still text of that cell', async () => {
    const h = CANONICAL_HEADER.join(',');
    const cells = ledgerRow(UNIT, 1).map(String);
    cells[1] = '"第一行\n第二行"';
    const r = await check(new TextEncoder().encode(`${h}\r\n${cells.join(',')}\r\n`));
    expect(r.rows.map((x) => x.projectName)).toEqual(['第一行\n第二行']);
  });
});

describe('class 2: dates as Excel shows them, never rolled over', () => {
  const SIGNED = '签约日期';
  const header = [...CANONICAL_HEADER, SIGNED];
  const cell = (ref: string, inner: string, attrs = '') => `<c r="${ref}"${attrs}>${inner}</c>`;
  const headerRow = `<row r="1">${header.map((t, i) => cell(`${String.fromCharCode(65 + i)}1`, `<is><t>${t}</t></is>`, ' t="inlineStr"')).join('')}</row>`;
  const dataRow = (dateCell: string) =>
    `<row r="2">${ledgerRow(UNIT, 1)
      .map((v, i) => {
        const ref = `${String.fromCharCode(65 + i)}2`;
        return typeof v === 'number' ? cell(ref, `<v>${v}</v>`) : cell(ref, `<is><t>${v}</t></is>`, ' t="inlineStr"');
      })
      .join('')}${dateCell}</row>`;
  const workbook = (dateCell: string) =>
    handXlsx({ sheet: headerRow + dataRow(dateCell), styles: { cellXfs: '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs>' } });
  const xlsxKey = `incoming/2026-10/${UNIT}/台账.xlsx`;

  it.each([
    ['an ISO date cell of 2026-02-30', '<v>2026-02-30</v>', ' t="d"', '2026-02-30'],
    ['an ISO date cell of 2026-04-31', '<v>2026-04-31</v>', ' t="d"', '2026-04-31'],
    ['an ISO date cell of 2026-13-01', '<v>2026-13-01</v>', ' t="d"', '2026-13-01'],
    ['a date-formatted serial 0 (shown 1900-01-00)', '<v>0</v>', ' s="1"', '1900-01-00'],
    ['a date-formatted serial 60 (1900-02-29, a day that never was)', '<v>60</v>', ' s="1"', '1900-02-29'],
    ['a date-formatted serial 59 (1900-02-28: before 1990)', '<v>59</v>', ' s="1"', '1900-02-28'],
  ])('%s is refused as written', async (_name, inner, attrs, shown) => {
    const r = await check(workbook(cell('J2', inner, attrs)), xlsxKey);
    expect(r.errors.map((e) => [e.code, e.row, e.column, e.value])).toEqual([['invalid-date', 2, SIGNED, shown]]);
  });

  it.each([
    ['an ISO date cell of 2024-02-29', '<v>2024-02-29</v>', ' t="d"', '2024-02-29'],
    ['an ISO date-time cell', '<v>2026-03-18T09:30:00</v>', ' t="d"', '2026-03-18'],
    ['a date-formatted serial', '<v>46099</v>', ' s="1"', '2026-03-18'],
  ])('%s is read as the date shown', async (_name, inner, attrs, iso) => {
    const r = await check(workbook(cell('J2', inner, attrs)), xlsxKey);
    expect(r.errors).toEqual([]);
    expect(r.rows[0].signedDate).toBe(iso);
  });
});

describe('class 3: text that controls display never reaches what people read', () => {
  it.each([
    ['a right-to-left override', '漯河\u202e园流物\u202c项目', '漯河园流物项目'],
    ['left-to-right and right-to-left isolates', '\u2066项目\u2069\u2067A\u2069', '项目A'],
    ['zero-width characters', '冷\u200b链\u200c物\u200d流', '冷链物流'],
    ['control characters', '冷链\u0008\u001b[31m物流\u007f\u0085', '冷链[31m物流'],
    ['a BOM and a word joiner inside', '冷链\ufeff物\u2060流', '冷链物流'],
  ])('%s in a project name is removed', async (_name, written, stored) => {
    const r = await check(oneCell(1, written));
    expect(r.errors).toEqual([]);
    expect(r.rows[0].projectName).toBe(stored);
  });

  it('every control and format character of the BMP is removed, and nothing else (tab and line breaks kept)', () => {
    const hidden = /[\p{Cc}\p{Cf}]/u;
    const wrong: string[] = [];
    for (let c = 0; c < 0x10000; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const ch = String.fromCharCode(c);
      const removed = hidden.test(ch) && ch !== '\t' && ch !== '\n' && ch !== '\r';
      if (visibleText(`a${ch}b`) !== (removed ? 'ab' : `a${ch}b`)) wrong.push(c.toString(16));
    }
    expect(wrong).toEqual([]);
    expect(visibleText('a\u{e0001}b\u{1d173}c')).toBe('abc'); // astral format characters too
  });

  it('lone surrogates (not text at all) are removed; pairs are kept', () => {
    expect(visibleText('冷链\ud800物流\udfff')).toBe('冷链物流');
    expect(visibleText('冷链😀物流')).toBe('冷链😀物流');
    expect(clipText('😀'.repeat(100), 3)).toBe('😀😀😀…');
  });

  it('in a header and in the value a message quotes', async () => {
    const header = [...CANONICAL_HEADER];
    header[5] = '总\u202e投资';
    const r = await check(csvUtf8([header, ledgerRow(UNIT, 1, { 5: '待\u202e定' })]));
    expect(r.errors.map((e) => [e.column, e.value, e.message])).toEqual([['总投资', '待定', '第 2 行“总投资”：“待定”不是数字']]);
  });

  it('tabs and line breaks inside a cell are kept', async () => {
    const r = await check(oneCell(1, '第一行\n第二行\t备注'));
    expect(r.rows[0].projectName).toBe('第一行\n第二行\t备注');
  });
});

describe('class 4: a receipt stays small whatever the file', () => {
  it('a header with a pathological note is clipped in every error of its column', async () => {
    const header = [...CANONICAL_HEADER];
    header[5] = `总投资（${'注'.repeat(100_000)}）`;
    const rows: Table = [header, ...Array.from({ length: 300 }, (_, i) => ledgerRow(UNIT, i + 1, { 5: '待定' }))];
    const r = await check(csvUtf8(rows));
    expect(r.errors).toHaveLength(300);
    expect(r.errors[0].column!.length).toBeLessThanOrEqual(41);
    const receipt = buildReceipt({
      uploadId: '0123456789abcdef',
      status: 'rejected',
      month: '2026-10',
      unitCode: UNIT,
      file: { bucket: 'b', key: KEY, name: '台账.csv', size: 1, sha256: '', versionId: null, eventTime: '2026-11-02T00:00:00Z', sequencer: null },
      processedAt: '2026-11-02T00:00:00Z',
      projects: 0,
      skippedRows: 0,
      errors: r.errors,
      warnings: [],
    });
    expect(receipt.errors).toHaveLength(MAX_LISTED);
    expect(receipt.counts.errors).toBe(300);
    expect(Buffer.byteLength(JSON.stringify(receipt))).toBeLessThan(60_000);
  });

  it('every field of a listed issue is clipped, even a message made elsewhere', () => {
    const long = 'x'.repeat(1_000_000);
    const receipt = buildReceipt({
      uploadId: '0123456789abcdef',
      status: 'rejected',
      month: null,
      unitCode: null,
      file: { bucket: 'b', key: 'k', name: 'k', size: 1, sha256: '', versionId: null, eventTime: '', sequencer: null },
      processedAt: '',
      projects: 0,
      skippedRows: 0,
      errors: Array.from({ length: 1000 }, () => ({ code: 'corrupt' as const, row: null, column: long, value: long, message: long })),
      warnings: Array.from({ length: 1000 }, () => ({ code: 'Q3' as const, row: 1, column: long, value: long, message: long })),
    });
    expect(Buffer.byteLength(JSON.stringify(receipt))).toBeLessThan(150_000);
    expect(receipt.summary.length).toBeLessThan(400);
  });
});

describe('class 9: CSV work is bounded by cells, refused at once', () => {
  const refusedAs = async (text: string) => {
    const r = await check(new TextEncoder().encode(text));
    expect(r.status).toBe('rejected');
    return r.errors[0].code;
  };
  const header = CANONICAL_HEADER.join(',');
  it.each([
    ['1,200 lines one column under the width cap (19.7 MB)', () => `${header}\n${`${','.repeat(16_382)}x\n`.repeat(1_200)}`, 'too-many-columns'],
    ['100 lines of 16,383 cells', () => `${header}\n${`x${','.repeat(16_382)}\n`.repeat(100)}`, 'too-many-columns'],
    ['one line of 16,385 cells', () => `${header}\n${'x,'.repeat(16_384)}x\n`, 'too-many-columns'],
    ['20,200 rows of 65 cells', () => `${header}\n${`${'1,'.repeat(64)}1\n`.repeat(20_200)}`, 'too-many-columns'],
    ['a million bare CRs', () => `${header}\r${'x\r'.repeat(1_000_000)}`, 'too-many-rows'],
    ['a million lines', () => `${header}\n${'x\n'.repeat(1_000_000)}`, 'too-many-rows'],
  ])('%s', async (_name, text, code) => {
    expect(await refusedAs(text())).toBe(code);
  });

  it('a real ledger shape far below the bound is read', async () => {
    const wide = [...CANONICAL_HEADER, ...Array.from({ length: 40 }, (_, i) => `备注${i}`)];
    const rows: Table = [wide, ...Array.from({ length: 2000 }, (_, i) => [...ledgerRow(UNIT, i + 1), ...Array.from({ length: 40 }, () => '')])];
    const r = await check(csvUtf8(rows));
    expect(r.errors).toEqual([]);
    expect(r.rows).toHaveLength(2000);
  });
});

describe('the same bounds hold for .xlsx', () => {
  it('a megabyte name and a 400-digit number cell in a workbook are errors on their rows', async () => {
    const bytes = await xlsx([CANONICAL_HEADER, ledgerRow(UNIT, 1, { 1: '名'.repeat(300_000) }), ledgerRow(UNIT, 2, { 6: '9'.repeat(400) }), ledgerRow(UNIT, 3, { 7: 1e300 })]);
    const r = await check(bytes, `incoming/2026-10/${UNIT}/台账.xlsx`);
    expect(r.errors.map((e) => [e.code, e.row, e.column])).toEqual([
      ['too-long', 2, '项目名称'],
      ['invalid-money', 3, '年度计划投资'],
      ['invalid-money', 4, '本年累计完成投资'],
    ]);
  });
});
