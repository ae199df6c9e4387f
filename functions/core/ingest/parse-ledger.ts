import {
  type Cell,
  type Parsed,
  cellText,
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
import { COLUMNS, type ColumnDef, type HeaderMatch, type LedgerField, type MoneyScale, REQUIRED_COLUMNS, SCALES, matchHeader, splitHeader } from '../ledger/columns';
import type { LedgerRow } from '../ledger/ledger-row';
import { monthLabel, parseMonth } from '../shared/months';
import type { CellRange, RawRow, RawSheet } from '../../formats/readers/sheet';
import { repeatedKeys } from './repeated-keys';
import { type SumColumn, type SumRow, checkSumRows } from './sum-row-check';

/** One problem in an upload, located the way the clerk sees the spreadsheet. */
export interface Issue {
  code: string;
  /** Spreadsheet row number (1-based), when the problem is in a row. */
  row: number | null;
  /** The header as written in the file. */
  column: string | null;
  /** The offending value as written (truncated). */
  value: string | null;
  message: string;
}

export interface ParseContext {
  month: string;
  unitCode: string;
  maxRows: number;
  /** The caller no longer needs `sheet.rows` below the header: they are released as they are read. */
  consume?: boolean;
}

export interface LedgerParseResult {
  rows: LedgerRow[];
  errors: Issue[];
  warnings: Issue[];
  /** The (last) header row; a two-row header spans headerRow − 1 and headerRow. */
  headerRow: number | null;
  /** Rows skipped as blank, 合计/小计, column numbers or notes. */
  skippedRows: number;
}

interface MappedColumn {
  index: number;
  /** The header as written (a two-row header: "完成投资/本月"), line breaks removed. */
  header: string;
  def: ColumnDef;
  match: HeaderMatch;
  scale: MoneyScale;
}

/** The header is looked for among this many rows (rows with any cell) from the top. */
export const HEADER_SCAN_ROWS = 30;
/** Rows that total the data: skipped, and checked against the column sums. */
const SUM_WORDS = /^(合计|总计|全县合计|全区合计|全市合计|全县\(市、区\)合计|全县\(市\)合计)/;
/** Rows that total part of the data: skipped, not checked. */
const SUBTOTAL_WORDS = /^(小计|累计|其中[:：]?)/;
/** Notes and signatures below the data: the word, then a separator ("注：", "注1.", "填表人 张三"). */
const NOTE_WORDS = /^(?:(?:注|说明|备注|填表人|填报人|审核人|审核|负责人|联系人|联系电话|填报日期|填报时间|制表人|制表|单位负责人|主要领导)\s*(?:[:：、.．]|\d|\s|$)|以下空白|以下无|此页无|本页无)/;

function show(c: Cell): string | null {
  const t = cellText(c);
  return t === null ? null : t.length > 60 ? `${t.slice(0, 60)}…` : t;
}

function issue(code: string, message: string, row: number | null = null, column: string | null = null, value: string | null = null): Issue {
  return { code, row, column, value, message };
}

/** Headers are shown as written, but a line break inside a header cell is layout, not text. */
function display(s: string): string {
  return s.replace(/[ \t\u3000]*[\r\n]+[ \t\u3000]*/g, '');
}

// ---- finding the header ----------------------------------------------------------------------------

/** One column of a header block: the labels to try, in order, and the unit its header states. */
interface ColumnLabel {
  index: number;
  options: { label: string; written: string }[];
  unit: MoneyScale['unit'] | null;
  /** The unit came from a group header above (only a two-row header can say so). */
  unitFromGroup: boolean;
}

interface HeaderBlock {
  /** The header rows (one, or group row + sub-header row). */
  rows: RawRow[];
  /** Index in sheet.rows of the last header row. */
  position: number;
  labels: ColumnLabel[];
  fields: number;
  unitsFromGroup: boolean;
}

function singleRowLabels(row: RawRow): ColumnLabel[] {
  const out: ColumnLabel[] = [];
  row.cells.forEach((c, index) => {
    const t = cellText(c);
    if (t === null) return;
    const { label, unit } = splitHeader(t);
    out.push({ index, options: [{ label, written: display(t) }], unit, unitFromGroup: false });
  });
  return out;
}

/**
 * A two-row header: a group row ("投资情况（万元）" merged over several columns) above a
 * sub-header row (总投资 / 年度计划投资 / …), and headers merged vertically over both rows.
 * A value of a merge sits on its first cell only, so each column takes its sub-header if it has
 * one, else the text above it. The group may complete the sub-header ("完成投资" over "本月"
 * = 本月完成投资) and state the unit. Groups come from the merged areas, or, in files without
 * merge information (CSV saved from such a form), from the layout: a group text stands over a
 * run of sub-headers with nothing to its right in the group row.
 */
function twoRowLabels(top: RawRow, sub: RawRow, merges: CellRange[]): ColumnLabel[] {
  const width = Math.max(top.cells.length, sub.cells.length);
  const topText = (i: number) => cellText(top.cells[i] ?? null);
  const subText = (i: number) => cellText(sub.cells[i] ?? null);
  const group: (string | null)[] = new Array(width).fill(null);
  for (const m of merges) {
    if (m.top !== top.number || m.bottom !== top.number || m.right === m.left) continue;
    const t = topText(m.left);
    if (t === null) continue;
    for (let i = m.left; i <= Math.min(m.right, width - 1); i++) group[i] = t;
  }
  for (let i = 0; i < width; i++) {
    const t = topText(i);
    if (t === null || group[i] !== null || subText(i) === null) continue;
    for (let j = i; j < width && subText(j) !== null && (j === i || topText(j) === null) && group[j] === null; j++) group[j] = t;
  }
  const out: ColumnLabel[] = [];
  for (let i = 0; i < width; i++) {
    const s = subText(i);
    const g = group[i];
    if (s !== null) {
      const leaf = splitHeader(s);
      const options = [{ label: leaf.label, written: display(s) }];
      let unit = leaf.unit;
      let unitFromGroup = false;
      if (g !== null) {
        const gs = splitHeader(g);
        const written = `${display(g)}/${display(s)}`;
        options.push({ label: leaf.label + gs.label, written }, { label: gs.label + leaf.label, written });
        if (!unit && gs.unit) {
          unit = gs.unit;
          unitFromGroup = true;
        }
      }
      out.push({ index: i, options, unit, unitFromGroup });
    } else {
      // A header merged vertically over both rows: its text is in the group row.
      const t = topText(i);
      if (t === null) continue;
      const { label, unit } = splitHeader(t);
      out.push({ index: i, options: [{ label, written: display(t) }], unit, unitFromGroup: false });
    }
  }
  return out;
}

function countFields(labels: ColumnLabel[]): { fields: number; unitsFromGroup: boolean } {
  const fields = new Set<LedgerField>();
  let unitsFromGroup = false;
  for (const l of labels) {
    for (const o of l.options) {
      const m = matchHeader(o.label);
      if (m) {
        fields.add(m.def.field);
        if (l.unitFromGroup && m.def.type === 'money') unitsFromGroup = true;
        break;
      }
    }
  }
  return { fields: fields.size, unitsFromGroup };
}

/**
 * The header is the row — or pair of adjacent rows — among the first rows whose cells name the
 * most known columns (at least 3). A pair wins over a single row when it names more columns, or
 * as many but its group row states their unit; otherwise the single row wins, leaving a title
 * above it to be read as a title.
 */
function findHeader(rows: RawRow[], merges: CellRange[]): HeaderBlock | null {
  let best: HeaderBlock | null = null;
  const consider = (block: Omit<HeaderBlock, 'fields' | 'unitsFromGroup'>) => {
    const { fields, unitsFromGroup } = countFields(block.labels);
    if (fields < 3) return;
    const candidate = { ...block, fields, unitsFromGroup };
    if (!best || fields > best.fields) best = candidate;
    else if (fields === best.fields && best.position === candidate.position) {
      // The same sub-header row alone or under a group row: the group row must add something.
      if (candidate.rows.length < best.rows.length && !best.unitsFromGroup) best = candidate;
    }
  };
  const n = Math.min(rows.length, HEADER_SCAN_ROWS);
  for (let i = 0; i < n; i++) {
    // Two rows first, so that the single sub-header row (same position) is weighed against it.
    if (i > 0 && rows[i].number === rows[i - 1].number + 1) {
      consider({ rows: [rows[i - 1], rows[i]], position: i, labels: twoRowLabels(rows[i - 1], rows[i], merges) });
    }
    consider({ rows: [rows[i]], position: i, labels: singleRowLabels(rows[i]) });
  }
  return best;
}

/** Whether a sheet's first rows hold a ledger header: used to choose among a workbook's sheets. */
export function hasLedgerHeader(rows: RawRow[], merges: CellRange[] = []): boolean {
  return findHeader(rows, merges) !== null;
}

/** A "单位：亿元" note above the header sets the money unit of columns without their own suffix. */
function sheetScale(rowsAbove: RawRow[]): MoneyScale {
  for (const r of rowsAbove) {
    for (const c of r.cells) {
      const t = cellText(c);
      const m = t ? /单位[:：]\s*(万元|亿元|元)/.exec(nfkc(t)) : null;
      if (m) return SCALES[m[1] as MoneyScale['unit']];
    }
  }
  return SCALES['万元'];
}

/** A title such as "××县…月报表（2026年10月）" or "2026年1-10月…" states the month; 填报日期 lines do not. */
function statedMonth(rowsAbove: RawRow[]): { text: string; month: string; row: number } | null {
  for (const r of rowsAbove) {
    for (const c of r.cells) {
      const written = cellText(c);
      const t = written === null ? null : nfkc(written);
      if (!t || /日期|时间/.test(t)) continue;
      const m = /(\d{4})年(?:1\s*[-—~～至到]\s*)?(\d{1,2})月/.exec(t);
      if (m && Number(m[2]) >= 1 && Number(m[2]) <= 12) return { text: written!, month: `${m[1]}-${m[2].padStart(2, '0')}`, row: r.number };
    }
  }
  return null;
}

function mapColumns(block: HeaderBlock, scale: MoneyScale, warnings: Issue[]): Map<LedgerField, MappedColumn> {
  const mapped = new Map<LedgerField, MappedColumn>();
  const row = block.rows[block.rows.length - 1].number;
  for (const l of block.labels) {
    for (const o of l.options) {
      const match = matchHeader(o.label);
      if (!match) continue;
      const col: MappedColumn = { index: l.index, header: o.written, def: match.def, match, scale: l.unit ? SCALES[l.unit] : scale };
      const prev = mapped.get(match.def.field);
      if (!prev || match.quality < prev.match.quality) {
        mapped.set(match.def.field, col);
        if (prev) warnings.push(duplicateColumn(row, prev, col));
      } else {
        warnings.push(duplicateColumn(row, col, prev));
      }
      break;
    }
  }
  return mapped;
}

function duplicateColumn(row: number, ignored: MappedColumn, used: MappedColumn): Issue {
  return issue('duplicate-column', `“${ignored.header}”与“${used.header}”含义相同，已采用“${used.header}”列`, row, ignored.header);
}

// ---- data rows -------------------------------------------------------------------------------------

/** A cell that means "nothing" for its column (empty, "—", "/", …). */
const BLANK = Symbol('blank');

/** A cell that cannot be read as its column's type; `reason` completes the clerk's message. */
class Failure {
  constructor(readonly reason: string) {}
}

type Decoded = unknown;
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
        if (!Number.isFinite(n)) return new Failure('不是有效数字');
        if (n < 0) return new Failure('不能为负数');
        return roundMoney(factor === 1 ? n : n * factor);
      };
    }
    case 'batch':
      return (c) => (isBlank(c) ? BLANK : fromParsed(parseBatch(c)));
    case 'status':
      return (c) => (isBlank(c) ? BLANK : fromParsed(parseStatus(c)));
    case 'phase':
      return (c) => (isBlank(c) ? BLANK : fromParsed(parsePhase(c)));
    case 'date':
      return (c) => (isBlank(c) ? BLANK : fromParsed(parseDate(c)));
    case 'code':
    case 'unitCode':
      return (c) => {
        if (isBlank(c)) return BLANK;
        const t = cellText(c)!;
        return PRINTABLE_ASCII.test(t) ? t : nfkc(t).replace(/\s/g, '');
      };
    case 'text':
      return (c) => cellText(c) ?? BLANK;
  }
}

