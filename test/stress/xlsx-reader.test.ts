import { describe, expect, it } from 'vitest';
import { readSheet } from '../../functions/formats/readers';
import { bombXlsx, handXlsx } from '../helpers/files';
import { refusal } from '../helpers/refusal';

/**
 * The xlsx reader against files of hundreds of megabytes (declared or real): seconds of inflating
 * each, so kept out of test/unit. Smaller hostile files stay in test/unit/formats/xlsx-reader.test.ts.
 */
const row = (n: number, cells: string) => `<row r="${n}">${cells}</row>`;

describe('xlsx reader: bombs and big sheets', () => {
  it('a decompression bomb is refused from its declared size, without inflating', async () => {
    const bomb = bombXlsx(600 * 1024 * 1024);
    expect(bomb.byteLength).toBeLessThan(1024 * 1024);
    // Refused on the declared size: the code says so (no clock in tests; timing lives in the bench).
    const e = await refusal(readSheet('x.xlsx', bomb));
    expect(e.code).toBe('inflated-too-large');
    expect(e.message).toContain('解压后的内容超过 200 MB 上限');
  });

  it('a bomb that lies about its size is stopped as soon as it inflates beyond what it declared', async () => {
    const bomb = bombXlsx(600 * 1024 * 1024, 'lie');
    const rss = process.memoryUsage().rss;
    const e = await refusal(readSheet('x.xlsx', bomb));
    expect(e.code).toBe('corrupt');
    expect(e.message).toContain('已损坏');
    expect(process.memoryUsage().rss - rss).toBeLessThan(100 * 1024 * 1024);
  });

  it('a sheet of 150 MB (under the cap) is read in bounded memory: only rows are kept, not the XML', async () => {
    const rss = process.memoryUsage().rss;
    const sheet = await readSheet('x.xlsx', bombXlsx(150 * 1024 * 1024));
    expect(sheet.rows).toHaveLength(1);
    expect(process.memoryUsage().rss - rss).toBeLessThan(150 * 1024 * 1024);
  });

  it('one cell or row too large to be real is refused, not buffered', async () => {
    const huge = 'A'.repeat(5 * 1024 * 1024);
    const e = await refusal(readSheet('x.xlsx', handXlsx({ sheet: row(1, `<c r="A1" t="inlineStr"><is><t>${huge}`) })));
    expect(e.code).toBe('too-complex');
  });
});
