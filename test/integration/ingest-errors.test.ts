import { readFileSync } from 'node:fs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPipeline } from '../../cli/local/runtime';
import type { Receipt } from '../../functions/core/ingest/receipt';
import { CANONICAL_HEADER, type Form, type Table, bombXlsx, countyForm, csvUtf8, formXlsx, handXlsx, ledgerRow, xlsx } from '../helpers/files';
import { dataItems, startPipeline } from '../helpers/pipeline';

/**
 * One file per error class (docs/ledger-format.md, "Errors and warnings"), each made the way a clerk (or a
 * hostile sender) would make it, each through the whole pipeline: the receipt must say what is
 * wrong where the clerk can find it, and nothing stored may change.
 */
let p: LocalPipeline;
beforeAll(async () => {
  p = await startPipeline({ ingest: { maxRows: 50, maxBytes: 1024 * 1024 } });
});
afterAll(async () => {
  await p?.close();
});

const UNIT = '410102'; // 中原区
const key = (name: string, unit = UNIT) => `incoming/2026-10/${unit}/${name}`;
const form = (over: Partial<Parameters<typeof countyForm>[0]> = {}): Form => countyForm({ unit: UNIT, unitName: '中原区', month: '2026-10', projects: 6, ...over });
/** Project n of a form sits on spreadsheet row 4 + n (title, 填报单位, two header rows). */
const rowOf = (n: number) => 4 + n;
const LIBREOFFICE = new Uint8Array(readFileSync(new URL('../fixtures/libreoffice-411102-2026-10.xlsx', import.meta.url)));
/**
 * Found by fuzzing: a two-row table written by apache-arrow (tableToIPC, file format) with byte
 * 2064, in its footer's schema, set to 0xff. apache-arrow then allocates until the process dies.
 */
const ARROW_SCHEMA_BOMB = new Uint8Array(readFileSync(new URL('../fixtures/arrow-schema-bomb.arrow', import.meta.url)));

interface Case {
  name: string;
  key: string;
  bytes: () => Promise<Uint8Array> | Uint8Array;
  error: { code: string; row?: number | null; column?: string | null; value?: string | null; message: string | RegExp };
}

const withoutColumn = (f: Form, col: number): Table => f.table.map((r) => r.filter((_, i) => i !== col));

