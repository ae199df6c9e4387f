import type { Config } from '../shared/config';
import { addMonths, isMonth, monthLabel, monthsBetween, reportingMonth, shanghaiMonth } from '../shared/months';
import { MAX_DISPLAY_NAME_BYTES, cutToBytes, fileNameMetadata, utf8Bytes } from '../shared/file-names';
import { objectKeys } from '../shared/storage-keys';
import { visibleText } from '../shared/visible-text';

/**
 * What the portal decides before a clerk's browser may upload (pure): which months are open, a
 * safe file name, and the S3 key. The server chooses the key; nothing the client sends reaches
 * it unchecked.
 *
 * Months open for upload: the reporting month (the month before the current Asia/Shanghai
 * month) and `openMonths - 1` months before it. Never the current month (not over yet), never
 * the future.
 */
export interface UploadSettings {
  /** How many months, counting back from the reporting month, accept uploads. */
  openMonths: number;
  /** Lifetime of a presigned POST. */
  postExpiresSeconds: number;
  /** Largest file the POST policy admits (the ingest's own limit). */
  maxBytes: number;
}

/** From the pipeline config (`upload` section; the size limit is the ingest's own). */
export function uploadSettings(config: Config, over: Partial<UploadSettings> = {}): UploadSettings {
  return {
    openMonths: over.openMonths ?? config.upload.openMonths,
    postExpiresSeconds: over.postExpiresSeconds ?? config.upload.postExpiresSeconds,
    maxBytes: over.maxBytes ?? config.ingest.maxBytes,
  };
}

/** The months a clerk may upload for, newest first. */
export function openUploadMonths(now: Date, openMonths: number): string[] {
  const newest = reportingMonth(now);
  return Array.from({ length: Math.max(1, openMonths) }, (_, i) => addMonths(newest, -i));
}

export type Refusal = { ok: false; status: 400 | 403 | 413; code: string; message: string };
const refuse = (status: Refusal['status'], code: string, message: string): Refusal => ({ ok: false, status, code, message });

export function checkUploadMonth(month: unknown, now: Date, openMonths: number): { ok: true; month: string } | Refusal {
  if (typeof month !== 'string' || !isMonth(month)) return refuse(400, 'bad-month', '请选择报送月份（格式 YYYY-MM，如 2026-10）');
  const open = openUploadMonths(now, openMonths);
  if (open.includes(month)) return { ok: true, month };
  const current = shanghaiMonth(now);
  const list = open.map(monthLabel).join('、');
  if (monthsBetween(current, month) > 0) return refuse(400, 'future-month', `不能报送未来月份（${monthLabel(month)}）。可报送：${list}`);
  if (month === current) return refuse(400, 'open-month', `${monthLabel(month)}尚未结束，暂不能报送。可报送：${list}`);
  return refuse(400, 'closed-month', `${monthLabel(month)}已截止报送。可报送：${list}`);
}

/** Months the province view may look at: not after the current month. */
export function checkViewMonth(month: unknown, now: Date): { ok: true; month: string } | Refusal {
  if (typeof month !== 'string' || !isMonth(month)) return refuse(400, 'bad-month', '月份格式应为 YYYY-MM，如 2026-10');
  if (monthsBetween(shanghaiMonth(now), month) > 0) return refuse(400, 'future-month', `${monthLabel(month)}尚未到来`);
  return { ok: true, month };
}

export const UPLOAD_EXTENSIONS = ['xlsx', 'xlsm', 'csv'] as const;
const MAX_INPUT_CHARS = 500;

/**
 * A file name that is safe in an S3 key and readable by the clerk: the base name only (no
 * folders, no `..`), letters and digits of any script, a few punctuation marks; anything else
 * becomes `_`; at most MAX_DISPLAY_NAME_BYTES (200 Chinese characters; the key bounds it further,
 * see objectKeys.upload). The extension must be one ingest reads.
 */
