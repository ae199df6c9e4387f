import type { Command } from 'commander';
import type { Actor } from '../../functions/core/month/month-state';
import { type TokenRecord, describeToken, isCityCode, parseExpiry } from '../../functions/core/portal/tokens';
import { division, isReportingUnit } from '../../functions/core/shared/divisions';
import { UserError } from '../errors';

/**
 * `tb tokens issue|list|revoke`: portal tokens. Against AWS with `--table NAME` (or TABLE_NAME),
 * using the ordinary AWS credentials; otherwise against the local store (through a running
 * `tb serve` if there is one, since the store cannot be opened twice).
 */
/** The store is opened only when a command runs (tokens-run.ts): `tb tokens --help` stays instant. */
const withTarget: (typeof import('./tokens-run'))['withTarget'] = async (...args) => (await import('./tokens-run')).withTarget(...args);

/** Who issues or revokes, for the audit trail: the operator at this terminal (as tb lock|publish). */
const operator = async (): Promise<Actor> => (await import('./month-run')).operator();

/** The audit record's text: whose token, never the secret. */
function auditDetail(r: TokenRecord): string {
  const who = r.role === 'province' ? '省级令牌' : r.role === 'city' ? `${division(r.cityCode ?? '')?.name ?? r.cityCode} 市级审核令牌` : `${division(r.unitCode ?? '')?.name ?? r.unitCode} 报送令牌`;
  return `${who} ${r.id}${r.label ? `（${r.label}）` : ''}`;
}

export function register(program: Command): void {
  const tokens = program.command('tokens').description('portal tokens: issue (printed once, stored as a hash), list, revoke');
  const tableOption = ['--table <name>', 'DynamoDB table in AWS (default: TABLE_NAME, else the local store in the data folder)'] as const;

  tokens
    .command('issue')
    .description('issue a token for a reporting unit (--unit CODE), a city office that reviews its counties (--city CODE) or the province office (--province)')
    .option('--unit <code>', 'reporting unit code, e.g. 411102')
    .option('--city <code>', 'city-level unit code, e.g. 411100: reviews (审核) its own reporting units')
    .option('--province', 'every unit, and the month control panel (lock, publish, republish)')
    .option('--expires <when>', 'expiry: 90d, 12h, 2w or a date 2027-01-31 (default: none)')
    .option('--label <text>', 'note for operators (who holds it)')
    .option(...tableOption)
    .action(async (o: { unit?: string; city?: string; province?: boolean; expires?: string; label?: string; table?: string }) => {
      if ([o.unit, o.city, o.province].filter(Boolean).length !== 1) throw new UserError('请指定 --unit 单位代码、--city 市代码 或 --province 三者之一');
      if (o.city && !isCityCode(o.city)) {
        const d = division(o.city);
        throw new UserError(d ? `${o.city}（${d.name}）不是省辖市：市级审核令牌请按所在市发放（如漯河市 411100）` : `“${o.city}”不是河南省的省辖市代码`);
      }
      if (o.unit && !isReportingUnit(o.unit)) {
        const d = division(o.unit);
        throw new UserError(d ? `${o.unit}（${d.name}）不是报送单位：请为所辖县（市、区）分别发放` : `“${o.unit}”不是河南省的报送单位代码`);
      }
      const now = new Date();
      let expiresAt: string | null = null;
      try {
        expiresAt = o.expires ? parseExpiry(o.expires, now) : null;
      } catch (e) {
        throw new UserError((e as Error).message);
      }
      await withTarget(program, o.table, async ({ repo, audit, where }) => {
        const role = o.province ? 'province' : o.city ? 'city' : 'unit';
        const { token, record } = await repo.issue({ role, unitCode: o.unit ?? null, cityCode: o.city ?? null, expiresAt, label: o.label, now });
        await audit.append({ month: null, at: now.toISOString(), actor: await operator(), action: 'token-issue', detail: auditDetail(record) });
        console.log(`已发放（${where}）：${describeToken(record, now)}`);
        console.log(`\n${token}\n`);
        console.log('令牌只显示这一次（系统只保存其哈希），请通过安全渠道转交。停用：tb tokens revoke ' + record.id);
      });
    });

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
    .action(async (id: string, o: { table?: string }) => {
      await withTarget(program, o.table, async ({ repo, audit }) => {
        const r = await repo.revoke(id.trim());
        if (!r) throw new UserError(`找不到令牌 ${id}（用 tb tokens list 查看）`);
        await audit.append({ month: null, at: new Date().toISOString(), actor: await operator(), action: 'token-revoke', detail: auditDetail(r) });
        console.log(`已停用：${describeToken(r, new Date())}`);
      });
    });
}
