import { type Cell, cellText, nfkc } from '../ledger/cell-values';
import type { CellRange, RawRow } from '../../formats/readers/sheet';
import type { MappedColumn } from './find-header';

/**
 * What a row below the header is: a project row, or one to skip (blank, 合计/小计, the column
 * numbers of a statistical form, notes and signatures); and the values merged cells spread over
 * the data area.
 */

/** Rows that total the data: skipped, and checked against the column sums. */
const SUM_WORDS = /^(合计|总计|全县合计|全区合计|全市合计|全县\(市、区\)合计|全县\(市\)合计)/;
/** Rows that total part of the data: skipped, not checked. */
const SUBTOTAL_WORDS = /^(小计|累计|其中[:：]?)/;
/** Notes and signatures below the data: the word, then a separator ("注：", "注1.", "填表人 张三"). */
const NOTE_WORDS = /^(?:(?:注|说明|备注|填表人|填报人|审核人|审核|负责人|联系人|联系电话|填报日期|填报时间|制表人|制表|单位负责人|主要领导)\s*(?:[:：、.．]|\d|\s|$)|以下空白|以下无|此页无|本页无)/;

export type RowKind = 'data' | 'blank' | 'note' | 'sum' | 'subtotal' | 'numbering';

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

/** What a row below the header is; a 合计 row also says what it calls itself. */
export function classify(r: RawRow, mapped: MappedColumn[], labelColumns: number[]): { kind: RowKind; label?: string } {
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
export function mergeFills(merges: CellRange[], below: number, rows: RawRow[], columns: MappedColumn[]): Map<number, Map<number, Cell>> {
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
