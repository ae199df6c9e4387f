/**
 * The portal page (plain TypeScript, built to /app.js by esbuild). Everything that comes from the
 * server or the clerk is put into the page with textContent, never as HTML.
 */
import type { ReportingState, ReportingStatus, UnitReporting } from '../../core/portal/reporting-status';
import type { UploadState, UploadView } from '../../core/portal/upload-views';

interface Me {
  role: 'unit' | 'province';
  unit: { code: string; name: string; cityCode: string; cityName: string } | null;
  months: { month: string; label: string }[];
  defaultMonth: string;
  maxBytes: number;
  accept: string[];
  expiresAt: string | null;
}

interface SignedUpload {
  uploadId: string;
  key: string;
  month: string;
  fileName: string;
  maxBytes: number;
  url: string;
  fields: Record<string, string>;
}

interface UploadList {
  month: string;
  unit: { code: string; name: string };
  uploads: UploadView[];
}

const TOKEN_KEY = 'tb.portal.token';
const POLL_MS = 1500;
const POLL_LIMIT_MS = 3 * 60_000;

// ---------- small DOM helpers ----------

function $(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing`);
  return el;
}

type Child = Node | string | null | undefined | false;

function h(tag: string, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') el.className = v;
    else el.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

function show(id: string, visible: boolean): void {
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

function when(iso: string | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : timeFmt.format(d).replace(/\//g, '-');
}

function bytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} 字节`;
}

const UPLOAD_STATE: Record<UploadState, string> = {
  processing: '处理中',
  accepted: '已接收',
  rejected: '未接收',
  superseded: '已被替代',
};

const REPORT_STATE: Record<ReportingState, string> = {
  accepted: '已接收',
  rejected: '未接收',
  missing: '未报送',
};

function badge(state: string, label: string): HTMLElement {
  return h('span', { class: `badge ${state}` }, label);
}

// ---------- API ----------

class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const GATEWAY_ERRORS: Record<number, string> = {
  429: '请求过于频繁，请稍后再试',
  500: '服务器内部错误，请稍后重试',
  502: '服务暂时不可用，请稍后重试',
  503: '服务暂时不可用，请稍后重试',
  504: '服务响应超时，请稍后重试',
};

