import { describe, expect, it } from 'vitest';
import { openState } from '../../../functions/core/month/month-state';
import type { Principal } from '../../../functions/core/portal/tokens';
import {
  REVIEW_UNRECOGNIZED_MAX,
  authorizeReview,
  mayReviewUnit,
  parseReviewRequest,
  reviewRecord,
  reviewSummary,
  reviewableUnits,
} from '../../../functions/core/review/review-request';
import { REVIEW_REASON_MAX } from '../../../functions/core/review/review';

const UPLOAD = '0123456789abcdef';
const base = { month: '2026-10', unitCode: '411102', uploadId: UPLOAD };
const city: Principal = { role: 'city', tokenId: 'c1', cityCode: '411100', cityName: '漯河市', expiresAt: null };
const otherCity: Principal = { role: 'city', tokenId: 'c2', cityCode: '410100', cityName: '郑州市', expiresAt: null };
const unit: Principal = { role: 'unit', tokenId: 'u1', unitCode: '411102', unitName: '源汇区', expiresAt: null };
const province: Principal = { role: 'province', tokenId: 'p1', expiresAt: null };

function parsed(body: Record<string, unknown>) {
  const r = parseReviewRequest(body);
  if (!r.ok) throw new Error(r.message);
  return r.request;
}

const ctx = (over: Partial<Parameters<typeof authorizeReview>[1]> = {}) => ({
  principal: city,
  state: openState('2026-10'),
  currentUploadId: UPLOAD,
  projectCodes: new Set(['P-1', 'P-2']),
  ...over,
});

describe('parseReviewRequest', () => {
  it('takes an approval with 不予认定 projects, trimmed', () => {
    const r = parsed({ ...base, decision: 'approve', unrecognized: [{ projectCode: ' P-1 ', reason: ' 手续不全 ' }] });
    expect(r).toEqual({ ...base, decision: 'approved', reason: null, unrecognized: [{ projectCode: 'P-1', reason: '手续不全' }] });
  });

  it('takes a return with its reason', () => {
    expect(parsed({ ...base, decision: 'return', reason: '投资数据有误' })).toMatchObject({ decision: 'returned', reason: '投资数据有误' });
  });

  it.each([
    [{ ...base, month: '2026-13', decision: 'approve' }, 'bad-month', '月份格式'],
    [{ ...base, unitCode: '411100', decision: 'approve' }, 'bad-unit', '报送单位'],
    [{ ...base, uploadId: '../x', decision: 'approve' }, 'bad-upload', '上传'],
    [{ ...base, decision: 'maybe' }, 'bad-decision', '审核通过'],
    [{ ...base, decision: 'return' }, 'reason-required', '退回原因'],
    [{ ...base, decision: 'return', reason: '   ' }, 'reason-required', '退回原因'],
    [{ ...base, decision: 'return', reason: 5 }, 'bad-reason', '文字'],
    [{ ...base, decision: 'return', reason: '长'.repeat(REVIEW_REASON_MAX + 1) }, 'reason-too-long', `${REVIEW_REASON_MAX}`],
    [{ ...base, decision: 'approve', unrecognized: 'P-1' }, 'bad-unrecognized', '列表'],
    [{ ...base, decision: 'approve', unrecognized: [{ projectCode: 'P-1' }] }, 'project-reason-required', 'P-1'],
    [{ ...base, decision: 'approve', unrecognized: [{ reason: '无' }] }, 'bad-project', '项目代码'],
    [{ ...base, decision: 'approve', unrecognized: [{ projectCode: 'P-1', reason: 'a' }, { projectCode: 'P-1', reason: 'b' }] }, 'duplicate-project', '重复'],
    [{ ...base, decision: 'return', reason: '错', unrecognized: [{ projectCode: 'P-1', reason: 'a' }] }, 'unrecognized-with-return', '无需标记'],
  ])('refuses %o (%s) in Chinese', (body, code, words) => {
    const r = parseReviewRequest(body as Record<string, unknown>);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe(code);
      expect(r.message).toContain(words);
    }
  });

  it('bounds the number of projects', () => {
    const many = Array.from({ length: REVIEW_UNRECOGNIZED_MAX + 1 }, (_, i) => ({ projectCode: `P-${i}`, reason: '无' }));
    const r = parseReviewRequest({ ...base, decision: 'approve', unrecognized: many });
    expect(r).toMatchObject({ ok: false, status: 413, code: 'too-many-unrecognized' });
    expect(parseReviewRequest({ ...base, decision: 'approve', unrecognized: many.slice(1) }).ok).toBe(true);
  });
});

