import { BATCHES, type ComputeRow, type LedgerRow, STATUSES } from './ledger-row';
import type { QualityFinding } from '../metrics/rates-types';
import { rowChecks } from '../metrics/quality/row-checks';

/**
 * What compute needs of one accepted upload, made once at ingest (docs/architecture.md, "The
 * ledger at scale"): the ten fields of each row that the rates, the reviews and the checks across
 * months and units read (ComputeRow), and the findings of the checks that need only the row and
 * the month (Q3, Q7, Q8), which ingest runs anyway. A 200k-row month is then 158 small objects
 * for compute to read, not every row's text (进展情况, 存在问题, dates, …) to decode and check again.
 *
 * The digest depends only on the upload's rows and month: a retried ingest writes the same
 * bytes. Encoded by column in a small binary form (encodeDigest below), which the store compresses
 * (adapters/aws/digest-store.ts).
 */
export interface UploadDigest {
  month: string;
  unitCode: string;
  uploadId: string;
  rows: ComputeRow[];
  rowFindings: QualityFinding[];
}

/** The digest of an upload's rows (the row checks run here, on the month the upload is for). */
export function digestOf(month: string, unitCode: string, uploadId: string, rows: readonly LedgerRow[]): UploadDigest {
  const rowFindings: QualityFinding[] = [];
  for (const r of rows) for (const f of rowChecks(r, month)) rowFindings.push(f);
  const compact = rows.map((r): ComputeRow => ({
    unitCode: r.unitCode,
    projectCode: r.projectCode,
    projectName: r.projectName,
    batch: r.batch,
    phase: r.phase,
    status: r.status,
    totalInvestment: r.totalInvestment,
    annualPlan: r.annualPlan,
    ytdCompleted: r.ytdCompleted,
    monthCompleted: r.monthCompleted,
  }));
  return { month, unitCode, uploadId, rows: compact, rowFindings };
}

/** A stored digest that is not one of ours, or not of the upload asked for. */
export class DigestDamagedError extends Error {
  override name = 'DigestDamaged';
}

/**
 * The stored form, little-endian:
 *
 *   'TBD2' · u32 header length · header (UTF-8 JSON: who, rows, row findings, text encodings)
 *   · padding to 8 · five float64 columns (phase, 总投资, 年度计划, 本年累计, 本月; NaN = no 本月)
 *   · batch and status as u8 (their index in BATCHES / STATUSES)
 *   · per text column (code, name, and the rows' unit when one differs from the upload's):
 *     u32 length of each value in UTF-16 code units · u32 byte count · the values back to back,
 *     as ASCII when every character is, else UTF-16LE.
 *
 * Why not JSON: compute decoded the JSON of every row it reads, and turning the project names'
 * UTF-8 into JavaScript strings and the money back into numbers was most of that; here the numbers
 * are read as they are and each text column is one decode (UTF-16 is JavaScript's own), sliced.
 */
const MAGIC = [0x54, 0x42, 0x44, 0x32]; // TBD2
const NUMBER_COLUMNS = ['phase', 'totalInvestment', 'annualPlan', 'ytdCompleted', 'monthCompleted'] as const;
type TextColumn = 'projectCode' | 'projectName' | 'unitCode';
type TextEncoding = 'ascii' | 'utf16le';

interface DigestHeader {
  v: 2;
  month: string;
  unitCode: string;
  uploadId: string;
  rows: number;
  rowFindings: QualityFinding[];
  /** The text columns in stored order, with their encoding; `unitCode` only when a row names another unit. */
  text: [TextColumn, TextEncoding][];
}

const BATCH_INDEX = new Map<string, number>(BATCHES.map((b, i) => [b, i]));
const STATUS_INDEX = new Map<string, number>(STATUSES.map((s, i) => [s, i]));
const align8 = (n: number) => (n + 7) & ~7;

