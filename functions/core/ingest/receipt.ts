import { division, unitName } from '../shared/divisions';
import type { Issue } from '../ledger/issues';
import { monthLabel } from '../shared/months';
import { clipText } from '../shared/visible-text';

/** Upload receipt (docs/ledger-format.md): stored in S3 (objectKeys.receipt) and in the table. */
export interface Receipt {
  schemaVersion: 1;
  uploadId: string;
  status: 'accepted' | 'rejected' | 'superseded';
  month: string | null;
  unitCode: string | null;
  unitName: string | null;
  file: {
    bucket: string;
    key: string;
    name: string;
    size: number;
    sha256: string;
    versionId: string | null;
    /** S3 event time: decides which of two uploads of a unit and month is newer. */
    eventTime: string;
    sequencer: string | null;
  };
  processedAt: string;
  counts: { projects: number; errors: number; warnings: number; skippedRows: number };
  /**
   * The first MAX_LISTED issues of each kind, each field clipped (ISSUE_CLIP); counts hold the
   * totals. When more were found, `issuesKey` names the S3 object (raw bucket) with all of them.
   */
  errors: Issue[];
  warnings: Issue[];
  issuesKey: string | null;
  /** The clerk-facing Chinese summary line. */
  summary: string;
  /** For superseded uploads: the upload that is current instead. */
  supersededBy: string | null;
  /**
   * Added field: the upload arrived after the month was locked (core/month/month-state.ts): a
   * correction, stored and receipted, counted only when the province republishes the month.
   */
  correction?: boolean;
}

/**
 * A receipt is one DynamoDB item (at most 400 KB) and is shown whole in the portal: 100 issues of
 * each kind with clipped fields stay under about 120 KB however pathological the file (a header
 * of a megabyte repeated in every error of its column, a library's message quoting the XML).
 */
export const MAX_LISTED = 100;
export const ISSUE_CLIP = { message: 300, column: 60, value: 100 } as const;

export type ReceiptInput = Omit<Receipt, 'schemaVersion' | 'summary' | 'unitName' | 'counts' | 'errors' | 'warnings' | 'supersededBy' | 'issuesKey'> & {
  projects: number;
  skippedRows: number;
  errors: Issue[];
  warnings: Issue[];
  supersededBy?: string | null;
  /** Where the full lists are kept, when either has more than MAX_LISTED issues. */
  issuesKey?: string | null;
};

/** Whether the receipt of these issues lists only some of them (the full lists go to S3). */
export function listsAreCut(errors: Issue[], warnings: Issue[]): boolean {
  return errors.length > MAX_LISTED || warnings.length > MAX_LISTED;
}

const clipped = (i: Issue): Issue => ({
  ...i,
  message: clipText(i.message, ISSUE_CLIP.message),
  column: i.column === null ? null : clipText(i.column, ISSUE_CLIP.column),
  value: i.value === null ? null : clipText(i.value, ISSUE_CLIP.value),
});

function who(unitCode: string | null, month: string | null): string {
  const name = unitCode ? unitName(unitCode) : '';
  return [name, month ? monthLabel(month) : ''].filter(Boolean).join(' ');
}

export function receiptSummary(r: Pick<Receipt, 'status' | 'unitCode' | 'month' | 'counts' | 'errors' | 'correction'>): string {
  const unit = who(r.unitCode, r.month);
  if (r.status === 'accepted') {
    const warn = r.counts.warnings ? `，警告 ${r.counts.warnings} 条` : '';
    const correction = r.correction ? '（更正：该月已锁定，本次上传不改变已发布的数据，将在省专班更正发布时计入）' : '';
    return `已接收：${unit} 共 ${r.counts.projects} 个项目${warn}${correction}`;
  }
  if (r.status === 'superseded') {
    return `已被更新的上传替代：${unit}（本文件共 ${r.counts.projects} 个项目，未采用）`;
  }
  const first = r.errors[0]?.message ?? '文件无法处理';
  const more =
    r.counts.errors > 1 ? `（共 ${r.counts.errors} 处错误，请全部修改后重新上传）` : first.includes('上传') ? '' : '，请修改后重新上传';
  return `未接收：${unit ? unit + ' ' : ''}${first}${more}`;
}

export function buildReceipt(input: ReceiptInput): Receipt {
  const { projects, skippedRows, errors, warnings, supersededBy, issuesKey, ...rest } = input;
  const counts = { projects, errors: errors.length, warnings: warnings.length, skippedRows };
  const base = {
    schemaVersion: 1 as const,
    ...rest,
    unitName: rest.unitCode ? division(rest.unitCode)?.name ?? null : null,
    counts,
    errors: errors.slice(0, MAX_LISTED).map(clipped),
    warnings: warnings.slice(0, MAX_LISTED).map(clipped),
    issuesKey: issuesKey ?? null,
    supersededBy: supersededBy ?? null,
  };
  return { ...base, summary: receiptSummary(base) };
}

/** The same receipt, now superseded by a newer upload of the same unit and month. */
export function supersede(r: Receipt, by: string): Receipt {
  const next = { ...r, status: 'superseded' as const, supersededBy: by };
  return { ...next, summary: receiptSummary(next) };
}