function token(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const t = token();
  if (t) headers.authorization = `Bearer ${t}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  } catch {
    throw new ApiFailure(0, 'network', '网络连接失败，请检查网络后重试');
  }
  const data = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  if (!res.ok) {
    // API Gateway's own answers (throttling, timeouts) carry no Chinese message.
    const fallback = GATEWAY_ERRORS[res.status] ?? `请求失败（${res.status}），请稍后重试`;
    const message = data?.error?.message ?? fallback;
    if (res.status === 401) onUnauthorized(message);
    throw new ApiFailure(res.status, data?.error?.code ?? 'error', message);
  }
  return data as T;
}

// ---------- sign-in ----------

let me: Me | null = null;

function onUnauthorized(message: string): void {
  me = null;
  show('unit-view', false);
  show('province-view', false);
  show('who', false);
  show('login', true);
  const err = $('login-error');
  err.textContent = message;
  err.hidden = false;
}

async function start(): Promise<void> {
  if (!token()) {
    show('login', true);
    return;
  }
  try {
    me = await api<Me>('GET', '/me');
  } catch (e) {
    if (!(e instanceof ApiFailure) || e.status !== 401) {
      show('login', true);
      const err = $('login-error');
      err.textContent = (e as Error).message;
      err.hidden = false;
    }
    return;
  }
  show('login', false);
  $('login-error').hidden = true;
  show('who', true);
  $('who-name').textContent = me.role === 'unit' && me.unit ? `${me.unit.cityName} ${me.unit.name}（${me.unit.code}）` : '省专班（全省报送情况，只读）';
  if (me.role === 'unit') initUnitView(me);
  else initProvinceView(me);
}

function initLogin(): void {
  $('login-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const value = ($('token-input') as HTMLInputElement).value.trim();
    if (!value) return;
    try {
      localStorage.setItem(TOKEN_KEY, value);
    } catch {
      /* private mode: the token lasts for this page only */
    }
    ($('token-input') as HTMLInputElement).value = '';
    void start();
  });
  $('logout').addEventListener('click', () => {
    try {
      localStorage.removeItem(TOKEN_KEY);
    } catch {
      /* ignore */
    }
    location.reload();
  });
}

// ---------- unit view: upload and receipts ----------

let busy = false;

function selectedMonth(): string {
  return ($('month') as HTMLSelectElement).value;
}

function fillMonths(select: HTMLSelectElement, m: Me): void {
  select.replaceChildren(...m.months.map((x) => h('option', { value: x.month }, x.label)));
  select.value = m.defaultMonth;
}

function initUnitView(m: Me): void {
  show('unit-view', true);
  const month = $('month') as HTMLSelectElement;
  fillMonths(month, m);
  $('drop-hint').textContent = `支持 ${m.accept.join('、')} 文件，不超过 ${bytes(m.maxBytes)}；同一月份再次上传将替换之前的报送。`;
  const input = $('file') as HTMLInputElement;
  input.accept = m.accept.join(',');
  const drop = $('drop');
  const pick = () => {
    if (!busy) input.click();
  };
  drop.addEventListener('click', pick);
  drop.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' || ev.key === ' ') {
      ev.preventDefault();
      pick();
    }
  });
  drop.addEventListener('dragover', (ev) => {
    ev.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (ev) => {
    ev.preventDefault();
    drop.classList.remove('over');
    const file = ev.dataTransfer?.files?.[0];
    if (file) void upload(file);
  });
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    input.value = '';
    if (file) void upload(file);
  });
  month.addEventListener('change', () => {
    updateTemplateLink();
    $('result').replaceChildren();
    void refreshHistory();
  });
  updateTemplateLink();
  void refreshHistory();
}

function updateTemplateLink(): void {
  if (!me?.unit) return;
  const q = new URLSearchParams({ month: selectedMonth(), unit: me.unit.code });
  ($('template-link') as HTMLAnchorElement).href = `/template.xlsx?${q}`;
}

function setProgress(name: string, pct: number, label: string, state: '' | 'done' | 'failed' = ''): void {
  show('progress', true);
  $('progress-name').textContent = name;
  $('progress-text').textContent = label;
  const fill = $('bar-fill');
  fill.style.width = `${Math.max(0, Math.min(100, pct))}%`;
  fill.className = `bar-fill ${state}`.trim();
  fill.parentElement?.setAttribute('aria-valuenow', String(Math.round(pct)));
}

function notice(kind: 'ok' | 'error' | 'wait' | 'warn', title: string, detail?: string): HTMLElement {
  return h('div', { class: `notice ${kind}` }, h('strong', {}, title), detail ? h('span', {}, detail) : null);
}

function showResult(...nodes: Node[]): void {
  $('result').replaceChildren(...nodes);
}

const S3_ERRORS: Record<string, string> = {
  EntityTooLarge: '文件超过大小上限，未能上传',
  EntityTooSmall: '文件为空，未能上传',
  AccessDenied: '上传授权已失效或不符合要求，请重新上传',
  SignatureDoesNotMatch: '上传授权无效，请刷新页面后重新上传',
};

function postFile(signed: SignedUpload, file: File, onProgress: (loaded: number, total: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(signed.fields)) form.append(k, v);
    form.append('file', file);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', signed.url);
    xhr.upload.addEventListener('progress', (ev) => {
      if (ev.lengthComputable) onProgress(ev.loaded, ev.total);
    });
    xhr.addEventListener('load', () => {
      if (xhr.status >= 200 && xhr.status < 300) return resolve();
      const code = /<Code>([^<]+)<\/Code>/.exec(xhr.responseText ?? '')?.[1] ?? '';
      reject(new Error(S3_ERRORS[code] ?? `上传失败（${xhr.status}${code ? ' ' + code : ''}），请重试`));
    });
    xhr.addEventListener('error', () => reject(new Error('网络中断，上传失败，请重试')));
    xhr.addEventListener('abort', () => reject(new Error('上传已取消')));
    xhr.send(form);
  });
}

async function upload(file: File): Promise<void> {
  if (busy || !me) return;
  busy = true;
  const drop = $('drop');
  drop.classList.add('busy');
  showResult();
  const month = selectedMonth();
  try {
    if (file.size > me.maxBytes) throw new Error(`文件大小 ${bytes(file.size)} 超过上限 ${bytes(me.maxBytes)}，请删除无关工作表、图片后重新上传`);
    setProgress(file.name, 0, '准备上传…');
    const signed = await api<SignedUpload>('POST', '/uploads', { month, fileName: file.name, size: file.size });
    await postFile(signed, file, (loaded, total) => setProgress(file.name, (loaded / total) * 100, `${bytes(loaded)} / ${bytes(total)}`));
    setProgress(file.name, 100, '上传完成，正在检查内容…', 'done');
    showResult(notice('wait', '已上传，正在检查台账内容…', '通常几秒钟即可完成，请勿关闭页面。'));
    const view = await waitForReceipt(month, signed.key);
    showResult(receiptView(view));
    setProgress(file.name, 100, view.state === 'accepted' ? '已接收' : view.state === 'processing' ? '仍在处理' : '未接收', view.state === 'accepted' ? 'done' : view.state === 'processing' ? '' : 'failed');
  } catch (e) {
    setProgress(file.name, 100, '上传失败', 'failed');
    showResult(notice('error', (e as Error).message));
  } finally {
    busy = false;
    drop.classList.remove('busy');
    void refreshHistory();
  }
}

async function waitForReceipt(month: string, key: string): Promise<UploadView> {
  const started = Date.now();
  for (;;) {
    const list = await api<UploadList>('GET', `/uploads?month=${encodeURIComponent(month)}`);
    const mine = list.uploads.find((u) => u.key === key);
    if (mine && mine.state !== 'processing') return mine;
    if (Date.now() - started > POLL_LIMIT_MS) {
      return mine ?? { key, fileName: '', size: 0, uploadedAt: null, state: 'processing', current: false, summary: null, counts: null, errors: [], warnings: [], processedAt: null };
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
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

function receiptView(v: UploadView): HTMLElement {
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

async function refreshHistory(): Promise<void> {
  if (!me || me.role !== 'unit') return;
  const month = selectedMonth();
  const label = me.months.find((x) => x.month === month)?.label ?? month;
  $('history-title').textContent = `${label}上传记录`;
  let list: UploadList;
  try {
    list = await api<UploadList>('GET', `/uploads?month=${encodeURIComponent(month)}`);
  } catch (e) {
    $('history-empty').textContent = (e as Error).message;
    show('history-empty', true);
    show('history', false);
    return;
  }
  if (month !== selectedMonth()) return;
  const rows = list.uploads.map((u) => {
    const note: Child[] = [u.summary ?? (u.state === 'processing' ? '正在检查…' : '')];
    if (u.current) note.push(h('span', { class: 'badge accepted' }, '当前采用'));
    const row = h(
      'tr',
      {},
      h('td', { class: 'nowrap' }, when(u.uploadedAt)),
      h('td', {}, u.fileName),
      h('td', {}, badge(u.state, UPLOAD_STATE[u.state])),
      h('td', {}, ...note),
    );
    if (u.errors.length) {
      row.style.cursor = 'pointer';
      row.title = '点击查看错误明细';
      row.addEventListener('click', () => showResult(receiptView(u)));
    }
    return row;
  });
  ($('history').querySelector('tbody') as HTMLElement).replaceChildren(...rows);
  show('history', rows.length > 0);
  $('history-empty').textContent = '暂无上传记录。';
  show('history-empty', rows.length === 0);
}

// ---------- province view ----------

let status: ReportingStatus | null = null;

function initProvinceView(m: Me): void {
  show('province-view', true);
  fillMonths($('p-month') as HTMLSelectElement, m);
  $('p-month').addEventListener('change', () => void loadStatus());
  $('p-refresh').addEventListener('click', () => void loadStatus());
  for (const id of ['p-city', 'p-state']) $(id).addEventListener('change', renderStatus);
  $('p-search').addEventListener('input', renderStatus);
  $('p-detail-close').addEventListener('click', () => show('p-detail', false));
  void loadStatus();
}

async function loadStatus(): Promise<void> {
  const month = ($('p-month') as HTMLSelectElement).value;
  show('p-detail', false);
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
  );
  const names = inCity.filter((u) => u.state !== 'accepted').map((u) => `${u.cityName.replace(/市$/, '')}${u.name}`);
  $('p-unreported-list').textContent = names.length ? `${names.join('、')}（共 ${names.length} 个）` : '全部单位均已报送。';

  const match = (u: UnitReporting) =>
    (!state || (state === 'unreported' ? u.state !== 'accepted' : u.state === state)) && (!q || u.name.includes(q) || u.code.includes(q));
  const rows = inCity.filter(match).map((u) => {
    const row = h(
      'tr',
      { class: `state-${u.state}${u.uploads ? ' clickable' : ''}`, 'data-unit': u.code },
      h('td', { class: 'nowrap' }, u.code),
      h('td', { class: 'nowrap' }, u.name),
      h('td', {}, u.cityName),
      h('td', {}, badge(u.state, REPORT_STATE[u.state]), u.latestRejected ? h('span', { class: 'hint' }, '最近一次未通过') : null),
      h('td', { class: 'num' }, u.projects === null ? '—' : String(u.projects)),
      h('td', { class: 'nowrap' }, when(u.lastUploadAt)),
      h('td', {}, u.lastSummary ?? ''),
    );
    if (u.uploads) row.addEventListener('click', () => void showUnit(u));
    return row;
  });
  ($('p-table').querySelector('tbody') as HTMLElement).replaceChildren(...rows);
  show('p-empty', rows.length === 0);
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

// ---------- go ----------

document.addEventListener('DOMContentLoaded', () => {
  initLogin();
  void start();
});
