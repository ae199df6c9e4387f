import { randomBytes } from 'node:crypto';
import type { AuditLog, MonthActions, MonthLedgerStore, MonthStateStore, ReceiptsView, ReviewStore, TokenLookup, UploadBucket, WebAssets } from '../core/ports';
import type { Config } from '../core/shared/config';
import { DEFAULT_CONFIG } from '../core/shared/config';
import { auditView } from '../core/portal/audit-view';
import { historyMonths, historyScope, historyView } from '../core/portal/history-view';
import { type RatesReader, monthPoints } from '../core/bulletin/trend-history';
import { monthActionOf, monthPanel } from '../core/portal/month-panel';
import { REVIEW_BODY_MAX_BYTES, authorizeReview, mayReviewUnit, parseReviewRequest, reviewRecord, reviewableUnits } from '../core/review/review-request';
import { currentReview, reviewRows, reviewUnits, reviewView } from '../core/review/review-view';
import { MONTH_STATUS_LABEL } from '../core/month/month-state';
import type { ReviewNotice } from './review-notice';
import { logEvent } from '../adapters/log';
import { REPORTING_UNITS, division, isReportingUnit } from '../core/shared/divisions';
import type { DeadlineConfig } from '../core/shared/deadline';
import { verifyDownload } from '../core/portal/download-link';
import { isMonth, monthLabel, reportingMonth } from '../core/shared/months';
import { reportingStatus } from '../core/portal/reporting-status';
import { templateFileName, templateWorkbook } from '../formats/template-form';
import { type Principal, bearerToken, checkToken } from '../core/portal/tokens';
import { UPLOAD_EXTENSIONS, type UploadSettings, checkViewMonth, openUploadMonths, planUpload, uploadIdFrom } from '../core/portal/upload-request';

import { uploadViews } from '../core/portal/upload-views';
import { PORTAL_ROUTES } from './routes';
import { ApiError, type HttpApiEvent, type HttpApiResult, attachment, binary, errorResult, header, json, jsonBody, text } from './http';
import { objectKeys } from '../core/shared/storage-keys';

/**
 * The portal API (one Lambda behind API Gateway; `tb serve` runs the same function):
 *
 *   GET  /                 the page (index.html, /app.js, /style.css)
 *   GET  /template.xlsx    the blank ledger form (?month=YYYY-MM&unit=CODE personalise the title)
 *   GET  /me               who the token is, the months it may upload for
 *   POST /uploads          {month, fileName, size} → a presigned POST for the server-chosen key
 *   GET  /uploads?month=   this unit's uploads with their receipts (province: &unit=CODE)
 *   GET  /status?month=    province token: every reporting unit accepted / rejected / missing
 *   GET  /review?month=[&unit=]  city token: its units' current uploads and their reviews (with a
 *                          unit: that upload's rows, to mark 不予认定)
 *   POST /review           city token: {month, unitCode, uploadId, decision, reason, unrecognized}
 *                          → the review stored, audited, the county told (portal and mail)
 *   GET  /month?month=     province token: the month's control panel (state, deadline, per city)
 *   POST /month            province token: {month, action: lock|publish|republish} through the
 *                          MonthActions port (503 when this server has none)
 *   GET  /audit?month=[&unit=]  province token: the month's audit trail (with a unit: the records
 *                          naming it), oldest first (503 when this server has no month store)
 *   GET  /history?year=[&unit=]  the months of the year (报送, the three headline rates, their
 *                          ranks) for the token's units: one rates.json read per month, no ledger
 *                          row (503 when this server has no reports bucket)
 *   GET  /download?key&exp&sig  a bulletin link from a mail (HMAC-signed, no token): 302 to a
 *                          presigned S3 URL made now, with this function's current credentials
 *
 * Tokens come as `Authorization: Bearer …`; a unit token only ever reaches its own unit.
 */
