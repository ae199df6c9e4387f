import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../functions/core/shared/config';
import { checkUpload } from '../../../functions/core/ingest/check-upload';
import { UnreadableFileError, readSheet } from '../../../functions/formats/readers';
import { countyForm, formCsv } from '../../helpers/files';

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

  it('refuses a row-count bomb before building its records, with the line limit in the message', async () => {
    const bomb = utf8('项目代码,项目名称\n' + '1\n'.repeat(5_000_000));
    const e = await readSheet('x.csv', bomb, { maxRows: 20_000 }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(UnreadableFileError);
    expect(e).toMatchObject({ code: 'too-many-rows', message: '文件超过 101000 行（含空行），远多于上限 20000 行数据：请删除多余的空行，或核对是否误传了其他表格' });
  });

  it('refuses a line with more cells than Excel has columns, without building it', async () => {
    const wide = utf8('项目代码,项目名称\n' + 'x' + ','.repeat(16_384) + '\n');
    await expect(readSheet('x.csv', wide)).rejects.toMatchObject({ code: 'too-many-columns', message: /^文件第 2 行超过 16384 列（Excel 的列数上限）/ });
    // Excel's widest sheet (16,384 columns: 16,383 delimiters) is still read.
    const widest = await readSheet('x.csv', utf8('a' + ','.repeat(16_383) + 'z\n'));
    expect(widest.rows[0].cells).toHaveLength(16_384);
  });

  it('a form with 18 MB of trailing blank lines is still accepted, row for row', async () => {
    const form = countyForm({ unit: '411102', unitName: '源汇区', month: '2026-10', projects: 40 });
    const plain = formCsv(form, 'utf8');
    const padded = new Uint8Array([...plain, ...utf8(',,,,,,,,,,,,,,,,\r\n'.repeat(1_000_000))]);
    const config = parseConfig({});
    const [a, b] = [await checkUpload('incoming/2026-10/411102/a.csv', plain, config), await checkUpload('incoming/2026-10/411102/b.csv', padded, config)];
    expect(b.status).toBe('accepted');
    expect(b.rows).toEqual(a.rows);
    expect(b.rows).toHaveLength(40);
  });
});
