import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { readEnv } from '../../functions/adapters/env';
import { makeDocClient } from '../../functions/adapters/aws/clients';
import { MonthRepository } from '../../functions/adapters/aws/month-repo';
import { TokenRepository } from '../../functions/adapters/aws/token-repo';
import { LocalPipeline } from '../local/runtime';
import { dataPaths, loadProgramConfig } from './common';
import { SERVE_INFO_FILE, type ServeInfo } from './serve-run';

/**
 * Where `tb tokens issue|list|revoke` (tokens.ts) find the tokens. Against AWS with `--table NAME` (or TABLE_NAME),
 * using the ordinary AWS credentials; otherwise against the local store `.data/store` (through a
 * running `tb serve` if there is one, since the store cannot be opened twice).
 */
export interface Target {
  repo: TokenRepository;
  /** The global audit trail: every issue and revoke is recorded (the token's id, never the secret). */
  audit: MonthRepository;
  where: string;
  close(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function openTarget(program: Command, table: string | undefined): Promise<Target> {
  const name = table ?? readEnv().table;
  if (name) {
    const doc = makeDocClient();
    return { repo: new TokenRepository(doc, name), audit: new MonthRepository(doc, name), where: `DynamoDB 表 ${name}`, close: async () => doc.destroy() };
  }
  const dataDir = dataPaths(program).store;
  const infoFile = join(dataDir, SERVE_INFO_FILE);
  if (existsSync(infoFile)) {
    const info = JSON.parse(readFileSync(infoFile, 'utf8')) as ServeInfo;
    if (alive(info.pid)) {
      const doc = makeDocClient(info.dynamoEndpoint);
      return { repo: new TokenRepository(doc, info.table), audit: new MonthRepository(doc, info.table), where: `本地存储（经由运行中的 tb serve ${info.url}）`, close: async () => doc.destroy() };
    }
  }
  const pipeline = await LocalPipeline.start({ dataDir, config: loadProgramConfig(program), fresh: false });
  return { repo: new TokenRepository(pipeline.doc, pipeline.servers.table), audit: new MonthRepository(pipeline.doc, pipeline.servers.table), where: `本地存储 ${dataDir}`, close: () => pipeline.close() };
}

export async function withTarget(program: Command, table: string | undefined, work: (t: Target) => Promise<void>): Promise<void> {
  const t = await openTarget(program, table);
  try {
    await work(t);
  } finally {
    await t.close();
  }
}