const CASES: Case[] = [
  { name: '.xls', key: key('中原区.xls'), bytes: () => new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), error: { code: 'unsupported', message: '不支持 .xls 格式，请另存为 .xlsx 后重新上传' } },
  { name: '.et (WPS)', key: key('中原区.et'), bytes: () => new Uint8Array([0xd0, 0xcf, 0x11, 0xe0]), error: { code: 'unsupported', message: '不支持 .et 格式，请另存为 .xlsx 后重新上传' } },
  { name: 'other type', key: key('中原区.pdf'), bytes: () => new TextEncoder().encode('%PDF-1.7'), error: { code: 'unsupported', message: '不支持的文件类型“.pdf”：请上传 .xlsx 或 .csv 文件' } },
  { name: 'password-protected .xlsx', key: key('加密.xlsx'), bytes: () => new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), error: { code: 'encrypted', message: /^文件已加密（设置了打开密码）/ } },
  { name: 'encrypted zip entry', key: key('加密2.xlsx'), bytes: () => handXlsx({ sheet: '<row r="1"/>', encryptSheet: true }), error: { code: 'encrypted', message: /^文件已加密/ } },
  { name: 'corrupt', key: key('损坏.xlsx'), bytes: () => new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5]), error: { code: 'corrupt', message: /已损坏/ } },
  { name: 'truncated', key: key('半截.xlsx'), bytes: () => LIBREOFFICE.subarray(0, 5000), error: { code: 'corrupt', message: /已损坏或不完整/ } },
  { name: 'empty', key: key('空.csv'), bytes: () => new Uint8Array(), error: { code: 'empty', message: '文件为空（0 字节），请重新上传' } },
  { name: 'workbook named .csv', key: key('表.csv'), bytes: () => LIBREOFFICE, error: { code: 'corrupt', message: /内容是 Excel 工作簿/ } },
  { name: 'decompression bomb', key: key('炸弹.xlsx'), bytes: () => bombXlsx(600 * 1024 * 1024), error: { code: 'inflated-too-large', message: /解压后的内容超过 200 MB 上限/ } },
  { name: 'Arrow file whose schema exhausts memory', key: key('模式.arrow'), bytes: () => ARROW_SCHEMA_BOMB, error: { code: 'corrupt', message: /^Arrow\/Feather 文件已损坏或格式不受支持/ } },
  { name: 'too large', key: key('大.csv'), bytes: () => new Uint8Array(1024 * 1024 + 1).fill(0x41), error: { code: 'too-large', message: '文件大小 1.0 MB 超过上限 1.0 MB，请删除无关工作表、图片后重新上传' } },
  { name: 'too many rows', key: key('多.xlsx'), bytes: () => formXlsx(form({ projects: 60 })), error: { code: 'too-many-rows', message: '数据行数 60 超过上限 50 行，请核对是否误传了其他表格' } },
  {
    name: 'CSV of line breaks (a row-count bomb)',
    key: key('空行.csv'),
    // 1,251 lines of "1": over (50 rows + 200) × 5 lines, refused before any record is built.
    bytes: () => new TextEncoder().encode('项目代码,项目名称\n' + '1\n'.repeat(1250)),
    error: { code: 'too-many-rows', message: '文件超过 1250 行（含空行），远多于上限 50 行数据：请删除多余的空行，或核对是否误传了其他表格' },
  },
  // With maxRows 50 the bound on cells (250 rows × 64) comes before Excel's width (unit tests: both).
  { name: 'CSV of more cells than its rows allow', key: key('宽.csv'), bytes: () => new TextEncoder().encode('项目代码,项目名称\n1' + ','.repeat(20_000) + '\n'), error: { code: 'too-many-columns', message: /^文件的单元格超过 16,000 个（50 行数据、每行 64 列的上限）/ } },
  { name: 'CSV with an unclosed quote', key: key('引号.csv'), bytes: () => new TextEncoder().encode('项目代码,项目名称\n"2604-410102-04-01-000001,冷链\n'), error: { code: 'corrupt', message: /^CSV 文件格式有误（引号或分隔符不配对）/ } },
  { name: 'no header', key: key('无表头.csv'), bytes: () => csvUtf8([['会议纪要'], ['2026年10月工作安排']]), error: { code: 'no-header', message: /^未找到表头行/ } },
  { name: 'missing column', key: key('缺列.xlsx'), bytes: () => xlsx(withoutColumn(form(), 5)), error: { code: 'missing-column', row: 4, message: '缺少必填列“项目状态”（或 进展状态、建设状态）' } },
  { name: 'header without data', key: key('只有表头.xlsx'), bytes: () => formXlsx(form({ projects: 0, totalRow: 'none' })), error: { code: 'no-data', row: 4, message: '表格只有表头，没有数据行' } },
  { name: 'money not a number', key: key('金额.xlsx'), bytes: () => formXlsx(form({ override: (n) => (n === 3 ? { 6: '待定' } : {}) })), error: { code: 'invalid-money', row: rowOf(3), column: '总投资', value: '待定', message: '第 7 行“总投资”：“待定”不是数字' } },
  { name: 'negative money', key: key('负数.xlsx'), bytes: () => formXlsx(form({ override: (n) => (n === 2 ? { 7: -5 } : {}) })), error: { code: 'invalid-money', row: rowOf(2), column: '年度计划投资', value: '-5', message: '第 6 行“年度计划投资”：“-5”不能为负数' } },
  { name: 'unknown batch', key: key('批次.xlsx'), bytes: () => formXlsx(form({ override: (n) => (n === 1 ? { 3: '签约二批' } : {}) })), error: { code: 'invalid-batch', row: rowOf(1), column: '列入批次', value: '签约二批', message: /^第 5 行“列入批次”：“签约二批”不是有效批次/ } },
  { name: 'unknown status', key: key('状态.xlsx'), bytes: () => formXlsx(form({ override: (n) => (n === 4 ? { 5: '快开工了' } : {}) })), error: { code: 'invalid-status', row: rowOf(4), column: '项目状态', value: '快开工了', message: /^第 8 行“项目状态”：“快开工了”不是有效项目状态/ } },
  { name: 'phase not a positive integer', key: key('期次.xlsx'), bytes: () => formXlsx(form({ override: (n) => (n === 5 ? { 4: '第零期' } : {}) })), error: { code: 'invalid-phase', row: rowOf(5), column: '期次', value: '第零期', message: '第 9 行“期次”：“第零期”不是正整数期次' } },
  { name: 'bad date', key: key('日期.xlsx'), bytes: () => formXlsx(form({ override: (n) => (n === 6 ? { 11: '下个月' } : {}) })), error: { code: 'invalid-date', row: rowOf(6), column: '开工时间', value: '下个月', message: /^第 10 行“开工时间”：“下个月”不是有效日期/ } },
  { name: 'required value empty', key: key('空值.xlsx'), bytes: () => formXlsx(form({ override: (n) => (n === 2 ? { 2: '  ' } : {}) })), error: { code: 'required-empty', row: rowOf(2), column: '项目名称', message: '第 6 行“项目名称”为空' } },
  { name: 'duplicate project code', key: key('重复.xlsx'), bytes: () => formXlsx(form({ override: (n) => (n === 6 ? { 1: `2604-${UNIT}-04-01-000002` } : {}) })), error: { code: 'duplicate-code', row: rowOf(6), column: '项目代码', value: `2604-${UNIT}-04-01-000002`, message: `第 10 行“项目代码”2604-${UNIT}-04-01-000002 与第 6 行重复` } },
  {
    name: 'unit column disagrees with the key',
    key: key('单位.xlsx'),
    bytes: () => {
      const f = form();
      const t = f.table.map((r, i) => [...r, i === 2 ? '行政区划代码' : i >= 4 && i < 10 ? (i === 6 ? '410103' : UNIT) : null]);
      return formXlsx({ ...f, table: t, merges: [...f.merges, 'R3:R4'] });
    },
    error: { code: 'unit-mismatch', row: 7, column: '行政区划代码', value: '410103', message: `第 7 行“行政区划代码”为 410103，与本次上传的单位代码 ${UNIT} 不一致` },
  },
  { name: 'month in the title disagrees with the key', key: key('九月.xlsx'), bytes: () => formXlsx(form({ month: '2026-09' })), error: { code: 'month-mismatch', row: 1, value: '中原区“三个一批”项目建设进展情况月报表（2026年9月）', message: '标题写的是 2026年9月，但本次上传的是 2026年10月的报表' } },
  {
    // The September form picked for October (the portal opens on the reporting month): no month in
    // the title, but the header's 1-9月累计 says which month the figures are.
    name: 'month in the header disagrees with the key',
    key: key('表头九月.xlsx'),
    bytes: () => {
      const f = form({ month: '2026-09' });
      f.table[0][0] = '中原区“三个一批”项目建设进展情况月报表';
      return formXlsx(f);
    },
    error: { code: 'month-mismatch', row: 4, column: '完成投资/1-9月累计', value: '完成投资/1-9月累计', message: '表头“完成投资/1-9月累计”是 9 月的累计数，但本次上传的是 2026年10月的报表：请上传本月的台账，或在上报页面选择正确的月份' },
  },
  {
    // 金水区's ledger saved as 中原区's: every project code carries 410105, the title says 金水区.
    name: 'another unit’s ledger under this unit’s name',
    key: key('中原区-10月.xlsx'),
    bytes: () => formXlsx(form({ unit: '410105', unitName: '金水区' })),
    error: { code: 'other-unit-ledger', row: null, value: '410105', message: '本文件 6 个项目中有 6 个的项目代码属于金水区（410105），像是金水区的台账，而本次上传的是中原区（410102）的报表：请确认上传的是本单位的台账' },
  },
  { name: 'not a reporting unit', key: key('x.xlsx', '410100'), bytes: () => formXlsx(form()), error: { code: 'bad-key', message: /^单位代码 410100（郑州市）不是报送单位/ } },
  // Values no ledger holds, which DynamoDB would refuse or the marshaller throws on (issue 10, class 1).
  ...(
    [
      ['400 digits', 5, '9'.repeat(400), 'invalid-money', /超出合理范围/],
      ['an integer beyond 2^53', 6, 2 ** 60, 'invalid-money', /超出合理范围/],
      ['1E+300 in a number cell', 7, 1e300, 'invalid-money', /超出合理范围/],
      ['a 期次 of 21 digits', 3, '100000000000000000000', 'invalid-phase', /期次不超过 999/],
      ['a project code longer than a sort key', 0, 'C'.repeat(1100), 'too-long', /过长（1,100 字，上限 64 字）/],
      ['a name of 100,000 characters', 1, '名'.repeat(100_000), 'too-long', /过长（100,000 字，上限 200 字）/],
      ['thousands separators out of place', 5, '1,2,3', 'invalid-money', /千位分隔符位置不对/],
      ['a code of invisible characters only', 0, '\u200b\u202e', 'required-empty', /“项目代码”为空/],
    ] as const
  ).map(([name, col, value, code, message]): Case => ({
    name,
    key: key(`${name}.xlsx`),
    bytes: () => xlsx([CANONICAL_HEADER, ledgerRow(UNIT, 1, { [col]: value })]),
    error: { code, row: 2, column: CANONICAL_HEADER[col], message },
  })),
];

