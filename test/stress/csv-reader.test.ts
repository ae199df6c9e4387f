import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/core/shared/config';
import { checkUpload } from '../../functions/core/ingest/check-upload';
import { UnreadableFileError, readSheet } from '../../functions/formats/readers';
import { countyForm, formCsv } from '../helpers/files';

/**
 * The CSV reader against files of millions of lines (a 10 MB row-count bomb, 18 MB of blank
 * lines): kept out of test/unit, whose CSV tests use small files.
 */
const utf8 = (s: string) => new TextEncoder().encode(s);

describe('CSV reader: bombs and big files', () => {
  it('refuses a row-count bomb before building its records, with the line limit in the message', async () => {
    const bomb = utf8('项目代码,项目名称\n' + '1\n'.repeat(5_000_000));
    const e = await readSheet('x.csv', bomb, { maxRows: 20_000 }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(UnreadableFileError);
    expect(e).toMatchObject({ code: 'too-many-rows', message: '文件超过 101000 行（含空行），远多于上限 20000 行数据：请删除多余的空行，或核对是否误传了其他表格' });
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
