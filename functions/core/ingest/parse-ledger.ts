import { type Cell, cellText } from '../ledger/cell-values';
import { COLUMNS, type LedgerField, REQUIRED_COLUMNS } from '../ledger/columns';
import { type Issue, issue } from '../ledger/issues';
import type { LedgerRow } from '../ledger/ledger-row';
import { monthLabel, parseMonth } from '../shared/months';
import { clipText } from '../shared/visible-text';
import type { CellRange, RawRow, RawSheet } from '../../formats/readers/sheet';
import { classify, mergeFills } from './classify-row';
import { BLANK, Failure, type Step, decodeCell, stepFor } from './decode-cell';
import { HEADER_SCAN_ROWS, type MappedColumn, findHeader, mapColumns, sheetScale, statedMonth } from './find-header';
import { repeatedKeys } from './repeated-keys';
import { FIELD_COUNT, FIELD_IDS, MONEY_IDS, makeRow } from './row-values';
import { type SumColumn, type SumRow, checkSumRows } from './sum-row-check';

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
  /** The header of each mapped column as written in the file, for messages about whole columns. */
  headers: Partial<Record<LedgerField, string>>;
}

/** The values of the upload's unit and the project code, among a row's values. */
const F_UNIT = FIELD_IDS.unitCode;
const F_CODE = FIELD_IDS.projectCode;

/** A cell's value as the clerk wrote it, for a message (truncated). */
function show(c: Cell): string | null {
  const t = cellText(c);
  return t === null ? null : clipText(t, 60);
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
      errors.push(issue('no-header', `未找到表头行：表格应包含 ${names} 等列（可在上报页面点击“下载空白模板（.xlsx）”获取空白表格）`));
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
    // "1-10月累计完成投资" in a November upload: the October ledger picked for the wrong month (the
    // portal opens on the reporting month), as sure a sign as a title stating another month (which,
    // when it says so too, is the one error reported).
    const titleWrong = errors.some((e) => e.code === 'month-mismatch');
    if (!titleWrong && ytd?.match.statedMonth !== undefined && ytd.match.statedMonth !== parseMonth(ctx.month).month) {
      errors.push(
        issue(
          'month-mismatch',
          `表头“${ytd.header}”是 ${ytd.match.statedMonth} 月的累计数，但本次上传的是 ${monthLabel(ctx.month)}的报表：请上传本月的台账，或在上报页面选择正确的月份`,
          headerRow,
          ytd.header,
          ytd.header,
        ),
      );
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
        // Only the types that can fail have a decoder that fails (step.invalid is set), except for
        // a text beyond its column's length, which any text or code column can be.
        errors.push(issue(v.tooLong ? 'too-long' : step.invalid!, `第 ${r.number} 行“${col.header}”：“${show(c)}”${v.reason}`, r.number, col.header, show(c)));
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
      for (let k = 0; k < MONEY_IDS.length; k++) {
        const f = MONEY_IDS[k];
        this.totals[f] += (vals[f] as number | null) ?? 0;
      }
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
    const headers = st ? Object.fromEntries(st.ordered.map((c) => [c.def.field, c.header])) : {};
    return { rows: st ? this.rows : [], errors, warnings, headerRow: this.headerRow, skippedRows: this.skipped, headers };
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
