import { describe, expect, it } from 'vitest';
import { checkUpload } from '../../../functions/core/ingest/check-upload';
import { parseConfig } from '../../../functions/core/shared/config';
import { readSheet } from '../../../functions/formats/readers';
import { CANONICAL_HEADER, type ZipPart, handXlsxParts, zip } from '../../helpers/files';
import { zipRecords } from '../../helpers/fuzz';
import { refusal } from '../../helpers/refusal';

/**
 * An .xlsx is a ZIP archive, and a ZIP archive can say two things at once: the same part twice
 * (this reader used to take the later one, silently), names that differ only in case or in the
 * direction of a slash, a local header that names its entry otherwise than the central directory,
 * an entry hidden from the central directory, two entries sharing bytes. Excel, a streaming
 * unzipper and this reader could each read another sheet, so every such archive is refused as
 * `corrupt` with a message naming the part (zip.ts, checkEntries).
 */
const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const cols = 'ABCDEFGHI';
const inl = (ref: string, text: string | number) => (typeof text === 'number' ? `<c r="${ref}"><v>${text}</v></c>` : `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`);

/** A one-project ledger sheet whose project name is shared string 0; `total` is its 总投资. */
function sheetXml(total: number): string {
  const header = CANONICAL_HEADER.map((h, i) => inl(`${cols[i]}1`, h)).join('');
  const values = ['2604-411102-04-01-000001', null, '签约', 13, '已签约', total, 100, 50, 10];
  const data = values.map((v, i) => (v === null ? `<c r="${cols[i]}2" t="s"><v>0</v></c>` : inl(`${cols[i]}2`, v))).join('');
  return `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${NS}"><sheetData><row r="1">${header}</row><row r="2">${data}</row></sheetData></worksheet>`;
}
const sst = (name: string): ZipPart => ({ name: 'xl/sharedStrings.xml', data: `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${NS}" count="1"><si><t>${name}</t></si></sst>` });

/** The honest archive: [Content_Types].xml, rels, workbook, rels, shared strings, sheet1 (总投资 1000, 甲项目). */
const base = (): ZipPart[] => handXlsxParts({ sheet: sheetXml(1000), sharedStrings: ['<si><t>甲项目</t></si>'] });
const named = (parts: ZipPart[], name: string) => parts.find((p) => p.name === name)!;
/** The archive with `extra` added after (or before) the part it copies. */
const plus = (extra: ZipPart, where: 'after' | 'before' = 'after'): Uint8Array => {
  const parts = base();
  return zip(where === 'after' ? [...parts, extra] : [extra, ...parts]);
};

const KEY = 'incoming/2026-10/411102/411102-源汇区.xlsx';
const config = parseConfig({});
const RESAVE = '：请在 Excel 中打开确认内容后另存为 .xlsx 重新上传';

