/** The portal API as the page calls it: the bearer token kept in the browser, Chinese errors. */
import type { UploadView } from '../../core/portal/upload-views';
import type { ReviewView } from '../../core/review/review-view';

export interface Me {
  role: 'unit' | 'city' | 'province';
  unit: { code: string; name: string; cityCode: string; cityName: string } | null;
  /** A city office's token: its city. */
  city?: { code: string; name: string };
  months: { month: string; label: string }[];
  defaultMonth: string;
  maxBytes: number;
  accept: string[];
  expiresAt: string | null;
}

export interface SignedUpload {
  uploadId: string;
  key: string;
  month: string;
  fileName: string;
  maxBytes: number;
  url: string;
  fields: Record<string, string>;
}

export interface UploadList {
  month: string;
  unit: { code: string; name: string };
  uploads: UploadView[];
  /** The city's review of the current upload (none: not reviewed). */
  review?: ReviewView | null;
}

const TOKEN_KEY = 'tb.portal.token';

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const GATEWAY_ERRORS: Record<number, string> = {
  429: '请求过于频繁，请稍后再试',
  500: '服务器内部错误，请稍后重试',
  502: '服务暂时不可用，请稍后重试',
  503: '服务暂时不可用，请稍后重试',
  504: '服务响应超时，请稍后重试',
};

export function token(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const t = token();
  if (t) headers.authorization = `Bearer ${t}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  } catch {
    throw new ApiFailure(0, 'network', '网络连接失败，请检查网络后重试');
  }
  const data = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  if (!res.ok) {
    // API Gateway's own answers (throttling, timeouts) carry no Chinese message.
    const fallback = GATEWAY_ERRORS[res.status] ?? `请求失败（${res.status}），请稍后重试`;
    const message = data?.error?.message ?? fallback;
    if (res.status === 401) unauthorized(message);
    throw new ApiFailure(res.status, data?.error?.code ?? 'error', message);
  }
  return data as T;
}

/** What the page does when the server refuses the token (set once by app.ts). */
let unauthorized: (message: string) => void = () => {};

export function onUnauthorized(handler: (message: string) => void): void {
  unauthorized = handler;
}

export function saveToken(value: string): void {
  try {
    localStorage.setItem(TOKEN_KEY, value);
  } catch {
    /* private mode: the token lasts for this page only */
  }
}

export function forgetToken(): void {
  try {
    localStorage.removeItem(TOKEN_KEY);
  } catch {
    /* ignore */
  }
}
