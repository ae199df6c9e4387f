import { readFileSync } from 'node:fs';
import { crc32, deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../functions/core/shared/config';
import { readUpload } from '../../../functions/core/ingest/check-upload';
import { readSheet } from '../../../functions/formats/readers';
import { isDateFormat } from '../../../functions/formats/readers/xlsx';
import { bombXlsx, handXlsx, zip } from '../../helpers/files';
import { refusal } from '../../helpers/refusal';

const LIBREOFFICE = new URL('../../fixtures/libreoffice-411102-2026-10.xlsx', import.meta.url);

const row = (n: number, cells: string) => `<row r="${n}">${cells}</row>`;
const inl = (ref: string, text: string) => `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;

describe('xlsx reader: files saved by other programs', () => {
  it('reads the LibreOffice-saved county form: its shared strings, styles, merges and cached formula values', async () => {
    const bytes = new Uint8Array(readFileSync(LIBREOFFICE));
    // LibreOffice writes shared strings and its own number formats (not exceljs's).
    expect(Buffer.from(bytes).includes(Buffer.from('xl/sharedStrings.xml'))).toBe(true);
    const sheet = await readUpload('x.xlsx', bytes, parseConfig({}));
    expect(sheet.name).toBe('台账'); // the 填报说明 sheet in front is passed over
    expect(sheet.merges).toContainEqual({ top: 3, bottom: 3, left: 6, right: 7 }); // 计划投资 over G:H
    expect(sheet.merges).toContainEqual({ top: 3, bottom: 4, left: 1, right: 1 }); // 项目代码, two rows
    const byNumber = new Map(sheet.rows.map((r) => [r.number, r.cells]));
    expect(byNumber.get(1)?.[0]).toBe('源汇区“三个一批”项目建设进展情况月报表（2026年10月）');
    expect(byNumber.get(4)?.[7]).toBe('年度计划\n投资');
    expect(byNumber.get(5)?.slice(0, 4)).toEqual([1, '2604-411102-04-01-000101', '漯河冷链物流园', '签约一批']);
    expect(byNumber.get(5)?.[10]).toEqual(new Date(Date.UTC(2026, 2, 18))); // a date cell
    expect(byNumber.get(7)?.[14]).toBe('=HYPERLINK("http://example.com","点击查看")'); // text, not a formula
    expect(byNumber.get(12)?.[0]).toBe('合计');
    expect(byNumber.get(12)?.[6]).toBe(303400.75); // SUM(…) as LibreOffice cached it
  });

  it('inline strings, rich text without phonetic runs, prefixes, missing references, entities and escapes', async () => {
    const sheet = await readSheet(
      'x.xlsx',
      handXlsx({
        prefix: 'x:',
        sharedStrings: ['<x:si><x:r><x:t>签约</x:t></x:r><x:r><x:t xml:space="preserve">一批</x:t></x:r><x:rPh sb="0" eb="2"><x:t>qianyue</x:t></x:rPh></x:si>', '<x:si><x:t>A&amp;B&lt;script&gt;</x:t></x:si>'],
        sheet: [
          `<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>项目代码</x:t></x:is></x:c><x:c t="s"><x:v>0</x:v></x:c><x:c t="s"><x:v>1</x:v></x:c></x:row>`,
          // No r on the row or the cells: the next row, the next columns.
          `<x:row><x:c t="inlineStr"><x:is><x:t>第一行_x000D__x000A_第二行</x:t></x:is></x:c><x:c t="str"><x:f>A1&amp;"x"</x:f><x:v>公式结果</x:v></x:c><x:c t="b"><x:v>1</x:v></x:c><x:c t="e"><x:v>#N/A</x:v></x:c><x:c><x:f>SUM(A1:A2)</x:f></x:c><x:c t="d"><x:v>2026-10-08</x:v></x:c><x:c><x:v>12.5</x:v></x:c></x:row>`,
          `<x:row r="5"><x:c r="C5" t="inlineStr"><x:is><x:t>&#x7A7A;&#31354;&quot;&apos;</x:t></x:is></x:c></x:row>`,
        ].join(''),
      }),
    );
    expect(sheet.rows).toEqual([
      { number: 1, cells: ['项目代码', '签约一批', 'A&B<script>'] },
      { number: 2, cells: ['第一行\r\n第二行', '公式结果', true, '#N/A', null, new Date(Date.UTC(2026, 9, 8)), 12.5] },
      { number: 5, cells: [null, null, '空空"\''] },
    ]);
  });

  it('date cells by their number format (built-in, CJK, custom), in the 1900 and 1904 systems', async () => {
    const styles = {
      numFmts: '<numFmts count="2"><numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/><numFmt numFmtId="177" formatCode="#,##0.00_);[Red]\\(#,##0.00\\)"/></numFmts>',
      cellXfs: '<cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="31"/><xf numFmtId="176"/><xf numFmtId="177"/></cellXfs>',
    };
    const cells = '<c r="A1" s="0"><v>46303</v></c><c r="B1" s="1"><v>46303</v></c><c r="C1" s="2"><v>46303</v></c><c r="D1" s="3"><v>46303.75</v></c><c r="E1" s="4"><v>46303</v></c>';
    const d1900 = await readSheet('x.xlsx', handXlsx({ styles, sheet: row(1, cells) }));
    const oct8 = new Date(Date.UTC(2026, 9, 8));
    expect(d1900.rows[0].cells).toEqual([46303, oct8, oct8, new Date(Date.UTC(2026, 9, 8, 18)), 46303]);
    const d1904 = await readSheet('x.xlsx', handXlsx({ styles, date1904: true, sheet: row(1, '<c r="B1" s="1"><v>44841</v></c>') }));
    expect(d1904.rows[0].cells[1]).toEqual(oct8);
    expect(isDateFormat('yyyy\\-mm\\-dd')).toBe(true);
    expect(isDateFormat('[$-804]yyyy"年"m"月"')).toBe(true);
    expect(isDateFormat('0.00_);[Red](0.00)')).toBe(false);
    expect(isDateFormat('[h]:mm:ss')).toBe(false);
    expect(isDateFormat('General')).toBe(false);
  });

  it('picks the first visible sheet with a ledger header; hidden sheets are skipped', async () => {
    const header = row(1, ['项目代码', '项目名称', '批次', '期次', '项目状态'].map((h, i) => inl(`${'ABCDE'[i]}1`, h)).join(''));
    const sheetXml = (body: string) => `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${body}</sheetData></worksheet>`;
    const bytes = handXlsx({
      sheet: row(1, inl('A1', '填报说明：请在台账中填写')),
      extraParts: [
        {
          name: 'xl/workbook.xml',
          data: `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="说明" sheetId="1" r:id="rId1"/><sheet name="旧表" sheetId="2" state="hidden" r:id="rId7"/><sheet name="台账" sheetId="3" r:id="rId8"/></sheets></workbook>`,
        },
        {
          name: 'xl/_rels/workbook.xml.rels',
          data: `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet7.xml"/><Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet8.xml"/></Relationships>`,
        },
        { name: 'xl/worksheets/sheet7.xml', data: sheetXml(header + row(2, inl('A2', '旧数据'))) },
        { name: 'xl/worksheets/sheet8.xml', data: sheetXml(header + row(2, inl('A2', '新数据'))) },
      ],
    });
    const sheet = await readUpload('x.xlsx', bytes, parseConfig({}));
    expect(sheet.name).toBe('台账');
    expect(sheet.rows[1].cells[0]).toBe('新数据');
  });

  it('ignores cells beyond column 256 (a cheap way to bloat a row)', async () => {
    const sheet = await readSheet('x.xlsx', handXlsx({ sheet: row(1, inl('A1', '项目代码') + inl('XFD1', '远处')) }));
    expect(sheet.rows[0].cells).toEqual(['项目代码']);
  });
});

