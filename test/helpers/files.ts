import * as zlibNs from 'node:zlib';
import { crc32, deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';

export type Table = (string | number | Date | null)[][];

export const CANONICAL_HEADER = ['项目代码', '项目名称', '批次', '期次', '项目状态', '总投资', '年度计划投资', '本年累计完成投资', '本月完成投资'];

/** A valid ledger row in canonical column order; override by index. */
export function ledgerRow(unit: string, n: number, over: Partial<Record<number, string | number | null>> = {}): (string | number | null)[] {
  const row: (string | number | null)[] = [
    `2604-${unit}-04-01-${String(n).padStart(6, '0')}`,
    `测试项目${n}号`,
    n % 3 === 0 ? '投产' : n % 3 === 1 ? '签约' : '开工',
    (n % 5) + 1,
    n % 3 === 0 ? '已达效' : n % 3 === 1 ? '已落地' : '已开工',
    10000 + n,
    1000 + n,
    800 + n,
    80,
  ];
  for (const [i, v] of Object.entries(over)) row[Number(i)] = v ?? null;
  return row;
}

export function ledgerTable(unit: string, count: number): Table {
  return [CANONICAL_HEADER, ...Array.from({ length: count }, (_, i) => ledgerRow(unit, i + 1))];
}

export async function xlsx(table: Table): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('台账');
  table.forEach((r) => ws.addRow(r));
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

function csvText(table: Table): string {
  const esc = (v: unknown) => {
    const s = v === null || v === undefined ? '' : v instanceof Date ? v.toISOString().slice(0, 10) : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return table.map((r) => r.map(esc).join(',')).join('\r\n') + '\r\n';
}

export function csvUtf8(table: Table, bom = false): Uint8Array {
  return new TextEncoder().encode((bom ? '\uFEFF' : '') + csvText(table));
}

export function csvGb18030(table: Table): Uint8Array {
  return new Uint8Array(iconv.encode(csvText(table), 'gb18030'));
}

// ---- county forms as clerks fill them ---------------------------------------------------------------

export interface FormOptions {
  unit: string;
  unitName?: string;
  month: string;
  projects: number;
  /** Money unit stated in the "单位：" row (default 万元). */
  moneyUnit?: '万元' | '亿元';
  /** The 合计 row: equal to the sums (default), deliberately off, or absent. */
  totalRow?: 'correct' | 'wrong' | 'none';
  /** Override cells of project n (1-based) by column index of FORM_COLUMNS. */
  override?: (n: number) => Partial<Record<number, string | number | Date | null>>;
}

/** The leaf columns of the form (sub-header row), 序号 first. */
export const FORM_COLUMNS = ['序号', '项目代码', '项目名称', '列入批次', '期次', '项目状态', '总投资', '年度计划投资', '1-10月累计', '本月', '签约日期', '开工时间', '投产日期', '形象进度', '存在问题', '分包领导', '备注'];

export interface Form {
  table: Table;
  /** Merged areas as Excel ranges. */
  merges: string[];
  /** Row number (1-based) of the first project and of the 合计 row. */
  firstDataRow: number;
  totalRow: number | null;
}

const BATCH_WORDS = ['签约一批', '开工', '投产一批', '签约', '开工一批', '投产'];
const STATUS_FOR: Record<string, string[]> = { 签约: ['已签约', '注册', '供地', '在建'], 开工: ['开工', '在建', '已开工'], 投产: ['投产', '达产', '已达效'] };
const PHASE_FORMS = (p: number): (string | number)[] => [p, `第${p}期`, ['', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二', '十三', '十四'][p] ?? p];

/** One project row of the form, deterministic in n. Money in the form's unit. */
export function formProject(unit: string, n: number, scale = 1): (string | number | Date | null)[] {
  const batchWord = BATCH_WORDS[n % BATCH_WORDS.length];
  const batch = batchWord.slice(0, 2);
  const phase = 10 + (n % 5);
  const total = (5000 + ((n * 7919) % 90000)) / scale;
  const plan = Math.round(total * 0.3 * 100) / 100;
  const ytd = Math.round(plan * ((n % 10) / 10) * 100) / 100;
  return [
    n,
    `2604-${unit}-04-01-${String(n).padStart(6, '0')}`,
    `${['智能装备', '冷链物流', '新材料', '食品加工', '电子信息'][n % 5]}产业项目${n}号`,
    batchWord,
    PHASE_FORMS(phase)[n % 3],
    STATUS_FOR[batch][n % STATUS_FOR[batch].length],
    n % 7 === 0 ? total.toLocaleString('en-US') : total,
    plan,
    ytd,
    n % 4 === 0 ? '—' : Math.round((ytd / 10) * 100) / 100,
    new Date(Date.UTC(2025, n % 12, 1 + (n % 28))),
    n % 3 === 0 ? '2026年3月' : n % 3 === 1 ? '2026.04.08' : null,
    null,
    ['前期手续', '主体施工', '设备安装', '试生产'][n % 4],
    n % 11 === 0 ? '用地指标待落实' : null,
    ['王建国', '李明', '赵刚'][n % 3],
    null,
  ];
}

/**
 * A county's monthly form: title, 填报单位/单位 row, two-row header with merged groups
 * (计划投资 over 总投资/年度计划投资, 完成投资 over 1-10月累计/本月, 时间节点 over the dates),
 * 序号, the projects, a 合计 row, notes and the signature line.
 */
export function countyForm(o: FormOptions): Form {
  const scale = o.moneyUnit === '亿元' ? 10_000 : 1;
  const width = FORM_COLUMNS.length;
  const blank = () => new Array<string | number | Date | null>(width).fill(null);
  const [y, m] = o.month.split('-').map(Number);
  const table: Table = [];
  const title = blank();
  title[0] = `${o.unitName ?? o.unit}“三个一批”项目建设进展情况月报表（${y}年${m}月）`;
  const unitRow = blank();
  unitRow[0] = `填报单位：${o.unitName ?? o.unit}发展和改革委员会（盖章）`;
  unitRow[13] = `单位：${o.moneyUnit ?? '万元'}`;
  const top = blank();
  const sub = blank();
  FORM_COLUMNS.forEach((h, i) => {
    if (i >= 6 && i <= 12) sub[i] = h.replace('1-10月', `1-${m}月`);
    else top[i] = h;
  });
  top[6] = '计划投资';
  top[8] = '完成投资';
  top[10] = '时间节点';
  table.push(title, unitRow, top, sub);
  const merges = [`A1:Q1`, `A2:F2`, 'G3:H3', 'I3:J3', 'K3:M3'];
  for (const i of [0, 1, 2, 3, 4, 5, 13, 14, 15, 16]) {
    const col = String.fromCharCode(65 + i);
    merges.push(`${col}3:${col}4`);
  }
  const firstDataRow = table.length + 1;
  const sums = [0, 0, 0, 0];
  for (let n = 1; n <= o.projects; n++) {
    const row = formProject(o.unit, n, scale);
    for (const [k, v] of Object.entries(o.override?.(n) ?? {})) row[Number(k)] = v ?? null;
    for (let k = 0; k < 4; k++) {
      const v = row[6 + k];
      sums[k] += typeof v === 'number' ? v : typeof v === 'string' && /^[\d,.]+$/.test(v) ? Number(v.replace(/,/g, '')) : 0;
    }
    table.push(row);
  }
  let totalRow: number | null = null;
  if ((o.totalRow ?? 'correct') !== 'none') {
    const total = blank();
    total[0] = '合计';
    sums.forEach((s, k) => (total[6 + k] = Math.round(s * 1e6) / 1e6 + (o.totalRow === 'wrong' && k === 0 ? 100 : 0)));
    table.push(total);
    totalRow = table.length;
    merges.push(`A${totalRow}:C${totalRow}`);
  }
  table.push(blank());
  const note = blank();
  note[0] = '注：1. 本表由县（市、区）发改委汇总填报；2. 金额单位见表头。';
  table.push(note);
  merges.push(`A${table.length}:Q${table.length}`);
  const sign = blank();
  sign[0] = '填表人：张三';
  sign[5] = '联系电话：0395-1234567';
  sign[10] = `填报日期：${y}年${m + 1 > 12 ? 1 : m + 1}月3日`;
  table.push(sign);
  return { table, merges, firstDataRow, totalRow };
}

/** The form as Excel would hold it (exceljs): merges, date cells with a date format. */
export async function formXlsx(form: Form, opts: { sheetsBefore?: string[] } = {}): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  for (const name of opts.sheetsBefore ?? []) wb.addWorksheet(name).addRow([`${name}：请按模板填写，金额单位为万元。`]);
  const ws = wb.addWorksheet('台账');
  form.table.forEach((r) => {
    const row = ws.addRow(r);
    r.forEach((v, i) => {
      if (v instanceof Date) row.getCell(i + 1).numFmt = 'yyyy"年"m"月"d"日"';
    });
  });
  for (const m of form.merges) ws.mergeCells(m);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

/** The form saved as CSV by Excel: merged cells keep their text in the first cell only. */
export function formCsv(form: Form, encoding: 'gb18030' | 'utf8' | 'utf8-bom' = 'gb18030'): Uint8Array {
  if (encoding === 'gb18030') return csvGb18030(form.table);
  return csvUtf8(form.table, encoding === 'utf8-bom');
}

// ---- .xlsx written by hand (other programs' XML) --------------------------------------------------


export interface ZipPart {
  name: string;
  data: Uint8Array | string;
  /** Store (0) instead of deflate (8). */
  store?: boolean;
  /** Pre-compressed deflate data and the sizes/CRC to declare (for hostile archives). */
  raw?: { compressed: Uint8Array; uncompressedSize: number; crc: number };
  /** Mark the entry encrypted (general purpose bit 0), as a password-protecting zip tool does. */
  encrypted?: boolean;
  // Archives whose two views of an entry disagree (the central directory, which Excel and this
  // reader use, and the local headers, which a streaming unzipper reads):
  /** The name written in the local header, when it differs from the central directory's. */
  localName?: string;
  /** A local entry that the central directory does not list. */
  localOnly?: boolean;
  /** A central directory record only, pointing at this absolute offset (another entry's bytes). */
  centralAt?: number;
}

/** A minimal ZIP writer: local headers, central directory, end record (no ZIP64). */
export function zip(parts: ZipPart[]): Uint8Array {
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  let listed = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name, 'utf8');
    const localName = Buffer.from(p.localName ?? p.name, 'utf8');
    let compressed: Uint8Array;
    let size: number;
    let crc: number;
    let method: number;
    if (p.raw) {
      ({ compressed } = p.raw);
      size = p.raw.uncompressedSize;
      crc = p.raw.crc;
      method = 8;
    } else {
      const data = typeof p.data === 'string' ? Buffer.from(p.data, 'utf8') : Buffer.from(p.data);
      size = data.length;
      crc = crc32(data);
      method = p.store ? 0 : 8;
      compressed = p.store ? data : deflateRawSync(data);
    }
    const flags = 0x0800 | (p.encrypted ? 1 : 0); // UTF-8 names
    const here = p.centralAt ?? offset;
    if (p.centralAt === undefined) {
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4);
      local.writeUInt16LE(flags, 6);
      local.writeUInt16LE(method, 8);
      local.writeUInt32LE(0, 10);
      local.writeUInt32LE(crc >>> 0, 14);
      local.writeUInt32LE(compressed.length, 18);
      local.writeUInt32LE(size, 22);
      local.writeUInt16LE(localName.length, 26);
      local.writeUInt16LE(0, 28);
      chunks.push(local, localName, Buffer.from(compressed));
      offset += 30 + localName.length + compressed.length;
    }
    if (p.localOnly) continue;
    listed++;
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(flags, 8);
    cd.writeUInt16LE(method, 10);
    cd.writeUInt32LE(0, 12);
    cd.writeUInt32LE(crc >>> 0, 16);
    cd.writeUInt32LE(compressed.length, 20);
    cd.writeUInt32LE(size, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(here, 42);
    central.push(cd, name);
  }
  const cdSize = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(listed, 8);
  end.writeUInt16LE(listed, 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...chunks, ...central, end]));
}

