import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { setLogSink } from '../../functions/adapters/log';
import type { Config } from '../../functions/core/shared/config';
import { loadConfigFile } from '../config-file';
import { dynamoBackend, dynamoStoreDir } from '../local/dynamodb';
import { UserError } from '../errors';

/** The --config file (required when given explicitly, defaults otherwise). */
export function loadProgramConfig(program: Command): Config {
  return loadConfigFile(program.opts().config, program.getOptionValueSource('config') === 'cli');
}

/**
 * The local data folder (`--data-dir`, else TB_DATA_DIR, else `.data`): the embedded store in
 * `store/`, the handlers' logs in `pipeline.log`. Tests give each run its own.
 */
export function dataPaths(program: Command): { root: string; store: string; log: string } {
  const root = resolve(program.opts().dataDir as string);
  return { root, store: join(root, 'store'), log: join(root, 'pipeline.log') };
}

/**
 * A store an earlier `tb run` / `npm start` left (its S3 folder and the folder of the DynamoDB
 * backend TB_DYNAMODB selects: a store made on the other one is not there), else the operator's mistake.
 */
export function assertLocalStore(store: string): void {
  if (!existsSync(dynamoStoreDir(store, dynamoBackend())) || !existsSync(join(store, 's3'))) {
    throw new UserError(`本地数据不存在：${store}（请先运行 tb run 或 npm start，或用 --data-dir 指定数据目录）`);
  }
}

/** The handlers' JSON logs (CloudWatch in AWS) go to DATA/pipeline.log; the terminal gets the summary. */
export function logToFile(program: Command): void {
  const { root, log } = dataPaths(program);
  mkdirSync(root, { recursive: true });
  setLogSink((line) => appendFileSync(log, line + '\n'));
}
