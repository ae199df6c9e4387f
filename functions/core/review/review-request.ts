import type { MonthState } from '../month/month-state';
import { MONTH_STATUS_LABEL } from '../month/month-state';
import type { Principal } from '../portal/tokens';
import { UPLOAD_ID_RE } from '../portal/upload-request';
import { type Division, division, isReportingUnit, reportingUnitsOf } from '../shared/divisions';
import { isMonth } from '../shared/months';
import { REVIEW_REASON_MAX, type ReviewRecord, type UnrecognizedProject } from './review';

/**
 * A city office's review request (POST /review), checked before anything is stored (pure):
 *
 *   { month, unitCode, uploadId, decision: "approve" | "return", reason?, unrecognized?: [{ projectCode, reason }] }
 *
 * - 退回 needs a reason (the county reads it); 审核通过 may carry one.
 * - 不予认定 projects go with an approval (a returned upload counts in nothing anyway), each with
 *   its reason, each a project of that very upload's ledger, at most REVIEW_UNRECOGNIZED_MAX.
 * - Who: a city token, for its own reporting units (reportingUnitsOf: its counties, or a
 *   self-reporting 济源 / 航空港区 itself); never a unit token, and the province does not review.
 * - What: only the unit's current accepted upload (its CURRENT pointer): a review belongs to one
 *   upload, a re-upload starts unreviewed.
 * - When: only while the month is open (报送中). The lock pins the uploads version 1 is computed
 *   on; a review after it would change numbers the province has already frozen, and the lock's
 *   `review.requiredBeforeLock` check would mean nothing. Corrections after the lock are the
 *   province's business (更正发布).
 *
 * Bounds (a DynamoDB item is at most 400 KB): reason ≤ 500 characters, each project's reason ≤
 * 200, ≤ 100 projects — about 80 KB in UTF-8 at most.
 */
export const REVIEW_UNRECOGNIZED_MAX = 100;
export const REVIEW_PROJECT_REASON_MAX = 200;
const PROJECT_CODE_MAX = 64;
/** The request body's bound (POST /review): far above the largest valid request. */
export const REVIEW_BODY_MAX_BYTES = 128 * 1024;

export type ReviewDecision = 'approved' | 'returned';

export interface ReviewRequest {
  month: string;
  unitCode: string;
  uploadId: string;
  decision: ReviewDecision;
  reason: string | null;
  unrecognized: UnrecognizedProject[];
}

export type ReviewRefusal = { ok: false; status: 400 | 403 | 404 | 409 | 413; code: string; message: string };

const refuse = (status: ReviewRefusal['status'], code: string, message: string): ReviewRefusal => ({ ok: false, status, code, message });

/** Text of a field: trimmed, null when absent or empty; a refusal when not text. */
function textOf(v: unknown): string | null | undefined {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t === '' ? null : t;
}

const chars = (s: string) => [...s].length;

export function parseReviewRequest(body: Record<string, unknown>): { ok: true; request: ReviewRequest } | ReviewRefusal {
  const month = body.month;
  if (typeof month !== 'string' || !isMonth(month)) return refuse(400, 'bad-month', '月份格式应为 YYYY-MM，如 2026-10');
  const unitCode = body.unitCode;
  if (typeof unitCode !== 'string' || !isReportingUnit(unitCode)) return refuse(400, 'bad-unit', '请指定报送单位代码（unitCode），如 411102');
  const uploadId = body.uploadId;
  if (typeof uploadId !== 'string' || !UPLOAD_ID_RE.test(uploadId)) return refuse(400, 'bad-upload', '请指定要审核的上传（uploadId）');
  const decision = body.decision === 'approve' ? 'approved' : body.decision === 'return' ? 'returned' : null;
  if (!decision) return refuse(400, 'bad-decision', '审核结论应为“审核通过”（approve）或“退回”（return）');
  const reason = textOf(body.reason);
  if (reason === undefined) return refuse(400, 'bad-reason', '退回原因应为文字');
  if (decision === 'returned' && !reason) return refuse(400, 'reason-required', '退回时请填写退回原因（县里将看到这段说明）');
  if (reason && chars(reason) > REVIEW_REASON_MAX) return refuse(400, 'reason-too-long', `说明不能超过 ${REVIEW_REASON_MAX} 个字（现为 ${chars(reason)} 个字）`);

  const raw = body.unrecognized ?? [];
  if (!Array.isArray(raw)) return refuse(400, 'bad-unrecognized', '不予认定的项目应为列表');
  if (raw.length > REVIEW_UNRECOGNIZED_MAX) return refuse(413, 'too-many-unrecognized', `一次最多标记 ${REVIEW_UNRECOGNIZED_MAX} 个不予认定项目（现为 ${raw.length} 个）`);
  if (raw.length && decision === 'returned') return refuse(400, 'unrecognized-with-return', '退回的上传不计入任何数据，无需标记不予认定；请在县里重新上传后再审核');
  const unrecognized: UnrecognizedProject[] = [];
  const seen = new Set<string>();
  for (const [i, item] of raw.entries()) {
    const n = i + 1;
    if (!item || typeof item !== 'object' || Array.isArray(item)) return refuse(400, 'bad-unrecognized', `第 ${n} 个不予认定项目格式有误`);
    const code = textOf((item as Record<string, unknown>).projectCode);
    if (!code || chars(code) > PROJECT_CODE_MAX) return refuse(400, 'bad-project', `第 ${n} 个不予认定项目缺少项目代码`);
    const why = textOf((item as Record<string, unknown>).reason);
    if (!why) return refuse(400, 'project-reason-required', `请填写项目 ${code} 不予认定的原因`);
    if (chars(why) > REVIEW_PROJECT_REASON_MAX) return refuse(400, 'reason-too-long', `项目 ${code} 不予认定的原因不能超过 ${REVIEW_PROJECT_REASON_MAX} 个字`);
    if (seen.has(code)) return refuse(400, 'duplicate-project', `项目 ${code} 重复标记`);
    seen.add(code);
    unrecognized.push({ projectCode: code, reason: why });
  }
  return { ok: true, request: { month, unitCode, uploadId, decision, reason, unrecognized } };
}

