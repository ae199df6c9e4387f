/** A reporting unit's view: pick the month, drop the file, watch it upload, read the receipt. */
import type { UploadView } from '../../core/portal/upload-views';
import { type Me, type SignedUpload, type UploadList, api } from './api-client';
import { historyPanel } from './history-panel';
import { $, type Child, UPLOAD_STATE, badge, bytes, fillMonths, h, notice, receiptView, show, when } from './dom';

const POLL_MS = 1500;
const POLL_LIMIT_MS = 3 * 60_000;

let me: Me | null = null;
let busy = false;

function selectedMonth(): string {
  return ($('month') as HTMLSelectElement).value;
}

export function initUnitView(m: Me): void {
  me = m;
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
  $('unit-view').append(historyPanel(m.defaultMonth));
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

function showResult(...nodes: Node[]): void {
  $('result').replaceChildren(...nodes);
}

const S3_ERRORS: Record<string, string> = {
  EntityTooLarge: '文件超过大小上限，未能上传',
  EntityTooSmall: '文件为空，未能上传',
  AccessDenied: '上传授权已失效或不符合要求，请重新上传',
  SignatureDoesNotMatch: '上传授权无效，请刷新页面后重新上传',
  // Locally the keys are new at every `tb serve` start: a form signed before a restart.
  InvalidAccessKeyId: '上传授权无效，请刷新页面后重新上传',
  // A malformed form (a field twice, no file); this page never sends one, but a stale copy might.
  InvalidArgument: '上传表单有误，请刷新页面后重新上传',
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
  // The city's review of the current upload: 已退回 with its reason, or 审核通过.
  const r = list.review ?? null;
  const box = $('review-status');
  box.replaceChildren(...(r ? [notice(r.decision === 'returned' ? 'error' : 'ok', `市级审核：${r.decision === 'returned' ? '已退回' : '审核通过'}`, r.summary)] : []));
  box.hidden = !r;
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

/** The token was refused: nothing more is sent for this unit until someone signs in again. */
export function leaveUnitView(): void {
  me = null;
}
