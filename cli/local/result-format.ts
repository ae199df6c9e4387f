import { displayWidth, padDisplay } from './text-width';

/**
 * How `tb query` prints a result: an aligned table for the terminal (CJK characters count two
 * cells), JSON (an array of row objects, values as DuckDB gave them) or CSV (RFC 4180).
 */
export interface Tabular {
  columns: string[];
  rows: unknown[][];
}

/** NULL in the table, as the bulletin prints a missing value. */
export const NULL_CELL = '—';

/** A value as one line of text: numbers without float noise (6 decimals at most), dates as they are. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return NULL_CELL;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toFixed(6)));
  if (typeof v === 'string') return v.replace(/[\r\n\t]+/g, ' ');
  return JSON.stringify(v);
}

export function formatTable(r: Tabular): string {
  const text = r.rows.map((row) => row.map(cellText));
  // A column of numbers (NULLs aside) is right-aligned; one of NULLs only is not a number column.
  const numeric = r.columns.map((_, i) => r.rows.some((row) => typeof row[i] === 'number') && r.rows.every((row) => row[i] === null || typeof row[i] === 'number'));
  const widths = r.columns.map((c, i) => Math.max(displayWidth(c), ...text.map((row) => displayWidth(row[i]))));
  const cell = (s: string, i: number) => (numeric[i] ? ' '.repeat(widths[i] - displayWidth(s)) + s : padDisplay(s, widths[i]));
  const line = (cells: string[]) => cells.map(cell).join('  ').trimEnd();
  const out = [line(r.columns), widths.map((w) => '-'.repeat(w)).join('  '), ...text.map(line)];
  out.push(`（${r.rows.length} 行）`);
  return out.join('\n');
}

export function formatJson(r: Tabular): string {
  return JSON.stringify(r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c, row[i] ?? null]))), null, 2);
}

/**
 * CSV: every field that needs it quoted, quotes doubled, NULL as an empty field. A text that a
 * spreadsheet would run as a formula (=, +, -, @ first) is written with a leading ' so that
 * opening the file in Excel shows the clerk's text instead of evaluating it.
 */
export function formatCsv(r: Tabular): string {
  const field = (v: unknown) => {
    if (v === null || v === undefined) return '';
    let s = typeof v === 'string' ? v : typeof v === 'number' ? String(v) : JSON.stringify(v);
    if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [r.columns.map(field).join(','), ...r.rows.map((row) => row.map(field).join(','))].join('\r\n') + '\r\n';
}
