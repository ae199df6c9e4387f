import { MONEY_MAX } from '../../functions/core/ledger/limits';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import yauzl from 'yauzl';
import { type UploadCheck, checkUpload, readUpload } from '../../functions/core/ingest/check-upload';
import { buildReceipt } from '../../functions/core/ingest/receipt';
import type { Issue, IssueCode } from '../../functions/core/ledger/issues';
import { BATCHES, STATUSES } from '../../functions/core/ledger/ledger-row';
import type { Config } from '../../functions/core/shared/config';
import { UnreadableFileError } from '../../functions/formats/readers';
import type { ZipPart } from './files';

/**
 * The readers' fuzz tests (test/stress/fuzz-*.test.ts): sample files mutated by a seeded
 * fast-check run, each mutant sent through what ingest calls, checkUpload (and the reader under
 * it, readUpload), and the outcome checked:
 * - nothing but an UnreadableFileError leaves the reader; checkUpload never throws;
 * - the outcome is a receipt: accepted with rows that are ledger rows (a batch, a status, money ≥ 0, …),
 *   or rejected with at least one error whose code is an IssueCode and whose message is Chinese;
 *   the receipt built from it fits in its DynamoDB item (putReceipt stores it whole: 400 KB);
 * - memory: what the process still holds after the run, after a full GC, grows by less than a
 *   bound (a reader that kept something of every file would exceed it).
 * A failure prints fast-check's seed and path: `TB_FUZZ_SEED=… TB_FUZZ_PATH=…` replays the case;
 * `TB_FUZZ_RUNS=N` runs more cases locally.
 */

// ---- replaying ------------------------------------------------------------------------------------

/** fast-check parameters: the file's fixed seed and case count, unless the environment says otherwise. */
export function fuzzParameters(seed: number, numRuns: number): fc.Parameters<unknown> {
  const env = process.env;
  return {
    seed: env.TB_FUZZ_SEED ? Number(env.TB_FUZZ_SEED) : seed,
    path: env.TB_FUZZ_PATH || undefined,
    numRuns: env.TB_FUZZ_RUNS ? Number(env.TB_FUZZ_RUNS) : numRuns,
    // Shrinking re-runs the case many times: bounded, so a failure is reported, not chased for minutes.
    endOnFailure: env.TB_FUZZ_SHRINK !== '1',
  };
}

// ---- byte mutations -------------------------------------------------------------------------------

export type ByteMutation =
  | { kind: 'flip'; at: number; mask: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'duplicate'; at: number; length: number; to: number }
  | { kind: 'insert'; at: number; bytes: number[] };

const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x22, 0x2c, 0x0a, 0x0d, 0x09, 0x3b, 0x3c, 0x3e, 0x26, 0x50, 0x4b];

/**
 * One byte-level mutation. Positions are any natural number, taken modulo the length when applied
 * (so a case stays meaningful whatever the sample); `near` (if given) biases half of them into
 * the first `near` bytes (a header, a schema). `tokens`: byte strings worth inserting.
 */
export function byteMutation(tokens: Uint8Array[] = [], near?: number): fc.Arbitrary<ByteMutation> {
  const at = near ? fc.oneof(fc.nat(), fc.nat({ max: near - 1 })) : fc.nat();
  const inserted = tokens.length
    ? fc.oneof(fc.constantFrom(...tokens.map((t) => [...t])), fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 8 }))
    : fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 8 });
  return fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at, mask: fc.integer({ min: 1, max: 255 }) }),
    fc.record({ kind: fc.constant('set' as const), at, value: fc.oneof(fc.constantFrom(...INTERESTING_BYTES), fc.integer({ min: 0, max: 255 })) }),
    fc.record({ kind: fc.constant('truncate' as const), at }),
    fc.record({ kind: fc.constant('delete' as const), at, length: fc.integer({ min: 1, max: 64 }) }),
    fc.record({ kind: fc.constant('duplicate' as const), at, length: fc.integer({ min: 1, max: 256 }), to: fc.nat() }),
    fc.record({ kind: fc.constant('insert' as const), at, bytes: inserted }),
  );
}

export function applyBytes(input: Uint8Array, mutations: ByteMutation[]): Uint8Array {
  let b = Buffer.from(input);
  for (const m of mutations) {
    const n = b.length;
    const at = m.at % (n + 1);
    switch (m.kind) {
      case 'flip':
      case 'set':
        if (n === 0) break;
        b = Buffer.from(b);
        b[m.at % n] = m.kind === 'flip' ? b[m.at % n] ^ m.mask : m.value;
        break;
      case 'truncate':
        b = b.subarray(0, at);
        break;
      case 'delete':
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.length)]);
        break;
      case 'duplicate': {
        const copy = b.subarray(at, at + m.length);
        const to = m.to % (n + 1);
        b = Buffer.concat([b.subarray(0, to), copy, b.subarray(to)]);
        break;
      }
      case 'insert':
        b = Buffer.concat([b.subarray(0, at), Buffer.from(m.bytes), b.subarray(at)]);
        break;
    }
  }
  return new Uint8Array(b);
}

