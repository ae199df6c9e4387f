/**
 * Turn a unit's projects for a month into a table (header row + data rows) in the unit's own
 * layout, and write it as .xlsx (exceljs) or .csv (UTF-8, with or without BOM, or GB18030).
 */
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { Division } from '../../functions/core/shared/divisions';
import { statusLevel } from '../../functions/core/ledger/ledger-row';
import { isoDay, utcDate, ymd, type Day } from './dates';
import type { MonthView, Project } from './model';
import type { Field, Profile } from './profile';

export type Cell = string | number | Date | null;

export interface Table {
  headers: string[];
  fields: Field[];
  rows: Cell[][];
}

/** Cell edits for the deliberately bad upload: data row index (0-based) → field → raw value. */
export type CellOverrides = Map<number, Partial<Record<Field, string>>>;

function moneyText(tenths: number, profile: Profile): string {
  if (profile.money === '亿元') {
    // whole 万元 → 亿元 with exactly 4 decimals
    const wan = Math.round(tenths / 10);
    return `${Math.floor(wan / 10000)}.${String(wan % 10000).padStart(4, '0')}`;
  }
  const int = Math.floor(tenths / 10);
  const dec = tenths % 10;
  if (profile.moneyText === 'fixed2') return `${int}.${dec}0`;
  return dec === 0 ? String(int) : `${int}.${dec}`;
}

function dateText(d: Day, style: Profile['dateStyle']): string {
  const { y, m, d: dd } = ymd(d);
  switch (style) {
    case 'slash':
      return `${y}/${m}/${dd}`;
    case 'dot':
      return `${y}.${String(m).padStart(2, '0')}.${String(dd).padStart(2, '0')}`;
    case 'cn':
      return `${y}年${m}月${dd}日`;
    default:
      return isoDay(d);
  }
}

function sortProjects<P extends Pick<Project, 'batch' | 'phase'>>(ps: P[], order: Profile['order']): P[] {
  const bRank = { 签约: 0, 开工: 1, 投产: 2 } as const;
  const out = ps.slice();
  out.sort((a, b) => {
    if (order === 'batch-phase') return bRank[a.batch] - bRank[b.batch] || a.phase - b.phase;
    if (order === 'phase-desc') return b.phase - a.phase || bRank[a.batch] - bRank[b.batch];
    return a.phase - b.phase || bRank[a.batch] - bRank[b.batch];
  });
  return out; // stable sort: ties keep generation order
}

export function buildTable(
  unit: Division,
  projects: Project[],
  month: '2026-09' | '2026-10',
  profile: Profile,
  xlsx: boolean,
  overrides?: CellOverrides,
): Table {
  const entries = projects.flatMap((p) => {
    const v = month === '2026-09' ? p.sep : p.oct;
    return v ? [{ p, v }] : [];
  });
  return tableOf(unit, entries, month, profile, xlsx, overrides);
}

/** What a row needs of a project, whatever month model made it (2026-09/10 samples, the history). */
export type RowProject = Pick<Project, 'code' | 'name' | 'industry' | 'batch' | 'phase' | 'leader' | 'total' | 'annualPlan'> & {
  dates: Pick<Project['dates'], 'signed' | 'landed' | 'start' | 'production'>;
};

/** The unit's table for a month ('YYYY-MM') from its projects as they stand that month. */
export function tableOf(
  unit: Division,
  entries: readonly { p: RowProject; v: MonthView }[],
  month: string,
  profile: Profile,
  xlsx: boolean,
  overrides?: CellOverrides,
): Table {
  const monthNo = String(Number(month.slice(5)));
  const fields = profile.columns;
  const headers = fields.map((f) => (profile.headers[f] ?? f).replace('{M}', monthNo));
  const rows: Cell[][] = [];
  const views = new Map(entries.map((e) => [e.p, e.v]));
  const visible = sortProjects(entries.map((e) => e.p), profile.order);
  visible.forEach((p, i) => {
    const v = views.get(p)!;
    const lvl = statusLevel(v.status);
    const money = (tenths: number): Cell => {
      const t = moneyText(tenths, profile);
      return xlsx ? Number(t) : t;
    };
    const date = (d: Day | null, minLevel: number): Cell => {
      if (d === null) return null;
      if (minLevel > 0 && lvl < minLevel) return null; // not reached (or 已终止)
      if (xlsx && profile.dateStyle === 'cell') return utcDate(d);
      return dateText(d, profile.dateStyle === 'cell' ? 'iso' : profile.dateStyle);
    };
    const value = (f: Field): Cell => {
      switch (f) {
        case 'seq':
          return xlsx ? i + 1 : String(i + 1);
        case 'projectCode':
          return p.code;
        case 'projectName':
          return p.name;
        case 'batch':
          return profile.batchStyle === 'long' ? `${p.batch}一批` : p.batch;
        case 'phase':
          return profile.phaseStyle === 'di' ? `第${p.phase}期` : xlsx ? p.phase : String(p.phase);
        case 'status':
          return profile.statusWords[v.status];
        case 'industry':
          return p.industry;
        case 'totalInvestment':
          return money(p.total);
        case 'annualPlan':
          return money(p.annualPlan);
        case 'ytdCompleted':
          return money(v.ytd);
        case 'monthCompleted':
          return money(v.month);
        case 'signedDate':
          return date(p.dates.signed, 0);
        case 'landedDate':
          return date(p.dates.landed, 1);
        case 'startDate':
          return date(p.dates.start, 2);
        case 'productionDate':
          return date(p.dates.production, 3);
        case 'progress':
          return v.progress;
        case 'problems':
          return v.problems ?? (profile.noProblem || null);
        case 'leader':
          return profile.leaderStyle === 'full' ? p.leader : p.leader.replace(/（.*）$/, '');
        case 'unitCode':
          return unit.code;
        case 'remark':
          return p.total >= 1_000_000 ? '省重点项目' : p.total >= 300_000 ? '市重点项目' : null;
      }
    };
    const row = fields.map((f) => {
      const o = overrides?.get(i)?.[f];
      return o !== undefined ? o : value(f);
    });
    rows.push(row);
  });
  return { headers, fields, rows };
}