/** Field → small integer: the parse loop keeps a row's values in an array by these ids. */
const FIELD_IDS: Record<LedgerField, number> = {
  projectCode: 0, projectName: 1, batch: 2, phase: 3, status: 4, totalInvestment: 5, annualPlan: 6, ytdCompleted: 7,
  monthCompleted: 8, industry: 9, unitCode: 10, signedDate: 11, landedDate: 12, startDate: 13, productionDate: 14,
  progress: 15, problems: 16, leader: 17,
};

const FIELD_COUNT = 18;
const F_CODE = FIELD_IDS.projectCode;
const F_UNIT = FIELD_IDS.unitCode;
/** The money fields have consecutive ids: totalInvestment … monthCompleted. */
const F_MONEY_FIRST = FIELD_IDS.totalInvestment;
const F_MONEY_LAST = FIELD_IDS.monthCompleted;

/** How the parse loop reads one mapped column. */
interface Step {
  col: MappedColumn;
  index: number;
  field: number;
  money: boolean;
  factor: number;
  text: boolean;
  code: boolean;
  date: boolean;
  phase: boolean;
  /** Distinct texts of an enumeration or date column, decoded once each. */
  memo: Map<string, Decoded> | null;
  decode: Decoder;
}

function stepFor(col: MappedColumn): Step {
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
    memo: memoized ? new Map() : null,
    decode: decoderFor(col),
  };
}

