import type { RatesDoc, UnitChange } from '../metrics/rates-types';
import { onlyRanks } from '../month/corrections';
import { shanghaiDate } from '../shared/shanghai-time';
import { formatDateCn } from './format';
import type { BulletinModel, CorrectionView } from './view-model';

/**
 * The 更正说明 of a republished version (core/month/corrections.ts) as an edition prints it: a
 * notice that this version replaces the earlier one, and one line per unit whose printed rates or
 * ranks changed. A city edition lists its own city and counties (and the province, whose totals
 * move with any correction); when none of them changed it says so.
 */
export function correctionView(doc: RatesDoc, cityCode: string | null): CorrectionView | null {
  const note = doc.correction;
  if (!doc.version || doc.version < 2 || !note) return null;
  const mine = (c: UnitChange) => cityCode === null || c.level === 'province' || c.code === cityCode || c.cityCode === cityCode;
  const listed = note.changes.filter(mine);
  const text = (c: UnitChange) => c.fields.map((f) => `${f.label} ${f.from} → ${f.to}`).join('；');
  const rows = listed.filter((c) => !onlyRanks(c)).map((c) => ({ name: c.name, changes: text(c) }));
  // Ranks move for many units when one unit's numbers change: each is named, in one paragraph.
  const rankOnly = listed.filter(onlyRanks);
  const ranks = rankOnly.length ? `另有 ${rankOnly.length} 个单位仅排名变化：${rankOnly.map((c) => `${c.name}（${text(c)}）`).join('、')}。` : '';
  const when = note.replacedPublishedAt ? `${formatDateCn(shanghaiDate(new Date(note.replacedPublishedAt)))}印发的` : '';
  return {
    notice: `本期为更正版（第 ${doc.version} 版），替代${when}第 ${note.replaces} 版；以本版为准。`,
    caption: '更正说明',
    rows,
    ranks,
    empty: listed.length ? '' : '本地区的数据与排名未因更正而变化。',
  };
}

/** The edition with its 更正说明 (if any) and a subject that says it is a correction. */
export function withCorrection(model: BulletinModel, doc: RatesDoc): BulletinModel {
  const correction = correctionView(doc, model.city?.code ?? null);
  if (!correction) return { ...model, correction: null };
  return { ...model, correction, email: { ...model.email, subject: `【更正】${model.email.subject}` } };
}
