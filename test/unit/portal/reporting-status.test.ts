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
    expect(s.counts).toEqual({ units: REPORTING_UNITS.length, accepted: 2, rejected: 1, missing: REPORTING_UNITS.length - 3 });
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