const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

export interface HandXlsx {
  /** Extra parts, e.g. a second sheet or a replaced workbook. */
  extraParts?: ZipPart[];
  /** Encrypt (flag) the sheet entry. */
  encryptSheet?: boolean;
  /** The <sheetData> content (rows) of the ledger sheet, or the whole sheet part when it starts with "<?xml". */
  sheet: string | ZipPart['raw'];
  /** <si> elements of the shared strings part (none: no part). */
  sharedStrings?: string[];
  /** <numFmts> and <cellXfs> content of styles.xml. */
  styles?: { numFmts?: string; cellXfs: string };
  /** Element prefix for SpreadsheetML ("x:" as some writers do). */
  prefix?: string;
  date1904?: boolean;
  mergeCells?: string[];
}

/** An .xlsx whose XML is written by hand, as other programs write it (inline strings, prefixes, …). */
export function handXlsx(o: HandXlsx): Uint8Array {
  return zip(handXlsxParts(o));
}

/** The parts of handXlsx, in archive order, for a test that adds to them (duplicates, hidden entries). */
export function handXlsxParts(o: HandXlsx): ZipPart[] {
  const x = o.prefix ?? '';
  const xmlns = x ? `xmlns:${x.slice(0, -1)}="${NS}"` : `xmlns="${NS}"`;
  const parts: ZipPart[] = [
    {
      name: '[Content_Types].xml',
      data: `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
    },
    {
      name: '_rels/.rels',
      data: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    },
    {
      name: 'xl/workbook.xml',
      data: `<?xml version="1.0" encoding="UTF-8"?><${x}workbook ${xmlns} xmlns:r="${REL_NS}">${o.date1904 ? `<${x}workbookPr date1904="1"/>` : ''}<${x}sheets><${x}sheet name="台账" sheetId="1" r:id="rId1"/></${x}sheets></${x}workbook>`,
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL_NS}/worksheet" Target="/xl/worksheets/sheet1.xml"/>${o.sharedStrings ? `<Relationship Id="rId2" Type="${REL_NS}/sharedStrings" Target="sharedStrings.xml"/>` : ''}${o.styles ? `<Relationship Id="rId3" Type="${REL_NS}/styles" Target="styles.xml"/>` : ''}</Relationships>`,
    },
  ];
  if (o.sharedStrings) {
    parts.push({ name: 'xl/sharedStrings.xml', data: `<?xml version="1.0" encoding="UTF-8"?><${x}sst ${xmlns} count="${o.sharedStrings.length}">${o.sharedStrings.join('')}</${x}sst>` });
  }
  if (o.styles) {
    parts.push({ name: 'xl/styles.xml', data: `<?xml version="1.0" encoding="UTF-8"?><${x}styleSheet ${xmlns}>${o.styles.numFmts ?? ''}<${x}cellStyleXfs count="1"><${x}xf numFmtId="14"/></${x}cellStyleXfs>${o.styles.cellXfs}</${x}styleSheet>` });
  }
  if (typeof o.sheet === 'string') {
    const merges = o.mergeCells?.length ? `<${x}mergeCells>${o.mergeCells.map((r) => `<${x}mergeCell ref="${r}"/>`).join('')}</${x}mergeCells>` : '';
    const xml = o.sheet.startsWith('<?xml') ? o.sheet : `<?xml version="1.0" encoding="UTF-8"?><${x}worksheet ${xmlns}><${x}sheetData>${o.sheet}</${x}sheetData>${merges}</${x}worksheet>`;
    parts.push({ name: 'xl/worksheets/sheet1.xml', data: xml, encrypted: o.encryptSheet });
  } else {
    parts.push({ name: 'xl/worksheets/sheet1.xml', data: '', raw: o.sheet });
  }
  for (const extra of o.extraParts ?? []) {
    const i = parts.findIndex((p) => p.name === extra.name);
    if (i >= 0) parts[i] = extra;
    else parts.push(extra);
  }
  return parts;
}

