import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalPipeline } from '../../cli/local/runtime';
import { setLogSink } from '../../functions/adapters/log';
import { type Config, parseConfig } from '../../functions/core/shared/config';

setLogSink(() => {});

/** A fresh local pipeline (embedded S3 + DynamoDB) in a temp dir. */
export async function startPipeline(config: Partial<Config> = {}): Promise<LocalPipeline> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tb-test-'));
  return LocalPipeline.start({ dataDir, config: parseConfig(config) });
}
