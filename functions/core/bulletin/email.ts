/**
 * The email that carries an edition: its model (subject, attachment name, greeting, the unit's
 * rates, a few sentences) and its plain-text part. The HTML part comes from `templates/email.hbs`.
 * Pure.
 */
import { formatGap, formatRate } from './format';
import { rateCell } from './cells';
import type { FrontMatter } from './masthead';
import { RATE_KEYS, RATE_NAMES, type RateMap, type UnitResult } from '../metrics/rates-types';
import type { BulletinModel, EmailModel } from './view-model';

export interface LinkInfo {
  url: string;
  /** "7 天" / "12 小时" */
  validFor: string;
  /** "2026年11月12日 09:05" (Asia/Shanghai) */
  expiresAt: string;
}

export function mailSubject(label: string, cityName: string): string {
  return `【通报】${label}“三个一批”项目建设情况${cityName ? `（${cityName}）` : ''}`;
}

export function attachmentName(label: string, issueNo: number, cityName: string): string {
  return `三个一批项目建设月度通报-${label}（第${issueNo}期）${cityName ? `-${cityName}` : ''}.pdf`;
}

/** A city edition's comparison: the province's rates, and the city's ranks last month. */
export interface EmailCompare {
  province: UnitResult;
  previousRank: RateMap<number | null> | null | undefined;
}

/**
 * The email of an edition. The unit is the edition's (全省 / 郑州市); with `compare` (city
 * editions) each rate also shows the province's value and the unit's 全省位次 with its move.
 * Empty `lines` are left out.
 */
export function emailModel(
  front: FrontMatter,
  o: { greeting: string; unit: UnitResult; compare: EmailCompare | null; lines: string[] },
): EmailModel {
  const cityName = front.city ? front.city.name : '';
  const who = front.city ? front.city.name : '全省';
  return {
    subject: mailSubject(front.monthLabel, cityName),
    attachmentName: attachmentName(front.monthLabel, front.masthead.issueNo, cityName),
    greeting: o.greeting,
    intro: `现将${front.monthLabel}${who}“三个一批”项目建设情况通报如下`,
    table: { unitHeader: who, compareHeader: o.compare ? '全省' : '', rows: emailRows(o.unit, o.compare) },
    lines: o.lines.filter(Boolean),
  };
}

function emailRows(unit: UnitResult, compare: EmailCompare | null): EmailModel['table']['rows'] {
  return RATE_KEYS.map((k) => {
    const cell = compare ? rateCell(unit, k, unit.rank?.[k] ?? null, compare.previousRank?.[k] ?? null) : rateCell(unit, k);
    return {
      name: RATE_NAMES[k],
      value: cell.value,
      change: cell.change,
      compare: compare ? formatRate(compare.province.rates[k]) : '',
      rank: compare ? `${cell.rank}${cell.rankMove ? ` ${cell.rankMove}` : ''}` : '',
    };
  });
}

/** "时序进度 83.3%，全省投资完成率 57.0%，低于时序进度 26.3 个百分点。" (no gap without a rate). */
export function investmentLine(who: string, unit: UnitResult, timeProgress: number): string {
  const ic = unit.rates.investmentCompletion;
  return `时序进度 ${formatRate(timeProgress)}，${who}投资完成率 ${formatRate(ic)}${ic === null ? '' : `，${formatGap(ic, timeProgress)}`}。`;
}

/** "数据质量检查发现本市台账问题 N 条，详见通报第四部分。", or "" without findings. `what`: "" / "本市台账". */
export function qualityLine(total: number, what: string): string {
  return total ? `数据质量检查发现${what}问题 ${total} 条，详见通报第四部分。` : '';
}

/**
 * The plain-text part of the bulletin email (the HTML part comes from `templates/email.hbs`).
 * `link`: a download link, used instead of an attachment when the PDF is too large.
 */
export function emailText(model: BulletinModel, opts: { link?: LinkInfo | null } = {}): string {
  const e = model.email;
  const rows = e.table.rows.map(
    (r) => `  ${r.name}：${r.value}（较上月 ${r.change}）${e.table.compareHeader ? `，${e.table.compareHeader} ${r.compare}，全省位次 ${r.rank}` : ''}`,
  );
  const lines = [
    `${model.masthead.title}${model.masthead.edition ? `（${model.masthead.edition}）` : ''}`,
    `${model.masthead.issueLabel}　${model.masthead.issuer}　${model.masthead.issuedOnLabel}`,
    '',
    e.greeting,
    `${e.intro}，${opts.link ? '完整通报请通过文末链接下载' : '完整通报见附件（PDF）'}。`,
    '',
    `${e.table.unitHeader}主要指标：`,
    ...rows,
    '',
    ...e.lines.flatMap((s) => [s, '']),
    opts.link ? `完整通报下载（链接 ${opts.link.validFor}内有效，至 ${opts.link.expiresAt}）：${opts.link.url}` : '完整通报见附件（PDF）。',
  ];
  return `${lines.join('\n')}\n`;
}
