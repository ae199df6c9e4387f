import { Dictionary, Int32, RecordBatchFileReader, Table, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { ledgerIpc } from '../../functions/formats/columnar-schema';
import { UnreadableFileError, readSheet, type ReadOptions } from '../../functions/formats/readers';
import { readArrow } from '../../functions/formats/readers/arrow';
import { makeRow } from '../helpers/rows';

/**
 * readSheet decodes an .arrow / .feather upload in a worker thread with a heap of its own
 * (arrow-sandbox.ts): each file boots a worker that loads tsx and apache-arrow, about a second.
 * What the decoder does is tested on readArrow in test/unit/formats/columnar.test.ts; here, that
 * the worker hands back exactly what readArrow gives in process, rows and refusals alike.
 * (A file that exhausts the worker's heap: test/integration/ingest-errors.test.ts.)
 */
const rows = [
  makeRow({ unitCode: '411102', phase: 13, totalInvestment: 1234.5678, monthCompleted: 12.5, signedDate: '2026-03-18', startDate: '2026-10-08', problems: '<script>alert(1)</script>=HYPERLINK("x")' }),
  makeRow({ unitCode: '411102', status: '已开工', batch: '开工', monthCompleted: null, industry: '装备制造' }),
].map((r) => ({ ...r, uploadId: 'abc123' }));

type Outcome = { rows: unknown } | { refused: { name: string; code: string; message: string; detail: string | null } };

const refusedOf = (e: unknown): Outcome => {
  if (!(e instanceof UnreadableFileError)) throw e;
  return { refused: { name: e.constructor.name, code: e.code, message: e.message, detail: e.detail } };
};

function inProcess(bytes: Uint8Array, opts?: ReadOptions): Outcome {
  try {
    return { rows: readArrow(bytes, opts).rows };
  } catch (e) {
    return refusedOf(e);
  }
}

const isolated = (file: string, bytes: Uint8Array, opts?: ReadOptions): Promise<Outcome> =>
  readSheet(file, bytes, opts).then((sheet) => ({ rows: sheet.rows }), refusedOf);

const READ = [
  { name: 'Arrow IPC file (.arrow)', file: 'x.arrow', bytes: ledgerIpc(rows, 'file') },
  { name: 'Arrow IPC stream (.feather)', file: 'x.feather', bytes: ledgerIpc(rows, 'stream') },
];
const REFUSED: { name: string; file: string; bytes: Uint8Array; opts?: ReadOptions; code: string }[] = [
  { name: 'Feather V1', file: 'x.feather', bytes: new TextEncoder().encode('FEA1xxxxxxxx'), code: 'unsupported' },
  { name: 'not Arrow at all', file: 'x.arrow', bytes: new TextEncoder().encode('not arrow at all'), code: 'corrupt' },
  { name: 'more rows than the limit', file: 'x.arrow', bytes: ledgerIpc(Array.from({ length: 320 }, () => rows[0])), opts: { maxRows: 100 }, code: 'too-many-rows' },
];

describe('Arrow uploads are read in a worker thread', () => {
  it.each(READ)('$name: the worker gives the rows readArrow gives', async ({ file, bytes }) => {
    const here = inProcess(bytes);
    expect(here).toMatchObject({ rows: expect.any(Array) });
    expect((here as { rows: unknown[] }).rows).toHaveLength(1 + rows.length); // the header row, then the records
    expect(await isolated(file, bytes)).toEqual(here);
  });

  it.each(REFUSED)('$name: the worker refuses it as readArrow does', async ({ file, bytes, opts, code }) => {
    const here = inProcess(bytes, opts);
    expect(here).toMatchObject({ refused: { name: 'UnreadableFileError', code } });
    expect(await isolated(file, bytes, opts)).toEqual(here);
  });
});

/**
 * A file whose footer says its record batch is where its dictionary batch is: apache-arrow's reader
 * would loop on that entry forever (found by fuzzing, test/stress/fuzz-arrow.test.ts); the footer is
 * checked first (arrow.ts, checkFooter). Through the worker: were the check gone, the deadline
 * would end the test, not a hang.
 */
describe('an Arrow file whose footer points a record batch at another message', () => {
  it('is refused as corrupt at once, naming the entry', async () => {
    const table = new Table({ 项目代码: vectorFromArray(['A1', 'A2'], new Dictionary(new Utf8(), new Int32())) });
    const bytes = tableToIPC(table, 'file');
    const reader = RecordBatchFileReader.from(bytes);
    reader.open();
    const block = (b: { offset: number; metaDataLength: number; bodyLength: number }) => {
      const out = Buffer.alloc(24);
      out.writeBigInt64LE(BigInt(b.offset), 0);
      out.writeInt32LE(b.metaDataLength, 8);
      out.writeBigInt64LE(BigInt(b.bodyLength), 16);
      return out;
    };
    const batch = block(reader.footer!.getRecordBatch(0)!);
    const dictionary = block(reader.footer!.getDictionaryBatch(0)!);
    const patched = Buffer.from(bytes);
    const at = patched.lastIndexOf(batch);
    expect(at).toBeGreaterThan(0);
    dictionary.copy(patched, at);
    const outcome = await isolated('x.arrow', new Uint8Array(patched));
    expect(outcome).toMatchObject({ refused: { code: 'corrupt', message: expect.stringMatching(/^Arrow\/Feather 文件已损坏/) } });
    expect((outcome as { refused: { detail: string } }).refused.detail).toMatch(/^footer: RecordBatch 0 at \d+ is a DictionaryBatch message$/);
  });
});
