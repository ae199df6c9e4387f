import {
  type Cell,
  type Parsed,
  cellText,
  isBlank,
  parseBatch,
  parseDate,
  parseNumber,
  parsePhase,
  parseStatus,
  roundMoney,
} from './cell-values';
import { COLUMNS, type ColumnDef, type HeaderMatch, type LedgerField, type MoneyScale, REQUIRED_COLUMNS, SCALES, matchHeader, splitHeader } from './ledger-schema';
import type { LedgerRow } from './ledger-types';
import { monthLabel, parseMonth } from './months';
import type { RawRow, RawSheet } from './readers/sheet';

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
}

export interface LedgerParseResult {
  rows: LedgerRow[];
  errors: Issue[];
  warnings: Issue[];
  headerRow: number | null;
  /** Rows skipped as blank, 合计/小计 or notes. */
  skippedRows: number;
}

interface MappedColumn {
  index: number;
  header: string;
  def: ColumnDef;
  match: HeaderMatch;
  scale: MoneyScale;
}

const HEADER_SCAN_ROWS = 30;
const SUM_WORDS = /^(合计|总计|小计|累计|全县合计|全区合计|全市合计)/;
const NOTE_WORDS = /^(注|说明|备注[:：]|填表人|填报人|审核人|审核|负责人|联系人|联系电话|填报日期|制表|单位负责人)/;

function show(c: Cell): string | null {
  const t = cellText(c);
  return t === null ? null : t.length > 60 ? `${t.slice(0, 60)}…` : t;
}

function issue(code: string, message: string, row: number | null = null, column: string | null = null, value: string | null = null): Issue {
  return { code, row, column, value, message };
}

/** The header row is the one (among the first rows) whose cells name the most known columns. */
function findHeader(rows: RawRow[]): { row: RawRow; position: number } | null {
  let best: { row: RawRow; position: number; hits: number } | null = null;
  for (let i = 0; i < Math.min(rows.length, HEADER_SCAN_ROWS); i++) {
    const fields = new Set<LedgerField>();
    for (const c of rows[i].cells) {
      const t = cellText(c);
      const m = t === null ? null : matchHeader(splitHeader(t).label);
      if (m) fields.add(m.def.field);
    }
    if (fields.size >= 3 && (!best || fields.size > best.hits)) best = { row: rows[i], position: i, hits: fields.size };
  }
  return best;
}

/** A "单位：亿元" note above the header sets the money unit of columns without their own suffix. */
function sheetScale(rowsAbove: RawRow[]): MoneyScale {
  for (const r of rowsAbove) {
    for (const c of r.cells) {
      const t = cellText(c);
      const m = t ? /单位[:：]\s*(万元|亿元|元)/.exec(t.normalize('NFKC')) : null;
      if (m) return SCALES[m[1] as MoneyScale['unit']];
    }
  }
  return SCALES['万元'];
}

/** A title such as "××县…月报表（2026年10月）" states the month; 填报日期 lines do not. */
function statedMonth(rowsAbove: RawRow[]): { text: string; month: string } | null {
  for (const r of rowsAbove) {
    for (const c of r.cells) {
      const t = cellText(c)?.normalize('NFKC');
      if (!t || /日期|时间/.test(t)) continue;
      const m = /(\d{4})年(\d{1,2})月/.exec(t);
      if (m && Number(m[2]) >= 1 && Number(m[2]) <= 12) return { text: t, month: `${m[1]}-${m[2].padStart(2, '0')}` };
    }
  }
  return null;
}

function mapColumns(header: RawRow, scale: MoneyScale, warnings: Issue[]): Map<LedgerField, MappedColumn> {
  const mapped = new Map<LedgerField, MappedColumn>();
  header.cells.forEach((c, index) => {
    const written = cellText(c);
    if (written === null) return;
    const { label, unit } = splitHeader(written);
    const match = matchHeader(label);
    if (!match) return;
    const col: MappedColumn = { index, header: written, def: match.def, match, scale: unit ? SCALES[unit] : scale };
    const prev = mapped.get(match.def.field);
    if (!prev || match.quality < prev.match.quality) {
      mapped.set(match.def.field, col);
      if (prev) warnings.push(duplicateColumn(header.number, prev, col));
    } else {
      warnings.push(duplicateColumn(header.number, col, prev));
    }
  });
  return mapped;
}

function duplicateColumn(row: number, ignored: MappedColumn, used: MappedColumn): Issue {
  return issue('duplicate-column', `“${ignored.header}”与“${used.header}”含义相同，已采用“${used.header}”列`, row, ignored.header);
}

function parseByType(col: MappedColumn, c: Cell): Parsed<unknown> {
  switch (col.def.type) {
    case 'money': {
      const n = parseNumber(c);
      if (!n.ok) return n;
      if (n.value < 0) return { ok: false, reason: '不能为负数' };
      return { ok: true, value: roundMoney(n.value * col.scale.factor) };
    }
    case 'batch':
      return parseBatch(c);
    case 'status':
      return parseStatus(c);
    case 'phase':
      return parsePhase(c);
    case 'date':
      return parseDate(c);
    case 'code':
    case 'unitCode': {
      const t = cellText(c);
      return t === null ? { ok: false, reason: '为空' } : { ok: true, value: t.normalize('NFKC').replace(/\s/g, '') };
    }
    case 'text':
      return { ok: true, value: cellText(c) };
  }
}

function isSkippable(r: RawRow): boolean {
  const texts = r.cells.map((c) => cellText(c)).filter((t): t is string => t !== null);
  if (texts.length === 0) return true;
  const first = texts[0].normalize('NFKC').replace(/\s/g, '');
  if (NOTE_WORDS.test(first)) return true;
  // A 合计 row: the word stands in one of the leading cells (序号, 项目代码 or 项目名称 column).
  return r.cells.slice(0, 4).some((c) => {
    const t = cellText(c);
    return t !== null && SUM_WORDS.test(t.normalize('NFKC').replace(/\s/g, ''));
  });
}

