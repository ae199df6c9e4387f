import { readFileSync } from 'node:fs';
import {
  Binary,
  type DataType,
  DateDay,
  Decimal,
  Dictionary,
  Field,
  Float64,
  Int32,
  Int64,
  List,
  Null,
  Bool,
  RecordBatch,
  Schema,
  Struct,
  Table,
  makeData,
  TimestampMillisecond,
  Utf8,
  type Vector,
  tableToIPC,
  vectorFromArray,
} from 'apache-arrow';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type UploadCheck, checkUpload } from '../../functions/core/ingest/check-upload';
import { parseLedger } from '../../functions/core/ingest/parse-ledger';
import { parseConfig } from '../../functions/core/shared/config';
import { LEDGER_SCHEMA } from '../../functions/formats/columnar-schema';
import { type RawSheet, UnreadableFileError } from '../../functions/formats/readers';
import { readArrow } from '../../functions/formats/readers/arrow';
import { type ByteMutation, MB, type Tally, applyBytes, byteMutation, checkMutant, fuzzParameters, outcomeProblems, report, retainedBytes } from '../helpers/fuzz';

/**
 * The Arrow reader fuzzed (test/helpers/fuzz.ts says what is checked). Each upload boots a worker
 * thread (arrow-sandbox.ts; about half a second from source), so this file runs few cases, each
 * made to count:
 * - byte mutations of the IPC bytes, half of them in the first or last 600 bytes, where the
 *   schema lies (the stream's first message; in the file format also the footer);
 * - schema mutations written by apache-arrow itself: columns renamed (to synonyms, another
 *   column's name, nothing), retyped (dictionary, int64, decimal, list, struct, binary, null,
 *   timestamps, …), dropped, duplicated, emptied, and odd values in cells.
 * The samples: the columnar copy ingest writes of a sample ledger (file and stream format), and a
 * table typed as pandas writes one (Chinese headers, dictionary text, int64, timestamps).
 * A file schema-mutated by apache-arrow is well formed, so readArrow also runs in this process
 * on it: nothing but an UnreadableFileError may leave it. (Byte-mutated files only ever go to the
 * worker: one changed byte can make apache-arrow allocate until the process dies, see
 * arrow-sandbox.ts.)
 */
const SEED = 20261003;
/** Through the worker (about a second each on a busy machine). */
const RUNS = 8;
/** Schema mutations in this process only: readArrow and the parser, no worker (milliseconds each). */
const IN_PROCESS_RUNS = 200;

type Column = { name: string; values: unknown[] };
type Sample = { key: string; columns: Column[] };
let SAMPLES: Sample[] = [];

const KEY_UNIT = '410102';
const config = parseConfig({});

beforeAll(async () => {
  // The rows a sample ledger gives, as ingest's columnar copy holds them.
  const csv = new Uint8Array(readFileSync(new URL('../../samples/2026-10/410102-中原区.csv', import.meta.url)));
  const check = await checkUpload(`incoming/2026-10/${KEY_UNIT}/x.csv`, csv, config);
  expect(check.status).toBe('accepted');
  const rows = check.rows.slice(0, 12).map((r) => ({ ...r, uploadId: 'u1' }));
  const day = (s: string | null) => (s === null ? null : new Date(`${s}T00:00:00Z`));
  const copy: Column[] = LEDGER_SCHEMA.fields.map((f) => ({
    name: f.name,
    values: rows.map((r) => {
      const v = r[f.name as keyof typeof r];
      return f.type instanceof DateDay ? day(v as string | null) : v;
    }),
  }));
  // As pandas writes it: the Chinese headers, text dictionary-encoded, 期次 int64, dates as timestamps.
  const pandas: Column[] = [
    ['项目代码', 'projectCode'], ['项目名称', 'projectName'], ['批次', 'batch'], ['期次', 'phase'], ['项目状态', 'status'],
    ['总投资（万元）', 'totalInvestment'], ['年度计划投资', 'annualPlan'], ['1-10月累计完成投资', 'ytdCompleted'], ['开工日期', 'startDate'],
  ].map(([name, field]) => ({ name, values: copy.find((c) => c.name === field)!.values }));
  SAMPLES = [
    { key: `incoming/2026-10/${KEY_UNIT}/copy.arrow`, columns: copy },
    { key: `incoming/2026-10/${KEY_UNIT}/pandas.feather`, columns: pandas },
  ];
});

// ---- building a table -----------------------------------------------------------------------------

