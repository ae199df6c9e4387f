import { DateDay, Field, Int64, Schema, Table, TimestampMillisecond, Utf8, DateMillisecond, tableFromIPC, tableToIPC, vectorFromArray, Dictionary, Int32, RecordBatch, makeData, Struct } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { parquetToIpcStream, ipcStreamToParquet } from '../../../functions/adapters/columnar/parquet';
import { type ColumnarRow, LEDGER_SCHEMA, ledgerIpc, ledgerTable, monthTable, uploadTable } from '../../../functions/formats/columnar-schema';
import { parseLedger } from '../../../functions/core/ingest/parse-ledger';
import { UnreadableFileError } from '../../../functions/formats/readers';
import { readArrow } from '../../../functions/formats/readers/arrow';
import { makeRow } from '../../helpers/rows';
import { objectKeys } from '../../../functions/core/shared/storage-keys';

const rows = [
  makeRow({ unitCode: '411102', phase: 13, totalInvestment: 1234.5678, monthCompleted: 12.5, signedDate: '2026-03-18', startDate: '2026-10-08', problems: '<script>alert(1)</script>=HYPERLINK("x")' }),
  makeRow({ unitCode: '411102', status: '已开工', batch: '开工', monthCompleted: null, industry: '装备制造' }),
].map((r) => ({ ...r, uploadId: 'abc123' }));

describe('columnar copy: declared schema, Arrow IPC and Parquet', () => {
  it('declares integers as int32, dates as date32, money as float64 万元, required columns non-null', () => {
    const types = Object.fromEntries(ledgerTable(rows).schema.fields.map((f) => [f.name, `${f.type}${f.nullable ? '?' : ''}`]));
    expect(types).toMatchObject({
      phase: 'Int32', sourceRow: 'Int32', totalInvestment: 'Float64', monthCompleted: 'Float64?',
      signedDate: 'Date32<DAY>?', projectCode: 'Utf8', problems: 'Utf8?', uploadId: 'Utf8',
    });
    expect(LEDGER_SCHEMA.fields.find((f) => f.name === 'ytdCompleted')!.metadata.get('unit')).toBe('万元');
  });

  it('Parquet reads back with the same types and values; text is stored literally', () => {
    const parquet = ipcStreamToParquet(ledgerIpc(rows, 'stream'));
    expect(Buffer.from(parquet.subarray(0, 4)).toString()).toBe('PAR1');
    const back = tableFromIPC(parquetToIpcStream(parquet));
    expect(back.schema.fields.map((f) => `${f.name}:${f.type}:${f.nullable}`)).toEqual(LEDGER_SCHEMA.fields.map((f) => `${f.name}:${f.type}:${f.nullable}`));
    expect(back.schema.metadata.get('schema')).toBe('three-batches.ledger/1');
    const first = back.get(0)!.toJSON();
    expect(first).toMatchObject({ unitCode: '411102', phase: 13, totalInvestment: 1234.5678, monthCompleted: 12.5, problems: '<script>alert(1)</script>=HYPERLINK("x")', uploadId: 'abc123' });
    expect(new Date(first.signedDate as number).toISOString()).toBe('2026-03-18T00:00:00.000Z');
    expect(back.get(1)!.toJSON()).toMatchObject({ monthCompleted: null, industry: '装备制造', signedDate: null });
    // An empty month still has the schema.
    expect(tableFromIPC(parquetToIpcStream(ipcStreamToParquet(ledgerIpc([], 'stream')))).schema.fields).toHaveLength(LEDGER_SCHEMA.fields.length);
  });

  it('writes the bytes apache-arrow\'s own builder (vectorFromArray) gives for the same rows', () => {
    // The encoder fills typed arrays itself for speed (issue 13); the builder is the reference.
    const viaBuilder = (rs: ColumnarRow[]) => {
      const columns = LEDGER_SCHEMA.fields.map((f) => {
        const key = f.name as keyof ColumnarRow;
        const values = rs.map((r) => (f.type instanceof DateDay && r[key] !== null ? new Date(`${r[key] as string}T00:00:00Z`) : (r[key] ?? null)));
        return vectorFromArray(values as never[], f.type);
      });
      const loose = new Table(Object.fromEntries(LEDGER_SCHEMA.fields.map((f, i) => [f.name, columns[i]])));
      return tableToIPC(new Table(LEDGER_SCHEMA, loose.batches.map((b) => new RecordBatch(LEDGER_SCHEMA, b.data))), 'file');
    };
    const varied = Array.from({ length: 300 }, (_, i) =>
      makeRow({
        unitCode: i % 2 ? '411102' : '410122',
        phase: i % 17,
        monthCompleted: i % 3 ? i / 7 : null,
        industry: i % 5 ? null : `产业${i}`,
        signedDate: i % 4 ? `2026-0${1 + (i % 9)}-1${i % 10}` : null,
        progress: i % 6 ? '混合 text 𠮷 "quoted", \u0001' + 'x'.repeat(i) : null,
        leader: i === 7 ? 'lone \uD800 surrogate' : '',
        totalInvestment: i === 9 ? -0 : 1234.5678 * i,
      }),
    ).map((r, i) => ({ ...r, uploadId: `u${i % 3}` }));
    for (const rs of [[], rows, varied]) expect(Buffer.from(ledgerIpc(rs, 'file')).equals(Buffer.from(viaBuilder(rs)))).toBe(true);
    // A month (units in code order, each unit's rows with its upload id) and an upload, the same way.
    const byUnit = { '411102': varied.filter((r) => r.unitCode === '411102'), '410122': varied.filter((r) => r.unitCode === '410122') };
    const inOrder = [...byUnit['410122'], ...byUnit['411102']].map((r) => ({ ...r, uploadId: `id-${r.unitCode}` }));
    expect(Buffer.from(ledgerIpc(monthTable(byUnit, (u) => `id-${u}`))).equals(Buffer.from(viaBuilder(inOrder)))).toBe(true);
    expect(Buffer.from(ledgerIpc(uploadTable(byUnit['411102'], 'x'), 'stream')).equals(Buffer.from(ledgerIpc(byUnit['411102'].map((r) => ({ ...r, uploadId: 'x' })), 'stream')))).toBe(true);
  });

  it('keys are Hive-style partitions by month (and unit for uploads)', () => {
    expect(objectKeys.curatedUpload('2026-10', '411102', 'u1')).toEqual({ parquet: 'uploads/month=2026-10/unit=411102/u1.parquet', arrow: 'uploads/month=2026-10/unit=411102/u1.arrow' });
    expect(objectKeys.curatedMonth('2026-10')).toEqual({ parquet: 'ledger/month=2026-10/ledger.parquet', arrow: 'ledger-arrow/month=2026-10/ledger.arrow' });
  });
});

