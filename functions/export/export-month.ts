import { logEvent } from '../adapters/log';
import type { Pointer } from '../core/ingest/upload-order';
import type { CuratedWriter, ExportRequest, MonthLedgerStore } from '../core/ports';
import { isMonth } from '../core/shared/months';

export interface ExportDeps {
  /** The snapshots of exactly the given uploads (not the month's current ones: a version's are pinned). */
  repo: Pick<MonthLedgerStore, 'readAt'>;
  curated: Pick<CuratedWriter, 'writeMonth'>;
}

export interface ExportResult {
  month: string;
  /** The objects written (Arrow, and Parquet unless its WebAssembly is missing). */
  keys: string[];
}

/** An invalid request: a retry cannot mend it, so it says exactly what is wrong. */
export class InvalidExportRequest extends Error {
  override name = 'InvalidExportRequest';
}

/**
 * The export stage: the month's curated copy for analysts, Athena and `tb evaluate`
 * (`ledger/month=…/ledger.parquet`, `ledger-arrow/month=…/ledger.arrow`), from the rows of exactly
 * the uploads compute counted. Compute requests it and does not wait (the bulletin does not need
 * it); the bytes depend only on the rows, so a retried or repeated export writes the same objects.
 */
export function createExport(deps: ExportDeps) {
  return async (event: unknown): Promise<ExportResult> => {
    const { month, pointers } = exportRequest(event);
    const { ledger, uploadIds } = await deps.repo.readAt(month, pointers);
    const keys = await deps.curated.writeMonth(month, ledger, (unit) => uploadIds[unit] ?? '');
    logEvent('curated month written', { month, units: pointers.length, keys });
    return { month, keys };
  };
}

/** The event as compute sends it (`{month, pointers}`), checked: a malformed one is refused before any read. */
export function exportRequest(event: unknown): ExportRequest {
  const e = (event ?? {}) as { month?: unknown; pointers?: unknown };
  if (typeof e.month !== 'string' || !isMonth(e.month)) {
    throw new InvalidExportRequest(`导出请求无效：month 应为 YYYY-MM 格式的月份，收到 ${JSON.stringify(e.month) ?? '空值'}`);
  }
  if (!Array.isArray(e.pointers)) throw new InvalidExportRequest(`导出请求无效（${e.month}）：pointers 应为上传指针数组`);
  const seen = new Set<string>();
  e.pointers.forEach((p: unknown, i) => {
    const { unitCode, uploadId } = (p ?? {}) as Partial<Pointer>;
    if (typeof unitCode !== 'string' || !unitCode || typeof uploadId !== 'string' || !uploadId) {
      throw new InvalidExportRequest(`导出请求无效（${e.month}）：pointers 第 ${i + 1} 项缺少 unitCode 或 uploadId`);
    }
    // One upload per unit: a second would silently replace the first unit's rows.
    if (seen.has(unitCode)) throw new InvalidExportRequest(`导出请求无效（${e.month}）：单位 ${unitCode} 出现不止一次`);
    seen.add(unitCode);
  });
  return { month: e.month, pointers: e.pointers as Pointer[] };
}
