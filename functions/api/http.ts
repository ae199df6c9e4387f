/**
 * The API Gateway HTTP API (payload format 2.0) request and response, as far as the portal uses
 * them, plus response helpers. Every error the client sees is JSON with a Chinese message:
 *   { "error": { "code": "token-expired", "message": "该令牌已于 2026-12-01 过期，…" } }
 */
export interface HttpApiEvent {
  version?: string;
  routeKey?: string;
  rawPath: string;
  rawQueryString?: string;
  headers?: Record<string, string | undefined>;
  queryStringParameters?: Record<string, string | undefined>;
  requestContext: {
    domainName?: string;
    requestId?: string;
    http: { method: string; path?: string; sourceIp?: string };
  };
  body?: string;
  isBase64Encoded?: boolean;
}

export interface HttpApiResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded?: boolean;
}

/** Headers on every response. */
const BASE_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export function json(statusCode: number, value: unknown, headers: Record<string, string> = {}): HttpApiResult {
  return {
    statusCode,
    headers: { ...BASE_HEADERS, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(value),
  };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function errorResult(e: ApiError): HttpApiResult {
  return json(e.status, { error: { code: e.code, message: e.message } }, e.headers);
}

export function binary(statusCode: number, body: Uint8Array, headers: Record<string, string>): HttpApiResult {
  return { statusCode, headers: { ...BASE_HEADERS, ...headers }, body: Buffer.from(body).toString('base64'), isBase64Encoded: true };
}

export function text(statusCode: number, body: string | Buffer, headers: Record<string, string>): HttpApiResult {
  return typeof body === 'string'
    ? { statusCode, headers: { ...BASE_HEADERS, ...headers }, body }
    : { statusCode, headers: { ...BASE_HEADERS, ...headers }, body: body.toString('base64'), isBase64Encoded: true };
}

export function header(event: HttpApiEvent, name: string): string | undefined {
  const h = event.headers ?? {};
  const v = h[name.toLowerCase()];
  if (v !== undefined) return v;
  const key = Object.keys(h).find((k) => k.toLowerCase() === name.toLowerCase());
  return key ? h[key] : undefined;
}

/** A small JSON body (API Gateway may base64-encode it). */
export function jsonBody(event: HttpApiEvent, maxBytes = 8 * 1024): Record<string, unknown> {
  if (!event.body) throw new ApiError(400, 'bad-request', '请求内容为空');
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(raw) > maxBytes) throw new ApiError(413, 'bad-request', '请求内容过大');
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new ApiError(400, 'bad-request', '请求内容不是有效的 JSON');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new ApiError(400, 'bad-request', '请求内容格式有误');
  return value as Record<string, unknown>;
}

/** RFC 6266 / 5987 attachment header for a (Chinese) file name, with an ASCII fallback. */
export function attachment(fileName: string, fallback: string): string {
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
