import type { Actor } from '../month/month-state';

/**
 * The audit trail (issue 12): one append-only record per action, never updated or deleted.
 * Who (a token id, never the secret), what, when, and the checksum of the object acted on
 * (the uploaded file's SHA-256, the published rates.json's). Stored in the single table under
 * `AUDIT#{month}` (or `AUDIT#global` for tokens and config), sorted by time.
 */
export type AuditAction =
  | 'upload' // a file arrived in the raw bucket (ingest saw it)
  | 'receipt' // ingest's verdict on it: accepted / rejected / correction
  | 'review-approve'
  | 'review-return'
  | 'review-unrecognize' // 不予认定 of single projects
  | 'reminder' // a 催报 mail run
  | 'lock'
  | 'publish'
  | 'republish'
  | 'token-issue'
  | 'token-revoke'
  | 'config';

export interface AuditEntry {
  /** The month acted on; null for tokens and config. */
  month: string | null;
  /** ISO instant. */
  at: string;
  actor: Actor;
  action: AuditAction;
  unitCode?: string | null;
  uploadId?: string | null;
  /** Version of the month a publish/republish made. */
  version?: number;
  /** SHA-256 (hex) of the object acted on. */
  checksum?: string | null;
  /** A short human text (Chinese), e.g. the reason of a return. At most 500 characters. */
  detail?: string | null;
  /** Orders records of the same instant (an upload before its receipt). Default 0. */
  seq?: number;
}

export const AUDIT_LABEL: Record<AuditAction, string> = {
  upload: '上传',
  receipt: '回执',
  'review-approve': '审核通过',
  'review-return': '退回',
  'review-unrecognize': '不予认定',
  reminder: '催报',
  lock: '锁定',
  publish: '发布',
  republish: '更正发布',
  'token-issue': '发放令牌',
  'token-revoke': '停用令牌',
  config: '配置变更',
};

/** Who acted, as `tb audit` and the portal name it. */
export const ACTOR_KIND_LABEL: Record<Actor['kind'], string> = {
  token: '令牌',
  operator: '操作员',
  schedule: '定时任务',
  pipeline: '流水线',
};

export const AUDIT_DETAIL_MAX = 500;
