import { describe, expect, it } from 'vitest';
import { REPORTING_UNITS } from '../../../functions/core/shared/divisions';
import { buildReceipt, type Receipt } from '../../../functions/core/ingest/receipt';
import { reportingStatus } from '../../../functions/core/portal/reporting-status';
import { uploadViews } from '../../../functions/core/portal/upload-views';

function receipt(unit: string, uploadId: string, status: 'accepted' | 'rejected', eventTime: string, key = `incoming/2026-10/${unit}/${uploadId}-台账.xlsx`): Receipt {
  return buildReceipt({
    uploadId,
    status,
    month: '2026-10',
    unitCode: unit,
    file: { bucket: 'raw', key, name: key.split('/').pop()!, size: 100, sha256: 'x', versionId: null, eventTime, sequencer: null },
    processedAt: eventTime,
    projects: status === 'accepted' ? 12 : 0,
    skippedRows: 0,
    errors: status === 'rejected' ? [{ code: 'invalid-money', row: 6, column: '总投资', value: '待定', message: '第 6 行“总投资”：“待定”不是数字' }] : [],
    warnings: [],
  });
}

describe('reportingStatus', () => {
  const receipts = [
    receipt('411102', 'r1', 'rejected', '2026-11-02T01:00:00.000Z'),
    receipt('411102', 'r2', 'accepted', '2026-11-03T01:00:00.000Z'),
    receipt('411103', 'r3', 'rejected', '2026-11-03T02:00:00.000Z'),
    receipt('411104', 'r4', 'accepted', '2026-11-01T02:00:00.000Z'),
    receipt('411104', 'r5', 'rejected', '2026-11-04T02:00:00.000Z'),
  ];
  const pointers = [
    { unitCode: '411102', uploadId: 'r2', projects: 12 },
    { unitCode: '411104', uploadId: 'r4', projects: 12 },
  ];
  const s = reportingStatus('2026-10', receipts, pointers);
  const unit = (code: string) => s.units.find((u) => u.code === code)!;

  it('covers every reporting unit: accepted, rejected, missing', () => {
    expect(s.units).toHaveLength(REPORTING_UNITS.length);
    expect(s.counts).toEqual({ units: REPORTING_UNITS.length, accepted: 2, rejected: 1, missing: REPORTING_UNITS.length - 3, onTime: 2, late: 0 });
    expect(unit('411102')).toMatchObject({ state: 'accepted', projects: 12, uploads: 2, lastUploadAt: '2026-11-03T01:00:00.000Z', latestRejected: false, cityName: '漯河市' });
    expect(unit('411103')).toMatchObject({ state: 'rejected', projects: null, lastSummary: expect.stringContaining('未接收') });
    expect(unit('410102')).toMatchObject({ state: 'missing', uploads: 0, lastUploadAt: null, lastSummary: null });
  });

  it('keeps an accepted ledger current after a later rejected upload, and says so', () => {
    expect(unit('411104')).toMatchObject({ state: 'accepted', latestRejected: true, lastUploadAt: '2026-11-04T02:00:00.000Z' });
  });

  it('lists 未报送 and 未接收 apart, in code order, each as long as its count, with the cities for filters', () => {
    expect(s.unreported).toContain('410102');
    expect(s.unreported).not.toContain('411103');
    expect(s.rejected).toEqual(['411103']);
    expect(s.unreported).not.toContain('411102');
    expect(s.unreported).toEqual([...s.unreported].sort());
    expect(s.unreported).toHaveLength(s.counts.missing);
    expect(s.rejected).toHaveLength(s.counts.rejected);
    expect(s.cities).toHaveLength(19);
    expect(s.cities[0]).toEqual({ code: '410100', name: '郑州' });
  });
});