describe('xlsx reader: refusing hostile and broken files', () => {
  it('a part whose bytes disagree with its CRC-32 is refused, as Excel refuses it (deflate itself has no check)', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${row(1, inl('A1', '总投资') + inl('B1', '1300'))}</sheetData></worksheet>`;
    const compressed = new Uint8Array(deflateRawSync(Buffer.from(xml)));
    const honest = await readSheet('x.xlsx', handXlsx({ sheet: { compressed, uncompressedSize: Buffer.byteLength(xml), crc: crc32(xml) } }));
    expect(honest.rows[0].cells).toEqual(['总投资', '1300']);
    // The same part where one digit changed after the CRC was taken ("1300" → "1800"): plausible text.
    const damaged = new Uint8Array(deflateRawSync(Buffer.from(xml.replace('1300', '1800'))));
    const e = await refusal(readSheet('x.xlsx', handXlsx({ sheet: { compressed: damaged, uncompressedSize: Buffer.byteLength(xml), crc: crc32(xml) } })));
    expect(e.code).toBe('corrupt');
    expect(e.message).toMatch(/^Excel 文件已损坏或不完整/);
    expect(e.detail).toMatch(/CRC-32/);
  });

  it('the inflated-bytes cap holds across parts and is configurable', async () => {
    const e = await refusal(readSheet('x.xlsx', bombXlsx(30 * 1024 * 1024), { maxInflatedBytes: 10 * 1024 * 1024 }));
    expect(e.code).toBe('inflated-too-large');
    expect(e.message).toContain('超过 10 MB 上限');
  });

  it('more rows than the limit stops the reader', async () => {
    const rows = Array.from({ length: 400 }, (_, i) => row(i + 1, inl(`A${i + 1}`, `x${i}`))).join('');
    const e = await refusal(readSheet('x.xlsx', handXlsx({ sheet: rows }), { maxRows: 100 }));
    expect(e.code).toBe('too-many-rows');
    expect(e.message).toContain('超过上限 100 行');
  });

  it('encrypted entries, DOCTYPE, truncation, other zip documents', async () => {
    expect((await refusal(readSheet('x.xlsx', handXlsx({ sheet: row(1, inl('A1', 'x')), encryptSheet: true })))).code).toBe('encrypted');
    const doctype = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>`;
    expect((await refusal(readSheet('x.xlsx', handXlsx({ sheet: doctype })))).message).toContain('DOCTYPE');
    const good = new Uint8Array(readFileSync(LIBREOFFICE));
    const truncated = await refusal(readSheet('x.xlsx', good.subarray(0, Math.floor(good.byteLength / 2))));
    expect(truncated.code).toBe('corrupt');
    expect(truncated.message).toContain('已损坏或不完整');
    const ods = zip([{ name: 'mimetype', data: 'application/vnd.oasis.opendocument.spreadsheet', store: true }, { name: 'content.xml', data: '<x/>' }]);
    expect((await refusal(readSheet('x.xlsx', ods))).message).toContain('.ods');
    const docx = zip([{ name: 'word/document.xml', data: '<x/>' }]);
    expect((await refusal(readSheet('x.xlsx', docx))).message).toContain('Word 文档');
  });
});