/** The hot path: fast cases inline, everything else through the column's decoder. */
function decodeCell(step: Step, c: Cell): Decoded {
  if (step.money) {
    if (typeof c === 'number') return c >= 0 && c < Infinity ? roundMoney(c * step.factor) : step.decode(c);
    if (typeof c === 'string') {
      const n = plainDecimal(c);
      if (n >= 0) return roundMoney(n * step.factor);
    }
    return step.decode(c);
  }
  // A code as codes are written (printable ASCII, longer than any "empty" marker) is itself.
  if (step.code && typeof c === 'string' && c.length > 4 && PRINTABLE_ASCII.test(c)) return c;
  if (step.date && c instanceof Date && !isNaN(c.getTime())) return isoDate(c);
  if (step.phase && typeof c === 'number' && Number.isInteger(c) && c >= 1) return c;
  if (typeof c === 'string') {
    if (step.text) return cellText(c) ?? BLANK;
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

type RowKind = 'data' | 'blank' | 'note' | 'sum' | 'subtotal' | 'numbering';

const compact = (t: string) => nfkc(t).replace(/\s/g, '');

/** Whether a cell has anything in it (a cheap cellText(c) !== null for the hot path). */
function hasText(c: Cell | undefined): boolean {
  if (c === null || c === undefined) return false;
  return typeof c !== 'string' || cellText(c) !== null;
}

// Regular expressions of the per-row paths live here: a literal in a function body is a new
// RegExp object each time it is evaluated, i.e. garbage on every row.
/** The 甲乙丙丁 that head the descriptive columns of a 栏次 row. */
const STEM_FIRST = /^[甲乙丙丁]/;
const STEM = /^[甲乙丙丁]$/;
const DIGITS = /^\d+$/;
/** What the first cell of a 栏次 row says. */
const NUMBERING_FIRST = /^[甲乙丙丁1１]$/;

/** A column-number row under a header ("1 2 3 4 …", or "甲 乙 1 2 …", the 栏次 of statistical forms). */
function isNumberingRow(cells: Cell[]): boolean {
  let expect = -1;
  let count = 0;
  let lead = true;
  for (const c of cells) {
    if (!hasText(c)) continue;
    let n: number;
    if (typeof c === 'number') n = c;
    else {
      const raw = cellText(c)!;
      const ch = raw.charCodeAt(0);
      // Quick exit for data rows: their text cells do not start with a digit or 甲乙丙丁.
      if (!((ch >= 0x30 && ch <= 0x39) || (ch >= 0xff10 && ch <= 0xff19) || (lead && STEM_FIRST.test(raw)))) return false;
      const t = compact(raw);
      if (lead && STEM.test(t)) continue;
      n = DIGITS.test(t) ? Number(t) : NaN;
    }
    lead = false;
    if (!Number.isInteger(n) || (expect >= 0 && n !== expect)) return false;
    expect = n + 1;
    count++;
  }
  return count >= 4;
}

/**
 * A flag per UTF-16 code unit (64 KB): these gates run on several cells of every row, where a
 * table lookup is several times cheaper than a Set's.
 */
function charTable(chars: string): Uint8Array {
  const table = new Uint8Array(0x10000);
  for (const ch of chars) table[ch.charCodeAt(0)] = 1;
  return table;
}

/** First characters of the words of SUM_WORDS and SUBTOTAL_WORDS. */
const TOTAL_FIRST = charTable('合总全小累其');
/** First characters NOTE_WORDS can start with (full-width forms normalize to these too): a cheap gate per row. */
const NOTE_FIRST = charTable('注说备填审负联制单主以此本');

const KIND = {
  data: { kind: 'data' as RowKind },
  blank: { kind: 'blank' as RowKind },
  note: { kind: 'note' as RowKind },
  subtotal: { kind: 'subtotal' as RowKind },
  numbering: { kind: 'numbering' as RowKind },
};

function classify(r: RawRow, mapped: MappedColumn[], labelColumns: number[]): { kind: RowKind; label?: string } {
  const cells = r.cells;
  let anyMapped = false;
  for (const col of mapped) {
    if (hasText(cells[col.index])) {
      anyMapped = true;
      break;
    }
  }
  let first: Cell = null;
  for (const c of cells) {
    if (hasText(c)) {
      first = c;
      break;
    }
  }
  if (first === null) return KIND.blank;
  const note = typeof first === 'string' && NOTE_FIRST[cellText(first)!.charCodeAt(0)] === 1 && NOTE_WORDS.test(nfkc(cellText(first)!));
  // Nothing in any ledger column (a pre-numbered empty form row, "以下空白", a signature).
  if (!anyMapped || note) return note ? KIND.note : KIND.blank;
  // A 合计 row: the word stands in one of the leading cells (序号, 项目代码 or 项目名称 column).
  for (const i of labelColumns) {
    const c = cells[i];
    if (typeof c !== 'string') continue;
    const t = cellText(c);
    if (t === null || TOTAL_FIRST[t.charCodeAt(0)] !== 1) continue;
    const s = compact(t);
    if (SUM_WORDS.test(s)) return { kind: 'sum', label: t };
    if (SUBTOTAL_WORDS.test(s)) return KIND.subtotal;
  }
  if (typeof first === 'number' && isNumberingRow(cells)) return KIND.numbering;
  if (typeof first === 'string' && cellText(first)!.length === 1 && NUMBERING_FIRST.test(cellText(first)!) && isNumberingRow(cells)) return KIND.numbering;
  return KIND.data;
}

/**
 * Values of merged cells in the data area, for the cells the merge covers: a clerk who merges
 * 批次 over ten rows means all ten. Money is never copied (a merged amount is one amount).
 */
function mergeFills(merges: CellRange[], below: number, rows: RawRow[], columns: MappedColumn[]): Map<number, Map<number, Cell>> {
  const fills = new Map<number, Map<number, Cell>>();
  const copyable = new Set(columns.filter((c) => c.def.type !== 'money').map((c) => c.index));
  const relevant = merges.filter((m) => m.top > below && (m.bottom > m.top || m.right > m.left));
  if (!relevant.length) return fills;
  const byNumber = new Map(rows.map((r) => [r.number, r]));
  let budget = 1_000_000;
  for (const m of relevant) {
    const master = byNumber.get(m.top)?.cells[m.left] ?? null;
    if (master === null) continue;
    for (let row = m.top; row <= m.bottom && budget > 0; row++) {
      for (let col = m.left; col <= m.right; col++) {
        if ((row === m.top && col === m.left) || !copyable.has(col)) continue;
        let f = fills.get(row);
        if (!f) fills.set(row, (f = new Map()));
        f.set(col, master);
        budget--;
      }
    }
  }
  return fills;
}

/**
 * Turns a sheet into normalized ledger rows, collecting every error and warning at once.
 * Pure: the caller decides that any error rejects the whole file. With `ctx.consume`, the rows
 * of `sheet` are released as they are read (the caller no longer needs them).
 */
export function parseLedger(sheet: RawSheet, ctx: ParseContext): LedgerParseResult {
  const parser = new LedgerParser(ctx, sheet.merges ?? [], sheet.rows);
  const all = sheet.rows;
  for (let i = 0; i < all.length; i++) {
    parser.push(all[i]);
    // A processed row's cells are garbage at once, not copied by every young-generation GC
    // that the rows being built trigger (a large share of the parse time otherwise).
    if (ctx.consume && parser.decided) all[i] = null as unknown as RawRow;
  }
  return parser.finish();
}

/** The columns and running state of a sheet whose header has been found. */
interface DataState {
  headerRow: number;
  plan: Step[];
  ordered: MappedColumn[];
  fills: Map<number, Map<number, Cell>>;
  labelColumns: number[];
  unitCol: MappedColumn | undefined;
  codeCol: MappedColumn;
}

/**
 * The same, row by row, for readers that stream (CSV): push the rows in order, then finish().
 * The header is decided once the first HEADER_SCAN_ROWS rows are in (or at the end); the rows
 * before it are kept, the data rows after it are turned into ledger rows as they come.
 */
export class LedgerParser {
  private readonly errors: Issue[] = [];
  private readonly warnings: Issue[] = [];
  private readonly rows: LedgerRow[] = [];
  private buffer: RawRow[] = [];
  private state: DataState | null = null;
  private done: 'no-header' | 'missing-column' | null = null;
  private headerRow: number | null = null;
  private dataCount = 0;
  private skipped = 0;
  private readonly sumRows: SumRow[] = [];
  /** The current row's values by field id (reused: one object per accepted row is built from it). */
  private readonly vals: unknown[] = new Array(FIELD_COUNT).fill(null);
  /** Sums of the money columns over the accepted rows, in 万元, for the 合计 check. */
  private readonly totals: number[] = new Array(FIELD_COUNT).fill(0);
  /** Each data row's project code and row number, for the duplicate check at the end. */
  private readonly codeList: string[] = [];
  private readonly codeRowNumbers: number[] = [];

  /** `allRows`: the whole sheet when known up front, to find the values of merged cells. */
  constructor(
    private readonly ctx: ParseContext,
    private readonly merges: CellRange[] = [],
    private readonly allRows: RawRow[] = [],
  ) {}

  /** Whether the header has been decided (rows pushed from now on are processed at once). */
  get decided(): boolean {
    return this.state !== null || this.done !== null;
  }

  push(r: RawRow): void {
    if (this.state) this.dataRow(this.state, r);
    else if (!this.done) {
      this.buffer.push(r);
      if (this.buffer.length >= HEADER_SCAN_ROWS) this.decide();
    }
  }

  private decide(): void {
    const { ctx, errors, warnings } = this;
    const rows = this.buffer;
    this.buffer = [];
    const found = findHeader(rows, this.merges);
    if (!found) {
      const names = REQUIRED_COLUMNS.map((c) => c.header).join('、');
      errors.push(issue('no-header', `未找到表头行：表格应包含 ${names} 等列（可使用 LEDGER 模板）`));
      this.done = 'no-header';
      return;
    }
    const headerRow = found.rows[found.rows.length - 1].number;
    this.headerRow = headerRow;
    const above = rows.slice(0, found.position + 1 - found.rows.length);
    const title = statedMonth(above);
    if (title && title.month !== ctx.month) {
      errors.push(issue('month-mismatch', `标题写的是 ${monthLabel(title.month)}，但本次上传的是 ${monthLabel(ctx.month)}的报表`, title.row, null, title.text));
    }
    const columns = mapColumns(found, sheetScale(above), warnings);
    for (const def of REQUIRED_COLUMNS) {
      if (!columns.has(def.field)) {
        const also = def.synonyms.length ? `（或 ${def.synonyms.join('、')}）` : '';
        errors.push(issue('missing-column', `缺少必填列“${def.header}”${also}`, headerRow));
      }
    }
    const ytd = columns.get('ytdCompleted');
    if (ytd?.match.statedMonth !== undefined && ytd.match.statedMonth !== parseMonth(ctx.month).month) {
      warnings.push(issue('ytd-month', `列“${ytd.header}”与报送月份（${parseMonth(ctx.month).month}月）不一致，请确认填的是截至本月的累计数`, headerRow, ytd.header));
    }
    if (errors.some((e) => e.code === 'missing-column')) {
      this.done = 'missing-column';
      return;
    }
    const ordered = COLUMNS.map((d) => columns.get(d.field)).filter((c): c is MappedColumn => !!c);
    const state: DataState = {
      headerRow,
      ordered,
      plan: ordered.map(stepFor),
      fills: mergeFills(this.merges, headerRow, this.allRows.length ? this.allRows : rows, ordered),
      // Where a 合计 row names itself: the first cells, and the code and name columns wherever they are.
      labelColumns: [...new Set([0, 1, 2, 3, columns.get('projectCode')!.index, columns.get('projectName')!.index])],
      unitCol: columns.get('unitCode'),
      codeCol: columns.get('projectCode')!,
    };
    this.state = state;
    for (let i = found.position + 1; i < rows.length; i++) this.dataRow(state, rows[i]);
  }

  private dataRow(st: DataState, r: RawRow): void {
    const { ctx, errors, vals } = this;
    const plan = st.plan;
    this.dataCount++;
    const kind = classify(r, st.ordered, st.labelColumns);
    if (kind.kind !== 'data') {
      this.skipped++;
      this.dataCount--;
      if (kind.kind === 'sum') this.sumRows.push({ number: r.number, label: kind.label!, cells: r.cells });
      return;
    }
    const fill = st.fills.size ? st.fills.get(r.number) : undefined;
    const cells = r.cells;
    let rowOk = true;
    for (let k = 0; k < plan.length; k++) {
      const step = plan[k];
      let c = cells[step.index] ?? null;
      if (c === null && fill) c = fill.get(step.index) ?? null;
      const v = decodeCell(step, c);
      // Every mapped field is written for every row (fields without a column stay null).
      if (v === BLANK) {
        vals[step.field] = null;
        if (step.col.def.required) {
          errors.push(issue('required-empty', `第 ${r.number} 行“${step.col.header}”为空`, r.number, step.col.header, show(c)));
          rowOk = false;
        }
        continue;
      }
      if (v instanceof Failure) {
        vals[step.field] = null;
        const col = step.col;
        errors.push(issue(`invalid-${col.def.type}`, `第 ${r.number} 行“${col.header}”：“${show(c)}”${v.reason}`, r.number, col.header, show(c)));
        rowOk = false;
        continue;
      }
      vals[step.field] = v;
    }
    // The upload's unit, whatever the column said (a disagreeing column is an error).
    const unit = vals[F_UNIT] as string | null;
    if (st.unitCol && unit && unit !== ctx.unitCode) {
      errors.push(issue('unit-mismatch', `第 ${r.number} 行“${st.unitCol.header}”为 ${unit}，与本次上传的单位代码 ${ctx.unitCode} 不一致`, r.number, st.unitCol.header, unit));
      rowOk = false;
    }
    // Duplicates are found once all rows are in (duplicateCodes): a Set grown row by row,
    // alongside the rows being built, was a fifth of the parse time.
    const code = vals[F_CODE] as string | null;
    if (code) {
      this.codeList.push(code);
      this.codeRowNumbers.push(r.number);
    }
    if (rowOk) {
      this.rows.push(makeRow(vals, ctx.unitCode, r.number));
      for (let f = F_MONEY_FIRST; f <= F_MONEY_LAST; f++) this.totals[f] += (vals[f] as number | null) ?? 0;
    }
  }

  finish(): LedgerParseResult {
    if (!this.decided) this.decide();
    const { errors, warnings, ctx } = this;
    const st = this.state;
    if (st) {
      this.duplicateCodes(st);
      if (this.dataCount === 0) errors.push(issue('no-data', '表格只有表头，没有数据行', st.headerRow));
      if (this.dataCount > ctx.maxRows) {
        errors.push(issue('too-many-rows', `数据行数 ${this.dataCount} 超过上限 ${ctx.maxRows} 行，请核对是否误传了其他表格`));
      }
      if (errors.length === 0 && this.sumRows.length) {
        const money: SumColumn[] = st.ordered
          .filter((c) => c.def.type === 'money')
          .map((c) => ({ index: c.index, header: c.header, scale: c.scale, total: this.totals[FIELD_IDS[c.def.field]] }));
        warnings.push(...checkSumRows(this.sumRows, money));
      }
    }
    return { rows: st ? this.rows : [], errors, warnings, headerRow: this.headerRow, skippedRows: this.skipped };
  }

  /**
   * A code on two rows is an error on the later row, naming the first. The errors join the rows'
   * other errors in row order, after those of the same row, as if found row by row. (Rows kept
   * with a duplicate code do not matter: any error rejects the file.)
   */
  private duplicateCodes(st: DataState): void {
    const { codeList, codeRowNumbers, errors } = this;
    const found: Issue[] = [];
    for (const { at, first } of repeatedKeys(codeList)) {
      const row = codeRowNumbers[at];
      const code = codeList[at];
      found.push(issue('duplicate-code', `第 ${row} 行“${st.codeCol.header}”${code} 与第 ${codeRowNumbers[first]} 行重复`, row, st.codeCol.header, code));
    }
    if (!found.length) return;
    // The errors so far are in row order (file-level ones come later, in finish); a stable sort
    // puts each duplicate after the other errors of its row.
    errors.push(...found);
    errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  }
}

/** The row, from the values by field id, in one fixed shape. */
function makeRow(v: unknown[], unitCode: string, sourceRow: number): LedgerRow {
  return {
    unitCode,
    projectCode: v[0] as string,
    projectName: v[1] as string,
    batch: v[2] as LedgerRow['batch'],
    phase: v[3] as number,
    status: v[4] as LedgerRow['status'],
    totalInvestment: v[5] as number,
    annualPlan: v[6] as number,
    ytdCompleted: v[7] as number,
    monthCompleted: v[8] as number | null,
    industry: v[9] as string | null,
    signedDate: v[11] as string | null,
    landedDate: v[12] as string | null,
    startDate: v[13] as string | null,
    productionDate: v[14] as string | null,
    progress: v[15] as string | null,
    problems: v[16] as string | null,
    leader: v[17] as string | null,
    sourceRow,
  };
}