/** Byte mutations of text: the same, on the UTF-8 encoding of a string, decoded back (lossily). */
export function applyText(text: string, mutations: ByteMutation[]): string {
  return Buffer.from(applyBytes(Buffer.from(text, 'utf8'), mutations)).toString('utf8');
}

// ---- zip archives ---------------------------------------------------------------------------------

/** The entries of an archive, in central directory order (for re-zipping a mutated copy). */
export async function unzipParts(bytes: Uint8Array): Promise<ZipPart[]> {
  const zip = await yauzl.fromBufferPromise(Buffer.from(bytes), { lazyEntries: true });
  const parts: ZipPart[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (e: yauzl.Entry) => {
      zip.openReadStream(e, (err, stream) => {
        if (err) return reject(err);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('error', reject);
        stream.on('end', () => {
          parts.push({ name: e.fileName, data: new Uint8Array(Buffer.concat(chunks)), store: e.compressionMethod === 0 });
          zip.readEntry();
        });
      });
    });
    zip.on('end', () => resolve());
    zip.on('error', reject);
    zip.readEntry();
  });
  return parts;
}

/** Where each central directory record and its local header are, for patching their fields. */
export interface ZipRecord {
  central: number;
  local: number;
}

export function zipRecords(bytes: Uint8Array): { records: ZipRecord[]; end: number } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const records: ZipRecord[] = [];
  if (end < 0 || end + 22 > buf.length) return { records, end: -1 };
  let at = buf.readUInt32LE(end + 16);
  while (at + 46 <= buf.length && buf.readUInt32LE(at) === 0x02014b50) {
    records.push({ central: at, local: buf.readUInt32LE(at + 42) });
    at += 46 + buf.readUInt16LE(at + 28) + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
  return { records, end };
}

// ---- the outcome ----------------------------------------------------------------------------------

/** Every IssueCode (the compiler checks the list is complete). */
const ISSUE_CODES = {
  'bad-key': true, 'too-large': true, corrupt: true, empty: true, encrypted: true, unsupported: true,
  'too-many-rows': true, 'too-many-columns': true, 'too-complex': true, 'inflated-too-large': true,
  'no-header': true, 'missing-column': true, 'duplicate-column': true, 'month-mismatch': true, 'no-data': true,
  'required-empty': true, 'invalid-money': true, 'invalid-batch': true, 'invalid-phase': true, 'invalid-status': true,
  'invalid-date': true, 'unit-mismatch': true, 'other-unit-ledger': true, 'code-other-unit': true, 'duplicate-code': true,
  'too-long': true, 'sum-mismatch': true, Q3: true, Q7: true, Q8: true,
} satisfies Record<IssueCode, true>;

