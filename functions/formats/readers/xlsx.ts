import path from 'node:path';
import type { Cell } from '../../core/ledger/cell-values';
import type { CellRange, RawRow, RawSheet, ReadOptions } from './sheet';
import { MAX_COLUMNS, ROW_MARGIN, UnreadableFileError, tooManyRows } from './sheet';
import { XmlScanner, type XmlHandler, attr, decodeEntities, decodeOoxmlEscapes, parseAttrs } from './xml';
import { DEFAULT_MAX_INFLATED_BYTES, ZipArchive, xmlDecoder } from './zip';

/**
 * .xlsx as Excel, WPS and LibreOffice save it, read as a stream (SpreadsheetML):
 * shared strings, inline strings, rich text (phonetic runs dropped), formula cells (their cached
 * value — a formula is never evaluated), booleans, error values, date cells (by their number
 * format, 1900 and 1904 date systems), merged cells, namespace prefixes ("x:row"), cells and rows
 * without an "r" reference. Memory stays bounded: only the kept rows and the shared strings
 * are held, the inflated bytes are capped (zip.ts) and so are rows and columns.
 */

const DEFAULT_MAX_ROWS = 20_000;
/** Merged areas kept (a form has a few dozen; a hostile file could declare millions). */
const MAX_MERGES = 20_000;

const notWorkbook = (message: string, detail: string) => new UnreadableFileError(message, 'unsupported', detail);

export async function readXlsx(bytes: Uint8Array, opts: ReadOptions = {}): Promise<RawSheet> {
  const zip = await ZipArchive.open(bytes, { maxInflatedBytes: opts.maxInflatedBytes ?? DEFAULT_MAX_INFLATED_BYTES });
  try {
    return await readWorkbook(zip, opts);
  } finally {
    zip.close();
  }
}

async function readWorkbook(zip: ZipArchive, opts: ReadOptions): Promise<RawSheet> {
  const workbookPath = await officeDocumentPath(zip);
  if (!workbookPath) {
    if (zip.has('xl/workbook.bin')) throw notWorkbook('不支持 .xlsb 格式，请另存为 .xlsx 后重新上传', 'xlsb');
    if (zip.has('content.xml') && zip.has('mimetype')) throw notWorkbook('这是 OpenDocument（.ods）表格，请另存为 .xlsx 后重新上传', 'ods');
    if (zip.has('word/document.xml')) throw notWorkbook('这是 Word 文档，不是 Excel 表格：请上传 .xlsx 格式的台账', 'docx');
    throw new UnreadableFileError('文件不是有效的 .xlsx（已损坏或扩展名有误）：请在 Excel 中打开确认后另存为 .xlsx 重新上传', 'corrupt', `no workbook part in ${zip.names().slice(0, 20).join(', ')}`);
  }
  const wb = parseWorkbook(await zip.text(workbookPath));
  const rels = await readRels(zip, workbookPath);
  const partOf = (type: string, fallback: string) => {
    const r = [...rels.values()].find((x) => x.type.endsWith(`/${type}`));
    const p = r ? r.target : fallback;
    return zip.has(p) ? p : null;
  };
  const stylesPath = partOf('styles', 'xl/styles.xml');
  const dateStyles = stylesPath ? parseStyles(await zip.text(stylesPath)) : new Set<number>();
  const stringsPath = partOf('sharedStrings', 'xl/sharedStrings.xml');
  const strings = stringsPath ? await readSharedStrings(zip, stringsPath) : [];

  const sheets = wb.sheets
    .map((s) => ({ ...s, part: rels.get(s.rid)?.target ?? null }))
    .filter((s): s is typeof s & { part: string } => !!s.part && zip.has(s.part) && rels.get(s.rid)!.type.endsWith('/worksheet'));
  if (sheets.length === 0) throw new UnreadableFileError('Excel 文件中没有工作表：请在 Excel 中确认台账所在的工作表后重新保存上传', 'empty', workbookPath);
  const visible = sheets.filter((s) => s.state === 'visible');
  const candidates = visible.length ? visible : sheets;

  const ctx: SheetContext = { strings, dateStyles, date1904: wb.date1904, maxRows: opts.maxRows ?? DEFAULT_MAX_ROWS };
  let firstWithData: RawSheet | null = null;
  for (const s of candidates) {
    const sheet = await readWorksheet(zip, s.part, s.name, ctx, opts.pickSheet);
    if (sheet.accepted) return sheet.sheet;
    if (!firstWithData && sheet.sheet.rows.length) firstWithData = sheet.sheet;
  }
  return firstWithData ?? { name: candidates[0].name, rows: [], merges: [] };
}