const KINDS = ['utf8', 'dict', 'int32', 'int64', 'float64', 'bool', 'date', 'timestamp', 'list', 'struct', 'binary', 'null', 'decimal'] as const;
type Kind = (typeof KINDS)[number];

const text = (v: unknown) => (v === null || v === undefined ? null : v instanceof Date ? (isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString().slice(0, 10)) : String(v));
function num(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'number' ? v : v instanceof Date ? v.getTime() / 86_400_000 + 25569 : typeof v === 'bigint' ? Number(v) : Number(v);
  return Number.isNaN(n) ? null : n;
}
function date(v: unknown): Date | null {
  if (v === null || v === undefined) return null;
  const d = v instanceof Date ? v : typeof v === 'number' ? new Date(Math.round((v - 25569) * 86_400_000)) : new Date(String(v));
  return isNaN(d.getTime()) ? null : d;
}
const int64 = (v: unknown) => {
  if (typeof v === 'bigint') return v;
  const n = num(v);
  return n === null || !Number.isFinite(n) || Math.abs(n) >= 2 ** 63 ? null : BigInt(Math.trunc(n));
};
/** A decimal(38, 2) value: the scaled integer as four little-endian 32-bit words (two's complement). */
function decimal(v: unknown): Uint32Array | null {
  const n = num(v);
  if (n === null || !Number.isFinite(n) || Math.abs(n) > 1e30) return null;
  let big = BigInt(Math.round(n * 100));
  if (big < 0n) big += 1n << 128n;
  return new Uint32Array([0, 1, 2, 3].map((k) => Number((big >> BigInt(32 * k)) & 0xffffffffn)));
}

function vector(kind: Kind, values: unknown[]): Vector {
  const build = (type: DataType, vs: unknown[]) => vectorFromArray(vs as never[], type);
  switch (kind) {
    case 'utf8':
      return build(new Utf8(), values.map(text));
    case 'dict':
      return build(new Dictionary(new Utf8(), new Int32()), values.map(text));
    case 'int32':
      return build(new Int32(), values.map((v) => { const n = num(v); return n === null || !Number.isFinite(n) ? null : Math.trunc(n) | 0; }));
    case 'int64':
      return build(new Int64(), values.map(int64));
    case 'float64':
      return build(new Float64(), values.map((v) => (typeof v === 'number' ? v : num(v))));
    case 'bool':
      return build(new Bool(), values.map((v) => (v === null || v === undefined ? null : Boolean(v))));
    case 'date':
      return build(new DateDay(), values.map(date));
    case 'timestamp':
      return build(new TimestampMillisecond(), values.map(date));
    case 'list':
      return build(new List(new Field('item', new Utf8(), true)), values.map((v) => (text(v) === null ? null : [text(v)])));
    case 'struct':
      return build(new Struct([new Field('a', new Utf8(), true)]), values.map((v) => (text(v) === null ? null : { a: text(v) })));
    case 'binary':
      return build(new Binary(), values.map((v) => (text(v) === null ? null : new TextEncoder().encode(text(v)!))));
    case 'null':
      return build(new Null(), values.map(() => null));
    case 'decimal':
      return build(new Decimal(2, 38, 128), values.map(decimal));
  }
}

/** The kind a column's values are written as when no mutation retypes it. */
function kindOf(values: unknown[]): Kind {
  const v = values.find((x) => x !== null && x !== undefined);
  if (v instanceof Date) return 'date';
  if (typeof v === 'number') return values.every((x) => x === null || Number.isInteger(x)) ? 'int32' : 'float64';
  if (typeof v === 'bigint') return 'int64';
  return 'utf8';
}

// ---- schema mutations -----------------------------------------------------------------------------

const NAMES = ['', '项目编号', '列入批次', '活动期次', 'PROJECTCODE', '总投资（亿元）', '总投资(元)', '1-9月累计完成投资', '项目名称', 'x'.repeat(500), '行政区划代码', '\u0000'];
/** Money beyond 2^53 or Infinity once crashed the store: now errors on their rows (core/ledger/limits.ts). */
const VALUES: unknown[] = ['', ' ', '签约二批', '已开工', '第十三期', 13.5, -1, 0, Number.NaN, Number.POSITIVE_INFINITY, 1e15, 'x'.repeat(2000), null, '2026-13-01', '合计', '注：说明', '=1+1', '<script>', 46303, '410103', 1e300, 2n ** 60n, 2 ** 60];

