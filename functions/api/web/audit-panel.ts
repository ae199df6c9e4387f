/**
 * The province view's audit panel: one unit's audit trail (the 「记录」 of its row in the status
 * table) or the whole month's (「全月记录」), as GET /audit shapes it — time (Asia/Shanghai, to the
 * second), action, who, unit, detail, version, the checksum shortened (the whole value in its
 * tooltip). Text only (dom.ts `h`).
 */
import type { AuditRow, AuditView } from '../../core/portal/audit-view';
import { api } from './api-client';
import { $, h, notice, show } from './dom';

const month = () => ($('p-month') as HTMLSelectElement).value;
/** The last request made: an answer to an earlier click is dropped, not shown over a later one. */
let asked = 0;

export function initAuditPanel(): void {
  $('p-audit-all').addEventListener('click', () => void showAudit(null));
  $('p-audit-close').addEventListener('click', () => show('p-audit', false));
}

function auditRow(r: AuditRow): HTMLElement {
  return h(
    'tr',
    { 'data-action': r.action },
    h('td', { class: 'nowrap' }, r.time),
    h('td', { class: 'nowrap' }, r.label),
    h('td', {}, r.actor.text),
    h('td', { class: 'nowrap' }, r.unit ? `${r.unit.name}（${r.unit.code}）` : '—'),
    h('td', {}, r.detail ?? ''),
    h('td', { class: 'nowrap' }, r.version ? `第 ${r.version} 版` : '—'),
    h('td', { class: 'nowrap' }, r.checksum ? h('code', { class: 'checksum', title: `SHA-256：${r.checksum}` }, r.checksumShort ?? '') : '—'),
  );
}

/** Loads `unitCode`'s trail of the chosen month into the panel (null: the whole month's). */
export async function showAudit(unitCode: string | null, unitLabel?: string): Promise<void> {
  const m = month();
  const mine = ++asked;
  $('p-audit-title').textContent = `${unitLabel ?? (unitCode ? unitCode : '全省')} ${m} 审计记录`;
  const body = $('p-audit-table').querySelector('tbody') as HTMLElement;
  body.replaceChildren();
  show('p-audit-empty', false);
  $('p-audit-message').replaceChildren(notice('wait', '正在读取…'));
  show('p-audit', true);
  $('p-audit').scrollIntoView({ behavior: 'smooth', block: 'start' });
  try {
    const v = await api<AuditView>('GET', `/audit?month=${encodeURIComponent(m)}${unitCode ? `&unit=${encodeURIComponent(unitCode)}` : ''}`);
    if (mine !== asked) return;
    if (v.unit) $('p-audit-title').textContent = `${v.unit.cityName ?? ''} ${v.unit.name}（${v.unit.code}）${v.month} 审计记录`.trim();
    $('p-audit-message').replaceChildren();
    body.replaceChildren(...v.entries.map(auditRow));
    show('p-audit-empty', v.entries.length === 0);
  } catch (e) {
    if (mine !== asked) return;
    $('p-audit-message').replaceChildren(notice('error', (e as Error).message));
  }
}