// ---- package structure: relationships, workbook, styles ----------------------------------------

interface Rel {
  target: string;
  type: string;
}

/** Collects the attributes of every `name` element of a small part. */
function collect(xml: string, part: string, names: string[]): { name: string; attrs: Record<string, string> }[] {
  const out: { name: string; attrs: Record<string, string> }[] = [];
  const scanner = new XmlScanner(
    {
      wantText: false,
      open(name, attrs) {
        if (names.includes(name)) out.push({ name, attrs: parseAttrs(attrs) });
      },
      close() {},
      text() {},
    },
    part,
  );
  scanner.feed(xml);
  scanner.end();
  return out;
}

function resolvePart(baseDir: string, target: string): string {
  const t = target.replace(/\\/g, '/');
  return (t.startsWith('/') ? path.posix.normalize(t.slice(1)) : path.posix.normalize(path.posix.join(baseDir, t))).replace(/^\.\//, '');
}

async function readRels(zip: ZipArchive, partPath: string): Promise<Map<string, Rel>> {
  const dir = path.posix.dirname(partPath);
  const relsPath = path.posix.join(dir, '_rels', `${path.posix.basename(partPath)}.rels`);
  const rels = new Map<string, Rel>();
  if (!zip.has(relsPath)) return rels;
  for (const { attrs } of collect(await zip.text(relsPath), relsPath, ['Relationship'])) {
    if (!attrs.Id || !attrs.Target || attrs.TargetMode === 'External') continue;
    rels.set(attrs.Id, { target: resolvePart(dir === '.' ? '' : dir, attrs.Target), type: attrs.Type ?? '' });
  }
  return rels;
}

async function officeDocumentPath(zip: ZipArchive): Promise<string | null> {
  if (zip.has('_rels/.rels')) {
    const rels = await readRels(zip, '');
    const doc = [...rels.values()].find((r) => r.type.endsWith('/officeDocument'));
    if (doc && zip.has(doc.target) && /\.xml$/i.test(doc.target)) return doc.target;
  }
  return zip.has('xl/workbook.xml') ? 'xl/workbook.xml' : null;
}

function parseWorkbook(xml: string): { sheets: { name: string; rid: string; state: string }[]; date1904: boolean } {
  const els = collect(xml, 'workbook', ['sheet', 'workbookPr']);
  const pr = els.find((e) => e.name === 'workbookPr');
  const d1904 = pr?.attrs.date1904;
  return {
    date1904: d1904 === '1' || d1904 === 'true',
    sheets: els
      .filter((e) => e.name === 'sheet')
      .map((e) => ({ name: e.attrs.name ?? '', rid: e.attrs.id ?? '', state: e.attrs.state ?? 'visible' })),
  };
}

/** Built-in number formats that show dates (incl. the CJK ones Excel and WPS use in China). */
const BUILTIN_DATE_FORMATS = new Set([14, 15, 16, 17, 22, 27, 28, 29, 30, 31, 34, 35, 36, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

/** Whether a custom format code shows a date: y/m/d outside quotes, escapes and [brackets]. */
export function isDateFormat(code: string): boolean {
  const bare = code
    .split(';')[0]
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/[_*]./g, '')
    .replace(/\[[^\]]*\]/g, '');
  return /[yd]/i.test(bare) || (/m/i.test(bare) && !/[hs]/i.test(bare));
}

/** Style index → whether cells with it hold dates. */
function parseStyles(xml: string): Set<number> {
  const custom = new Map<number, string>();
  const xfs: number[] = [];
  let inCellXfs = false;
  const scanner = new XmlScanner(
    {
      wantText: false,
      open(name, raw, selfClosing) {
        if (name === 'numFmt') {
          const a = parseAttrs(raw);
          custom.set(Number(a.numFmtId), a.formatCode ?? '');
        } else if (name === 'cellXfs') inCellXfs = !selfClosing;
        else if (name === 'xf' && inCellXfs) xfs.push(Number(attr(raw, 'numFmtId') ?? 0));
      },
      close(name) {
        if (name === 'cellXfs') inCellXfs = false;
      },
      text() {},
    },
    'styles',
  );
  scanner.feed(xml);
  scanner.end();
  const dates = new Set<number>();
  xfs.forEach((id, i) => {
    const code = custom.get(id);
    if (code !== undefined ? isDateFormat(code) : BUILTIN_DATE_FORMATS.has(id)) dates.add(i);
  });
  return dates;
}

// ---- shared strings ------------------------------------------------------------------------------

/** Text of `<t>` elements, except phonetic runs (`<rPh>`), with entities and _xHHHH_ decoded. */
class TextCollector {
  wantText = false;
  private inPhonetic = 0;
  private buf = '';
  private parts: string[] = [];

  start(): void {
    this.parts = [];
  }
  openT(): void {
    if (this.inPhonetic === 0) {
      this.wantText = true;
      this.buf = '';
    }
  }
  closeT(): void {
    if (this.wantText) {
      this.parts.push(this.buf);
      this.wantText = false;
    }
  }
  phonetic(delta: number): void {
    this.inPhonetic += delta;
  }
  text(raw: string): void {
    this.buf += raw;
  }
  value(): string {
    const s = this.parts.length === 1 ? this.parts[0] : this.parts.join('');
    return decodeOoxmlEscapes(decodeEntities(s));
  }
}

async function readSharedStrings(zip: ZipArchive, part: string): Promise<string[]> {
  const strings: string[] = [];
  const t = new TextCollector();
  const handler: XmlHandler = {
    get wantText() {
      return t.wantText;
    },
    open(name, _attrs, selfClosing) {
      if (name === 'si') {
        t.start();
        if (selfClosing) strings.push('');
      } else if (name === 't' && !selfClosing) t.openT();
      else if (name === 'rPh' && !selfClosing) t.phonetic(1);
    },
    close(name) {
      if (name === 't') t.closeT();
      else if (name === 'rPh') t.phonetic(-1);
      else if (name === 'si') strings.push(t.value());
    },
    text(raw) {
      t.text(raw);
    },
  };
  await streamXml(zip, part, handler);
  return strings;
}

async function streamXml(zip: ZipArchive, part: string, handler: XmlHandler, keepGoing: () => boolean = () => true): Promise<void> {
  const scanner = new XmlScanner(handler, part);
  let decoder: TextDecoder | null = null;
  let stopped = false;
  await zip.stream(part, (chunk) => {
    decoder ??= xmlDecoder(chunk);
    scanner.feed(decoder.decode(chunk, { stream: true }));
    if (!keepGoing()) {
      stopped = true;
      return false;
    }
  });
  if (!stopped) {
    if (decoder) scanner.feed((decoder as TextDecoder).decode());
    scanner.end();
  }
}

// ---- worksheets ----------------------------------------------------------------------------------

interface SheetContext {
  strings: string[];
  dateStyles: Set<number>;
  date1904: boolean;
  maxRows: number;
}

/** "AB12" → 27 (0-based column); -1 when the reference has no column letters. */
export function columnIndex(ref: string): number {
  let col = 0;
  let i = 0;
  for (; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c >= 65 && c <= 90) col = col * 26 + (c - 64);
    else if (c >= 97 && c <= 122) col = col * 26 + (c - 96);
    else break;
  }
  return i === 0 ? -1 : col - 1;
}

