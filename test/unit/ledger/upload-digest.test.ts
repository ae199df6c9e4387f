import { describe, expect, it } from 'vitest';
import { BATCHES, type LedgerRow, type MonthLedger, STATUSES } from '../../../functions/core/ledger/ledger-row';
import { DigestDamagedError, decodeDigest, digestOf, encodeDigest } from '../../../functions/core/ledger/upload-digest';
import { computeMonth } from '../../../functions/core/metrics/compute-month';
import { rowChecks } from '../../../functions/core/metrics/quality/row-checks';
import { DEFAULT_CONFIG } from '../../../functions/core/shared/config';
import { makeRow } from '../../helpers/rows';
import type { ReviewRecord } from '../../../functions/core/review/review';

const MONTH = '2026-10';
const UNITS = ['410102', '410103', '410105', '410202', '411102', '411103'];

/** A small deterministic generator (no Math.random: the same ledger every run). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/**
 * A month with something for every check: 本年累计 above 总投资 (Q3), malformed codes (Q7), dates
 * out of order or after the month (Q8), the same code on two units (Q5), and against `previous`
 * statuses going back (Q1), 本年累计 falling (Q2), 本月 not matching (Q4) and rows gone (Q6).
 */
function messyMonths(seed: number): { ledger: MonthLedger; previous: MonthLedger } {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const ledger: MonthLedger = {};
  const previous: MonthLedger = {};
  for (const unit of UNITS) {
    const now: LedgerRow[] = [];
    const before: LedgerRow[] = [];
    for (let i = 0; i < 40; i++) {
      const total = Math.round(r() * 1e8) / 1e4;
      const row = makeRow({
        unitCode: unit,
        batch: pick(BATCHES),
        phase: 1 + Math.floor(r() * 3),
        status: pick(STATUSES),
        totalInvestment: total,
        annualPlan: Math.round(r() * total * 1e4) / 1e4,
        ytdCompleted: Math.round(r() * total * 1.1 * 1e6) / 1e6,
        monthCompleted: r() < 0.5 ? null : Math.round(r() * 1e6) / 1e4,
        signedDate: r() < 0.3 ? '2026-11-05' : '2026-03-01',
        startDate: r() < 0.3 ? '2026-02-01' : null,
        ...(r() < 0.1 ? { projectCode: `BAD-${unit}-${i}` } : {}),
        ...(r() < 0.05 ? { projectName: '含“引号”与\\反斜杠及\n换行的项目' } : {}),
      });
      now.push(row);
      if (r() < 0.8) before.push({ ...row, status: pick(STATUSES), ytdCompleted: Math.round(r() * total * 1e6) / 1e6 });
      if (r() < 0.1) before.push(makeRow({ unitCode: unit }));
    }
    ledger[unit] = now;
    previous[unit] = before;
  }
  // The same project on two units' ledgers.
  ledger['410103'].push({ ...ledger['410102'][0], unitCode: '410103' });
  return { ledger, previous };
}

/** The ledger through digests, as compute reads it: encoded to bytes, decoded. */
function throughDigests(ledger: MonthLedger, month: string) {
  const digests = Object.keys(ledger).map((unit) => decodeDigest(encodeDigest(digestOf(month, unit, `up-${unit}`, ledger[unit])), { month, unitCode: unit, uploadId: `up-${unit}` }));
  return {
    ledger: Object.fromEntries(digests.map((d) => [d.unitCode, d.rows])),
    rowFindings: digests.flatMap((d) => d.rowFindings),
  };
}