/**
 * The decoder an Arrow upload goes through (readArrow). readSheet runs it in a worker thread of its
 * own (arrow-sandbox.ts), which takes about a second to boot per file: that the worker hands back
 * exactly what readArrow gives is tested once, in test/integration/arrow-sandbox.test.ts.
 */
describe('.arrow / .feather uploads', () => {
  it('our own columnar copy can be uploaded again and gives the same rows', () => {
    const sheet = readArrow(ledgerIpc(rows, 'file'));
    expect(sheet.rows[0].number).toBe(1);
    const parsed = parseLedger(sheet, { month: '2026-10', unitCode: '411102', maxRows: 100 });
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows.map(({ sourceRow: _s, ...r }) => r)).toEqual(rows.map(({ sourceRow: _s, uploadId: _u, ...r }) => r));
    expect(parsed.rows.map((r) => r.sourceRow)).toEqual([2, 3]); // record i is row i + 2, the header row 1
    const stream = readArrow(ledgerIpc(rows, 'stream'));
    expect(stream.rows).toEqual(sheet.rows);
  });

  it('typed columns as pandas writes them: int64, timestamps, dictionary-encoded text', () => {
    const schema = new Schema([
      new Field('项目代码', new Dictionary(new Utf8(), new Int32()), true),
      new Field('期次', new Int64(), true),
      new Field('开工日期', new TimestampMillisecond(), true),
      new Field('签约日期', new DateMillisecond(), true),
    ]);
    const t = new Table({
      项目代码: vectorFromArray(['A1', 'A2'], new Dictionary(new Utf8(), new Int32())),
      期次: vectorFromArray([13n, 14n], new Int64()),
      开工日期: vectorFromArray([new Date(Date.UTC(2026, 9, 8)), null], new TimestampMillisecond()),
      签约日期: vectorFromArray([new Date(Date.UTC(2026, 2, 1)), null], new DateMillisecond()),
    });
    const typed = new Table(schema, t.batches.map((b) => new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: b.numRows, nullCount: 0, children: b.data.children }))));
    const sheet = readArrow(tableToIPC(typed, 'file'));
    expect(sheet.rows.map((r) => r.cells)).toEqual([
      ['项目代码', '期次', '开工日期', '签约日期'],
      ['A1', 13, new Date(Date.UTC(2026, 9, 8)), new Date(Date.UTC(2026, 2, 1))],
      ['A2', 14, null, null],
    ]);
  });

  it('refuses Feather V1, non-Arrow bytes and more rows than the limit', () => {
    const refusal = (read: () => unknown): UnreadableFileError | null => {
      try {
        read();
      } catch (e) {
        if (e instanceof UnreadableFileError) return e;
        throw e;
      }
      return null;
    };
    expect(refusal(() => readArrow(new TextEncoder().encode('FEA1xxxxxxxx')))?.message).toContain('旧版 Feather');
    expect(refusal(() => readArrow(new TextEncoder().encode('not arrow at all')))?.code).toBe('corrupt');
    const many = Array.from({ length: 320 }, () => rows[0]);
    expect(refusal(() => readArrow(ledgerIpc(many), { maxRows: 100 }))?.code).toBe('too-many-rows');
  });
});
