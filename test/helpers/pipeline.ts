import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalPipeline } from '../../cli/local/runtime';
import { setLogSink } from '../../functions/adapters/log';
import { type Config, parseConfig } from '../../functions/core/shared/config';

setLogSink(() => {});

/**
 * A fresh local pipeline (embedded S3 + DynamoDB) in a temp dir; with `outbox`, receipt mails and
 * reminders are written there (as `tb run` does to OUT/outbox).
 */
export async function startPipeline(config: Partial<Config> = {}, opts: { outbox?: string } = {}): Promise<LocalPipeline> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tb-test-'));
  return LocalPipeline.start({ dataDir, config: parseConfig(config), ...opts });
}

/**
 * The table's items that hold data: without receipts and the audit trail, which record every
 * upload (a refused one too) by design. "Changes nothing stored" is asserted on these.
 */
export function dataItems<T extends Record<string, unknown>>(items: T[]): T[] {
  return items.filter((i) => !String(i.sk).startsWith('RECEIPT#') && !String(i.pk).startsWith('AUDIT#'));
}
