/**
 * The city office's reviewer page: its counties' current uploads, and for one of them the
 * receipt, the rows (tick 不予认定 with a reason) and the decision 审核通过 / 退回 (with a reason).
 * Everything from the server goes into the page as text (dom.ts `h`), never as HTML.
 */
import type { ReviewUnit, ReviewRowView } from '../../core/review/review-view';
import { type Me, api } from './api-client';
import { $, REPORT_STATE, TIMELINESS_BADGE, badge, fillMonths, h, notice, reviewBadge, show } from './dom';

interface ReviewList {
  month: string;
  city: { code: string; name: string };
  state: { status: string; label: string; version: number };
  open: boolean;
  deadline: string;
  units: ReviewUnit[];
  unit?: { code: string; name: string; uploadId: string | null; fileName: string | null; summary: string | null; rows: ReviewRowView[]; rowsTruncated: boolean };
}

let current: { unit: ReviewUnit; uploadId: string } | null = null;

const month = () => ($('r-month') as HTMLSelectElement).value;

export function initReviewView(m: Me): void {
  show('review-view', true);
  fillMonths($('r-month') as HTMLSelectElement, m);
  $('r-month').addEventListener('change', () => void load());
  $('r-refresh').addEventListener('click', () => void load());
  $('r-detail-close').addEventListener('click', () => show('r-detail', false));
  $('r-approve').addEventListener('click', () => void decide('approve'));
  $('r-return').addEventListener('click', () => void decide('return'));
  void load();
}

async function load(): Promise<void> {
  show('r-detail', false);
  let list: ReviewList;
  try {
    list = await api<ReviewList>('GET', `/review?month=${encodeURIComponent(month())}`);
  } catch (e) {
    $('r-state').textContent = (e as Error).message;
    return;
  }
  $('r-state').textContent = list.open
    ? `${list.city.name} · ${list.month} ${list.state.label}：请审核各县（市、区）当前采用的上传。`
    : `${list.month} ${list.state.label}：审核已截止。`;
  const rows = list.units.map((u) => {
    const button = u.upload && list.open ? h('button', { type: 'button', class: 'review-open' }, '审核') : null;
    button?.addEventListener('click', () => void openUnit(u));
    return h(
      'tr',
      { 'data-unit': u.code },
      h('td', { class: 'nowrap' }, u.code),
      h('td', { class: 'nowrap' }, u.name),
      h('td', {}, badge(u.state, REPORT_STATE[u.state]), u.timeliness === 'missing' ? null : badge(u.timeliness, TIMELINESS_BADGE[u.timeliness])),
      h('td', { class: 'review-state' }, u.upload ? reviewBadge(u.review?.decision) : '—', u.review?.reason ? h('span', { class: 'hint' }, ` ${u.review.reason}`) : null),
      h('td', {}, u.lastSummary ?? ''),
      h('td', {}, button),
    );
  });
  ($('r-table').querySelector('tbody') as HTMLElement).replaceChildren(...rows);
}

async function openUnit(u: ReviewUnit): Promise<void> {
  $('r-detail-title').textContent = `${u.name}（${u.code}）`;
  $('r-result').replaceChildren();
  ($('r-reason') as HTMLTextAreaElement).value = u.review?.reason ?? '';
  ($('r-rows').querySelector('tbody') as HTMLElement).replaceChildren();
  show('r-detail', true);
  let list: ReviewList;
  try {
    list = await api<ReviewList>('GET', `/review?month=${encodeURIComponent(month())}&unit=${encodeURIComponent(u.code)}`);
  } catch (e) {
    $('r-result').replaceChildren(notice('error', (e as Error).message));
    return;
  }
  const detail = list.unit!;
  current = detail.uploadId ? { unit: u, uploadId: detail.uploadId } : null;
  $('r-detail-summary').textContent = `${detail.fileName ?? ''} ${detail.summary ?? ''}`.trim();
  $('r-current').replaceChildren(u.review ? notice(u.review.decision === 'returned' ? 'error' : 'ok', u.review.summary) : notice('wait', '尚未审核'));
  const marked = new Map((u.review?.unrecognized ?? []).map((x) => [x.projectCode, x.reason]));
  const rows = detail.rows.map((r) => {
    const box = h('input', { type: 'checkbox', class: 'unrecognize', 'data-code': r.projectCode }) as HTMLInputElement;
    const why = h('input', { type: 'text', class: 'unrecognize-reason', maxlength: '200', placeholder: '不予认定原因' }) as HTMLInputElement;
    box.checked = marked.has(r.projectCode);
    why.value = marked.get(r.projectCode) ?? '';
    return h('tr', { 'data-code': r.projectCode }, h('td', {}, box), h('td', { class: 'nowrap' }, r.projectCode), h('td', {}, r.projectName), h('td', {}, r.batch), h('td', {}, r.status), h('td', {}, why));
  });
  ($('r-rows').querySelector('tbody') as HTMLElement).replaceChildren(...rows);
  $('r-rows-note').textContent = detail.rowsTruncated ? `仅列出前 ${detail.rows.length} 个项目。` : '';
  show('r-rows-note', detail.rowsTruncated);
}

async function decide(decision: 'approve' | 'return'): Promise<void> {
  if (!current) return;
  const reason = ($('r-reason') as HTMLTextAreaElement).value.trim();
  const unrecognized =
    decision === 'approve'
      ? Array.from($('r-rows').querySelectorAll('tbody tr'))
          .filter((tr) => (tr.querySelector('input.unrecognize') as HTMLInputElement).checked)
          .map((tr) => ({ projectCode: tr.getAttribute('data-code') ?? '', reason: (tr.querySelector('input.unrecognize-reason') as HTMLInputElement).value.trim() }))
      : [];
  try {
    const res = await api<{ review: { summary: string }; mails: { status: string }[] }>('POST', '/review', {
      month: month(),
      unitCode: current.unit.code,
      uploadId: current.uploadId,
      decision,
      reason: reason || null,
      unrecognized,
    });
    const mailed = res.mails.filter((m) => m.status === 'sent').length;
    $('r-result').replaceChildren(notice('ok', `已保存：${res.review.summary}`, mailed ? `已邮件通知该单位（${mailed} 封）。` : undefined));
  } catch (e) {
    $('r-result').replaceChildren(notice('error', (e as Error).message));
    return;
  }
  const keep = $('r-result').firstChild;
  await load();
  show('r-detail', true);
  if (keep) $('r-result').replaceChildren(keep);
  current = null;
}
