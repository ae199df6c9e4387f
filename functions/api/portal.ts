import { randomBytes } from 'node:crypto';
import type { ReceiptsView, TokenLookup, UploadBucket, WebAssets } from '../core/ports';
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
    if (p.role !== 'unit') throw new ApiError(403, 'read-only', '省级查看令牌不能上传文件，请使用报送单位的令牌');
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
      unitCode = asked;
    }
    const [objects, receipts, pointers] = await Promise.all([
      deps.uploads.list(objectKeys.uploadPrefix(month, unitCode)),
      deps.repo.listReceipts(month, unitCode),
      deps.repo.getPointers(month),
    ]);
    const current = pointers.find((x) => x.unitCode === unitCode)?.uploadId ?? null;
    const d = division(unitCode)!;
    return json(200, { month, unit: { code: d.code, name: d.name }, uploads: uploadViews(objects, receipts, current) });
  }

  async function status(event: HttpApiEvent, p: Principal): Promise<HttpApiResult> {
    if (p.role !== 'province') throw new ApiError(403, 'province-only', '该令牌无权查看全省报送情况');
    const month = monthParam(event);
    const [receipts, pointers] = await Promise.all([deps.repo.listReceipts(month), deps.repo.getPointers(month)]);
    return json(200, reportingStatus(month, receipts, pointers, REPORTING_UNITS, deps.deadline));
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
