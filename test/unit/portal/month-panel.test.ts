import { describe, expect, it } from 'vitest';
import { openState } from '../../../functions/core/month/month-state';
import { monthActionOf, monthPanel } from '../../../functions/core/portal/month-panel';
import { reportingStatus } from '../../../functions/core/portal/reporting-status';
import type { ReviewRecord } from '../../../functions/core/review/review';

const MONTH = '2026-10';
const receipt = (unitCode: string, uploadId: string, eventTime: string, status: 'accepted' | 'rejected' = 'accepted') => ({
  uploadId,
  unitCode,
  status,
  summary: '',
  counts: { rows: 1, errors: 0, warnings: 0 },
  file: { eventTime, key: `incoming/${MONTH}/${unitCode}/${uploadId}.xlsx` },
});
const review = (unitCode: string, uploadId: string, decision: ReviewRecord['decision']): ReviewRecord => ({ month: MONTH, unitCode, uploadId, decision, reason: null, unrecognized: [], by: 'c', at: '2026-11-02T00:00:00Z' });

// 漯河: 源汇区 on time and approved, 郾城区 on time but returned, 召陵区 late, 舞阳县 refused, 临颍县 nothing.
const receipts = [
  receipt('411102', 'a'.repeat(16), '2026-11-01T00:00:00Z'),
  receipt('411103', 'b'.repeat(16), '2026-11-01T00:00:00Z'),
  receipt('411104', 'c'.repeat(16), '2026-11-04T00:00:00Z'),
  receipt('411121', 'd'.repeat(16), '2026-11-01T00:00:00Z', 'rejected'),
];
const pointers = ['411102', '411103', '411104'].map((u, i) => ({ unitCode: u, uploadId: 'abc'[i].repeat(16), projects: 3 }));
const reviews = [review('411102', 'a'.repeat(16), 'approved'), review('411103', 'b'.repeat(16), 'returned'), review('411104', 'f'.repeat(16), 'approved')];

describe('monthPanel', () => {
  const status = reportingStatus(MONTH, receipts as never, pointers);
  const panel = monthPanel({ state: openState(MONTH), status, pointers, reviews, requiredBeforeLock: false, now: new Date('2026-11-02T00:00:00Z') });

  it('counts per city: a returned unit is not reported, a review of an earlier upload does not count', () => {
    expect(panel.byCity.find((c) => c.code === '411100')).toEqual({ code: '411100', name: '漯河', units: 5, reported: 2, onTime: 1, late: 1, missing: 2, returned: 1, approved: 1 });
    expect(panel.totals).toMatchObject({ units: 158, reported: 2, returned: 1, approved: 1, missing: 155 });
  });

  it('offers the actions the state allows, and says why not', () => {
    expect(panel.actions).toEqual([
      { action: 'lock', label: '锁定', enabled: true, why: null },
      { action: 'publish', label: '发布', enabled: true, why: null },
      { action: 'republish', label: '更正发布', enabled: false, why: '本月尚未发布' },
    ]);
    const published = monthPanel({ state: { ...openState(MONTH), status: 'published', version: 1, rev: 2 }, status, pointers, reviews, requiredBeforeLock: true, now: new Date() });
    expect(published.actions.map((a) => a.enabled)).toEqual([false, false, true]);
    expect(published.state).toMatchObject({ label: '已发布', version: 1 });
    expect(panel.deadline).toBe('2026-11-03T10:00:00.000Z');
  });

  it('takes only the three actions', () => {
    expect(['lock', 'publish', 'republish', 'delete', null].map(monthActionOf)).toEqual(['lock', 'publish', 'republish', null, null]);
  });
});
