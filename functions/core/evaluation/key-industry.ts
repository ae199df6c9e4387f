/**
 * 重点领域项目 (先进制造业, 战略性新兴产业, “两新一重”): the province asked that they weigh more in
 * the 考评 (the 2021-10 讲话: 提高对先进制造业、战略性新兴产业、“两新一重”等重点领域项目的考核权重).
 * A row is one when its 产业类别 contains one of the configured keywords. Pure.
 */
import { roundMoney } from '../ledger/cell-values';
import type { LedgerRow, MonthLedger } from '../ledger/ledger-row';
import type { Counts, Investment, RatesDoc } from '../metrics/rates-types';
import { type LandingCriterion, countRows, emptyCounts, emptyInvestment, sumInvestment } from '../metrics/rates';
import { CITIES, PROVINCE_CODE, REPORTING_UNITS } from '../shared/divisions';

/** Counts and money of one unit's key-industry rows in one month. */
export interface KeyFigures {
  counts: Counts;
  investment: Investment;
}

/**
 * Clerks write 产业类别 freely (“两新一重”, 两新一重项目, 先进制造业（装备）): matched on the text with
 * spaces and quotation marks removed, so a keyword's quotes or a stray space never decide.
 */
function normalized(s: string): string {
  return s.normalize('NFKC').replace(/[\s"'“”‘’「」『』]/g, '');
}

export function isKeyIndustry(industry: string | null, keywords: readonly string[]): boolean {
  if (!industry) return false;
  const text = normalized(industry);
  return keywords.some((k) => {
    const kw = normalized(k);
    return kw.length > 0 && text.includes(kw);
  });
}

function add(a: KeyFigures, b: KeyFigures): KeyFigures {
  const counts = { ...a.counts };
  for (const k of Object.keys(counts) as (keyof Counts)[]) counts[k] += b.counts[k];
  return {
    counts,
    investment: {
      total: roundMoney(a.investment.total + b.investment.total),
      annualPlan: roundMoney(a.investment.annualPlan + b.investment.annualPlan),
      ytdCompleted: roundMoney(a.investment.ytdCompleted + b.investment.ytdCompleted),
    },
  };
}

export function emptyKeyFigures(): KeyFigures {
  return { counts: emptyCounts(), investment: emptyInvestment() };
}

/**
 * Key-industry figures of every unit of a month's ledger: the 158 reporting units, the 19
 * city-level units and the province (by code), counted with the same rules as rates.json
 * (`countRows`, the month's landing criterion).
 */
export function keyFiguresOf(ledger: MonthLedger, keywords: readonly string[], criterion: LandingCriterion): Map<string, KeyFigures> {
  const out = new Map<string, KeyFigures>();
  for (const u of REPORTING_UNITS) {
    const rows: LedgerRow[] = (Object.hasOwn(ledger, u.code) ? ledger[u.code] : []).filter((r) => isKeyIndustry(r.industry, keywords));
    out.set(u.code, { counts: countRows(rows, criterion), investment: sumInvestment(rows) });
  }
  let province = emptyKeyFigures();
  for (const c of CITIES) {
    const sum = REPORTING_UNITS.filter((u) => u.cityCode === c.code).reduce((acc, u) => add(acc, out.get(u.code)!), emptyKeyFigures());
    // 济源 and 航空港区 report for themselves: their city entry is their own figures.
    out.set(c.code, sum);
    province = add(province, sum);
  }
  out.set(PROVINCE_CODE, province);
  return out;
}

/**
 * Whether a month's ledger copy is the one its rates.json was computed on: the same units
 * reported, each with as many rows as rates.json counts. Null when it is; else why not.
 * A copy from another compute of the month would weigh key projects that rates.json never counted.
 */
export function ledgerMismatch(doc: RatesDoc, ledger: MonthLedger): string | null {
  for (const u of doc.units) {
    if (u.level !== 'county') continue;
    const rows = Object.hasOwn(ledger, u.code) ? ledger[u.code].length : 0;
    if (u.reported ? rows !== u.counts.projects : rows !== 0) {
      return `台账副本与 rates.json 不一致（${u.name}：台账 ${rows} 行，rates.json ${u.reported ? `${u.counts.projects} 个项目` : '未报送'}）`;
    }
  }
  return null;
}
