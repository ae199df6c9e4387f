import { division, isReportingUnit } from '../shared/divisions';
import { MAX_KEY_BYTES, MAX_SEGMENT_BYTES, boundedKeyName, decodeFileNameMeta, utf8Bytes } from '../shared/file-names';
import { isMonth } from '../shared/months';
import { visibleText } from '../shared/visible-text';

/** Where an upload lives: `incoming/{YYYY-MM}/{unitCode}/{file name}` (objectKeys.upload; docs/ledger-format.md). */
export interface UploadKey {
  month: string;
  unitCode: string;
  fileName: string;
}

/**
 * A refused key; `month` and `unitCode` when the key did name them (its receipt is then filed
 * under the unit, where the clerk looks, instead of under `invalid/`).
 */
export type KeyCheck = { ok: true; key: UploadKey } | { ok: false; message: string; month?: string; unitCode?: string };

/** The start of a long text, for a message (whole characters). */
function start(text: string, chars = 40): string {
  const cps = [...text];
  return cps.length > chars ? `${cps.slice(0, chars).join('')}…` : text;
}

/** Reads month and unit from the object key; the file's own statements must agree later. */
export function parseUploadKey(key: string): KeyCheck {
  const m = /^incoming\/([^/]+)\/([^/]+)\/(.+)$/.exec(key);
  // A key refused for its length still files its receipt under the unit it names.
  const named = m && isMonth(m[1]) && isReportingUnit(m[2]) ? { month: m[1], unitCode: m[2] } : {};
  const keyBytes = utf8Bytes(key);
  if (keyBytes > MAX_KEY_BYTES) {
    return { ok: false, ...named, message: `上传路径过长（${keyBytes} 字节，S3 上限 ${MAX_KEY_BYTES} 字节）：“${start(key, 60)}”，请把文件名改短后重新上传` };
  }
  if (!m) return { ok: false, message: `上传路径不符合规范：${key}（应为 incoming/年-月/单位代码/文件名）` };
  const [, month, unitCode, fileName] = m;
  if (!isMonth(month)) return { ok: false, message: `上传路径中的月份“${start(month)}”无效（应为 YYYY-MM，如 2026-10）` };
  if (!isReportingUnit(unitCode)) {
    const d = division(unitCode);
    return {
      ok: false,
      message: d
        ? `单位代码 ${unitCode}（${d.name}）不是报送单位：请由所辖县（市、区）分别报送`
        : `单位代码“${start(unitCode)}”不是河南省的报送单位代码`,
    };
  }
  const long = fileName.split('/').find((part) => utf8Bytes(part) > MAX_SEGMENT_BYTES);
  if (long !== undefined) {
    return {
      ok: false,
      month,
      unitCode,
      message: `文件名过长（${utf8Bytes(long)} 字节，上限 ${MAX_SEGMENT_BYTES} 字节，约 85 个汉字）：“${start(long)}”，请把文件名改短后重新上传`,
    };
  }
  return { ok: true, key: { month, unitCode, fileName } };
}

/**
 * The name to show for an upload: the clerk's file name from the object's metadata when the key's
 * last segment was made from it (objectKeys.upload, a portal key's `{uploadId}-` before it);
 * otherwise the key's last segment. Metadata that does not match the key is not believed.
 */
export function uploadFileName(key: string, metadataName: string | null | undefined): string {
  const last = key.split('/').pop() ?? key;
  const name = decodeFileNameMeta(metadataName);
  const portal = /^([0-9a-f]{16})-/.exec(last);
  const believed = name !== null && (boundedKeyName(name) === last || (portal && boundedKeyName(`${portal[1]}-${name}`) === last));
  // As it shows (visibleText): a name is for people, and may hold any character.
  return visibleText(believed ? name : last);
}