describe('zip: the honest archive of these tests', () => {
  it('is read: one project, 总投资 1000, 甲项目', async () => {
    const check = await checkUpload(KEY, zip(base()), config);
    expect(check.errors).toEqual([]);
    expect(check.rows.map((r) => [r.projectName, r.totalInvestment])).toEqual([['甲项目', 1000]]);
  });

  it('names written with backslashes throughout (as some Windows tools write them) are still read: one name, one part', async () => {
    const parts = base().map((p) => ({ ...p, name: p.name.replace(/\//g, '\\') }));
    const check = await checkUpload(KEY, zip(parts), config);
    expect(check.errors).toEqual([]);
    expect(check.rows.map((r) => r.totalInvestment)).toEqual([1000]);
  });
});

/** Two entries for one part: the message names it (both spellings when they differ). */
const TWICE: { name: string; bytes: () => Uint8Array; message: string }[] = [
  {
    name: 'the worksheet twice, the later with another 总投资 (it used to be read, 9999)',
    bytes: () => plus({ name: 'xl/worksheets/sheet1.xml', data: sheetXml(9999) }),
    message: '压缩包中的部件“xl/worksheets/sheet1.xml”出现了两次，无法确定以哪一份为准',
  },
  {
    name: 'the worksheet twice, the other copy first',
    bytes: () => plus({ name: 'xl/worksheets/sheet1.xml', data: sheetXml(9999) }, 'before'),
    message: '压缩包中的部件“xl/worksheets/sheet1.xml”出现了两次，无法确定以哪一份为准',
  },
  {
    name: 'the shared strings twice (another project name)',
    bytes: () => plus(sst('乙项目')),
    message: '压缩包中的部件“xl/sharedStrings.xml”出现了两次，无法确定以哪一份为准',
  },
  {
    name: '[Content_Types].xml twice (a part this reader never reads: Excel does)',
    bytes: () => plus({ ...named(base(), '[Content_Types].xml') }),
    message: '压缩包中的部件“[Content_Types].xml”出现了两次，无法确定以哪一份为准',
  },
  {
    name: 'the workbook twice, identical copies',
    bytes: () => plus({ ...named(base(), 'xl/workbook.xml') }),
    message: '压缩包中的部件“xl/workbook.xml”出现了两次，无法确定以哪一份为准',
  },
  {
    name: 'the workbook relationships twice',
    bytes: () => plus({ ...named(base(), 'xl/_rels/workbook.xml.rels') }),
    message: '压缩包中的部件“xl/_rels/workbook.xml.rels”出现了两次，无法确定以哪一份为准',
  },
  {
    // OPC compares part names case-insensitively: Excel sees one part twice; the lookup here is case-insensitive too.
    name: 'the worksheet again with another case in its name',
    bytes: () => plus({ name: 'xl/worksheets/Sheet1.xml', data: sheetXml(9999) }),
    message: '压缩包中的部件“xl/worksheets/sheet1.xml”与“xl/worksheets/Sheet1.xml”是同一部件（名称仅大小写或斜杠方向不同），无法确定以哪一份为准',
  },
  {
    name: 'the shared strings again under an upper-case folder',
    bytes: () => plus({ ...sst('乙项目'), name: 'XL/SHAREDSTRINGS.XML' }),
    message: '压缩包中的部件“xl/sharedStrings.xml”与“XL/SHAREDSTRINGS.XML”是同一部件（名称仅大小写或斜杠方向不同），无法确定以哪一份为准',
  },
  {
    // A backslash is no separator in ZIP, but Windows, 7-Zip and yauzl read it as one: the same file
    // on extraction. A strict reader would see an invalid part name. No reading is unambiguous.
    name: 'the worksheet again with backslashes for slashes',
    bytes: () => plus({ name: 'xl\\worksheets\\sheet1.xml', data: sheetXml(9999) }),
    message: '压缩包中的部件“xl/worksheets/sheet1.xml”与“xl\\worksheets\\sheet1.xml”是同一部件（名称仅大小写或斜杠方向不同），无法确定以哪一份为准',
  },
  {
    name: 'the central directory lists one local entry twice',
    bytes: () => {
      const parts = base();
      const sheet = named(parts, 'xl/worksheets/sheet1.xml');
      const offset = zipOffsetOf(zip(parts), 'xl/worksheets/sheet1.xml');
      return zip([...parts, { ...sheet, centralAt: offset }]);
    },
    message: '压缩包中的部件“xl/worksheets/sheet1.xml”出现了两次，无法确定以哪一份为准',
  },
];

/** The central directory and the local headers disagree. */
const MISMATCHED: { name: string; bytes: () => Uint8Array; message: string }[] = [
  {
    // A streaming unzipper reads the local headers: it would see two sheet1.xml.
    name: 'a local header names another part than its central directory record',
    bytes: () => plus({ name: 'docProps/app.xml', localName: 'xl/worksheets/sheet1.xml', data: sheetXml(9999) }),
    message: '压缩包中部件“docProps/app.xml”的本地文件头记载的名称却是“xl/worksheets/sheet1.xml”，两处不一致，无法确定这段内容属于哪个部件',
  },
  {
    name: 'the local header of the worksheet itself names it in another case',
    bytes: () => {
      const parts = base();
      named(parts, 'xl/worksheets/sheet1.xml').localName = 'xl/worksheets/SHEET1.xml';
      return zip(parts);
    },
    message: '压缩包中部件“xl/worksheets/sheet1.xml”的本地文件头记载的名称却是“xl/worksheets/SHEET1.xml”，两处不一致，无法确定这段内容属于哪个部件',
  },
  {
    name: 'a second worksheet of the same name hidden from the central directory (before the listed one)',
    bytes: () => plus({ name: 'xl/worksheets/sheet1.xml', data: sheetXml(9999), localOnly: true }, 'before'),
    message: '压缩包中有未列入目录的隐藏部件“xl/worksheets/sheet1.xml”，不同程序读到的内容可能不同',
  },
  {
    name: 'a second worksheet hidden from the central directory (after the listed entries)',
    bytes: () => plus({ name: 'xl/worksheets/sheet1.xml', data: sheetXml(9999), localOnly: true }),
    message: '压缩包中有未列入目录的隐藏部件“xl/worksheets/sheet1.xml”，不同程序读到的内容可能不同',
  },
  {
    // The overlapping-entries construction: the worksheet's bytes lie inside another part's data.
    name: 'the worksheet’s entry lies inside the data of another (stored) part',
    bytes: () => {
      const parts = base().filter((p) => p.name !== 'xl/worksheets/sheet1.xml');
      const sheet: ZipPart = { name: 'xl/worksheets/sheet1.xml', data: sheetXml(1000) };
      const alone = zip([sheet]);
      const localEntry = alone.subarray(0, centralDirectoryOffset(alone));
      const host: ZipPart = { name: 'docProps/custom.xml', data: localEntry, store: true };
      return zip([host, ...parts, { ...sheet, centralAt: 30 + Buffer.byteLength(host.name) }]);
    },
    message: '压缩包中的部件“docProps/custom.xml”与“xl/worksheets/sheet1.xml”的数据相互重叠（可能被恶意构造）',
  },
];

describe('zip: an archive that says two things is refused, naming the part', () => {
  it.each([...TWICE, ...MISMATCHED])('$name', async ({ bytes, message }) => {
    const file = bytes();
    const e = await refusal(readSheet('x.xlsx', file));
    expect(e.code).toBe('corrupt');
    expect(e.message).toBe(`Excel 文件已损坏：${message}${RESAVE}`);
    expect(e.detail).toBeTruthy();
    // Through ingest's entry: a receipt with that one error, nothing read.
    const check = await checkUpload(KEY, file, config);
    expect(check).toMatchObject({ status: 'rejected', rows: [] });
    expect(check.errors).toEqual([{ code: 'corrupt', row: null, column: null, value: e.detail, message: e.message }]);
  });
});

describe('zip: declared sizes that reach beyond the entries', () => {
  it('the last entry’s declared compressed size runs into the central directory: corrupt (found by fuzzing: it was a TypeError)', async () => {
    const bytes = Buffer.from(zip(base()));
    const { records } = zipRecords(bytes);
    const last = records[records.length - 1].central;
    bytes.writeUInt32LE(bytes.readUInt32LE(last + 20) + 100, last + 20);
    const e = await refusal(readSheet('x.xlsx', new Uint8Array(bytes)));
    expect(e.code).toBe('corrupt');
    expect(e.message).toBe('Excel 文件已损坏或不完整，无法读取：请在 Excel 中打开确认内容后另存为 .xlsx 重新上传');
    expect(e.detail).toMatch(/^"xl\/worksheets\/sheet1.xml" \[\d+, \d+\) runs into the central directory at \d+$/);
  });
});

/** End of central directory record → where the central directory starts (no comment, no ZIP64). */
function centralDirectoryOffset(bytes: Uint8Array): number {
  return Buffer.from(bytes).readUInt32LE(bytes.byteLength - 22 + 16);
}

/** Offset of the local header of `name`, from its central directory record. */
function zipOffsetOf(bytes: Uint8Array, name: string): number {
  const buf = Buffer.from(bytes);
  for (let at = centralDirectoryOffset(bytes); buf.readUInt32LE(at) === 0x02014b50; ) {
    const n = buf.readUInt16LE(at + 28);
    const total = 46 + n + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
    if (buf.subarray(at + 46, at + 46 + n).toString('utf8') === name) return buf.readUInt32LE(at + 42);
    at += total;
  }
  throw new Error(`${name} not in the archive`);
}
