import { describe, expect, it } from 'vitest';
import {
  type TokenRecord,
  bearerToken,
  checkToken,
  describeToken,
  formatToken,
  hashToken,
  isWellFormedToken,
  parseExpiry,
} from '../../../functions/core/portal/tokens';

const secret = new Uint8Array(32).fill(7);
const now = new Date('2026-11-05T02:00:00Z');
const record = (over: Partial<TokenRecord> = {}): TokenRecord => ({
  id: 'a1b2c3d4e5',
  role: 'unit',
  unitCode: '411102',
  label: null,
  createdAt: '2026-11-01T00:00:00.000Z',
  expiresAt: null,
  revokedAt: null,
  ...over,
});

describe('token format', () => {
  it('has a readable prefix and 256 random bits', () => {
    const unit = formatToken('unit', '411102', secret);
    expect(unit).toMatch(/^tb_u_411102_[A-Za-z0-9_-]{43}$/);
    expect(formatToken('province', null, secret)).toMatch(/^tb_p_[A-Za-z0-9_-]{43}$/);
    expect(isWellFormedToken(unit)).toBe(true);
    expect(isWellFormedToken(`${unit}x`)).toBe(false);
    expect(isWellFormedToken('tb_u_411102_short')).toBe(false);
    expect(isWellFormedToken('')).toBe(false);
  });

  it('refuses units that do not report and short secrets', () => {
    expect(() => formatToken('unit', '410100', secret)).toThrow(/报送单位/); // 郑州市 reports through its counties
    expect(() => formatToken('unit', '999999', secret)).toThrow();
    expect(() => formatToken('unit', '411102', new Uint8Array(16))).toThrow();
    expect(formatToken('unit', '419001', secret)).toMatch(/^tb_u_419001_/); // 济源 reports for itself
  });

  it('stores a SHA-256 hex hash, never the token', () => {
    const t = formatToken('unit', '411102', secret);
    expect(hashToken(t)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(t)).toBe(hashToken(t));
    expect(hashToken(t)).not.toBe(hashToken(formatToken('unit', '411102', new Uint8Array(32).fill(8))));
  });

  it('reads Bearer headers only', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer   abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeNull();
    expect(bearerToken('Bearer a b')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });
});

describe('checkToken', () => {
  const t = 'tb_u_411102_x';
  it('says why a token is refused, in Chinese', () => {
    expect(checkToken(null, null, now)).toMatchObject({ ok: false, code: 'token-missing', message: expect.stringContaining('令牌') });
    expect(checkToken(t, null, now)).toMatchObject({ ok: false, code: 'token-invalid' });
    expect(checkToken(t, record({ revokedAt: '2026-11-02T00:00:00Z' }), now)).toMatchObject({ ok: false, code: 'token-revoked', message: expect.stringContaining('停用') });
    // expired at 2026-11-04T16:00Z = 2026-11-05 00:00 Shanghai: the last valid day is 11-04
    const expired = checkToken(t, record({ expiresAt: '2026-11-04T15:59:59.000Z' }), now);
    expect(expired).toMatchObject({ ok: false, code: 'token-expired' });
    expect(!expired.ok && expired.message).toContain('2026-11-04');
  });

  it('gives the unit from the stored record, and a read-only province principal', () => {
    expect(checkToken(t, record({ expiresAt: '2026-12-01T00:00:00Z' }), now)).toEqual({
      ok: true,
      principal: { role: 'unit', tokenId: 'a1b2c3d4e5', unitCode: '411102', unitName: '源汇区', expiresAt: '2026-12-01T00:00:00Z' },
    });
    expect(checkToken(t, record({ role: 'province', unitCode: null }), now)).toEqual({
      ok: true,
      principal: { role: 'province', tokenId: 'a1b2c3d4e5', expiresAt: null },
    });
    expect(checkToken(t, record({ unitCode: '410100' }), now)).toMatchObject({ ok: false, code: 'token-invalid' });
  });
});

describe('parseExpiry', () => {
  it('takes durations and Shanghai calendar dates', () => {
    expect(parseExpiry('90d', now)).toBe('2027-02-03T02:00:00.000Z');
    expect(parseExpiry('12h', now)).toBe('2026-11-05T14:00:00.000Z');
    expect(parseExpiry('2w', now)).toBe('2026-11-19T02:00:00.000Z');
    // the end of 2027-01-31 in Asia/Shanghai
    expect(parseExpiry('2027-01-31', now)).toBe('2027-01-31T16:00:00.000Z');
  });
  it('refuses nonsense and the past', () => {
    for (const bad of ['0d', 'soon', '2027-02-30', '2026-11-01', '-5d']) expect(() => parseExpiry(bad, now)).toThrow();
  });
});

describe('describeToken', () => {
  it('lists id, unit and state without the secret', () => {
    expect(describeToken(record(), now)).toBe('a1b2c3d4e5  411102 源汇区  长期有效  发放于 2026-11-01');
    expect(describeToken(record({ role: 'province', unitCode: null, label: '省专班' }), now)).toContain('省级');
    expect(describeToken(record({ revokedAt: '2026-11-03T00:00:00Z' }), now)).toContain('已停用 2026-11-03');
    expect(describeToken(record({ expiresAt: '2026-11-01T00:00:00Z' }), now)).toContain('已过期');
  });
});

describe('city tokens (市级审核)', () => {
  it('carry the city code and check against the stored record', () => {
    const t = formatToken('city', '411100', secret);
    expect(t).toMatch(/^tb_c_411100_[A-Za-z0-9_-]{43}$/);
    expect(isWellFormedToken(t)).toBe(true);
    expect(() => formatToken('city', '411102', secret)).toThrow(/省辖市/); // a county is no city office
    expect(formatToken('city', '419001', secret)).toMatch(/^tb_c_419001_/);
    const r = record({ role: 'city', unitCode: null, cityCode: '411100' });
    expect(checkToken(t, r, now)).toEqual({ ok: true, principal: { role: 'city', tokenId: r.id, cityCode: '411100', cityName: '漯河市', expiresAt: null } });
    expect(checkToken(t, { ...r, cityCode: '411102' }, now)).toMatchObject({ ok: false, code: 'token-invalid' });
    expect(describeToken(r, now)).toContain('411100 漯河市（市级审核）');
  });
});