const CHINESE = /[\u3400-\u9fff]/;
/** What a message built from a missing or mistyped value looks like (cells may say "NaN" themselves). */
const BROKEN_TEXT = /undefined|\[object |第 NaN 行|NaN ?万元|Infinity ?万元/;
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
/**
 * Money an accepted row may hold: a finite number from 0 to MONEY_MAX (core/ledger/limits.ts), so
 * that the store can write it. (The DynamoDB marshaller refuses a number above
 * Number.MAX_SAFE_INTEGER: such a row once made ingest fail on every retry, into the DLQ.)
 */
export const storableMoney = (m: number) => Number.isFinite(m) && m >= 0 && m <= MONEY_MAX;


/** DynamoDB's item limit: putReceipt stores the whole receipt JSON in one item. */
export const RECEIPT_ITEM_LIMIT = 400 * 1024;

function issueProblems(list: Issue[], what: string): string[] {
  const out: string[] = [];
  for (const i of list) {
    const where = `${what} ${JSON.stringify(i).slice(0, 300)}`;
    if (!(i.code in ISSUE_CODES)) out.push(`${where}: unknown code`);
    if (typeof i.message !== 'string' || !CHINESE.test(i.message)) out.push(`${where}: message not Chinese`);
    else if (BROKEN_TEXT.test(i.message.replace(i.value ?? '\u0000', ''))) out.push(`${where}: message shows a missing value`);
    // A file-level message is the readers' own sentence: no raw bytes of the file in it.
    if (i.row === null && CONTROL.test(i.message)) out.push(`${where}: control characters in the message`);
    if (i.row !== null && !(Number.isInteger(i.row) && i.row >= 1)) out.push(`${where}: row not a row number`);
    if (i.value !== null && typeof i.value !== 'string') out.push(`${where}: value not text`);
  }
  return out;
}

/** Why a check is not a proper receipt for the upload (empty when it is). */
export function outcomeProblems(check: UploadCheck, key: string, config: Config): string[] {
  const out: string[] = [];
  if (check.status === 'accepted') {
    if (check.errors.length) out.push('accepted with errors');
    if (check.rows.length === 0) out.push('accepted with no rows');
    if (check.rows.length > config.ingest.maxRows) out.push(`accepted ${check.rows.length} rows, over maxRows`);
    const unit = key.split('/')[2];
    for (const r of check.rows.slice(0, 50_000)) {
      const where = `row ${JSON.stringify(r).slice(0, 200)}`;
      if (r.unitCode !== unit) out.push(`${where}: unitCode`);
      if (!r.projectCode || !r.projectName) out.push(`${where}: empty code or name`);
      if (!(BATCHES as readonly string[]).includes(r.batch)) out.push(`${where}: batch`);
      if (!(STATUSES as readonly string[]).includes(r.status)) out.push(`${where}: status`);
      if (!(Number.isInteger(r.phase) && r.phase >= 1)) out.push(`${where}: phase`);
      for (const m of [r.totalInvestment, r.annualPlan, r.ytdCompleted, r.monthCompleted ?? 0]) if (!storableMoney(m)) out.push(`${where}: money ${m}`);
      for (const d of [r.signedDate, r.landedDate, r.startDate, r.productionDate]) {
        if (d !== null && !(ISO_DAY.test(d) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d))) out.push(`${where}: date ${d}`);
      }
      if (!(Number.isInteger(r.sourceRow) && r.sourceRow >= 1)) out.push(`${where}: sourceRow`);
    }
  } else if (check.status === 'rejected') {
    if (check.errors.length === 0) out.push('rejected without an error');
    if (check.rows.length) out.push('rejected with rows');
  } else out.push(`status ${String(check.status)}`);
  out.push(...issueProblems(check.errors, 'error'), ...issueProblems(check.warnings, 'warning'));
  // The receipt ingest would store: built and sized as processUpload does.
  const receipt = buildReceipt({
    uploadId: '0123456789abcdef',
    status: check.status,
    month: check.month,
    unitCode: check.unitCode,
    file: { bucket: 'tb-raw', key, name: check.fileName, size: 0, sha256: '', versionId: null, eventTime: '2026-11-02T00:00:00.000Z', sequencer: null },
    processedAt: '2026-11-02T00:00:01.000Z',
    projects: check.rows.length,
    skippedRows: check.skippedRows,
    errors: check.errors,
    warnings: check.warnings,
  });
  if (!CHINESE.test(receipt.summary) || BROKEN_TEXT.test(receipt.summary.replace(check.errors[0]?.value ?? '\u0000', ''))) out.push(`summary ${receipt.summary.slice(0, 200)}`);
  const size = Buffer.byteLength(JSON.stringify(receipt));
  if (size > RECEIPT_ITEM_LIMIT - 16 * 1024) out.push(`receipt of ${size} bytes: too large for its table item`);
  return out;
}

/** What the fuzz run saw, by outcome: `accepted`, `rejected corrupt`, … (to check it reached past the first check). */
export type Tally = Map<string, number>;

/**
 * One mutant through the reader and through checkUpload. Throws (failing the property) if the
 * reader throws anything but an UnreadableFileError, if checkUpload throws, or if the outcome is
 * not a proper receipt.
 */
export async function checkMutant(key: string, bytes: Uint8Array, config: Config, tally: Tally, opts: { reader?: boolean } = {}): Promise<UploadCheck> {
  const fileName = key.split('/').pop()!;
  if (opts.reader !== false) {
    try {
      await readUpload(fileName, bytes, config);
    } catch (e) {
      if (!(e instanceof UnreadableFileError)) {
        throw new Error(`the reader threw ${(e as Error)?.name}: ${(e as Error)?.message}\n${(e as Error)?.stack}`);
      }
    }
  }
  const check = await checkUpload(key, bytes, config);
  const problems = outcomeProblems(check, key, config);
  if (problems.length) throw new Error(`not a proper receipt:\n${problems.slice(0, 10).join('\n')}`);
  let label = check.status === 'accepted' ? 'accepted' : `rejected ${check.errors[0].code}`;
  // TB_FUZZ_REPORT=detail: by what the refusal says for support, numbers dropped (which checks the mutants reach).
  if (process.env.TB_FUZZ_REPORT === 'detail' && check.status === 'rejected') label += ` (${(check.errors[0].value ?? check.errors[0].message).replace(/\d+/g, '#').slice(0, 70)})`;
  tally.set(label, (tally.get(label) ?? 0) + 1);
  return check;
}

// ---- memory ---------------------------------------------------------------------------------------

let collect: (() => void) | null = null;

/** A full garbage collection (without --expose-gc on the command line). */
export function fullGc(): void {
  if (!collect) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
  collect();
}

/** Bytes the process holds after a full GC: the JS heap and the ArrayBuffers outside it (file bytes). */
export function retainedBytes(): number {
  fullGc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

export const MB = 1024 * 1024;

/** With TB_FUZZ_REPORT=1 (or =detail), prints what the run saw (outcomes, memory) to the console. */
export function report(name: string, tally: Tally, grownBytes: number): void {
  if (!process.env.TB_FUZZ_REPORT) return;
  const outcomes = [...tally].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n} ${k}`);
  console.log(`${name}: ${outcomes.join(', ')}; retained ${(grownBytes / MB).toFixed(1)} MB more after the run`);
}