export function safeFileName(name: unknown): { ok: true; name: string } | Refusal {
  if (typeof name !== 'string' || !name.trim()) return refuse(400, 'bad-file-name', '请选择要上传的文件');
  if (name.length > MAX_INPUT_CHARS) return refuse(400, 'bad-file-name', '文件名过长，请改短后重新选择');
  const base = name.split(/[/\\]/).pop() ?? '';
  const cleaned = base
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}]/gu, '')
    .replace(/[^\p{L}\p{N}\p{M} ._\-()（）【】、，·]/gu, '_')
    .replace(/\.{2,}/g, '.')
    .replace(/_{2,}/g, '_')
    .replace(/\s+/g, ' ')
    .replace(/[\s.]+$/g, '');
  const m = /^(.*)\.([A-Za-z0-9]+)$/.exec(cleaned);
  const ext = m ? m[2].toLowerCase() : '';
  if (ext === 'xls' || ext === 'et') return refuse(400, 'unsupported-type', `不支持 .${ext} 格式，请在 Excel/WPS 中另存为 .xlsx 后重新上传`);
  if (!(UPLOAD_EXTENSIONS as readonly string[]).includes(ext)) {
    return refuse(400, 'unsupported-type', `不支持的文件类型“${ext ? '.' + ext : '无扩展名'}”：请上传 .xlsx 或 .csv 文件`);
  }
  let stem = (m ? m[1] : '').replace(/^[\s._]+|[\s._]+$/g, '');
  if (!stem) stem = '台账';
  stem = cutToBytes(stem, MAX_DISPLAY_NAME_BYTES - utf8Bytes(ext) - 1);
  return { ok: true, name: `${stem}.${ext}` };
}

/** Portal upload ids: 16 lower-case hex characters (the caller supplies the random bytes). */
export const UPLOAD_ID_RE = /^[0-9a-f]{16}$/;

export function uploadIdFrom(random: Uint8Array): string {
  if (random.byteLength < 8) throw new Error('need 8 random bytes');
  return Buffer.from(random.subarray(0, 8)).toString('hex');
}

/**
 * The clerk's file name inside a portal key (`{uploadId}-{name}`, the name shortened when long:
 * the receipt has it whole); other keys: the last segment.
 */
export function displayFileName(key: string): string {
  // A key written straight to S3 (not by the portal) may hold any character.
  const last = visibleText(key.split('/').pop() ?? key);
  const m = /^[0-9a-f]{16}-(.+)$/.exec(last);
  return m ? m[1] : last;
}

export function portalUploadId(key: string): string | null {
  const m = /^[0-9a-f]{16}(?=-)/.exec(key.split('/').pop() ?? '');
  return m ? m[0] : null;
}

export interface UploadPlan {
  ok: true;
  uploadId: string;
  key: string;
  month: string;
  unitCode: string;
  fileName: string;
  /** The object's user metadata the POST must carry (the clerk's file name, FILE_NAME_META). */
  metadata: Record<string, string>;
  maxBytes: number;
  expiresAt: string;
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} 字节`;
}

/**
 * Everything about one upload the server decides: month open?, file acceptable?, the key.
 * `unitCode` comes from the caller's token, never from the request.
 */
export function planUpload(
  req: { month: unknown; fileName: unknown; size?: unknown },
  unitCode: string,
  uploadId: string,
  now: Date,
  settings: UploadSettings,
): UploadPlan | Refusal {
  const month = checkUploadMonth(req.month, now, settings.openMonths);
  if (!month.ok) return month;
  const file = safeFileName(req.fileName);
  if (!file.ok) return file;
  if (req.size !== undefined && req.size !== null) {
    if (typeof req.size !== 'number' || !Number.isFinite(req.size) || req.size < 0) return refuse(400, 'bad-size', '文件大小无效');
    if (req.size === 0) return refuse(400, 'empty-file', '文件为空（0 字节），请重新选择');
    if (req.size > settings.maxBytes) {
      return refuse(413, 'too-large', `文件大小 ${formatBytes(req.size)} 超过上限 ${formatBytes(settings.maxBytes)}，请删除无关工作表、图片后重新上传`);
    }
  }
  if (!UPLOAD_ID_RE.test(uploadId)) throw new Error(`bad upload id ${uploadId}`);
  return {
    ok: true,
    uploadId,
    key: objectKeys.upload(month.month, unitCode, `${uploadId}-${file.name}`),
    month: month.month,
    unitCode,
    fileName: file.name,
    metadata: fileNameMetadata(file.name),
    maxBytes: settings.maxBytes,
    expiresAt: new Date(now.getTime() + settings.postExpiresSeconds * 1000).toISOString(),
  };
}