/**
 * A decompression bomb that looks like a ledger: the sheet starts with a real header and rows,
 * then repeats a row until it inflates to `inflatedBytes`. Built from one deflate block repeated
 * (a full flush makes each copy independent), so making it costs almost nothing.
 * `declare`: the honest inflated size, or a lie (a small size, as a hostile file would).
 */
export function bombXlsx(inflatedBytes: number, declare: 'honest' | 'lie' = 'honest'): Uint8Array {
  const head = `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>项目代码</t></is></c><c r="B1" t="inlineStr"><is><t>项目名称</t></is></c><c r="C1" t="inlineStr"><is><t>批次</t></is></c><c r="D1" t="inlineStr"><is><t>期次</t></is></c></row>`;
  // Empty cells repeated: a row that never ends, the cheapest bloat there is.
  const unit = Buffer.from('<c/>'.repeat(256 * 1024)); // 1 MiB
  const { deflateRawSync: d, constants } = zlibNs;
  const headDeflated = d(Buffer.from(head), { finishFlush: constants.Z_FULL_FLUSH });
  const block = d(unit, { finishFlush: constants.Z_FULL_FLUSH, level: 9 });
  const headBytes = Buffer.byteLength(head);
  const copies = Math.ceil((inflatedBytes - headBytes) / unit.length);
  const final = Buffer.from([0x03, 0x00]); // an empty final block
  const compressed = Buffer.concat([headDeflated, ...new Array(copies).fill(block), final]);
  const size = headBytes + copies * unit.length;
  let crc = crc32(Buffer.from(head));
  for (let i = 0; i < copies; i++) crc = crc32(unit, crc);
  return handXlsx({ sheet: { compressed, uncompressedSize: declare === 'honest' ? size : 4096, crc } });
}

