import { describe, expect, it } from 'vitest';
import { publishRefusal } from '../../../functions/core/bulletin/publishable';
import { computeMonth } from '../../../functions/core/metrics/compute-month';
import type { RatesDoc } from '../../../functions/core/metrics/rates-types';
import { DEFAULT_CONFIG } from '../../../functions/core/shared/config';
import { makeRow } from '../../helpers/rows';
import type { MonthLedger } from '../../../functions/core/ledger/ledger-row';

const month = (ledger: MonthLedger, rejectedUnits: string[] = []) =>
  computeMonth({ month: '2026-10', ledger, previous: null, config: DEFAULT_CONFIG, rejectedUnits });

describe('publishRefusal: may the month be issued?', () => {
  it.each([
    {
      what: 'no upload at all',
      doc: month({}),
      refusal: { accepted: 0, rejected: 0, unreported: 158, message: '2026-10 没有任何单位的台账被接收（0/158：158 个单位均未报送）：不生成、不发送通报' },
    },
    {
      what: 'every upload refused',
      doc: month({}, ['411102', '411103', '411102']),
      refusal: { accepted: 0, rejected: 2, unreported: 156, message: '2026-10 没有任何单位的台账被接收（0/158：2 个单位报送未通过（已退回），156 个单位未报送）：不生成、不发送通报' },
    },
  ])('refuses a month with $what, saying which counts', ({ doc, refusal }) => {
    expect(publishRefusal(doc)).toEqual({ code: 'no-accepted-upload', month: '2026-10', reportingUnits: 158, ...refusal });
  });

  it.each([
    { what: 'one county accepted', doc: month({ '411102': [makeRow({ unitCode: '411102' })] }) },
    { what: 'one accepted, others refused', doc: month({ '411102': [makeRow({ unitCode: '411102' })] }, ['411103']) },
    { what: 'a city-level unit reporting for itself (济源)', doc: month({ '419001': [makeRow({ unitCode: '419001' })] }) },
  ])('issues a month with $what', ({ doc }) => {
    expect(publishRefusal(doc)).toBeNull();
  });

  it('reads a rates.json from before `rejected` existed', () => {
    const old: RatesDoc = { ...month({}), rejected: undefined };
    expect(publishRefusal(old)).toMatchObject({ accepted: 0, rejected: 0, unreported: 158 });
  });
});