describe('reportingStatus: 按时 / 逾期 (the deadline: the 3rd of the next month, 18:00 Shanghai = 10:00Z)', () => {
  const receipts = [
    receipt('411102', 'a1', 'accepted', '2026-11-03T10:00:00.000Z'), // exactly at the deadline: on time
    receipt('411103', 'b1', 'accepted', '2026-11-02T01:00:00.000Z'), // on time, then replaced late
    receipt('411103', 'b2', 'accepted', '2026-11-04T01:00:00.000Z'),
    receipt('411104', 'c1', 'accepted', '2026-11-01T01:00:00.000Z'), // on time, a later refused one does not count
    receipt('411104', 'c2', 'rejected', '2026-11-05T01:00:00.000Z'),
    receipt('411121', 'd1', 'rejected', '2026-11-01T01:00:00.000Z'), // only refused: missing for timeliness
  ];
  const pointers = [
    { unitCode: '411102', uploadId: 'a1', projects: 12 },
    { unitCode: '411103', uploadId: 'b2', projects: 12 },
    { unitCode: '411104', uploadId: 'c1', projects: 12 },
  ];
  const s = reportingStatus('2026-10', receipts, pointers);
  const unit = (code: string) => s.units.find((u) => u.code === code)!;

  it('judges the current upload by its event time', () => {
    expect(s.deadline).toBe('2026-11-03T10:00:00.000Z');
    expect(unit('411102')).toMatchObject({ timeliness: 'on-time', acceptedAt: '2026-11-03T10:00:00.000Z' });
    expect(unit('411103')).toMatchObject({ timeliness: 'late', acceptedAt: '2026-11-04T01:00:00.000Z' });
    expect(unit('411104')).toMatchObject({ timeliness: 'on-time', acceptedAt: '2026-11-01T01:00:00.000Z', latestRejected: true });
    expect(unit('411121')).toMatchObject({ state: 'rejected', timeliness: 'missing', acceptedAt: null });
    expect(unit('410102')).toMatchObject({ state: 'missing', timeliness: 'missing', acceptedAt: null });
  });

  it('counts per province and per city (报送及时率 = 按时 ÷ 单位数)', () => {
    expect(s.counts).toMatchObject({ accepted: 3, onTime: 2, late: 1 });
    expect(s.byCity).toHaveLength(19);
    const luohe = s.byCity.find((c) => c.code === '411100')!;
    expect(luohe).toEqual({ code: '411100', name: '漯河', units: 5, onTime: 2, late: 1, missing: 2, rate: 2 / 5 });
    expect(s.byCity.find((c) => c.code === '410100')).toMatchObject({ onTime: 0, late: 0, rate: 0 });
    expect(s.byCity.reduce((n, c) => n + c.units, 0)).toBe(REPORTING_UNITS.length);
  });

  it('takes the deadline from the config', () => {
    const later = reportingStatus('2026-10', receipts, pointers, REPORTING_UNITS, { dayOfNextMonth: 5, hour: 18, minute: 0 });
    expect(later.deadline).toBe('2026-11-05T10:00:00.000Z');
    expect(later.counts).toMatchObject({ onTime: 3, late: 0 });
  });
});

describe('uploadViews', () => {
  it('joins objects with receipts by key; an object without receipt is processing', () => {
    const a = receipt('411102', 'r1', 'rejected', '2026-11-02T01:00:00.000Z', 'incoming/2026-10/411102/a1b2c3d4e5f60718-台账.xlsx');
    const b = receipt('411102', 'r2', 'accepted', '2026-11-03T01:00:00.000Z', 'incoming/2026-10/411102/b1b2c3d4e5f60718-台账（改）.xlsx');
    const views = uploadViews(
      [
        { key: a.file.key, size: 10, lastModified: '2026-11-02T01:00:00.000Z' },
        { key: b.file.key, size: 20, lastModified: '2026-11-03T01:00:00.000Z' },
        { key: 'incoming/2026-10/411102/c1b2c3d4e5f60718-新.xlsx', size: 30, lastModified: '2026-11-04T01:00:00.000Z' },
      ],
      [a, b],
      'r2',
    );
    expect(views.map((v) => [v.fileName, v.state, v.current])).toEqual([
      ['新.xlsx', 'processing', false],
      ['台账（改）.xlsx', 'accepted', true],
      ['台账.xlsx', 'rejected', false],
    ]);
    expect(views[2].errors[0]).toMatchObject({ row: 6, column: '总投资', value: '待定' });
  });

  it('keeps receipts whose object is not listed (uploaded outside the portal, or overwritten)', () => {
    const old = receipt('411102', 'r1', 'accepted', '2026-11-02T01:00:00.000Z', 'incoming/2026-10/411102/411102-源汇区.xlsx');
    const newer = receipt('411102', 'r2', 'rejected', '2026-11-03T01:00:00.000Z', 'incoming/2026-10/411102/411102-源汇区.xlsx');
    const views = uploadViews([], [old, newer], 'r1');
    expect(views).toHaveLength(1);
    expect(views[0]).toMatchObject({ fileName: '411102-源汇区.xlsx', state: 'rejected', size: 100 });
  });
});