describe('upload digests: what compute reads of each upload', () => {
  it('keep the ten fields compute reads and the row checks of the month, and round-trip through their bytes', () => {
    const rows = messyMonths(1).ledger['410102'];
    const d = digestOf(MONTH, '410102', 'u1', rows);
    expect(d.rowFindings).toEqual(rows.flatMap((row) => rowChecks(row, MONTH)));
    expect(d.rowFindings.length).toBeGreaterThan(0);
    const bytes = encodeDigest(d);
    // The same rows, the same bytes: a retried ingest rewrites its digest unchanged.
    expect(encodeDigest(digestOf(MONTH, '410102', 'u1', rows))).toEqual(bytes);
    const back = decodeDigest(bytes, { month: MONTH, unitCode: '410102', uploadId: 'u1' });
    expect(back).toEqual(d);
    expect(back.rows[0]).toEqual({
      unitCode: rows[0].unitCode,
      projectCode: rows[0].projectCode,
      projectName: rows[0].projectName,
      batch: rows[0].batch,
      phase: rows[0].phase,
      status: rows[0].status,
      totalInvestment: rows[0].totalInvestment,
      annualPlan: rows[0].annualPlan,
      ytdCompleted: rows[0].ytdCompleted,
      monthCompleted: rows[0].monthCompleted,
    });
  });

  it('store the rows’ unit only when a row names another unit than the upload', () => {
    const at = { month: MONTH, unitCode: '410102', uploadId: 'u' };
    const own = encodeDigest(digestOf(MONTH, '410102', 'u', [makeRow({ unitCode: '410102' }), makeRow({ unitCode: '410102' })]));
    const mixed = encodeDigest(digestOf(MONTH, '410102', 'u', [makeRow({ unitCode: '410102' }), makeRow({ unitCode: '410103' })]));
    // The unit column: two lengths, a byte count, two six-digit codes (and the header naming it).
    expect(mixed.length - own.length).toBeGreaterThanOrEqual(4 * 2 + 4 + 12);
    expect(decodeDigest(own, at).rows.map((x) => x.unitCode)).toEqual(['410102', '410102']);
    expect(decodeDigest(mixed, at).rows.map((x) => x.unitCode)).toEqual(['410102', '410103']);
  });

  it('keep any text as it was: names in Chinese, astral characters, empty and long values, no 本月', () => {
    const names = ['郑州市金水区高端装备产业园项目（一期）', '𠀀𠀁 emoji 🏭 mixed', '', 'x'.repeat(5000), 'tab\tnew\nline\u0000nul'];
    const rows = names.map((projectName, i) => makeRow({ unitCode: '410102', projectName, projectCode: `代码-${i}`, monthCompleted: i % 2 ? null : i * 0.1 }));
    const d = digestOf(MONTH, '410102', 'u', rows);
    expect(decodeDigest(encodeDigest(d), { month: MONTH, unitCode: '410102', uploadId: 'u' })).toEqual(d);
  });

  it.each([1, 2, 3, 4])('give exactly the rates.json the whole rows give (messy month %i, with the month before and reviews)', (seed) => {
    const { ledger, previous } = messyMonths(seed);
    const uploadIds = Object.fromEntries(UNITS.map((u) => [u, `up-${u}`]));
    const reviews: ReviewRecord[] = [
      { month: MONTH, unitCode: '410105', uploadId: 'up-410105', decision: 'returned', reason: '数据不全', by: 't1', at: '2026-11-04T00:00:00.000Z', unrecognized: [] },
      {
        month: MONTH,
        unitCode: '411102',
        uploadId: 'up-411102',
        decision: 'approved',
        reason: null,
        by: 't2',
        at: '2026-11-04T00:00:00.000Z',
        unrecognized: [{ projectCode: ledger['411102'][0].projectCode, reason: '未实际落地' }],
      },
    ];
    const common = { month: MONTH, config: DEFAULT_CONFIG, rejectedUnits: ['410104'], reviews, uploadIds, computedAt: '2026-11-05T00:00:00.000Z' };
    const whole = computeMonth({ ...common, ledger, previous });
    const digested = computeMonth({ ...common, ...throughDigests(ledger, MONTH), previous: throughDigests(previous, '2026-09').ledger });
    expect(digested).toEqual(whole);
    expect(new Set(whole.quality.map((f) => f.check))).toEqual(new Set(['Q1', 'Q2', 'Q3', 'Q4', 'Q5', 'Q6', 'Q7', 'Q8']));
    expect(whole.unrecognized).toHaveLength(1);
  });

  /** Two rows' digest, and where its status bytes are (after the header, the numbers and the batches). */
  const twoRows = () => {
    const rows = [makeRow({ unitCode: '410102' }), makeRow({ unitCode: '410102' })];
    const bytes = encodeDigest(digestOf(MONTH, '410102', 'u1', rows));
    const head = new DataView(bytes.buffer).getUint32(4, true);
    const statusAt = ((8 + head + 7) & ~7) + 5 * 8 * 2 + 2;
    return { bytes, statusAt };
  };
  it.each([
    ['another upload’s digest', () => encodeDigest(digestOf(MONTH, '410102', 'other', [makeRow({ unitCode: '410102' })])), '不是该次上传的摘要'],
    ['a digest cut short', () => twoRows().bytes.subarray(0, twoRows().bytes.length - 3), '长度不符'],
    ['a status that is none', () => {
      const { bytes, statusAt } = twoRows();
      const copy = bytes.slice();
      copy[statusAt] = 9;
      return copy;
    }, '批次或状态无效'],
    ['not a digest', () => new TextEncoder().encode('{"hello":1}'), '格式不符'],
    ['a header that is not ours', () => {
      const { bytes } = twoRows();
      const copy = bytes.slice();
      copy[8] = 0x20; // '{' → ' ': the header no longer parses as an object of ours
      copy[9] = 0x5b;
      return copy;
    }, '格式不符'],
  ])('refuse %s with a message naming the upload', (_what, damage, words) => {
    const bytes = damage();
    const read = () => decodeDigest(bytes, { month: MONTH, unitCode: '410102', uploadId: 'u1' });
    expect(read).toThrow(DigestDamagedError);
    expect(read).toThrow(`台账摘要损坏（${MONTH}/410102/u1）`);
    expect(read).toThrow(words);
  });
});