export interface PortalDeps {
  tokens: TokenLookup;
  uploads: UploadBucket;
  repo: ReceiptsView;
  assets: WebAssets;
  settings: UploadSettings;
  /** 报送截止时间 (config `deadline`) for the province view's 按时/逾期; the default when absent. */
  deadline?: DeadlineConfig;
  now: () => Date;
  newUploadId?: () => string;
  /** Bulletin download links (AWS): the signing secret and a short-lived presigner for reports. */
  downloads?: { secret: () => Promise<string>; presign: (key: string) => Promise<string> };
  /** The month's state, the city's reviews and the audit trail (city review, the control panel, GET /audit); none: those routes answer 503. */
  months?: Pick<MonthStateStore, 'getMonthState'> & ReviewStore & AuditLog;
  /** An upload's rows (the reviewer's list for 不予认定, and the check of its codes). */
  ledger?: Pick<MonthLedgerStore, 'readAt'>;
  /** lock / publish / republish as the control panel presses them; none: POST /month answers 503. */
  monthActions?: MonthActions;
  /** Mails the county its review (config `contacts`); none: the portal alone tells it. */
  reviewNotice?: ReviewNotice;
  /** The reports bucket's month documents (rates.json), read for GET /history; none: it answers 503. */
  reports?: { store: RatesReader; bucket: string };
  /** Config `review` (requiredBeforeLock for the panel). */
  review?: Config['review'];
}

/** Months the province view offers (counting back from the reporting month). */
const VIEW_MONTHS = 12;

const ROUTES: Record<string, readonly string[]> = PORTAL_ROUTES;

