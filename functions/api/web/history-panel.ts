/**
 * 「本年各月」: the months of a year for the token's units as GET /history gives them — per month
 * whether the unit reported, its 签约落地率, 开工率, 投资完成率 and their printed ranks. A month
 * never computed reads 未计算 and a month the unit sent nothing in 未报送, across the rate
 * columns: neither is ever shown as a 0. The panel builds its own card (the unit's page and the
 * province view only place it). Text only (dom.ts `h`).
 */
import type { HistoryPoint, HistoryView } from '../../core/portal/history-view';
import { formatRate } from '../../core/bulletin/format';
import { api } from './api-client';
import { h, notice } from './dom';

type HistoryUnitView = HistoryView['units'][number];

/** The years offered: the reporting month's and the one before (its December is reported in January). */
function yearsOf(defaultMonth: string): number[] {
  const y = Number(defaultMonth.slice(0, 4));
  return [y, y - 1];
}

const rank = (n: number | null | undefined) => (typeof n === 'number' ? `第${n}名` : '—');

function monthRow(v: HistoryView, u: HistoryUnitView, p: HistoryPoint, i: number): HTMLElement {
  const m = v.months[i]!;
  const head = [h('td', { class: 'nowrap' }, m.label), h('td', { class: 'nowrap' }, m.state)];
  if (p.reported === null) return h('tr', { 'data-month': p.month, 'data-reported': 'not-computed' }, ...head, h('td', { class: 'gap', colspan: String(1 + 2 * v.rates.length) }, '未计算'));
  if (!p.reported || !p.rates) return h('tr', { 'data-month': p.month, 'data-reported': 'no' }, ...head, h('td', { class: 'gap', colspan: String(1 + 2 * v.rates.length) }, '未报送'));
  return h(
    'tr',
    { 'data-month': p.month, 'data-reported': 'yes' },
    ...head,
    h('td', { class: 'nowrap' }, u.level === 'county' ? '已报送' : '有报送'),
    ...v.rates.flatMap((r) => [h('td', { class: 'num' }, formatRate(p.rates![r.key])), h('td', { class: 'num' }, u.rankScope ? rank(p.rank?.[r.key]) : '—')]),
  );
}

function unitTable(v: HistoryView, u: HistoryUnitView): HTMLElement {
  const scope = u.rankScope ? `（${u.rankScope}）` : '';
  return h(
    'table',
    { class: 'grid history-table', 'data-unit': u.code },
    h('thead', {}, h('tr', {}, h('th', {}, '月份'), h('th', {}, '状态'), h('th', {}, '报送'), ...v.rates.flatMap((r) => [h('th', {}, r.name), h('th', {}, `排名${scope}`)]))),
    h('tbody', {}, ...u.points.map((p, i) => monthRow(v, u, p, i))),
  );
}

/**
 * The panel's card: a year selector and, when the token sees several units (a city, the province),
 * a unit selector; the table of the chosen unit's months. Loads on creation and on every change.
 */
export function historyPanel(defaultMonth: string): HTMLElement {
  const year = h('select', { class: 'history-year' }, ...yearsOf(defaultMonth).map((y) => h('option', { value: String(y) }, `${y}年`))) as HTMLSelectElement;
  const unit = h('select', { class: 'history-unit' }) as HTMLSelectElement;
  const unitLabel = h('label', { hidden: '' }, '单位 ', unit);
  const message = h('div', { 'aria-live': 'polite' });
  const body = h('div', { class: 'history-body' });
  const card = h('div', { class: 'card history', id: 'history-panel' }, h('h2', {}, '本年各月'), h('div', { class: 'toolbar' }, h('label', {}, '年份 ', year), unitLabel), message, body);
  let view: HistoryView | null = null;
  /** The last request made: an answer to an earlier choice is dropped, not shown over a later one. */
  let asked = 0;

  const render = () => {
    // Codes are unique within one answer (a self-reporting city-level unit comes as its city row only).
    const u = view?.units.find((x) => x.code === unit.value) ?? view?.units[0];
    body.replaceChildren(...(view && u ? [unitTable(view, u)] : []));
  };

  const load = async () => {
    const mine = ++asked;
    message.replaceChildren(notice('wait', '正在读取…'));
    try {
      const v = await api<HistoryView>('GET', `/history?year=${encodeURIComponent(year.value)}`);
      if (mine !== asked) return;
      view = v;
      const chosen = unit.value;
      unit.replaceChildren(...v.units.map((u) => h('option', { value: u.code }, u.level === 'county' ? `${u.name}（${u.code}）` : u.name)));
      if (v.units.some((u) => u.code === chosen)) unit.value = chosen;
      unitLabel.hidden = v.units.length < 2;
      message.replaceChildren();
      render();
    } catch (e) {
      if (mine !== asked) return;
      view = null;
      body.replaceChildren();
      message.replaceChildren(notice('error', (e as Error).message));
    }
  };

  year.addEventListener('change', () => void load());
  unit.addEventListener('change', render);
  void load();
  return card;
}
