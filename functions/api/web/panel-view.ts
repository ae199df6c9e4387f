/**
 * The province's control panel of a month: its state, the deadline countdown, per city who
 * reported (on time, late), who is missing, returned or approved, and the buttons lock / publish /
 * republish — each asks to confirm before it is sent. Text only (dom.ts `h`).
 */
import type { MonthPanel } from '../../core/portal/month-panel';
import { type Me, api } from './api-client';
import { $, h, notice, when } from './dom';

let panel: MonthPanel | null = null;
/** The server's clock at load minus the browser's: the countdown runs on the server's time. */
let skew = 0;
let timer: ReturnType<typeof setInterval> | null = null;

const month = () => ($('p-month') as HTMLSelectElement).value;

export function initPanel(_m: Me): void {
  $('p-month').addEventListener('change', () => void loadPanel());
  $('p-refresh').addEventListener('click', () => void loadPanel());
  for (const id of ['m-lock', 'm-publish', 'm-republish']) $(id).addEventListener('click', (ev) => void press((ev.currentTarget as HTMLElement).dataset.action as 'lock' | 'publish' | 'republish'));
  void loadPanel();
}

async function loadPanel(): Promise<void> {
  try {
    panel = await api<MonthPanel>('GET', `/month?month=${encodeURIComponent(month())}`);
  } catch (e) {
    $('m-state').textContent = (e as Error).message;
    return;
  }
  skew = Date.parse(panel.now) - Date.now();
  const s = panel.state;
  $('m-state').textContent = `${panel.month}：${s.label}${s.version ? `（第 ${s.version} 版）` : ''}`;
  for (const a of panel.actions) {
    const b = $(`m-${a.action}`) as HTMLButtonElement;
    b.disabled = !a.enabled;
    b.title = a.why ?? '';
  }
  const row = (name: string, c: MonthPanel['totals']) =>
    h('tr', {}, h('td', {}, name), ...[c.units, c.reported, c.onTime, c.late, c.missing, c.returned, c.approved].map((n) => h('td', { class: 'num' }, String(n))));
  ($('m-cities').querySelector('tbody') as HTMLElement).replaceChildren(...panel.byCity.map((c) => row(c.name, c)), row('全省', panel.totals));
  tick();
  if (!timer) timer = setInterval(tick, 1000);
}

function tick(): void {
  if (!panel) return;
  const left = Date.parse(panel.deadline) - (Date.now() + skew);
  const d = Math.floor(Math.abs(left) / 86_400_000);
  const hh = Math.floor((Math.abs(left) % 86_400_000) / 3_600_000);
  const mm = Math.floor((Math.abs(left) % 3_600_000) / 60_000);
  const span = `${d ? `${d} 天 ` : ''}${hh} 小时 ${mm} 分`;
  $('m-countdown').textContent = `报送截止 ${when(panel.deadline)}，${left >= 0 ? `还有 ${span}` : `已过 ${span}`}`;
}

const CONFIRM: Record<'lock' | 'publish' | 'republish', string> = {
  lock: '锁定后，本月之后的上传只作为更正，不再改变第 1 版的数据。确定锁定？',
  publish: '发布将锁定本月（如未锁定）、生成第 1 版通报并发送邮件。确定发布？',
  republish: '更正发布将按锁定后接收的更正生成新的一版通报（附更正说明）并发送。确定更正发布？',
};

async function press(action: 'lock' | 'publish' | 'republish'): Promise<void> {
  if (!panel || !window.confirm(`${panel.month}：${CONFIRM[action]}`)) return;
  $('m-message').replaceChildren(notice('wait', '正在执行…'));
  try {
    const r = await api<{ done: boolean; accepted: boolean; message: string }>('POST', '/month', { month: panel.month, action });
    $('m-message').replaceChildren(notice(r.done ? 'ok' : r.accepted ? 'wait' : 'warn', r.message));
  } catch (e) {
    $('m-message').replaceChildren(notice('error', (e as Error).message));
  }
  await loadPanel();
}
