import { Message, MessageHeader, type Table, Type, tableFromIPC, util } from 'apache-arrow';
import type { Cell } from '../../core/ledger/cell-values';
import type { RawSheet, ReadOptions } from './sheet';
import { MAX_COLUMNS, ROW_MARGIN, UnreadableFileError, tooManyRows } from './sheet';

/**
 * Arrow IPC (`.arrow`, Feather v2 `.feather`; file or stream format), for machines: the
 * column names are the header (row 1), record i is row i + 2, as if the table were saved as CSV.
 * Values keep their types: dates as dates, integers and floats as numbers.
 */
const ARROW_MAGIC = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]; // "ARROW1"
const FEATHER_V1 = [0x46, 0x45, 0x41, 0x31]; // "FEA1"

/** The refusal of an Arrow file that cannot be read (also used when its isolated reader dies). */
export const corruptArrow = (detail: string) =>
  new UnreadableFileError('Arrow/Feather 文件已损坏或格式不受支持，无法读取：请用 pyarrow/pandas 的 to_feather（不压缩）重新导出，或上传 .xlsx', 'corrupt', detail);

export function readArrow(bytes: Uint8Array, opts: ReadOptions = {}): RawSheet {
  if (FEATHER_V1.every((b, i) => bytes[i] === b)) {
    throw new UnreadableFileError('不支持旧版 Feather（V1）格式：请用 Feather V2 / Arrow IPC 格式重新导出，或上传 .xlsx', 'unsupported', 'FEA1');
  }
  const isFile = ARROW_MAGIC.every((b, i) => bytes[i] === b);
  const isStream = bytes[0] === 0xff && bytes[1] === 0xff && bytes[2] === 0xff && bytes[3] === 0xff;
  if (!isFile && !isStream) throw corruptArrow('no Arrow IPC magic');
  let table: Table;
  try {
    if (isFile) checkFooter(bytes);
    table = tableFromIPC(bytes);
  } catch (e) {
    const msg = (e as Error).message;
    if (/compressed/i.test(msg)) {
      throw new UnreadableFileError(
        'Arrow/Feather 文件使用了压缩（LZ4/ZSTD），无法读取：请以不压缩方式导出（pandas：df.to_feather(路径, compression="uncompressed")），或上传 .xlsx',
        'unsupported',
        msg,
      );
    }
    throw corruptArrow(msg);
  }
  const maxRows = opts.maxRows ?? 20_000;
  if (table.numRows > maxRows + ROW_MARGIN) throw tooManyRows(maxRows, `${table.numRows} records`);
  const fields = table.schema.fields.slice(0, MAX_COLUMNS);
  const columns = fields.map((f, i) => ({ vector: table.getChildAt(i)!, convert: converter(f.type.typeId, f.type as { unit?: number; scale?: number }) }));
  const rows: RawSheet['rows'] = [{ number: 1, cells: fields.map((f) => f.name) }];
  try {
    for (let r = 0; r < table.numRows; r++) {
      const cells: Cell[] = columns.map((c) => c.convert(c.vector.get(r)));
      if (cells.some((c) => c !== null)) rows.push({ number: r + 2, cells });
    }
  } catch (e) {
    throw corruptArrow((e as Error).message);
  }
  return { name: null, rows };
}

/**
 * The file format's footer lists where each dictionary and record batch is. apache-arrow trusts it:
 * a record batch entry that points at a message of another kind (found by fuzzing: 60 bytes cut
 * from a record batch's metadata) makes its reader loop forever on that entry, and a footer may
 * claim billions of entries. So before decoding, every entry must lie in the file and point at a
 * message of its kind; the work is bounded by the footer's size. Throws on the first that does not.
 */
export function checkFooter(bytes: Uint8Array): void {
  const n = bytes.byteLength;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, n);
  const bad = (what: string) => new Error(`footer: ${what}`);
  // ... <footer> <footer length: int32> "ARROW1"
  if (n < 8 + 10 || !ARROW_MAGIC.every((b, i) => bytes[n - 6 + i] === b)) throw bad('no closing magic');
  const length = dv.getInt32(n - 10, true);
  const start = n - 10 - length;
  if (length <= 0 || start < 8) throw bad(`length ${length}`);
  const end = start + length;
  const at = (pos: number, size: number) => {
    if (!(pos >= start && pos + size <= end)) throw bad(`offset ${pos} outside [${start}, ${end})`);
    return pos;
  };
  // Flatbuffers: the root table, its vtable, field k's offset (0: absent). Footer: version,
  // schema, dictionaries: [Block], recordBatches: [Block], custom_metadata.
  const table = start + dv.getUint32(at(start, 4), true);
  const vtable = table - dv.getInt32(at(table, 4), true);
  const vtableSize = dv.getUint16(at(vtable, 2), true);
  const field = (k: number) => (4 + 2 * k + 2 <= vtableSize ? dv.getUint16(at(vtable + 4 + 2 * k, 2), true) : 0);
  const blocks = (k: number, kind: MessageHeader) => {
    const off = field(k);
    if (!off) return;
    const vector = table + off + dv.getUint32(at(table + off, 4), true);
    const count = dv.getUint32(at(vector, 4), true);
    // struct Block { offset: long; metaDataLength: int; bodyLength: long } = 24 bytes.
    at(vector + 4, count * 24);
    for (let i = 0; i < count; i++) {
      const b = vector + 4 + 24 * i;
      const offset = Number(dv.getBigInt64(b, true));
      const metaLength = dv.getInt32(b + 8, true);
      const bodyLength = Number(dv.getBigInt64(b + 16, true));
      if (!(offset >= 8 && metaLength > 0 && bodyLength >= 0 && offset + metaLength + bodyLength <= start)) {
        throw bad(`${MessageHeader[kind]} ${i} at ${offset} (${metaLength} + ${bodyLength} bytes) outside the data`);
      }
      // The message: a continuation marker (-1) and its length, or (before Arrow 0.15) the length alone.
      let p = offset;
      let size = dv.getInt32(p, true);
      if (size === -1) size = dv.getInt32((p += 4), true);
      p += 4;
      if (!(size > 0 && p + size <= offset + metaLength)) throw bad(`${MessageHeader[kind]} ${i}: metadata of ${size} bytes`);
      const type = Message.decode(bytes.subarray(p, p + size)).headerType;
      if (type !== kind) throw bad(`${MessageHeader[kind]} ${i} at ${offset} is a ${MessageHeader[type] ?? type} message`);
    }
  };
  blocks(2, MessageHeader.DictionaryBatch);
  blocks(3, MessageHeader.RecordBatch);
}

function converter(typeId: Type, type: { unit?: number; scale?: number }): (v: unknown) => Cell {
  switch (typeId) {
    case Type.Date:
    case Type.DateDay:
    case Type.DateMillisecond:
    case Type.Timestamp:
    case Type.TimestampSecond:
    case Type.TimestampMillisecond:
    case Type.TimestampMicrosecond:
    case Type.TimestampNanosecond:
      // apache-arrow hands dates and timestamps over as epoch milliseconds.
      return (v) => (v === null || v === undefined ? null : new Date(Number(v)));
    case Type.Decimal:
      return (v) => (v === null || v === undefined ? null : util.bigNumToNumber(v as Parameters<typeof util.bigNumToNumber>[0], type.scale ?? 0));
    default:
      return plain;
  }
}

function plain(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Date) return v;
  // Lists, structs, binary: not ledger values; shown as text so a message can name them.
  return String(v);
}