describe('authorizeReview', () => {
  const approve = parsed({ ...base, decision: 'approve', unrecognized: [{ projectCode: 'P-2', reason: '无立项手续' }] });

  it('lets the city review its county’s current upload while the month is open', () => {
    expect(authorizeReview(approve, ctx())).toEqual({ ok: true });
  });

  it('refuses another city, a unit and the province', () => {
    expect(authorizeReview(approve, ctx({ principal: otherCity }))).toMatchObject({ ok: false, status: 403, code: 'other-city', message: '源汇区不属于郑州市，不能审核' });
    expect(authorizeReview(approve, ctx({ principal: unit }))).toMatchObject({ ok: false, status: 403, code: 'city-only' });
    expect(authorizeReview(approve, ctx({ principal: province }))).toMatchObject({ ok: false, status: 403, code: 'city-only' });
  });

  it('refuses a superseded upload, a unit without one, and a locked month', () => {
    expect(authorizeReview(approve, ctx({ currentUploadId: 'fedcba9876543210' }))).toMatchObject({ status: 409, code: 'not-current' });
    expect(authorizeReview(approve, ctx({ currentUploadId: null }))).toMatchObject({ status: 404, code: 'no-upload' });
    const locked = { ...openState('2026-10'), status: 'locked' as const, rev: 1 };
    expect(authorizeReview(approve, ctx({ state: locked }))).toMatchObject({ status: 409, code: 'month-locked', message: expect.stringContaining('已锁定') });
  });

  it('refuses a project that is not on the upload’s ledger', () => {
    const r = authorizeReview(approve, ctx({ projectCodes: new Set(['P-1']) }));
    expect(r).toMatchObject({ ok: false, code: 'unknown-project', message: '以下项目不在源汇区本次上传的台账中：P-2' });
  });
});

describe('who reviews whom', () => {
  it('a city its own reporting units; 济源 itself', () => {
    expect(reviewableUnits(city).map((d) => d.code)).toEqual(['411102', '411103', '411104', '411121', '411122']);
    expect(reviewableUnits(province)).toEqual([]);
    expect(mayReviewUnit(city, '411102')).toBe(true);
    expect(mayReviewUnit(city, '410102')).toBe(false);
    expect(mayReviewUnit(unit, '411102')).toBe(false);
    const jiyuan: Principal = { role: 'city', tokenId: 'c3', cityCode: '419001', cityName: '济源市', expiresAt: null };
    expect(reviewableUnits(jiyuan).map((d) => d.code)).toEqual(['419001']);
  });
});

describe('the record and what the county reads', () => {
  it('stores the decision with the reviewer’s token id and time', () => {
    const r = reviewRecord(parsed({ ...base, decision: 'return', reason: '缺少第5期项目' }), 'c1', new Date('2026-11-02T03:00:00Z'));
    expect(r).toEqual({ ...base, decision: 'returned', reason: '缺少第5期项目', unrecognized: [], by: 'c1', at: '2026-11-02T03:00:00.000Z' });
    expect(reviewSummary(r)).toBe('已退回：缺少第5期项目。请修改后重新上传');
    expect(reviewSummary({ decision: 'approved', reason: null, unrecognized: [{ projectCode: 'P-1', reason: 'x' }] })).toBe('审核通过，其中 1 个项目不予认定');
  });
});
