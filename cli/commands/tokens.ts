import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { readEnv } from '../../functions/adapters/env';
import { makeDocClient } from '../../functions/adapters/aws/clients';
import { TokenRepository } from '../../functions/adapters/aws/token-repo';
import { division, isReportingUnit } from '../../functions/core/shared/divisions';
import { describeToken, parseExpiry } from '../../functions/core/portal/tokens';
import { LocalPipeline } from '../local/runtime';
import { loadProgramConfig } from './common';
import { SERVE_INFO_FILE, type ServeInfo } from './serve';

/**
 * `tb tokens issue|list|revoke`: portal tokens. Against AWS with `--table NAME` (or TABLE_NAME),
 * using the ordinary AWS credentials; otherwise against the local store `.data/store` (through a
 * running `tb serve` if there is one, since the store cannot be opened twice).
 */
interface Target {
  repo: TokenRepository;
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
    return { repo: new TokenRepository(doc, name), where: `DynamoDB 表 ${name}`, close: async () => doc.destroy() };
  }
  const dataDir = resolve('.data/store');
  const infoFile = join(dataDir, SERVE_INFO_FILE);
  if (existsSync(infoFile)) {
    const info = JSON.parse(readFileSync(infoFile, 'utf8')) as ServeInfo;
    if (alive(info.pid)) {
      const doc = makeDocClient(info.dynamoEndpoint);
      return { repo: new TokenRepository(doc, info.table), where: `本地存储（经由运行中的 tb serve ${info.url}）`, close: async () => doc.destroy() };
    }
  }
  const pipeline = await LocalPipeline.start({ dataDir, config: loadProgramConfig(program), fresh: false });
  return { repo: new TokenRepository(pipeline.doc, pipeline.servers.table), where: `本地存储 ${dataDir}`, close: () => pipeline.close() };
}

async function withTarget(program: Command, table: string | undefined, work: (t: Target) => Promise<void>): Promise<void> {
  const t = await openTarget(program, table);
  try {
    await work(t);
  } finally {
    await t.close();
  }
}

/** A mistake on the command line: one line in Chinese and exit code 2, no stack trace. */
class UsageError extends Error {}

function action<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      console.error(`错误：${e.message}`);
      process.exitCode = 2;
    }
  };
}

export function register(program: Command): void {
  const tokens = program.command('tokens').description('portal tokens: issue (printed once, stored as a hash), list, revoke');
  const tableOption = ['--table <name>', 'DynamoDB table in AWS (default: TABLE_NAME, else the local store .data/store)'] as const;

  tokens
    .command('issue')
    .description('issue a token for a reporting unit (--unit CODE) or a read-only province token (--province)')
    .option('--unit <code>', 'reporting unit code, e.g. 411102')
    .option('--province', 'read-only view of every unit')
    .option('--expires <when>', 'expiry: 90d, 12h, 2w or a date 2027-01-31 (default: none)')
    .option('--label <text>', 'note for operators (who holds it)')
    .option(...tableOption)
    .action(
      action(async (o: { unit?: string; province?: boolean; expires?: string; label?: string; table?: string }) => {
        if (!!o.unit === !!o.province) throw new UsageError('请指定 --unit 单位代码 或 --province 之一');
        if (o.unit && !isReportingUnit(o.unit)) {
          const d = division(o.unit);
          throw new UsageError(d ? `${o.unit}（${d.name}）不是报送单位：请为所辖县（市、区）分别发放` : `“${o.unit}”不是河南省的报送单位代码`);
        }
        const now = new Date();
        let expiresAt: string | null = null;
        try {
          expiresAt = o.expires ? parseExpiry(o.expires, now) : null;
        } catch (e) {
          throw new UsageError((e as Error).message);
        }
        await withTarget(program, o.table, async ({ repo, where }) => {
          const { token, record } = await repo.issue({ role: o.province ? 'province' : 'unit', unitCode: o.unit ?? null, expiresAt, label: o.label, now });
          console.log(`已发放（${where}）：${describeToken(record, now)}`);
          console.log(`\n${token}\n`);
          console.log('令牌只显示这一次（系统只保存其哈希），请通过安全渠道转交。停用：tb tokens revoke ' + record.id);
        });
      }),
    );

  tokens
    .command('list')
    .description('list tokens (ids, units, expiry, revoked) — never the tokens themselves')
    .option(...tableOption)
    .action(async (o: { table?: string }) => {
      await withTarget(program, o.table, async ({ repo, where }) => {
        const now = new Date();
        const all = await repo.list();
        console.log(`${where}：共 ${all.length} 个令牌`);
        for (const r of all) console.log(`  ${describeToken(r, now)}`);
      });
    });

  tokens
    .command('revoke')
    .description('revoke a token by its id (takes effect on the next request)')
    .argument('<id>', 'token id from `tb tokens list`')
    .option(...tableOption)
    .action(
      action(async (id: string, o: { table?: string }) => {
        await withTarget(program, o.table, async ({ repo }) => {
          const r = await repo.revoke(id.trim());
          if (!r) throw new UsageError(`找不到令牌 ${id}（用 tb tokens list 查看）`);
          console.log(`已停用：${describeToken(r, new Date())}`);
        });
      }),
    );
}