async function tableItems() {
  const res = await p.doc.send(new ScanCommand({ TableName: p.servers.table }));
  return dataItems(res.Items ?? []);
}

describe('every error class is refused with the row, the column as written and the value', () => {
  const receipts = new Map<string, Receipt>();
  beforeAll(async () => {
    for (const c of CASES) await p.upload(c.key, await c.bytes());
    const { receipts: all, failures } = await p.drain();
    expect(failures).toEqual([]);
    for (const r of all) receipts.set(r.file.key, r);
  });

  it.each(CASES)('$name', (c) => {
    const r = receipts.get(c.key)!;
    expect(r, `no receipt for ${c.key}`).toBeDefined();
    expect(r.status).toBe('rejected');
    expect(r.errors).toHaveLength(1);
    const e = r.errors[0];
    const { message, ...where } = c.error;
    expect(e).toMatchObject(where);
    if (typeof message === 'string') expect(e.message).toBe(message);
    else expect(e.message).toMatch(message);
    expect(r.summary.startsWith('未接收：')).toBe(true);
    expect(r.summary).toContain(e.message);
  });

  it('nothing of any of these files was stored: no snapshot, no pointer, no columnar copy', async () => {
    expect(await tableItems()).toEqual([]);
    expect(await p.store.list(p.servers.buckets.curated, '')).toEqual([]);
    expect(receipts.size).toBe(CASES.length);
  });

  it('all the errors of a file are listed at once, in sheet order', async () => {
    const f = form({ override: (n) => (n === 2 ? { 6: '待定', 3: '签约二批' } : n === 5 ? { 5: '', 4: 0 } : {}) });
    await p.upload(key('多处错误.xlsx'), await formXlsx(f));
    const [r] = (await p.drain()).receipts;
    expect(r.errors.map((e) => [e.row, e.column, e.value, e.code])).toEqual([
      [6, '列入批次', '签约二批', 'invalid-batch'],
      [6, '总投资', '待定', 'invalid-money'],
      [9, '期次', '0', 'invalid-phase'],
      [9, '项目状态', null, 'required-empty'],
    ]);
    expect(r.summary).toBe('未接收：中原区 2026年10月 第 6 行“列入批次”：“签约二批”不是有效批次（应为 签约/开工/投产 或 签约一批/开工一批/投产一批）（共 4 处错误，请全部修改后重新上传）');
    expect(await tableItems()).toEqual([]);
  });

  it('a file with more errors than a receipt lists: the first 100 in the receipt, all of them in S3', async () => {
    const rows: Table = [CANONICAL_HEADER, ...Array.from({ length: 50 }, (_, i) => ledgerRow(UNIT, i + 1, { 5: '待定', 6: '待定', 7: '待定' }))];
    await p.upload(key('150处错误.csv'), csvUtf8(rows));
    const [r] = (await p.drain()).receipts;
    expect([r.errors.length, r.counts.errors]).toEqual([100, 150]);
    expect(r.issuesKey).toBe(`receipts/2026-10/${UNIT}/${r.uploadId}.issues.json`);
    const all = await p.store.getJson<{ errors: Receipt['errors'] }>(p.servers.buckets.raw, r.issuesKey!);
    expect(all.errors).toHaveLength(150);
    expect(all.errors.at(-1)).toMatchObject({ row: 51, column: '本年累计完成投资', value: '待定' });
    // The receipt the portal reads back from the table is the one ingest wrote.
    expect(await p.repo.getReceipt('2026-10', UNIT, r.uploadId)).toEqual(r);
    expect(await tableItems()).toEqual([]);
  });
});