/** The reporting units a principal reviews: a city token its own; nobody else any. */
export function reviewableUnits(p: Principal): Division[] {
  return p.role === 'city' ? reportingUnitsOf(p.cityCode) : [];
}

export function mayReviewUnit(p: Principal, unitCode: string): boolean {
  return p.role === 'city' && division(unitCode)?.cityCode === p.cityCode && isReportingUnit(unitCode);
}

export interface ReviewContext {
  principal: Principal;
  state: MonthState;
  /** The unit's current accepted upload for the month (its CURRENT pointer); null without one. */
  currentUploadId: string | null;
  /** The project codes on that upload's ledger. */
  projectCodes: ReadonlySet<string>;
}

/** Whether this principal may review this upload now, and its projects are on it. */
export function authorizeReview(req: ReviewRequest, ctx: ReviewContext): { ok: true } | ReviewRefusal {
  const p = ctx.principal;
  if (p.role !== 'city') return refuse(403, 'city-only', '只有市级审核令牌可以审核（令牌由省专班发放：tb tokens issue --city 市代码）');
  if (!mayReviewUnit(p, req.unitCode)) {
    const d = division(req.unitCode);
    return refuse(403, 'other-city', `${d?.name ?? req.unitCode}不属于${p.cityName}，不能审核`);
  }
  if (ctx.state.status !== 'open') {
    return refuse(409, 'month-locked', `${req.month} ${MONTH_STATUS_LABEL[ctx.state.status]}，审核已截止；锁定后的更正由省专班更正发布`);
  }
  const name = division(req.unitCode)!.name;
  if (!ctx.currentUploadId) return refuse(404, 'no-upload', `${name}本月还没有被接收的上传，无可审核`);
  if (ctx.currentUploadId !== req.uploadId) return refuse(409, 'not-current', `该上传已被${name}后来的上传替代，请刷新后审核最新的上传`);
  const missing = req.unrecognized.filter((u) => !ctx.projectCodes.has(u.projectCode)).map((u) => u.projectCode);
  if (missing.length) return refuse(400, 'unknown-project', `以下项目不在${name}本次上传的台账中：${missing.slice(0, 5).join('、')}${missing.length > 5 ? ` 等 ${missing.length} 个` : ''}`);
  return { ok: true };
}

/** The record stored for an authorized request. */
export function reviewRecord(req: ReviewRequest, by: string, at: Date): ReviewRecord {
  return { month: req.month, unitCode: req.unitCode, uploadId: req.uploadId, decision: req.decision, reason: req.reason, unrecognized: req.unrecognized, by, at: at.toISOString() };
}

/** What the county reads (portal and mail): 审核通过 / 已退回 + reason, and the projects not recognised. */
export function reviewSummary(r: Pick<ReviewRecord, 'decision' | 'reason' | 'unrecognized'>): string {
  if (r.decision === 'returned') return `已退回：${r.reason ?? ''}。请修改后重新上传`;
  if (r.decision === 'approved') {
    const n = r.unrecognized.length;
    return `审核通过${n ? `，其中 ${n} 个项目不予认定` : ''}${r.reason ? `。说明：${r.reason}` : ''}`;
  }
  return '待审核';
}
