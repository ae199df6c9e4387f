import { type Table, Type, tableFromIPC, util } from 'apache-arrow';
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