// ---------------------------------------------------------------------------------------
// CSV

function csvField(c: Cell): string {
  if (c === null) return '';
  const s = c instanceof Date ? isoDay(Math.round(c.getTime() / 86_400_000)) : String(c);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvBytes(t: Table, encoding: 'utf8' | 'utf8-bom' | 'gb18030'): Buffer {
  const lines = [t.headers, ...t.rows].map((r) => r.map(csvField).join(','));
  const text = lines.join('\r\n') + '\r\n';
  if (encoding === 'gb18030') return iconv.encode(text, 'gb18030');
  return Buffer.from((encoding === 'utf8-bom' ? '\uFEFF' : '') + text, 'utf8');
}

// ---------------------------------------------------------------------------------------
// XLSX

const WIDTH: Partial<Record<Field, number>> = {
  seq: 6, projectCode: 26, projectName: 40, batch: 10, phase: 8, status: 10, industry: 12,
  totalInvestment: 14, annualPlan: 14, ytdCompleted: 16, monthCompleted: 14, signedDate: 12, landedDate: 12,
  startDate: 12, productionDate: 12, progress: 30, problems: 24, leader: 22, unitCode: 12, remark: 12,
};

export async function xlsxBytes(
  t: Table,
  profile: Profile,
  month: string,
  props: { created: Date; modified: Date },
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = profile.creator;
  wb.lastModifiedBy = profile.creator;
  wb.created = props.created;
  wb.modified = props.modified;
  const ws = wb.addWorksheet(profile.sheetName.replace('{M}', String(Number(month.slice(5)))));
  const moneyFmt = profile.money === '亿元' ? '0.0000' : profile.moneyText === 'fixed2' ? '0.00' : 'General';
  t.fields.forEach((f, i) => {
    const col = ws.getColumn(i + 1);
    col.width = WIDTH[f] ?? 12;
  });
  const header = ws.addRow(t.headers);
  header.font = { bold: true };
  for (const r of t.rows) {
    const row = ws.addRow(r);
    t.fields.forEach((f, i) => {
      const cell = row.getCell(i + 1);
      if (typeof cell.value === 'number' && /Investment|Plan|Completed/.test(f) && moneyFmt !== 'General') {
        cell.numFmt = moneyFmt;
      } else if (cell.value instanceof Date) {
        cell.numFmt = 'yyyy-mm-dd';
      }
    });
  }
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  const buf = Buffer.from(await wb.xlsx.writeBuffer());
  return normalizeZipTimes(buf, props.modified);
}

/** Set every zip entry's DOS timestamp (local headers and central directory) to a fixed time. */
export function normalizeZipTimes(buf: Buffer, at: Date): Buffer {
  const dosTime = (at.getUTCHours() << 11) | (at.getUTCMinutes() << 5) | Math.floor(at.getUTCSeconds() / 2);
  const dosDate = ((at.getUTCFullYear() - 1980) << 9) | ((at.getUTCMonth() + 1) << 5) | at.getUTCDate();
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip: no end of central directory');
  const entries = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  for (let k = 0; k < entries; k++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory entry');
    buf.writeUInt16LE(dosTime, p + 12);
    buf.writeUInt16LE(dosDate, p + 14);
    const local = buf.readUInt32LE(p + 42);
    if (buf.readUInt32LE(local) !== 0x04034b50) throw new Error('bad local file header');
    buf.writeUInt16LE(dosTime, local + 10);
    buf.writeUInt16LE(dosDate, local + 12);
    p += 46 + buf.readUInt16LE(p + 28) + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
  }
  return buf;
}
