/**
 * Whether a month's bulletin may be issued at all (pure). A month in which no reporting unit has
 * an accepted upload would be a 通报 saying that every unit is 未报送: it is not rendered and not
 * mailed unless the operator forces it (`--force`, `{ "force": true }`).
 */
import type { RatesDoc } from '../metrics/rates-types';
import { REPORTING_UNITS } from '../shared/divisions';

export interface PublishRefusal {
  code: 'no-accepted-upload';
  month: string;
  /** Reporting units whose upload for the month was accepted (0). */
  accepted: number;
  /** Reporting units in all (158). */
  reportingUnits: number;
  /** Of the others: units whose every upload was refused (报送未通过), units that sent nothing (未报送). */
  rejected: number;
  unreported: number;
  /** What, which values, and that nothing was issued (the caller says how to force it). */
  message: string;
}

/** Null when the month may be issued; otherwise why not. */
export function publishRefusal(doc: RatesDoc): PublishRefusal | null {
  const reportingUnits = REPORTING_UNITS.length;
  const accepted = Math.max(0, reportingUnits - doc.unreported.length);
  if (accepted > 0) return null;
  const rejected = doc.rejected?.length ?? 0;
  const unreported = doc.unreported.length - rejected;
  const why = rejected ? `${rejected} 个单位报送未通过（已退回），${unreported} 个单位未报送` : `${unreported} 个单位均未报送`;
  return {
    code: 'no-accepted-upload',
    month: doc.month,
    accepted,
    reportingUnits,
    rejected,
    unreported,
    message: `${doc.month} 没有任何单位的台账被接收（0/${reportingUnits}：${why}）：不生成、不发送通报`,
  };
}
