import { createHash } from 'node:crypto';
import { CITIES, division, isReportingUnit } from '../shared/divisions';
import { shanghaiDate, shanghaiMidnight } from '../shared/shanghai-time';

/**
 * Portal access tokens (pure: formatting, hashing, checking; the random bytes come from the caller).
 *
 * A token is printed once when issued and stored only as its SHA-256 hash. Three roles:
 *   unit      `tb_u_{unitCode}_{43 base64url chars}`  uploads for its own reporting unit only
 *   city      `tb_c_{cityCode}_{43 base64url chars}`  a city office: reviews (审核) its own
 *                                                      reporting units' uploads, sees no other city's
 *   province  `tb_p_{43 base64url chars}`             every unit; the month's control panel
 * The code in the prefix is for people reading the token; the server never trusts it and takes
 * the unit or city from the stored record found by the hash.
 */
export type TokenRole = 'unit' | 'city' | 'province';

export interface TokenRecord {
  /** Short public id, for listing and revoking (`tb tokens revoke ID`). */
  id: string;
  role: TokenRole;
  /** The reporting unit of a unit token; null for city and province tokens. */
  unitCode: string | null;
  /** The city-level unit of a city token (a code of CITIES); null (or absent) otherwise. */
  cityCode?: string | null;
  /** Free text for operators ("源汇区 张三"). */
  label: string | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

export type Principal =
  | { role: 'unit'; tokenId: string; unitCode: string; unitName: string; expiresAt: string | null }
  | { role: 'city'; tokenId: string; cityCode: string; cityName: string; expiresAt: string | null }
  | { role: 'province'; tokenId: string; expiresAt: string | null };

/** A city-level unit a city token may be issued for (the 17 cities, 济源, 航空港区). */
export function isCityCode(code: string): boolean {
  return CITIES.some((c) => c.code === code);
}

export const TOKEN_SECRET_BYTES = 32;
const SECRET_RE = '[A-Za-z0-9_-]{43}';
const TOKEN_RE = new RegExp(`^tb_(?:[uc]_(\\d{6})|p)_${SECRET_RE}$`);

/** `code`: the reporting unit of a unit token, the city of a city token, null for the province. */
export function formatToken(role: TokenRole, code: string | null, secret: Uint8Array): string {
  if (secret.byteLength !== TOKEN_SECRET_BYTES) throw new Error(`token secret must be ${TOKEN_SECRET_BYTES} bytes`);
  const body = Buffer.from(secret).toString('base64url');
  if (role === 'province') return `tb_p_${body}`;
  if (role === 'city') {
    if (!code || !isCityCode(code)) throw new Error(`不是省辖市（或济源、航空港区）的代码：${code ?? '（空）'}`);
    return `tb_c_${code}_${body}`;
  }
  const unitCode = code;
  if (!unitCode || !isReportingUnit(unitCode)) throw new Error(`不是报送单位代码：${unitCode ?? '（空）'}`);
  return `tb_u_${unitCode}_${body}`;
}

/** `text` with anything shaped like a token secret blanked (a token must never be shown back). */
export function redactTokens(text: string): string {
  return text.replace(new RegExp(`tb_(?:[uc]_\\d{6}|p)_${SECRET_RE}`, 'g'), 'tb_…（已隐去）');
}

/** Cheap shape check before any lookup (also bounds what reaches the hash and the logs). */
export function isWellFormedToken(token: string): boolean {
  return token.length <= 80 && TOKEN_RE.test(token);
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The token of an `Authorization: Bearer …` header; null when absent or of another scheme. */
export function bearerToken(header: string | undefined | null): string | null {
  if (!header) return null;
  const m = /^\s*Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : null;
}

export type TokenCheck =
  | { ok: true; principal: Principal }
  | { ok: false; code: 'token-missing' | 'token-invalid' | 'token-revoked' | 'token-expired'; message: string };

export const TOKEN_MESSAGES = {
  missing: '请先填写令牌（令牌由省“三个一批”专班发放）',
  invalid: '令牌无效：请检查是否完整复制（以 tb_ 开头），或联系省专班重新发放',
  revoked: '该令牌已停用，请联系省专班重新发放',
} as const;

/** The Asia/Shanghai calendar date of an instant given as ISO text. */
function dateText(iso: string): string {
  return shanghaiDate(new Date(iso));
}

/** Decides what a presented token (already looked up by its hash) may do, at `now`. */
export function checkToken(token: string | null, record: TokenRecord | null, now: Date): TokenCheck {
  if (!token) return { ok: false, code: 'token-missing', message: TOKEN_MESSAGES.missing };
  if (!record) return { ok: false, code: 'token-invalid', message: TOKEN_MESSAGES.invalid };
  if (record.revokedAt) return { ok: false, code: 'token-revoked', message: TOKEN_MESSAGES.revoked };
  if (record.expiresAt && Date.parse(record.expiresAt) <= now.getTime()) {
    return { ok: false, code: 'token-expired', message: `该令牌已于 ${dateText(record.expiresAt)} 过期，请联系省专班重新发放` };
  }
  if (record.role === 'province') return { ok: true, principal: { role: 'province', tokenId: record.id, expiresAt: record.expiresAt } };
  if (record.role === 'city') {
    const city = record.cityCode && isCityCode(record.cityCode) ? division(record.cityCode) : undefined;
    if (!city) return { ok: false, code: 'token-invalid', message: TOKEN_MESSAGES.invalid };
    return { ok: true, principal: { role: 'city', tokenId: record.id, cityCode: city.code, cityName: city.name, expiresAt: record.expiresAt } };
  }
  const unit = record.unitCode ? division(record.unitCode) : undefined;
  if (!unit || !isReportingUnit(unit.code)) return { ok: false, code: 'token-invalid', message: TOKEN_MESSAGES.invalid };
  return { ok: true, principal: { role: 'unit', tokenId: record.id, unitCode: unit.code, unitName: unit.name, expiresAt: record.expiresAt } };
}

/**
 * An expiry given on the command line: `90d`, `12h`, `2w`, or a date `2027-01-31` (the end of
 * that day in Asia/Shanghai). Returns the ISO instant.
 */
export function parseExpiry(spec: string, now: Date): string {
  const s = spec.trim();
  const rel = /^(\d{1,4})\s*([hdw])$/i.exec(s);
  if (rel) {
    const n = Number(rel[1]);
    const hours = { h: 1, d: 24, w: 24 * 7 }[rel[2].toLowerCase() as 'h' | 'd' | 'w'];
    if (n <= 0) throw new Error(`有效期必须大于 0：${spec}`);
    return new Date(now.getTime() + n * hours * 3600_000).toISOString();
  }
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (date) {
    const [y, m, d] = date.slice(1).map(Number);
    const endOfDay = shanghaiMidnight(y, m, d + 1).getTime();
    const check = new Date(Date.UTC(y, m - 1, d));
    if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) {
      throw new Error(`日期无效：${spec}`);
    }
    if (endOfDay <= now.getTime()) throw new Error(`有效期已过：${spec}`);
    return new Date(endOfDay).toISOString();
  }
  throw new Error(`有效期格式应为 90d、12h、2w 或 2027-01-31：${spec}`);
}

/** One line per token for `tb tokens list` (operators read it; no secret in it). */
export function describeToken(r: TokenRecord, now: Date): string {
  const who =
    r.role === 'province'
      ? '省级'
      : r.role === 'city'
        ? `${r.cityCode} ${division(r.cityCode ?? '')?.name ?? ''}（市级审核）`.trim()
        : `${r.unitCode} ${division(r.unitCode ?? '')?.name ?? ''}`.trim();
  const state = r.revokedAt
    ? `已停用 ${dateText(r.revokedAt)}`
    : r.expiresAt && Date.parse(r.expiresAt) <= now.getTime()
      ? `已过期 ${dateText(r.expiresAt)}`
      : r.expiresAt
        ? `有效至 ${dateText(r.expiresAt)}`
        : '长期有效';
  return [r.id, who, state, `发放于 ${dateText(r.createdAt)}`, r.label ?? ''].filter(Boolean).join('  ');
}
