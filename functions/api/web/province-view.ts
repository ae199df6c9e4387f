/** The province office's view: every reporting unit's state for a month, filters, each unit's receipts. */
import type { ReportingState, ReportingStatus, UnitReporting } from '../../core/portal/reporting-status';
import { type Me, type UploadList, api } from './api-client';
import { formatRate } from '../../core/bulletin/format';
import { initAuditPanel, showAudit } from './audit-panel';
import { historyPanel } from './history-panel';
import { $, REPORT_STATE, TIMELINESS_BADGE, UPLOAD_STATE, badge, fillMonths, h, notice, receiptView, show, when } from './dom';

let status: ReportingStatus | null = null;

export function initProvinceView(m: Me): void {
  show('province-view', true);
  fillMonths($('p-month') as HTMLSelectElement, m);
  $('p-month').addEventListener('change', () => void loadStatus());
  $('p-refresh').addEventListener('click', () => void loadStatus());
  for (const id of ['p-city', 'p-state']) $(id).addEventListener('change', renderStatus);
  $('p-search').addEventListener('input', renderStatus);
  $('p-detail-close').addEventListener('click', () => show('p-detail', false));
  initAuditPanel();
  $('province-view').append(historyPanel(m.defaultMonth));
  void loadStatus();
}

async function loadStatus(): Promise<void> {
  const month = ($('p-month') as HTMLSelectElement).value;
  show('p-detail', false);
  show('p-audit', false);
  try {
    status = await api<ReportingStatus>('GET', `/status?month=${encodeURIComponent(month)}`);
  } catch (e) {
    $('p-summary').replaceChildren(notice('error', (e as Error).message));
    return;
  }
  const city = $('p-city') as HTMLSelectElement;
  if (city.options.length <= 1) city.append(...status.cities.map((c) => h('option', { value: c.code }, c.name)));
  renderStatus();
}

function stat(kind: string, label: string, n: number): HTMLElement {
  return h('div', { class: `stat ${kind}` }, h('b', {}, String(n)), label);
}

function renderStatus(): void {
  if (!status) return;
  const s = status;
  const city = ($('p-city') as HTMLSelectElement).value;
  const state = ($('p-state') as HTMLSelectElement).value;
  const q = ($('p-search') as HTMLInputElement).value.trim();
  // The city filter scopes the counts and the 未报送 list too (a city office follows up its counties).
  const inCity = s.units.filter((u) => !city || u.cityCode === city);
  const count = (st: ReportingState) => inCity.filter((u) => u.state === st).length;
  $('p-summary').replaceChildren(
    stat('total', city ? '本市报送单位' : '报送单位', inCity.length),
    stat('accepted', '已接收', count('accepted')),
    stat('rejected', '未接收（已上传未通过）', count('rejected')),
    stat('missing', '未报送', count('missing')),
    stat('on-time', '按时报送', inCity.filter((u) => u.timeliness === 'on-time').length),
    stat('late', '逾期报送', inCity.filter((u) => u.timeliness === 'late').length),
  );
  // The same two groups as the stats above (and as the bulletin: 未报送 apart from 报送未通过).
  const named = (st: ReportingState) => inCity.filter((u) => u.state === st).map((u) => `${u.cityName.replace(/市$/, '')}${u.name}`);
  const lists = [
    [REPORT_STATE.missing, named('missing')],
    [REPORT_STATE.rejected, named('rejected')],
    ['逾期报送', inCity.filter((u) => u.timeliness === 'late').map((u) => `${u.cityName.replace(/市$/, '')}${u.name}`)],
  ] as const;
  const text = lists.filter(([, n]) => n.length).map(([label, n]) => `${label} ${n.length} 个：${n.join('、')}`);
  $('p-unreported-list').textContent = text.length ? text.join('；') : '全部单位均已报送。';

  renderCities(s, city);

  const byState = (u: UnitReporting) =>
    !state || (state === 'unreported' ? u.state !== 'accepted' : state === 'on-time' || state === 'late' ? u.timeliness === state : u.state === state);
  const match = (u: UnitReporting) => byState(u) && (!q || u.name.includes(q) || u.code.includes(q));
  const rows = inCity.filter(match).map((u) => {
    const trail = h('button', { type: 'button', class: 'link audit-open' }, '记录');
    trail.addEventListener('click', (ev) => {
      ev.stopPropagation(); // the row's own click opens the uploads
      void showAudit(u.code, `${u.cityName} ${u.name}（${u.code}）`);
    });
    const row = h(
      'tr',
      { class: `state-${u.state}${u.uploads ? ' clickable' : ''}`, 'data-unit': u.code },
      h('td', { class: 'nowrap' }, u.code),
      h('td', { class: 'nowrap' }, u.name),
      h('td', {}, u.cityName),
      h(
        'td',
        {},
        badge(u.state, REPORT_STATE[u.state]),
        u.timeliness === 'missing' ? null : badge(u.timeliness, TIMELINESS_BADGE[u.timeliness]),
        u.latestRejected ? h('span', { class: 'hint' }, '最近一次未通过') : null,
      ),
      h('td', { class: 'num' }, u.projects === null ? '—' : String(u.projects)),
      h('td', { class: 'nowrap' }, when(u.lastUploadAt)),
      h('td', {}, u.lastSummary ?? ''),
      h('td', { class: 'nowrap' }, trail),
    );
    if (u.uploads) row.addEventListener('click', () => void showUnit(u));
    return row;
  });
  ($('p-table').querySelector('tbody') as HTMLElement).replaceChildren(...rows);
  show('p-empty', rows.length === 0);
}

/** 各市报送及时率: one row per city (the chosen one only, when filtered). */
function renderCities(s: ReportingStatus, city: string): void {
  $('p-deadline').textContent = `报送截止时间：${when(s.deadline)}（北京时间）；报送及时率 = 按时报送单位数 ÷ 应报单位数。`;
  const rows = s.byCity
    .filter((c) => !city || c.code === city)
    .map((c) =>
      h(
        'tr',
        {},
        h('td', {}, c.name),
        h('td', { class: 'num' }, String(c.units)),
        h('td', { class: 'num' }, String(c.onTime)),
        h('td', { class: 'num' }, String(c.late)),
        h('td', { class: 'num' }, String(c.missing)),
        h('td', { class: 'num' }, formatRate(c.rate)),
      ),
    );
  ($('p-cities').querySelector('tbody') as HTMLElement).replaceChildren(...rows);
}

async function showUnit(u: UnitReporting): Promise<void> {
  const month = ($('p-month') as HTMLSelectElement).value;
  $('p-detail-title').textContent = `${u.cityName} ${u.name}（${u.code}）上传记录`;
  $('p-detail-body').replaceChildren(notice('wait', '正在读取…'));
  show('p-detail', true);
  $('p-detail').scrollIntoView({ behavior: 'smooth', block: 'start' });
  try {
    const list = await api<UploadList>('GET', `/uploads?month=${encodeURIComponent(month)}&unit=${encodeURIComponent(u.code)}`);
    const items = list.uploads.map((v) =>
      h(
        'div',
        { class: 'upload' },
        h('div', { class: 'meta' }, `${when(v.uploadedAt)} · ${v.fileName} · `, badge(v.state, UPLOAD_STATE[v.state]), v.current ? badge('accepted', '当前采用') : null),
        receiptView(v),
      ),
    );
    $('p-detail-body').replaceChildren(...(items.length ? items : [h('p', { class: 'hint' }, '暂无上传记录。')]));
  } catch (e) {
    $('p-detail-body').replaceChildren(notice('error', (e as Error).message));
  }
}
