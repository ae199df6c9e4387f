/** 附表 (province only): every reporting unit with its rates and score, by city. Pure. */
import { CITIES } from '../../shared/divisions';
import { DASH, formatCount, formatRank, formatScore } from '../format';
import { membersOf, provinceUnit, rateCell, rateColumns, rejectedCodes, statusText, unitIndex } from '../cells';
import { RATE_KEYS, type RatesDoc, type UnitResult } from '../../metrics/rates-types';
import type { AppendixRow, BulletinModel } from '../view-model';

/** 附表: every reporting unit by city, each city closed by its subtotal row, the province last. */
export function appendix(doc: RatesDoc, label: string): BulletinModel['appendix'] {
  const idx = unitIndex(doc);
  const rejected = rejectedCodes(doc);
  const rates = (u: UnitResult | undefined) =>
    RATE_KEYS.map((key) => {
      const c = rateCell(u, key);
      return { key, value: c.value, gradeClass: c.gradeClass };
    });
  const row = (kind: AppendixRow['kind'], name: string, u: UnitResult | undefined, rank: number | null, refused = false): AppendixRow => ({
    kind,
    name,
    projects: u && u.reported ? formatCount(u.counts.projects) : DASH,
    rates: rates(u),
    score: formatScore(u?.score),
    rank: formatRank(rank),
    status: statusText(u, refused),
  });
  const rows: AppendixRow[] = [];
  for (const c of CITIES) {
    const { members, self } = membersOf(c.code);
    const city = idx('city', c.code);
    if (!self) {
      for (const m of members) {
        const u = idx('county', m.code);
        rows.push(row('unit', m.name, u, u?.scoreRank ?? null, rejected.has(m.code)));
      }
    }
    // A city-level unit that reports for itself (济源, 航空港区) is also one of the reporting units:
    // its row carries its place among them, like every county's.
    rows.push(row('subtotal', self ? c.name : `${c.name}小计`, city, self ? (idx('county', c.code)?.scoreRank ?? null) : null, rejected.has(c.code)));
  }
  rows.push(row('total', '全省合计', provinceUnit(doc), null));
  return {
    caption: `${label}各县（市、区）“三个一批”项目建设情况`,
    note: '位次为综合得分在全省县级报送单位中的排名；小计行为该省辖市（示范区）全部报送单位的合计。',
    columns: rateColumns(),
    rows,
  };
}
