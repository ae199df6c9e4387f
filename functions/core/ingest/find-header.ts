import { cellText, nfkc } from '../ledger/cell-values';
import { clipText } from '../shared/visible-text';
import { type ColumnDef, type HeaderMatch, type LedgerField, type MoneyScale, SCALES, matchHeader, splitHeader } from '../ledger/columns';
import { type Issue, issue } from '../ledger/issues';
import type { CellRange, RawRow } from '../../formats/readers/sheet';

/**
 * Finding the header of a ledger sheet (one row, or a group row above a sub-header row) among
 * its first rows, and mapping its columns to the ledger's fields (docs/ledger-format.md).
 */

/** A header column mapped to a ledger field. */
export interface MappedColumn {
  index: number;
  /** The header as written (a two-row header: "完成投资/本月"), line breaks removed. */
  header: string;
  def: ColumnDef;
  match: HeaderMatch;
  scale: MoneyScale;
}

/** The header is looked for among this many rows (rows with any cell) from the top. */
export const HEADER_SCAN_ROWS = 30;

/**
 * Headers are shown as written, but a line break inside a header cell is layout, not text, and a
 * header with a pathological note is cut for messages (it is repeated in every error of its column).
 */
function display(s: string): string {
  return clipText(s.replace(/[ \t\u3000]*[\r\n]+[ \t\u3000]*/g, ''), MAX_HEADER_CHARS);
}
const MAX_HEADER_CHARS = 40;

/** One column of a header block: the labels to try, in order, and the unit its header states. */
interface ColumnLabel {
  index: number;
  options: { label: string; written: string }[];
  unit: MoneyScale['unit'] | null;
  /** The unit came from a group header above (only a two-row header can say so). */
  unitFromGroup: boolean;
}

export interface HeaderBlock {
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
export function findHeader(rows: RawRow[], merges: CellRange[]): HeaderBlock | null {
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
export function sheetScale(rowsAbove: RawRow[]): MoneyScale {
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
export function statedMonth(rowsAbove: RawRow[]): { text: string; month: string; row: number } | null {
  for (const r of rowsAbove) {
    for (const c of r.cells) {
      const written = cellText(c);
      const t = written === null ? null : nfkc(written);
      if (!t || /日期|时间/.test(t)) continue;
      const m = /(\d{4})年(?:1\s*[-—~～至到]\s*)?(\d{1,2})月/.exec(t);
      if (m && Number(m[2]) >= 1 && Number(m[2]) <= 12) return { text: clipText(written!, 80), month: `${m[1]}-${m[2].padStart(2, '0')}`, row: r.number };
    }
  }
  return null;
}

/** The header's columns by field; a second column for the same field is a warning, the better match is kept. */
export function mapColumns(block: HeaderBlock, scale: MoneyScale, warnings: Issue[]): Map<LedgerField, MappedColumn> {
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