type SchemaOp =
  | { kind: 'rename'; col: number; to: number }
  | { kind: 'retype'; col: number; type: Kind }
  | { kind: 'drop' | 'dup' | 'nulls'; col: number }
  | { kind: 'cell'; col: number; row: number; value: number }
  | { kind: 'rotate'; by: number };

const schemaOp: fc.Arbitrary<SchemaOp> = fc.oneof(
  fc.record({ kind: fc.constant('rename' as const), col: fc.nat(), to: fc.nat() }),
  fc.record({ kind: fc.constant('retype' as const), col: fc.nat(), type: fc.constantFrom(...KINDS) }),
  fc.record({ kind: fc.constantFrom('drop' as const, 'dup' as const, 'nulls' as const), col: fc.nat() }),
  fc.record({ kind: fc.constant('cell' as const), col: fc.nat(), row: fc.nat(), value: fc.nat() }),
  fc.record({ kind: fc.constant('rotate' as const), by: fc.nat() }),
);

type Typed = Column & { type: Kind };

function applySchemaOps(columns: Column[], ops: SchemaOp[]): Typed[] {
  let cols: Typed[] = columns.map((c) => ({ ...c, values: c.values.slice(), type: kindOf(c.values) }));
  for (const op of ops) {
    if (!cols.length) break;
    if (op.kind === 'rotate') {
      const k = op.by % cols.length;
      cols = [...cols.slice(k), ...cols.slice(0, k)];
      continue;
    }
    const i = op.col % cols.length;
    switch (op.kind) {
      case 'rename':
        // Half the time another column's header (with a space, which the header match ignores: apache-arrow
        // cannot write two fields of one name), so that two columns mean one field.
        cols[i] = { ...cols[i], name: op.to % 2 ? `${cols[(i + 1) % cols.length].name} ` : NAMES[(op.to >> 1) % NAMES.length] };
        break;
      case 'retype':
        cols[i] = { ...cols[i], type: op.type };
        break;
      case 'drop':
        cols.splice(i, 1);
        break;
      case 'dup':
        cols.splice(i, 0, { ...cols[i], name: `${cols[i].name} `, values: cols[i].values.slice() });
        break;
      case 'nulls':
        cols[i] = { ...cols[i], values: cols[i].values.map(() => null) };
        break;
      case 'cell': {
        const values = cols[i].values.slice();
        values[op.row % values.length] = VALUES[op.value % VALUES.length];
        // A bigint only fits an int64 column; elsewhere it is the number.
        if (typeof values[op.row % values.length] === 'bigint' && cols[i].type !== 'int64') values[op.row % values.length] = Number(values[op.row % values.length]);
        cols[i] = { ...cols[i], values };
        break;
      }
    }
  }
  return cols;
}

/**
 * The columns as one table (built under positional names, then re-wrapped under the real fields).
 * apache-arrow merges two fields of one name into a file it cannot read back: a repeated name gets
 * spaces appended, which the header match ignores (two columns meaning one field, as intended).
 */
function tableOf(cols: Typed[]): Table {
  if (!cols.length) return new Table(new Schema([]));
  const vectors = cols.map((c) => vector(c.type, c.values));
  const seen = new Set<string>();
  const names = cols.map((c) => {
    let name = c.name;
    while (seen.has(name)) name += ' ';
    seen.add(name);
    return name;
  });
  const fields = cols.map((c, i) => new Field(names[i], vectors[i].type, true));
  const schema = new Schema(fields);
  const loose = new Table(Object.fromEntries(vectors.map((v, i) => [`c${i}`, v])));
  // The batches' schema as the batches make it (apache-arrow may mark a field nullable).
  return new Table(loose.batches.map((b) => new RecordBatch(schema, makeData({ type: new Struct(fields), length: b.numRows, nullCount: 0, children: b.data.children }))));
}

// ---- byte mutations -------------------------------------------------------------------------------

/** Where a byte mutation lands: anywhere, or within the first or the last 600 bytes (the schema, the footer). */
type Placed = { m: ByteMutation; region: 'any' | 'head' | 'tail' };
const placed: fc.Arbitrary<Placed> = fc.record({ m: byteMutation(), region: fc.constantFrom('any' as const, 'head' as const, 'tail' as const) });

