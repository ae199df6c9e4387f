import { division } from '../shared/divisions';
import { monthLabel } from '../shared/months';
import type { ReviewRecord } from './review';

/**
 * The mail that tells a county its city's review (审核通过 / 已退回, and the projects not
 * recognised), pure: the subject, the plain-text part and the model of `templates/review-mail.hbs`
 * (the HTML part; Handlebars escapes every value). Sent to the unit's `contacts` once per upload
 * and decision (the send log's edition `review-{unit}-{uploadId}-{decision}`).
 */
export interface ReviewMailModel {
  subject: string;
  unitName: string;
  cityName: string;
  monthLabel: string;
  returned: boolean;
  /** 审核通过 / 已退回 */
  decisionLabel: string;
  reason: string | null;
  fileName: string | null;
  unrecognized: { projectCode: string; projectName: string | null; reason: string }[];
  portalUrl: string | null;
}

export function reviewMailEdition(r: Pick<ReviewRecord, 'unitCode' | 'uploadId' | 'decision'>): string {
  return `review-${r.unitCode}-${r.uploadId}-${r.decision}`;
}

export function reviewMailModel(
  r: ReviewRecord,
  opts: { fileName: string | null; projectNames: ReadonlyMap<string, string>; portalUrl: string | null },
): ReviewMailModel {
  const unit = division(r.unitCode);
  const city = unit ? division(unit.cityCode) : undefined;
  const returned = r.decision === 'returned';
  const label = monthLabel(r.month);
  const decisionLabel = returned ? '已退回' : '审核通过';
  return {
    subject: `【${decisionLabel}】${unit?.name ?? r.unitCode}${label}“三个一批”台账${returned ? '被退回，请修改后重新上传' : '已审核通过'}`,
    unitName: unit?.name ?? r.unitCode,
    cityName: city?.name ?? '',
    monthLabel: label,
    returned,
    decisionLabel,
    reason: r.reason,
    fileName: opts.fileName,
    unrecognized: r.unrecognized.map((u) => ({ ...u, projectName: opts.projectNames.get(u.projectCode) ?? null })),
    portalUrl: opts.portalUrl,
  };
}

export function reviewMailText(m: ReviewMailModel): string {
  const lines = [
    `${m.unitName}：`,
    '',
    `${m.cityName}已审核你单位${m.monthLabel}上传的“三个一批”台账${m.fileName ? `（${m.fileName}）` : ''}：${m.decisionLabel}。`,
  ];
  if (m.reason) lines.push(`${m.returned ? '退回原因' : '说明'}：${m.reason}`);
  if (m.returned) lines.push('退回的台账不计入本月通报（按“报送未通过”统计）。请按上述原因修改后，在截止时间前通过门户重新上传。');
  if (m.unrecognized.length) {
    lines.push('', `以下 ${m.unrecognized.length} 个项目不予认定（保留在台账中，不计入各项完成数）：`);
    for (const u of m.unrecognized) lines.push(`  ${u.projectCode}${u.projectName ? ` ${u.projectName}` : ''}：${u.reason}`);
  }
  if (m.portalUrl) lines.push('', `门户：${m.portalUrl}`);
  lines.push('', '（本邮件由系统自动发送，请勿直接回复。）');
  return lines.join('\n');
}
