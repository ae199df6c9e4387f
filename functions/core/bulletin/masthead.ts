/**
 * What heads every edition: the 红头 (issuer, title, 期号, date of issue), the document's heading,
 * the page footer, and the numbering of the tables (表1, 表2, …) once the model is complete. Pure.
 */
import type { Config } from '../shared/config';
import { formatDateCn } from './format';
import { monthLabel, monthsBetween } from '../shared/months';
import type { RatesDoc } from '../metrics/rates-types';
import { PROVINCE_EDITION } from '../shared/storage-keys';
import type { BulletinModel, BulletinOptions } from './view-model';

export const BULLETIN_TITLE = '“三个一批”项目建设月度通报';

export function issueNumber(month: string, config: Config): number {
  const n = config.bulletin.issueBase + monthsBetween(config.bulletin.issueBaseMonth, month);
  if (n < 1) {
    // An operator's configuration, read by an operator: said in their words, with the fix.
    throw new Error(
      `${monthLabel(month)}早于配置的起始月份 bulletin.issueBaseMonth（${monthLabel(config.bulletin.issueBaseMonth)}，第 ${config.bulletin.issueBase} 期），期号将为 ${n}：请调整配置中的 bulletin.issueBase 或 bulletin.issueBaseMonth`,
    );
  }
  return n;
}

/** The date of issue and the 期号. */
export function mastheadOf(doc: RatesDoc, config: Config, opts: BulletinOptions, edition: string): BulletinModel['masthead'] {
  const issueNo = issueNumber(doc.month, config);
  return {
    issuer: config.bulletin.issuer,
    title: BULLETIN_TITLE,
    issueNo,
    issueLabel: `第 ${issueNo} 期`,
    edition,
    issuedOn: opts.issuedOn,
    issuedOnLabel: formatDateCn(opts.issuedOn),
  };
}

/** The part of a model that names the edition and heads the document. */
export type FrontMatter = Pick<BulletinModel, 'edition' | 'editionKey' | 'city' | 'month' | 'monthLabel' | 'masthead' | 'heading' | 'footer'>;

/**
 * The edition's names, masthead, heading and footer: the province's (`city` null, "全省") or a
 * city's ("郑州市", also printed in the masthead and after the footer's 期号).
 */
export function frontMatter(doc: RatesDoc, config: Config, opts: BulletinOptions, city: BulletinModel['city']): FrontMatter {
  const label = monthLabel(doc.month);
  const masthead = mastheadOf(doc, config, opts, city ? city.name : '');
  return {
    edition: city ? 'city' : 'province',
    editionKey: city ? city.code : PROVINCE_EDITION,
    city,
    month: doc.month,
    monthLabel: label,
    masthead,
    heading: `${label}${city ? city.name : '全省'}“三个一批”项目建设进展情况`,
    footer: `${BULLETIN_TITLE}　${masthead.issueLabel}${city ? `（${city.name}）` : ''}`,
  };
}

/** Numbers the tables that are present, in reading order: 表1, 表2, … (the 附表 is apart). */
export function numberTables(m: BulletinModel): BulletinModel {
  let n = 0;
  const next = () => `表${++n}`;
  m.overview.batchTable.number = next();
  m.overview.indicatorTable.number = next();
  if (m.overview.phaseTable) m.overview.phaseTable.number = next();
  if (m.units.table.rows.length) m.units.table.number = next();
  m.warnings.red.number = next();
  if (m.warnings.falls.rows.length) m.warnings.falls.number = next();
  return m;
}
