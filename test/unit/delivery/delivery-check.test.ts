import { describe, expect, it } from 'vitest';
import {
  deliveryCheckMonth,
  deliveryVerdict,
  expectedMails,
  isDeliveryCheck,
} from '../../../functions/core/delivery/delivery-check';
import { parseConfig } from '../../../functions/core/shared/config';

const config = parseConfig({
  mail: {
    province: ['leaders@example.gov.cn', 'office@example.gov.cn', 'leaders@example.gov.cn'],
    cities: { '411100': ['luohe@example.gov.cn'], '999999': ['nowhere@example.gov.cn'] },
  },
});

describe('the delivery check event', () => {
  it('is told from a report request by its check field', () => {
    expect(isDeliveryCheck({ check: 'delivered', scheduledTime: '2026-11-05T07:00:00Z' })).toBe(true);
    expect(isDeliveryCheck({ check: 'delivered' })).toBe(true);
    expect(isDeliveryCheck({ month: '2026-10' })).toBe(false);
    expect(isDeliveryCheck({ check: 'sent' })).toBe(false);
    expect(isDeliveryCheck(null)).toBe(false);
    expect(isDeliveryCheck('delivered')).toBe(false);
  });

  it('checks the month before the due time in Asia/Shanghai, not the time it runs', () => {
    const late = new Date('2026-12-01T03:00:00Z');
    // day 5 15:00 in Shanghai → the October report
    expect(deliveryCheckMonth({ check: 'delivered', scheduledTime: '2026-11-05T07:00:00Z' }, late)).toBe('2026-10');
    // 1 December 00:30 in Shanghai is still 30 November in UTC: Shanghai's month counts
    expect(deliveryCheckMonth({ check: 'delivered', scheduledTime: '2026-11-30T16:30:00Z' }, late)).toBe('2026-11');
    // January checks December of the year before
    expect(deliveryCheckMonth({ check: 'delivered', scheduledTime: '2027-01-05T07:00:00Z' }, late)).toBe('2026-12');
  });

  it('falls back to now without a readable due time', () => {
    const now = new Date('2026-11-05T07:00:00Z');
    expect(deliveryCheckMonth({ check: 'delivered' }, now)).toBe('2026-10');
    expect(deliveryCheckMonth({ check: 'delivered', scheduledTime: 'not a time' }, now)).toBe('2026-10');
  });
});

describe('expected mails', () => {
  it('lists each edition’s recipients once, and no edition that does not exist', () => {
    expect(expectedMails(config)).toEqual([
      { edition: 'province', recipient: 'leaders@example.gov.cn' },
      { edition: 'province', recipient: 'office@example.gov.cn' },
      { edition: '411100', recipient: 'luohe@example.gov.cn' },
    ]);
    expect(expectedMails(parseConfig({}))).toEqual([]);
  });
});

describe('the verdict', () => {
  const mails = expectedMails(config);
  const sent = { status: 'sent' as const };

  it('is delivered when the PDF exists and every expected mail was sent', () => {
    expect(deliveryVerdict('2026-10', true, mails.map((m) => ({ ...m, entry: sent })))).toEqual({
      month: '2026-10',
      delivered: true,
      rendered: true,
      missing: [],
    });
  });

  it('names each mail not sent, absent or failed', () => {
    const v = deliveryVerdict('2026-10', true, [
      { ...mails[0]!, entry: sent },
      { ...mails[1]!, entry: { status: 'failed' } },
      { ...mails[2]!, entry: null },
    ]);
    expect(v.delivered).toBe(false);
    expect(v.missing).toEqual([
      { edition: 'province', recipient: 'office@example.gov.cn', status: 'failed' },
      { edition: '411100', recipient: 'luohe@example.gov.cn', status: 'absent' },
    ]);
  });

  it('is missing without the PDF, even with nobody to mail', () => {
    expect(deliveryVerdict('2026-10', false, [])).toMatchObject({ delivered: false, rendered: false, missing: [] });
    expect(deliveryVerdict('2026-10', true, [])).toMatchObject({ delivered: true });
  });
});