function rowOfRef(ref: string): number {
  const m = /\d+$/.exec(ref);
  return m ? Number(m[0]) : NaN;
}

export function parseRange(ref: string): CellRange | null {
  const [a, b = a] = ref.split(':');
  const top = rowOfRef(a);
  const bottom = rowOfRef(b);
  const left = columnIndex(a);
  const right = columnIndex(b);
  if (!(top >= 1 && bottom >= top && left >= 0 && right >= left)) return null;
  return { top, bottom, left, right };
}

/**
 * A date-formatted number as Excel shows it: serial → the Date at UTC midnight + time (days since
 * 1899-12-30, or since 1904-01-01). In the 1900 system Excel keeps Lotus's leap-year bug: serial 60
 * is 1900-02-29, a day that never was, and the serials below it count from 1900-01-01 = 1 (so
 * 1899-12-31 is shown for 0 as "1900-01-00"). Those are returned as the text Excel shows, and 1–59
 * one day later than the epoch alone gives, so nothing is read as a date other than the one shown.
 * A negative serial is shown as ##### by Excel: it stays a number.
 */
export function serialToDate(serial: number, date1904: boolean): Date | string | number {
  if (serial < 0) return serial;
  if (!date1904 && serial < 61) {
    const day = Math.floor(serial);
    if (day === 0) return '1900-01-00';
    if (day === 60) return '1900-02-29';
    if (day < 60) serial += 1;
  }
  const days = serial + (date1904 ? 1462 : 0);
  return new Date(Math.round((days - 25569) * 86400_000));
}

