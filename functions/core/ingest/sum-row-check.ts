import { type Cell, cellText, isBlank, parseNumber } from '../ledger/cell-values';
import type { Issue } from '../ledger/issues';
import type { MoneyScale } from '../ledger/columns';

/**
 * The 合计/总计 row of a form is skipped as data, but checked: for each money column, the
 * total the clerk wrote must equal the sum of the project rows (a warning when it does not —
 * usually a project row was deleted or added without updating the formula, or typed over).
 */
export interface SumColumn {
  /** Column index in the sheet. */
  index: number;
  /** The header as written in the file. */
  header: string;
  scale: MoneyScale;
  /** Sum of the column over the accepted project rows, in 万元. */
  total: number;
}

export interface SumRow {
  number: number;
  /** What the row calls itself ("合计", "全县合计", "总计"). */
  label: string;
  cells: Cell[];
}

/** Decimal places of a number as written ("1,234.50" → 2; 1234.5 → 1), at most 6. */
function decimals(c: Cell): number {
  const t = typeof c === 'number' ? String(c) : (cellText(c) ?? '');
  const m = /\.(\d+)/.exec(t.normalize('NFKC'));
  return m ? Math.min(m[1].length, 6) : 0;
}

/** Shows an amount in the column's own unit, without binary dust ("12890.25"). */
function show(x: number): string {
  return String(Math.round(x * 1e6) / 1e6);
}

export function checkSumRows(sumRows: SumRow[], columns: SumColumn[]): Issue[] {
  const warnings: Issue[] = [];
  for (const sr of sumRows) {
    for (const col of columns) {
      const c = sr.cells[col.index] ?? null;
      if (isBlank(c)) continue;
      const n = parseNumber(c);
      if (!n.ok) continue;
      // Compare in the column's unit, as the clerk sees the numbers.
      const written = n.value;
      const sum = col.total / col.scale.factor;
      // A total rounded to the decimals it shows still agrees (1,234.6 for 1,234.56).
      const tolerance = 0.5 * 10 ** -decimals(c) + 1e-9 * Math.max(Math.abs(sum), 1);
      const diff = written - sum;
      if (Math.abs(diff) <= tolerance * (1 + 1e-9)) continue;
      const shown = cellText(c) ?? String(written);
      warnings.push({
        code: 'sum-mismatch',
        row: sr.number,
        column: col.header,
        value: shown,
        message: `第 ${sr.number} 行“${sr.label}”的“${col.header}”为 ${shown}，与各项目之和 ${show(sum)} 不一致（相差 ${show(diff)}），请核对合计或项目数据`,
      });
    }
  }
  return warnings;
}