function isAscii(values: readonly string[]): boolean {
  for (const v of values) for (let i = 0; i < v.length; i++) if (v.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** A text column's bytes: lengths, byte count, the values. */
function textBytes(values: readonly string[], encoding: TextEncoding): Uint8Array {
  const n = values.length;
  let units = 0;
  for (const v of values) units += v.length;
  const width = encoding === 'ascii' ? 1 : 2;
  const out = new Uint8Array(4 * n + 4 + units * width);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setUint32(4 * i, v.length, true));
  view.setUint32(4 * n, units * width, true);
  let at = 4 * n + 4;
  for (const v of values) {
    for (let i = 0; i < v.length; i++) {
      const c = v.charCodeAt(i);
      if (width === 1) out[at++] = c;
      else {
        out[at++] = c & 0xff;
        out[at++] = c >>> 8;
      }
    }
  }
  return out;
}

/** The digest's bytes (uncompressed): the same rows always give the same bytes. */
export function encodeDigest(d: UploadDigest): Uint8Array {
  const n = d.rows.length;
  const texts: [TextColumn, string[]][] = [
    ['projectCode', d.rows.map((r) => r.projectCode)],
    ['projectName', d.rows.map((r) => r.projectName)],
  ];
  if (!d.rows.every((r) => r.unitCode === d.unitCode)) texts.push(['unitCode', d.rows.map((r) => r.unitCode)]);
  const encodings = texts.map(([, v]): TextEncoding => (isAscii(v) ? 'ascii' : 'utf16le'));
  const header: DigestHeader = {
    v: 2,
    month: d.month,
    unitCode: d.unitCode,
    uploadId: d.uploadId,
    rows: n,
    rowFindings: d.rowFindings,
    text: texts.map(([name], i) => [name, encodings[i]]),
  };
  const head = new TextEncoder().encode(JSON.stringify(header));
  const textParts = texts.map(([, v], i) => textBytes(v, encodings[i]));
  const numbersAt = align8(8 + head.length);
  const total = numbersAt + NUMBER_COLUMNS.length * 8 * n + 2 * n + textParts.reduce((a, b) => a + b.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setUint32(4, head.length, true);
  out.set(head, 8);
  let at = numbersAt;
  for (const k of NUMBER_COLUMNS) {
    for (const r of d.rows) {
      const v = r[k];
      view.setFloat64(at, v === null ? NaN : v, true);
      at += 8;
    }
  }
  for (const r of d.rows) out[at++] = BATCH_INDEX.get(r.batch)!;
  for (const r of d.rows) out[at++] = STATUS_INDEX.get(r.status)!;
  for (const t of textParts) {
    out.set(t, at);
    at += t.length;
  }
  return out;
}

/** ASCII is UTF-8: one decoder for the header and the ASCII columns. */
const utf8Decoder = new TextDecoder('utf-8');
const utf16Decoder = new TextDecoder('utf-16le');

/** The digest the bytes hold; throws DigestDamagedError when they are not the upload's or do not line up. */
export function decodeDigest(bytes: Uint8Array, expected: { month: string; unitCode: string; uploadId: string }): UploadDigest {
  const where = `${expected.month}/${expected.unitCode}/${expected.uploadId}`;
  const damaged = (why: string) => new DigestDamagedError(`台账摘要损坏（${where}）：${why}`);
  if (bytes.length < 8 || MAGIC.some((b, i) => bytes[i] !== b)) throw damaged('格式不符');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headLength = view.getUint32(4, true);
  if (8 + headLength > bytes.length) throw damaged('长度不符');
  let h: Partial<DigestHeader>;
  try {
    h = JSON.parse(utf8Decoder.decode(bytes.subarray(8, 8 + headLength))) as Partial<DigestHeader>;
  } catch {
    throw damaged('格式不符');
  }
  if (!h || h.v !== 2 || typeof h.rows !== 'number' || !Number.isInteger(h.rows) || h.rows < 0 || !Array.isArray(h.rowFindings) || !Array.isArray(h.text)) throw damaged('格式不符');
  if (h.month !== expected.month || h.unitCode !== expected.unitCode || h.uploadId !== expected.uploadId) throw damaged('不是该次上传的摘要');
  const n = h.rows;
  let at = align8(8 + headLength);
  const need = (count: number) => {
    if (at + count > bytes.length) throw damaged('长度不符（行数不符）');
  };
  need(NUMBER_COLUMNS.length * 8 * n + 2 * n);
  const numbersAt = at;
  const num = (column: number, i: number) => view.getFloat64(numbersAt + (column * n + i) * 8, true);
  at += NUMBER_COLUMNS.length * 8 * n;
  const batchAt = at;
  const statusAt = at + n;
  at += 2 * n;
  const text: Partial<Record<TextColumn, string[]>> = {};
  for (const entry of h.text) {
    const [name, encoding] = Array.isArray(entry) ? entry : [];
    if ((name !== 'projectCode' && name !== 'projectName' && name !== 'unitCode') || (encoding !== 'ascii' && encoding !== 'utf16le')) throw damaged('格式不符');
    need(4 * n + 4);
    const lengths = new Array<number>(n);
    let units = 0;
    for (let i = 0; i < n; i++) units += lengths[i] = view.getUint32(at + 4 * i, true);
    const byteCount = view.getUint32(at + 4 * n, true);
    at += 4 * n + 4;
    need(byteCount);
    const decoded = (encoding === 'ascii' ? utf8Decoder : utf16Decoder).decode(bytes.subarray(at, at + byteCount));
    at += byteCount;
    if (decoded.length !== units) throw damaged(`列 ${name} 长度不符`);
    const values = new Array<string>(n);
    let from = 0;
    for (let i = 0; i < n; i++) values[i] = decoded.slice(from, (from += lengths[i]));
    text[name] = values;
  }
  const codes = text.projectCode;
  const names = text.projectName;
  if (!codes || !names) throw damaged('列 projectCode 或 projectName 缺少');
  if (at !== bytes.length) throw damaged('长度不符');
  const units = text.unitCode;
  const rows = new Array<ComputeRow>(n);
  for (let i = 0; i < n; i++) {
    const batch = BATCHES[bytes[batchAt + i]];
    const status = STATUSES[bytes[statusAt + i]];
    if (batch === undefined || status === undefined) throw damaged(`第 ${i + 1} 行的批次或状态无效`);
    const monthCompleted = num(4, i);
    rows[i] = {
      unitCode: units ? units[i] : h.unitCode,
      projectCode: codes[i],
      projectName: names[i],
      batch,
      phase: num(0, i),
      status,
      totalInvestment: num(1, i),
      annualPlan: num(2, i),
      ytdCompleted: num(3, i),
      monthCompleted: Number.isNaN(monthCompleted) ? null : monthCompleted,
    };
    if (!Number.isFinite(rows[i].phase) || !Number.isFinite(rows[i].totalInvestment) || !Number.isFinite(rows[i].annualPlan) || !Number.isFinite(rows[i].ytdCompleted)) {
      throw damaged(`第 ${i + 1} 行的数值无效`);
    }
  }
  return { month: h.month, unitCode: h.unitCode, uploadId: h.uploadId, rows, rowFindings: h.rowFindings };
}