/** An ISO date-time of a `t="d"` cell, refused (kept as its text) when its date does not exist. */
function isoCellDate(v: string): Date | string {
  const d = new Date(v.length === 10 ? `${v}T00:00:00Z` : /[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`);
  if (isNaN(d.getTime())) return v;
  // Date() rolls 2026-02-30 over to 2026-03-02: the written day must be the day read.
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(v);
  if (m && (+m[2] < 1 || +m[2] > 12 || +m[3] < 1 || +m[3] > new Date(Date.UTC(+m[1], +m[2], 0)).getUTCDate())) return v;
  return d;
}

class SheetHandler implements XmlHandler {
  wantText = false;
  readonly rows: RawRow[] = [];
  readonly merges: CellRange[] = [];
  private readonly t = new TextCollector();
  private rowNumber = 0;
  private cells: Cell[] | null = null;
  private col = -1;
  private cellType: string | null = null;
  private cellStyle = -1;
  private inCell = false;
  private inInline = false;
  private inValue = false;
  private valueText: string | null = null;
  private inlineText: string | null = null;
  private readonly rowCap: number;

  constructor(private readonly ctx: SheetContext) {
    this.rowCap = ctx.maxRows + ROW_MARGIN;
  }

  open(name: string, raw: string, selfClosing: boolean): void {
    switch (name) {
      case 'c': {
        const ref = attr(raw, 'r');
        const col = ref ? columnIndex(ref) : -1;
        this.col = col >= 0 ? col : this.col + 1;
        if (selfClosing) return;
        this.inCell = true;
        this.cellType = attr(raw, 't');
        const s = attr(raw, 's');
        this.cellStyle = s === null ? -1 : Number(s);
        this.valueText = null;
        this.inlineText = null;
        return;
      }
      case 'v':
        if (this.inCell && !selfClosing) {
          this.inValue = true;
          this.wantText = true;
          this.valueText = '';
        }
        return;
      case 'is':
        if (this.inCell && !selfClosing) {
          this.inInline = true;
          this.t.start();
        }
        return;
      case 't':
        if (this.inInline && !selfClosing) {
          this.t.openT();
          this.wantText = this.t.wantText;
        }
        return;
      case 'rPh':
        if (this.inInline && !selfClosing) this.t.phonetic(1);
        return;
      case 'row': {
        const r = attr(raw, 'r');
        const n = r === null ? NaN : Number(r);
        this.rowNumber = Number.isInteger(n) && n > this.rowNumber ? n : this.rowNumber + 1;
        this.col = -1;
        this.cells = selfClosing ? null : [];
        return;
      }
      case 'mergeCell': {
        const ref = attr(raw, 'ref');
        const range = ref ? parseRange(ref) : null;
        if (range && this.merges.length < MAX_MERGES) this.merges.push(range);
        return;
      }
    }
  }

  text(raw: string): void {
    if (this.inValue) this.valueText += raw;
    else this.t.text(raw);
  }

  close(name: string): void {
    switch (name) {
      case 'v':
        this.inValue = false;
        this.wantText = false;
        return;
      case 't':
        if (this.inInline) {
          this.t.closeT();
          this.wantText = false;
        }
        return;
      case 'rPh':
        if (this.inInline) this.t.phonetic(-1);
        return;
      case 'is':
        if (this.inInline) {
          this.inlineText = this.t.value();
          this.inInline = false;
        }
        return;
      case 'c': {
        this.inCell = false;
        const v = this.cellValue();
        if (v !== null && this.cells && this.col < MAX_COLUMNS) this.cells[this.col] = v;
        return;
      }
      case 'row': {
        const cells = this.cells;
        this.cells = null;
        if (!cells || cells.length === 0) return;
        for (let i = 0; i < cells.length; i++) if (cells[i] === undefined) cells[i] = null;
        this.rows.push({ number: this.rowNumber, cells });
        if (this.rows.length > this.rowCap) throw tooManyRows(this.ctx.maxRows, `more than ${this.rowCap} rows with data`);
        return;
      }
    }
  }

  private cellValue(): Cell {
    const type = this.cellType;
    if (type === 'inlineStr') return this.inlineText ?? (this.valueText === null ? null : decodeOoxmlEscapes(decodeEntities(this.valueText)));
    const v = this.valueText;
    if (v === null || v === '') return null;
    switch (type) {
      case 's': {
        const s = this.ctx.strings[Number(v)];
        if (s === undefined) {
          throw new UnreadableFileError('Excel 文件已损坏（引用了不存在的文本），无法读取：请在 Excel 中打开确认后另存为 .xlsx 重新上传', 'corrupt', `shared string ${v} of ${this.ctx.strings.length}`);
        }
        return s;
      }
      case 'str':
        return decodeOoxmlEscapes(decodeEntities(v));
      case 'b':
        return v === '1' || v === 'true';
      case 'e':
        return decodeEntities(v);
      case 'd':
        return isoCellDate(v);
      default: {
        const n = Number(v);
        if (!Number.isFinite(n)) return decodeEntities(v);
        return this.cellStyle >= 0 && this.ctx.dateStyles.has(this.cellStyle) ? serialToDate(n, this.ctx.date1904) : n;
      }
    }
  }
}

async function readWorksheet(
  zip: ZipArchive,
  part: string,
  name: string,
  ctx: SheetContext,
  pick: ReadOptions['pickSheet'],
): Promise<{ sheet: RawSheet; accepted: boolean }> {
  const h = new SheetHandler(ctx);
  let decided = !pick;
  let accepted = !pick;
  await streamXml(zip, part, h, () => {
    if (!decided && pick && h.rows.length >= pick.rows) {
      decided = true;
      accepted = pick.accept(h.rows.slice(0, pick.rows));
    }
    return decided ? accepted : true;
  });
  if (!decided && pick) accepted = h.rows.length > 0 && pick.accept(h.rows);
  return { sheet: { name, rows: h.rows, merges: h.merges }, accepted };
}