/**
 * Turns a sheet into normalized ledger rows, collecting every error and warning at once.
 * Pure: the caller decides that any error rejects the whole file.
 */
export function parseLedger(sheet: RawSheet, ctx: ParseContext): LedgerParseResult {
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  const result = (rows: LedgerRow[], headerRow: number | null, skippedRows = 0): LedgerParseResult => ({
    rows, errors, warnings, headerRow, skippedRows,
  });

  const found = findHeader(sheet.rows);
  if (!found) {
    const names = REQUIRED_COLUMNS.map((c) => c.header).join('、');
    errors.push(issue('no-header', `未找到表头行：表格应包含 ${names} 等列（可使用 LEDGER 模板）`));
    return result([], null);
  }
  const above = sheet.rows.slice(0, found.position);
  const title = statedMonth(above);
  if (title && title.month !== ctx.month) {
    errors.push(issue('month-mismatch', `标题写的是 ${monthLabel(title.month)}，但本次上传的是 ${monthLabel(ctx.month)}的报表`, null, null, title.text));
  }

  const columns = mapColumns(found.row, sheetScale(above), warnings);
  for (const def of REQUIRED_COLUMNS) {
    if (!columns.has(def.field)) {
      const also = def.synonyms.length ? `（或 ${def.synonyms.join('、')}）` : '';
      errors.push(issue('missing-column', `缺少必填列“${def.header}”${also}`, found.row.number));
    }
  }
  const ytd = columns.get('ytdCompleted');
  if (ytd?.match.statedMonth !== undefined && ytd.match.statedMonth !== parseMonth(ctx.month).month) {
    warnings.push(issue('ytd-month', `列“${ytd.header}”与报送月份（${parseMonth(ctx.month).month}月）不一致，请确认填的是截至本月的累计数`, found.row.number, ytd.header));
  }
  if (errors.some((e) => e.code === 'missing-column')) return result([], found.row.number);

  const dataRows = sheet.rows.slice(found.position + 1);
  const rows: LedgerRow[] = [];
  const firstRowOfCode = new Map<string, number>();
  let skipped = 0;
  const ordered = COLUMNS.map((d) => columns.get(d.field)).filter((c): c is MappedColumn => !!c);

  for (const r of dataRows) {
    if (isSkippable(r)) {
      skipped++;
      continue;
    }
    const values: Partial<Record<LedgerField, unknown>> = {};
    let rowOk = true;
    for (const col of ordered) {
      const c = r.cells[col.index] ?? null;
      if ((col.def.type !== 'text' && isBlank(c)) || cellText(c) === null) {
        if (col.def.required) {
          errors.push(issue('required-empty', `第 ${r.number} 行“${col.header}”为空`, r.number, col.header, show(c)));
          rowOk = false;
        }
        values[col.def.field] = null;
        continue;
      }
      const parsed = parseByType(col, c);
      if (!parsed.ok) {
        errors.push(issue(`invalid-${col.def.type}`, `第 ${r.number} 行“${col.header}”：“${show(c)}”${parsed.reason}`, r.number, col.header, show(c)));
        rowOk = false;
        continue;
      }
      values[col.def.field] = parsed.value;
    }
    const unit = values.unitCode as string | null | undefined;
    if (unit && unit !== ctx.unitCode) {
      const col = columns.get('unitCode')!;
      errors.push(issue('unit-mismatch', `第 ${r.number} 行“${col.header}”为 ${unit}，与本次上传的单位代码 ${ctx.unitCode} 不一致`, r.number, col.header, unit));
      rowOk = false;
    }
    const code = values.projectCode as string | null | undefined;
    if (code) {
      const first = firstRowOfCode.get(code);
      if (first !== undefined) {
        const col = columns.get('projectCode')!;
        errors.push(issue('duplicate-code', `第 ${r.number} 行“${col.header}”${code} 与第 ${first} 行重复`, r.number, col.header, code));
        rowOk = false;
      } else firstRowOfCode.set(code, r.number);
    }
    if (rowOk) rows.push(toRow(values, ctx.unitCode, r.number));
  }

  const dataCount = dataRows.length - skipped;
  if (dataCount === 0) errors.push(issue('no-data', '表格只有表头，没有数据行', found.row.number));
  if (dataCount > ctx.maxRows) {
    errors.push(issue('too-many-rows', `数据行数 ${dataCount} 超过上限 ${ctx.maxRows} 行，请核对是否误传了其他表格`));
  }
  return result(rows, found.row.number, skipped);
}

function toRow(v: Partial<Record<LedgerField, unknown>>, unitCode: string, sourceRow: number): LedgerRow {
  const s = (k: LedgerField) => (v[k] ?? null) as string | null;
  return {
    unitCode,
    projectCode: v.projectCode as string,
    projectName: v.projectName as string,
    batch: v.batch as LedgerRow['batch'],
    phase: v.phase as number,
    status: v.status as LedgerRow['status'],
    totalInvestment: v.totalInvestment as number,
    annualPlan: v.annualPlan as number,
    ytdCompleted: v.ytdCompleted as number,
    monthCompleted: (v.monthCompleted ?? null) as number | null,
    industry: s('industry'),
    signedDate: s('signedDate'),
    landedDate: s('landedDate'),
    startDate: s('startDate'),
    productionDate: s('productionDate'),
    progress: s('progress'),
    problems: s('problems'),
    leader: s('leader'),
    sourceRow,
  };
}