function applyPlaced(bytes: Uint8Array, ps: Placed[]): Uint8Array {
  let b = bytes;
  for (const { m, region } of ps) {
    const span = Math.max(1, Math.min(b.length, 600));
    const at = region === 'any' ? m.at : region === 'head' ? m.at % span : Math.max(0, b.length - 1 - (m.at % span));
    b = applyBytes(b, [{ ...m, at }]);
  }
  return b;
}

// ---- the run --------------------------------------------------------------------------------------

const mutant = fc
  .record({
    sample: fc.nat(),
    format: fc.constantFrom('file' as const, 'stream' as const),
    schema: fc.array(schemaOp, { maxLength: 3 }),
    bytes: fc.array(placed, { maxLength: 3 }),
  })
  .filter((m) => m.schema.length + m.bytes.length > 0);

describe('Arrow reader, fuzzed', () => {
  it(`${RUNS} mutated Arrow files each get a receipt; nothing escapes the reader; memory stays bounded`, async () => {
    // Warm up (modules, caches): a sample as it is is accepted.
    const warm = SAMPLES[1];
    expect((await checkUpload(warm.key, tableToIPC(tableOf(applySchemaOps(warm.columns, [])), 'stream'), config)).errors).toEqual([]);
    const before = retainedBytes();
    const tally: Tally = new Map();
    await fc.assert(
      fc.asyncProperty(mutant, async (m) => {
        const s = SAMPLES[m.sample % SAMPLES.length];
        let bytes = tableToIPC(tableOf(applySchemaOps(s.columns, m.schema)), m.format);
        if (!m.bytes.length) {
          // Well formed: the decoder itself, in this process.
          try {
            readArrow(bytes, { maxRows: config.ingest.maxRows });
          } catch (e) {
            if (!(e instanceof UnreadableFileError)) throw new Error(`readArrow threw ${(e as Error)?.name}: ${(e as Error)?.message}`);
          }
        }
        bytes = applyPlaced(bytes, m.bytes);
        // The worker is the reader: what readUpload would do is what checkUpload does.
        await checkMutant(s.key, bytes, config, tally, { reader: false });
      }),
      fuzzParameters(SEED, RUNS),
    );
    const grown = retainedBytes() - before;
    report('arrow', tally, grown);
    expect(tally.size).toBeGreaterThan(1);
    expect(grown).toBeLessThan(16 * MB);
  });

  it(`${IN_PROCESS_RUNS} schema-mutated Arrow files through readArrow and the parser, in this process`, () => {
    const tally: Tally = new Map();
    const schemaOnly = fc.record({ sample: fc.nat(), format: fc.constantFrom('file' as const, 'stream' as const), schema: fc.array(schemaOp, { minLength: 1, maxLength: 4 }) });
    fc.assert(
      fc.property(schemaOnly, (m) => {
        const s = SAMPLES[m.sample % SAMPLES.length];
        const bytes = tableToIPC(tableOf(applySchemaOps(s.columns, m.schema)), m.format);
        let sheet: RawSheet;
        try {
          sheet = readArrow(bytes, { maxRows: config.ingest.maxRows });
        } catch (e) {
          if (!(e instanceof UnreadableFileError)) throw new Error(`readArrow threw ${(e as Error)?.name}: ${(e as Error)?.message}`);
          tally.set(`refused ${e.code}`, (tally.get(`refused ${e.code}`) ?? 0) + 1);
          return;
        }
        // What checkUpload does next with the sheet; the outcome as a receipt would carry it.
        const parsed = parseLedger(sheet, { month: '2026-10', unitCode: KEY_UNIT, maxRows: config.ingest.maxRows });
        const check: UploadCheck = { status: parsed.errors.length ? 'rejected' : 'accepted', month: '2026-10', unitCode: KEY_UNIT, fileName: 'x.arrow', rows: parsed.errors.length ? [] : parsed.rows, errors: parsed.errors, warnings: parsed.warnings, skippedRows: parsed.skippedRows };
        const problems = outcomeProblems(check, s.key, config);
        if (problems.length) throw new Error(`not a proper receipt:\n${problems.slice(0, 10).join('\n')}`);
        const label = check.status === 'accepted' ? 'accepted' : `rejected ${check.errors[0].code}`;
        tally.set(label, (tally.get(label) ?? 0) + 1);
      }),
      fuzzParameters(SEED + 1, IN_PROCESS_RUNS),
    );
    report('arrow in process', tally, 0);
    expect(tally.get('accepted') ?? 0).toBeGreaterThan(0);
    expect(tally.size).toBeGreaterThan(3);
  });
});
