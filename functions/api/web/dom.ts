/**
 * The page's DOM helpers and the views both roles share (a receipt with its errors). Everything
 * that comes from the server or the clerk goes into the page with textContent, never as HTML.
 */
import type { ReportingState } from '../../core/portal/reporting-status';
import type { UploadState, UploadView } from '../../core/portal/upload-views';
import type { Me } from './api-client';

export function $(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing`);
  return el;
}

export type Child = Node | string | null | undefined | false;

export function h(tag: string, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') el.className = v;
    else el.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

export function show(id: string, visible: boolean): void {
  $(id).hidden = !visible;
}

const timeFmt = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

export function when(iso: string | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : timeFmt.format(d).replace(/\//g, '-');
}

export function bytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} 字节`;
}

export const UPLOAD_STATE: Record<UploadState, string> = {
  processing: '处理中',
  accepted: '已接收',
  rejected: '未接收',
  superseded: '已被替代',
};

export const REPORT_STATE: Record<ReportingState, string> = {
  accepted: '已接收',
  rejected: '未接收',
  missing: '未报送',
};

/** 按时 / 逾期 of an accepted unit (none for a unit without an accepted upload). */
export const TIMELINESS_BADGE: Record<'on-time' | 'late', string> = {
  'on-time': '按时',
  late: '逾期',
};

export function badge(state: string, label: string): HTMLElement {
  return h('span', { class: `badge ${state}` }, label);
}

export function notice(kind: 'ok' | 'error' | 'wait' | 'warn', title: string, detail?: string): HTMLElement {
  return h('div', { class: `notice ${kind}` }, h('strong', {}, title), detail ? h('span', {}, detail) : null);
}

function issueTable(caption: string, issues: UploadView['errors'], total: number): HTMLElement {
  const more = total > issues.length ? `（共 ${total} 处，仅列出前 ${issues.length} 处）` : `（共 ${total} 处）`;
  return h(
    'table',
    { class: 'grid issues' },
    h('caption', {}, caption + more),
    h('thead', {}, h('tr', {}, h('th', {}, '行'), h('th', {}, '列'), h('th', {}, '填写的值'), h('th', {}, '问题'))),
    h(
      'tbody',
      {},
      ...issues.map((i) =>
        h(
          'tr',
          {},
          h('td', { class: 'num' }, i.row === null ? '—' : `第 ${i.row} 行`),
          h('td', {}, i.column ?? '—'),
          h('td', { class: 'value' }, i.value ?? ''),
          h('td', {}, i.message),
        ),
      ),
    ),
  );
}

export function receiptView(v: UploadView): HTMLElement {
  const box = h('div', { class: 'receipt' });
  if (v.state === 'processing') {
    box.append(notice('wait', '文件已收到，仍在处理中', '请稍后在下方“本月上传记录”中查看结果。'));
    return box;
  }
  const kind = v.state === 'accepted' ? 'ok' : v.state === 'rejected' ? 'error' : 'warn';
  box.append(notice(kind, v.summary ?? UPLOAD_STATE[v.state]));
  if (v.errors.length) box.append(issueTable('错误（请全部修改后重新上传）', v.errors, v.counts?.errors ?? v.errors.length));
  if (v.warnings.length) box.append(issueTable('提示（不影响接收，请核实）', v.warnings, v.counts?.warnings ?? v.warnings.length));
  return box;
}

/** The months a token may see, the default one selected. */
export function fillMonths(select: HTMLSelectElement, m: Me): void {
  select.replaceChildren(...m.months.map((x) => h('option', { value: x.month }, x.label)));
  select.value = m.defaultMonth;
}

/** The city's review as a badge: 待审核 / 审核通过 / 已退回. */
export const REVIEW_BADGE: Record<'approved' | 'returned' | 'pending', [string, string]> = {
  approved: ['accepted', '审核通过'],
  returned: ['rejected', '已退回'],
  pending: ['missing', '待审核'],
};

export function reviewBadge(decision: 'approved' | 'returned' | 'pending' | null | undefined): HTMLElement {
  const [state, label] = REVIEW_BADGE[decision ?? 'pending'];
  return badge(state, label);
}
