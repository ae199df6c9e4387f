import { describe, expect, it } from 'vitest';
import { readSheet } from '../../../functions/formats/readers';

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('CSV reader', () => {
  it('drops the blank rows Excel writes below the data, keeping row numbers and trailing cells', async () => {
    const text = '项目代码,项目名称,批次\r\n A1 ,冷链,\r\n,,\r\nA2,"两行\r\n名称",签约\r\n' + ',,\r\n'.repeat(200_000) + '  \r\n';
    const sheet = await readSheet('x.csv', utf8(text), { maxRows: 100 });
    expect(sheet.rows).toEqual([
      { number: 1, cells: ['项目代码', '项目名称', '批次'] },
      { number: 2, cells: [' A1 ', '冷链', ''] },
      { number: 4, cells: ['A2', '两行\r\n名称', '签约'] },
    ]);
  });

  it('a file of nothing but blank lines has no rows', async () => {
    expect((await readSheet('x.csv', utf8('\n'.repeat(1000) + ',,,\r\n'))).rows).toEqual([]);
  });

  it('refuses a line with more cells than Excel has columns, without building it', async () => {
    const wide = utf8('项目代码,项目名称\n' + 'x' + ','.repeat(16_384) + '\n');
    await expect(readSheet('x.csv', wide)).rejects.toMatchObject({ code: 'too-many-columns', message: /^文件第 2 行超过 16384 列（Excel 的列数上限）/ });
    // Excel's widest sheet (16,384 columns: 16,383 delimiters) is still read.
    const widest = await readSheet('x.csv', utf8('a' + ','.repeat(16_383) + 'z\n'));
    expect(widest.rows[0].cells).toHaveLength(16_384);
  });
});
