import type { LedgerRow } from './ledger-row';

/**
 * The ledger's columns (docs/ledger-format.md): one definition feeds header matching,
 * validation, the parser's row values and the blank template form, so they cannot drift apart.
 */
export type FieldType = 'text' | 'code' | 'batch' | 'phase' | 'status' | 'money' | 'date' | 'unitCode';

export type LedgerField = Exclude<keyof LedgerRow, 'unitCode' | 'sourceRow'> | 'unitCode';

export interface ColumnDef {
  field: LedgerField;
  header: string;
  synonyms: string[];
  /** Synonym patterns (after normalization), e.g. "1-10月累计完成投资". */
  patterns?: RegExp[];
  type: FieldType;
  required: boolean;
}

export const COLUMNS: readonly ColumnDef[] = [
  { field: 'projectCode', header: '项目代码', synonyms: ['项目编号', '统一项目代码', '备案代码'], type: 'code', required: true },
  { field: 'projectName', header: '项目名称', synonyms: [], type: 'text', required: true },
  { field: 'batch', header: '批次', synonyms: ['三个一批类别', '列入批次', '类别'], type: 'batch', required: true },
  { field: 'phase', header: '期次', synonyms: ['活动期次', '批次期数'], type: 'phase', required: true },
  { field: 'status', header: '项目状态', synonyms: ['进展状态', '建设状态'], type: 'status', required: true },
  { field: 'totalInvestment', header: '总投资', synonyms: ['计划总投资', '项目总投资'], type: 'money', required: true },
  { field: 'annualPlan', header: '年度计划投资', synonyms: ['本年计划投资', '年计划投资'], type: 'money', required: true },
  {
    field: 'ytdCompleted',
    header: '本年累计完成投资',
    synonyms: ['累计完成投资', '年初至本月累计完成投资'],
    // "1-10月累计完成投资", also written 1—10月, 1~10月, 1至10月.
    patterns: [/^1[-—~～至到](\d{1,2})月(份)?累计完成投资$/],
    type: 'money',
    required: true,
  },
  { field: 'monthCompleted', header: '本月完成投资', synonyms: ['当月完成投资'], type: 'money', required: false },
  { field: 'industry', header: '产业类别', synonyms: ['行业类别', '行业领域', '所属产业'], type: 'text', required: false },
  { field: 'unitCode', header: '行政区划代码', synonyms: ['县区代码'], type: 'unitCode', required: false },
  { field: 'signedDate', header: '签约日期', synonyms: ['签约时间'], type: 'date', required: false },
  { field: 'landedDate', header: '落地日期', synonyms: ['注册日期', '供地日期'], type: 'date', required: false },
  { field: 'startDate', header: '开工日期', synonyms: ['开工时间', '实际开工时间'], type: 'date', required: false },
  { field: 'productionDate', header: '投产日期', synonyms: ['投产时间', '实际投产时间'], type: 'date', required: false },
  { field: 'progress', header: '形象进度', synonyms: ['建设进度'], type: 'text', required: false },
  { field: 'problems', header: '存在问题', synonyms: ['存在的问题', '困难问题'], type: 'text', required: false },
  { field: 'leader', header: '分包领导', synonyms: ['包联领导', '分包县级领导'], type: 'text', required: false },
];

export type MoneyScale = { unit: '万元' | '亿元' | '元'; factor: number };

export const SCALES: Record<MoneyScale['unit'], MoneyScale> = {
  万元: { unit: '万元', factor: 1 },
  亿元: { unit: '亿元', factor: 10_000 },
  元: { unit: '元', factor: 1 / 10_000 },
};

/** Full-width → half-width (NFKC), no whitespace of any kind (incl. line breaks inside a cell). */
export function normalizeLabel(s: string): string {
  return s.normalize('NFKC').replace(/[\s\u3000]+/g, '');
}

/** "（万元）", "[亿元]", "【元】", "(单位:万元)" at the end of a header (after NFKC). */
const SUFFIX_RE = /[(\[【〔（](?:单位[:：]?)?(万元|亿元|元)[)\]】〕）]$/;

/** Splits "总投资（亿元）" into the bare label and its money unit, after normalization. */
export function splitHeader(raw: string): { label: string; unit: MoneyScale['unit'] | null } {
  let label = normalizeLabel(raw);
  const m = SUFFIX_RE.exec(label);
  // NFKC turns （） into (); keep the other bracket styles too.
  const unit = m ? (m[1] as MoneyScale['unit']) : null;
  if (m) label = label.slice(0, m.index);
  // Other bracketed notes, e.g. "项目代码(必填)", do not change the meaning of a header.
  label = label.replace(/[(\[【〔][^)\]】〕]*[)\]】〕]$/, '');
  return { label, unit };
}

export interface HeaderMatch {
  def: ColumnDef;
  /** 0 = canonical header, 1 = listed synonym, 2 = pattern. Lower wins when two columns compete. */
  quality: 0 | 1 | 2;
  /** For "1-N月累计" headers: the N written in the header. */
  statedMonth?: number;
}

const byLabel = new Map<string, HeaderMatch>();
for (const def of COLUMNS) {
  byLabel.set(normalizeLabel(def.header), { def, quality: 0 });
  for (const s of def.synonyms) byLabel.set(normalizeLabel(s), { def, quality: 1 });
  // The field name itself (any case), as machines write it: the columnar copy's column names.
  byLabel.set(def.field.toLowerCase(), { def, quality: 1 });
}

export function matchHeader(label: string): HeaderMatch | null {
  const hit = byLabel.get(label) ?? byLabel.get(label.toLowerCase());
  if (hit) return hit;
  for (const def of COLUMNS) {
    for (const re of def.patterns ?? []) {
      const m = re.exec(label);
      if (m) return { def, quality: 2, statedMonth: Number(m[1]) };
    }
  }
  return null;
}

export const REQUIRED_COLUMNS = COLUMNS.filter((c) => c.required);
