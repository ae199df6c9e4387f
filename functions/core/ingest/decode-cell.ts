import {
  type Cell,
  type Parsed,
  cellText,
  dateInRange,
  isBlank,
  isoDate,
  nfkc,
  parseBatch,
  parseDate,
  parseNumber,
  parsePhase,
  parseStatus,
  plainDecimal,
  roundMoney,
} from '../ledger/cell-values';
import type { FieldType } from '../ledger/columns';
import type { InvalidValueCode } from '../ledger/issues';
import { MONEY_MAX, MONEY_MAX_TEXT, PHASE_MAX, maxCharsOf } from '../ledger/limits';
import type { MappedColumn } from './find-header';
import { FIELD_IDS } from './row-values';

/** Reading the cells of a data row, column by column, into ledger values. */

/** A cell that means "nothing" for its column (empty, "—", "/", …). */
export const BLANK = Symbol('blank');

/**
 * A cell that cannot be read as its column's type; `reason` completes the clerk's message.
 * `tooLong`: a text beyond its column's MAX_CHARS (code `too-long`, whatever the column's type).
 */
export class Failure {
  constructor(
    readonly reason: string,
    readonly tooLong = false,
  ) {}
}

const tooLong = (t: string, max: number) => new Failure(`过长（${t.length.toLocaleString('en-US')} 字，上限 ${max} 字）`, true);

export type Decoded = unknown;
type Decoder = (c: Cell) => Decoded;

const fromParsed = <T>(p: Parsed<T>): T | Failure => (p.ok ? p.value : new Failure(p.reason));
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

/**
 * One decoder per mapped column: cell → value, BLANK or Failure. This is the hot path of ingest
 * (every cell of every row), so it avoids allocating on success and parses each distinct text
 * of an enumeration or a date once; the rules are those of cell-values.ts.
 */
function decoderFor(col: MappedColumn): Decoder {
  switch (col.def.type) {
    case 'money': {
      const factor = col.scale.factor;
      return (c) => {
        let n: number;
        if (typeof c === 'number') n = c;
        else {
          const t = cellText(c);
          const plain = t === null ? -1 : plainDecimal(t);
          if (plain >= 0) n = plain;
          else {
            if (isBlank(c)) return BLANK;
            const p = parseNumber(c);
            if (!p.ok) return new Failure(p.reason);
            n = p.value;
          }
        }
        if (Number.isNaN(n)) return new Failure('不是有效数字');
        if (n < 0) return new Failure('不能为负数');
        // Infinity too: a text of 400 digits, or 1E+308 亿元.
        const v = roundMoney(factor === 1 ? n : n * factor);
        return v <= MONEY_MAX ? v : new Failure(`超出合理范围（单个项目不超过 ${MONEY_MAX_TEXT}）`);
      };
    }
    case 'batch':
      return (c) => (isBlank(c) ? BLANK : fromParsed(parseBatch(c)));
    case 'status':
      return (c) => (isBlank(c) ? BLANK : fromParsed(parseStatus(c)));
    case 'phase':
      return (c) => {
        if (isBlank(c)) return BLANK;
        const p = fromParsed(parsePhase(c));
        return p instanceof Failure || p <= PHASE_MAX ? p : new Failure(`超出合理范围（期次不超过 ${PHASE_MAX}）`);
      };
    case 'date':
      return (c) => (isBlank(c) ? BLANK : fromParsed(parseDate(c)));
    case 'code':
    case 'unitCode': {
      const max = maxCharsOf(col.def.field);
      return (c) => {
        if (isBlank(c)) return BLANK;
        const t = cellText(c)!;
        const code = PRINTABLE_ASCII.test(t) ? t : nfkc(t).replace(/\s/g, '');
        return code.length > max ? tooLong(code, max) : code;
      };
    }
    case 'text': {
      const max = maxCharsOf(col.def.field);
      return (c) => {
        const t = cellText(c);
        return t === null ? BLANK : t.length > max ? tooLong(t, max) : t;
      };
    }
  }
}

/** How the parse loop reads one mapped column. */
export interface Step {
  col: MappedColumn;
  index: number;
  /** Where the value goes among the row's values (FIELD_IDS). */
  field: number;
  money: boolean;
  factor: number;
  text: boolean;
  code: boolean;
  date: boolean;
  phase: boolean;
  /** Longest text of a text or code column (MAX_CHARS). */
  maxChars: number;
  /** Distinct texts of an enumeration or date column, decoded once each. */
  memo: Map<string, Decoded> | null;
  decode: Decoder;
  /** The error code of a cell the decoder fails on (null: the column's type reads any cell). */
  invalid: InvalidValueCode | null;
}

export function stepFor(col: MappedColumn): Step {
  const t = col.def.type;
  const memoized = t === 'batch' || t === 'status' || t === 'phase' || t === 'date';
  return {
    col,
    index: col.index,
    field: FIELD_IDS[col.def.field],
    money: t === 'money',
    factor: col.scale.factor,
    text: t === 'text',
    code: t === 'code' || t === 'unitCode',
    date: t === 'date',
    phase: t === 'phase',
    maxChars: maxCharsOf(col.def.field),
    memo: memoized ? new Map() : null,
    decode: decoderFor(col),
    invalid: invalidCode(t),
  };
}

/** Text and codes take any cell; the other types can fail, each with its own code. */
function invalidCode(t: FieldType): InvalidValueCode | null {
  switch (t) {
    case 'text':
    case 'code':
    case 'unitCode':
      return null;
    default:
      return `invalid-${t}`;
  }
}

/** The hot path: fast cases inline, everything else through the column's decoder. */
export function decodeCell(step: Step, c: Cell): Decoded {
  if (step.money) {
    // In range or not, a value beyond MONEY_MAX takes the decoder's path (and its error).
    if (typeof c === 'number') {
      if (c >= 0 && c * step.factor <= MONEY_MAX) return roundMoney(c * step.factor);
    } else if (typeof c === 'string') {
      const n = plainDecimal(c);
      if (n >= 0 && n * step.factor <= MONEY_MAX) return roundMoney(n * step.factor);
    }
    return step.decode(c);
  }
  // A code as codes are written (printable ASCII, longer than any "empty" marker) is itself.
  if (step.code && typeof c === 'string' && c.length > 4 && c.length <= step.maxChars && PRINTABLE_ASCII.test(c)) return c;
  if (step.date && c instanceof Date) {
    const iso = isNaN(c.getTime()) ? '' : isoDate(c);
    if (dateInRange(iso)) return iso;
  }
  if (step.phase && typeof c === 'number' && Number.isInteger(c) && c >= 1 && c <= PHASE_MAX) return c;
  if (typeof c === 'string') {
    if (step.text) return step.decode(c);
    const memo = step.memo;
    if (memo !== null) {
      let v = memo.get(c);
      if (v === undefined) {
        v = step.decode(c);
        if (memo.size < 50_000) memo.set(c, v);
      }
      return v;
    }
  }
  return step.decode(c);
}