export function createPortal(deps: PortalDeps) {
  const newUploadId = deps.newUploadId ?? (() => uploadIdFrom(randomBytes(8)));

  async function authenticate(event: HttpApiEvent): Promise<Principal> {
    const token = bearerToken(header(event, 'authorization'));
    const record = token ? await deps.tokens.findByToken(token) : null;
    const check = checkToken(token, record, deps.now());
    if (!check.ok) throw new ApiError(401, check.code, check.message, { 'www-authenticate': 'Bearer' });
    return check.principal;
  }

  function monthParam(event: HttpApiEvent): string {
    const raw = event.queryStringParameters?.month;
    if (raw === undefined || raw === '') return reportingMonth(deps.now());
    const m = checkViewMonth(raw, deps.now());
    if (!m.ok) throw new ApiError(m.status, m.code, m.message);
    return m.month;
  }

  async function page(path: string): Promise<HttpApiResult> {
    const asset = deps.assets.get(path);
    if (!asset) throw new ApiError(404, 'not-found', '未找到该页面');
    const headers: Record<string, string> = { 'content-type': asset.contentType, 'cache-control': 'no-cache' };
    if (path === '/') {
      const origin = await deps.uploads.uploadOrigin();
      headers['content-security-policy'] = [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        `connect-src 'self'${origin ? ` ${origin}` : ''}`,
        "form-action 'none'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
      ].join('; ');
    }
    return text(200, asset.body, headers);
  }

  async function template(event: HttpApiEvent): Promise<HttpApiResult> {
    const q = event.queryStringParameters ?? {};
    const month = q.month || null;
    const unitCode = q.unit || null;
    if (month !== null && !isMonth(month)) throw new ApiError(400, 'bad-month', '月份格式应为 YYYY-MM，如 2026-10');
    if (unitCode !== null && !isReportingUnit(unitCode)) throw new ApiError(400, 'bad-unit', '单位代码不是河南省的报送单位');
    const bytes = await templateWorkbook({ month, unitCode });
    return binary(200, bytes, {
      'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'content-disposition': attachment(templateFileName({ month, unitCode }), 'template.xlsx'),
      'cache-control': 'no-store',
    });
  }

  function me(p: Principal): HttpApiResult {
    const now = deps.now();
    if (p.role === 'unit') {
      const d = division(p.unitCode)!;
      const months = openUploadMonths(now, deps.settings.openMonths);
      return json(200, {
        role: 'unit',
        unit: { code: d.code, name: d.name, cityCode: d.cityCode, cityName: d.cityName },
        months: months.map((m) => ({ month: m, label: monthLabel(m) })),
        defaultMonth: months[0],
        maxBytes: deps.settings.maxBytes,
        accept: UPLOAD_EXTENSIONS.map((e) => `.${e}`),
        expiresAt: p.expiresAt,
      });
    }
    const months = openUploadMonths(now, VIEW_MONTHS);
    if (p.role === 'city') {
      return json(200, {
        role: 'city',
        unit: null,
        city: { code: p.cityCode, name: p.cityName },
        months: months.map((m) => ({ month: m, label: monthLabel(m) })),
        defaultMonth: months[0],
        maxBytes: deps.settings.maxBytes,
        accept: [],
        expiresAt: p.expiresAt,
      });
    }
    return json(200, {
      role: 'province',
      unit: null,
      months: months.map((m) => ({ month: m, label: monthLabel(m) })),
      defaultMonth: months[0],
      maxBytes: deps.settings.maxBytes,
      accept: [],
      expiresAt: p.expiresAt,
    });
  }

  async function createUpload(event: HttpApiEvent, p: Principal): Promise<HttpApiResult> {
    if (p.role !== 'unit') throw new ApiError(403, 'read-only', `${p.role === 'city' ? '市级审核' : '省级'}令牌不能上传文件，请使用报送单位的令牌`);
    const body = jsonBody(event);
    const plan = planUpload({ month: body.month, fileName: body.fileName, size: body.size }, p.unitCode, newUploadId(), deps.now(), deps.settings);
    if (!plan.ok) throw new ApiError(plan.status, plan.code, plan.message);
    const post = await deps.uploads.signPost(plan.key, plan.maxBytes, deps.settings.postExpiresSeconds, plan.metadata);
    logEvent('portal upload signed', { tokenId: p.tokenId, key: plan.key });
    return json(201, {
      uploadId: plan.uploadId,
      key: plan.key,
      month: plan.month,
      unitCode: plan.unitCode,
      fileName: plan.fileName,
      maxBytes: plan.maxBytes,
      expiresAt: plan.expiresAt,
      url: post.url,
      fields: post.fields,
    });
  }

  async function listUploads(event: HttpApiEvent, p: Principal): Promise<HttpApiResult> {
    const month = monthParam(event);
    const asked = event.queryStringParameters?.unit || undefined;
    let unitCode: string;
    if (p.role === 'unit') {
      if (asked !== undefined && asked !== p.unitCode) throw new ApiError(403, 'other-unit', '只能查看本单位的上传记录');
      unitCode = p.unitCode;
    } else {
      if (!asked || !isReportingUnit(asked)) throw new ApiError(400, 'bad-unit', '请指定报送单位代码（unit）');
      // A city office sees its own reporting units only.
      if (p.role === 'city' && !mayReviewUnit(p, asked)) throw new ApiError(403, 'other-city', `该单位不属于${p.cityName}，无权查看`);
      unitCode = asked;
    }
    const [objects, receipts, pointers, reviews] = await Promise.all([
      deps.uploads.list(objectKeys.uploadPrefix(month, unitCode)),
      deps.repo.listReceipts(month, unitCode),
      deps.repo.getPointers(month),
      deps.months ? deps.months.listReviews(month, unitCode) : Promise.resolve([]),
    ]);
    const pointer = pointers.find((x) => x.unitCode === unitCode) ?? null;
    const current = pointer?.uploadId ?? null;
    const d = division(unitCode)!;
    // The city's review of the current upload (审核通过 / 已退回 + reason): what the county is told.
    const review = currentReview(unitCode, pointer, reviews);
    return json(200, { month, unit: { code: d.code, name: d.name }, uploads: uploadViews(objects, receipts, current), review: review ? reviewView(review) : null });
  }

  async function status(event: HttpApiEvent, p: Principal): Promise<HttpApiResult> {
    if (p.role !== 'province') throw new ApiError(403, 'province-only', '该令牌无权查看全省报送情况');
    const month = monthParam(event);
    const [receipts, pointers] = await Promise.all([deps.repo.listReceipts(month), deps.repo.getPointers(month)]);
    return json(200, reportingStatus(month, receipts, pointers, REPORTING_UNITS, deps.deadline));
  }

  function monthStore() {
    if (!deps.months) throw new ApiError(503, 'no-month-store', '本服务未配置月度状态与审核记录，暂不能审核或操作月份，请联系省专班');
    return deps.months;
  }

  async function listReview(event: HttpApiEvent, p: Principal): Promise<HttpApiResult> {
    if (p.role !== 'city') throw new ApiError(403, 'city-only', '只有市级审核令牌可以审核（令牌由省专班发放）');
    const months = monthStore();
    const month = monthParam(event);
    const asked = event.queryStringParameters?.unit || undefined;
    if (asked !== undefined && !mayReviewUnit(p, asked)) throw new ApiError(403, 'other-city', `该单位不属于${p.cityName}，不能审核`);
    const units = reviewableUnits(p);
    const [receipts, pointers, reviews, state] = await Promise.all([
      deps.repo.listReceipts(month),
      deps.repo.getPointers(month),
      months.listReviews(month),
      months.getMonthState(month),
    ]);
    const codes = new Set(units.map((u) => u.code));
    const own = <T extends { unitCode: string | null }>(xs: T[]) => xs.filter((x) => x.unitCode !== null && codes.has(x.unitCode));
    const status = reportingStatus(month, own(receipts), own(pointers), units, deps.deadline);
    const body: Record<string, unknown> = {
      month,
      city: { code: p.cityCode, name: p.cityName },
      state: { status: state.status, label: MONTH_STATUS_LABEL[state.status], version: state.version },
      open: state.status === 'open',
      deadline: status.deadline,
      units: reviewUnits(status, own(pointers), own(reviews)),
    };
    if (asked) {
      const ptr = pointers.find((x) => x.unitCode === asked);
      const receipt = ptr ? receipts.find((r) => r.unitCode === asked && r.uploadId === ptr.uploadId) : undefined;
      const rows = ptr && deps.ledger ? ((await deps.ledger.readAt(month, [ptr])).ledger[asked] ?? []) : [];
      body.unit = { code: asked, name: division(asked)!.name, uploadId: ptr?.uploadId ?? null, fileName: receipt?.file.name ?? null, summary: receipt?.summary ?? null, ...reviewRows(rows) };
    }
    return json(200, body);
  }

  async function postReview(event: HttpApiEvent, p: Principal): Promise<HttpApiResult> {
    if (p.role !== 'city') throw new ApiError(403, 'city-only', '只有市级审核令牌可以审核（令牌由省专班发放）');
    const months = monthStore();
    const parsed = parseReviewRequest(jsonBody(event, REVIEW_BODY_MAX_BYTES));
    if (!parsed.ok) throw new ApiError(parsed.status, parsed.code, parsed.message);
    const req = parsed.request;
    // Who and which unit first: nothing of another city's county is read for this request.
    if (!mayReviewUnit(p, req.unitCode)) throw new ApiError(403, 'other-city', `${division(req.unitCode)?.name ?? req.unitCode}不属于${p.cityName}，不能审核`);
    const [state, pointers] = await Promise.all([months.getMonthState(req.month), deps.repo.getPointers(req.month)]);
    const ptr = pointers.find((x) => x.unitCode === req.unitCode) ?? null;
    const rows = ptr && deps.ledger && ptr.uploadId === req.uploadId ? ((await deps.ledger.readAt(req.month, [ptr])).ledger[req.unitCode] ?? []) : [];
    const ok = authorizeReview(req, { principal: p, state, currentUploadId: ptr?.uploadId ?? null, projectCodes: new Set(rows.map((r) => r.projectCode)) });
    if (!ok.ok) throw new ApiError(ok.status, ok.code, ok.message);
    const now = deps.now();
    const record = reviewRecord(req, p.tokenId, now);
    await months.putReview(record);
    const actor = { kind: 'token' as const, id: p.tokenId };
    const at = now.toISOString();
    const receipt = (await deps.repo.listReceipts(req.month, req.unitCode)).find((r) => r.uploadId === req.uploadId);
    const checksum = receipt?.file.sha256 ?? null;
    await months.append({
      month: req.month, at, actor, action: req.decision === 'returned' ? 'review-return' : 'review-approve',
      unitCode: req.unitCode, uploadId: req.uploadId, checksum, detail: req.reason ?? (req.decision === 'approved' ? '审核通过' : null),
    });
    if (record.unrecognized.length) {
      await months.append({
        month: req.month, at, actor, action: 'review-unrecognize', unitCode: req.unitCode, uploadId: req.uploadId, checksum, seq: 1,
        detail: record.unrecognized.map((u) => `${u.projectCode}：${u.reason}`).join('；'),
      });
    }
    logEvent('review stored', { month: req.month, unit: req.unitCode, uploadId: req.uploadId, decision: req.decision, unrecognized: record.unrecognized.length, tokenId: p.tokenId });
    const mails = deps.reviewNotice
      ? await deps.reviewNotice(record, { fileName: receipt?.file.name ?? null, projectNames: new Map(rows.map((r) => [r.projectCode, r.projectName])) })
      : [];
    return json(200, { review: reviewView(record), mails: mails.map((m) => ({ recipient: m.recipient, status: m.status })) });
  }

  async function panel(event: HttpApiEvent, p: Principal): Promise<HttpApiResult> {
    if (p.role !== 'province') throw new ApiError(403, 'province-only', '只有省级令牌可以查看月度控制面板');
    const months = monthStore();
    const month = monthParam(event);
    const [state, receipts, pointers, reviews] = await Promise.all([months.getMonthState(month), deps.repo.listReceipts(month), deps.repo.getPointers(month), months.listReviews(month)]);
    const status = reportingStatus(month, receipts, pointers, REPORTING_UNITS, deps.deadline);
    return json(200, monthPanel({ state, status, pointers, reviews, requiredBeforeLock: (deps.review ?? DEFAULT_CONFIG.review).requiredBeforeLock, now: deps.now() }));
  }

  async function audit(event: HttpApiEvent, p: Principal): Promise<HttpApiResult> {
    if (p.role !== 'province') throw new ApiError(403, 'province-only', '只有省级令牌可以查看审计记录');
    const unitCode = event.queryStringParameters?.unit || null;
    if (unitCode !== null && !isReportingUnit(unitCode)) throw new ApiError(400, 'bad-unit', '单位代码不是河南省的报送单位');
    const months = monthStore();
    const month = monthParam(event);
    return json(200, auditView(month, await months.listAudit(month), unitCode));
  }

  async function history(event: HttpApiEvent, p: Principal): Promise<HttpApiResult> {
    const q = event.queryStringParameters ?? {};
    // Who and which units first: nothing is read for a refused request.
    const scope = historyScope(p, q.unit || undefined);
    if (!scope.ok) throw new ApiError(scope.status, scope.code, scope.message);
    const months = historyMonths(q.year, deps.now());
    if (!months.ok) throw new ApiError(months.status, months.code, months.message);
    if (!deps.reports) throw new ApiError(503, 'no-reports-store', '本服务未接通月度计算结果（rates.json），暂不能查看本年各月情况，请联系省专班');
    const { store, bucket } = deps.reports;
    // A month computed but unreadable fails the request: shown as 未计算 it would be a wrong answer.
    const points = await monthPoints(store, bucket, months.months, (month, error) => {
      logEvent('history rates unreadable', { month, error }, 'error');
      throw new ApiError(502, 'rates-unreadable', `${monthLabel(month)}的计算结果（rates.json）暂时无法读取，请稍后重试；如持续出现请联系省专班`);
    });
    return json(200, historyView(months.year, months.months, points, scope.units));
  }

  async function monthAction(event: HttpApiEvent, p: Principal): Promise<HttpApiResult> {
    if (p.role !== 'province') throw new ApiError(403, 'province-only', '只有省级令牌可以锁定、发布或更正发布');
    const body = jsonBody(event);
    const action = monthActionOf(body.action);
    if (!action) throw new ApiError(400, 'bad-action', '操作应为 lock（锁定）、publish（发布）或 republish（更正发布）');
    if (typeof body.month !== 'string' || !isMonth(body.month)) throw new ApiError(400, 'bad-month', '月份格式应为 YYYY-MM，如 2026-10');
    const m = checkViewMonth(body.month, deps.now());
    if (!m.ok) throw new ApiError(m.status, m.code, m.message);
    if (!deps.monthActions) throw new ApiError(503, 'no-month-actions', '本服务未接通月度操作（锁定、发布、更正发布），请由运维人员用 tb lock|publish|republish 执行');
    const result = await deps.monthActions.request(m.month, action, { kind: 'token', id: p.tokenId });
    logEvent('month action requested', { month: m.month, action, done: result.done, tokenId: p.tokenId });
    return json(result.accepted ? 202 : 200, { done: result.done, accepted: result.accepted === true, message: result.message, state: { status: result.state.status, label: MONTH_STATUS_LABEL[result.state.status], version: result.state.version } });
  }

  async function download(event: HttpApiEvent): Promise<HttpApiResult> {
    if (!deps.downloads) throw new ApiError(404, 'not-found', '未找到该页面或接口');
    const q = event.queryStringParameters ?? {};
    const check = verifyDownload(await deps.downloads.secret(), q, deps.now());
    if (!check.ok) throw new ApiError(check.status, check.code, check.message);
    return { statusCode: 302, headers: { location: await deps.downloads.presign(check.key), 'cache-control': 'no-store' }, body: '' };
  }

  async function route(event: HttpApiEvent, who: { principal?: Principal }): Promise<HttpApiResult> {
    const method = event.requestContext.http.method.toUpperCase();
    const path = event.rawPath.replace(/\/+$/, '') || '/';
    const allowed = ROUTES[path];
    if (!allowed) throw new ApiError(404, 'not-found', '未找到该页面或接口');
    if (!allowed.includes(method)) throw new ApiError(405, 'method-not-allowed', '不支持该请求方法', { allow: allowed.join(', ') });
    if (path === '/' || path === '/app.js' || path === '/style.css') return page(path);
    if (path === '/template.xlsx') return template(event);
    if (path === '/download') return download(event);
    const principal = (who.principal = await authenticate(event));
    if (path === '/me') return me(principal);
    if (path === '/uploads') return method === 'POST' ? createUpload(event, principal) : listUploads(event, principal);
    if (path === '/review') return method === 'POST' ? postReview(event, principal) : listReview(event, principal);
    if (path === '/month') return method === 'POST' ? monthAction(event, principal) : panel(event, principal);
    if (path === '/audit') return audit(event, principal);
    if (path === '/history') return history(event, principal);
    return status(event, principal);
  }

  return async (event: HttpApiEvent): Promise<HttpApiResult> => {
    const started = Date.now();
    const who: { principal?: Principal } = {};
    let result: HttpApiResult;
    try {
      result = await route(event, who);
    } catch (e) {
      if (e instanceof ApiError) result = errorResult(e);
      else {
        logEvent('portal error', { path: event.rawPath, error: e as Error }, 'error');
        result = errorResult(new ApiError(500, 'internal', '服务器内部错误，请稍后重试；如持续出现请联系省专班'));
      }
    }
    logEvent('portal request', {
      method: event.requestContext.http.method,
      path: event.rawPath,
      status: result.statusCode,
      tokenId: who.principal?.tokenId,
      requestId: event.requestContext.requestId,
      ms: Date.now() - started,
    });
    return result;
  };
}
