import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../errors';
import { requireMonths } from '../local/input-files';
import { dataPaths, loadProgramConfig, logToFile } from './common';
import type { Config } from '../../functions/core/shared/config';
import { deadlineOf } from '../../functions/core/shared/deadline';

/**
 * `--uploaded-at`: an ISO time, or `on-time` (a day before each month's deadline): when the
 * replayed files were handed in. Without it they count as uploaded now, so a past month's are all 逾期.
 */
function uploadedAtOption(value: string | undefined, config: Config): ((month: string) => Date) | undefined {
  if (value === undefined) return undefined;
  if (value === 'on-time') return (month) => new Date(deadlineOf(month, config.deadline).getTime() - 86400_000);
  const at = new Date(value);
  const ymd = /^(\d{4})-(\d{2})-(\d{2})T/.exec(value);
  // A day that does not exist (Date rolls 11-31 over to 12-01) is a typo, not a time.
  const day = ymd ? new Date(Date.UTC(+ymd[1], +ymd[2] - 1, +ymd[3])) : null;
  if (!ymd || Number.isNaN(at.getTime()) || day!.getUTCMonth() !== +ymd[2] - 1 || day!.getUTCDate() !== +ymd[3]) {
    throw new UserError(`--uploaded-at 应为 on-time 或带时区的时间（如 2026-11-02T09:00:00+08:00），而不是“${value}”`);
  }
  return () => at;
}

async function run(program: Command, input: string, out: string, opts: { send: boolean; force?: boolean; uploadedAt?: string; lifecycle?: boolean }) {
  const inputDir = resolve(input);
  if (!existsSync(inputDir) || !statSync(inputDir).isDirectory()) throw new UserError(`输入文件夹不存在：${input}（--input 应为含 YYYY-MM 月份子文件夹的目录，如 samples）`);
  const programConfig = loadProgramConfig(program);
  // The demo's config lives in the demo, not in tb.config.json (which a deploy also reads).
  const config = opts.lifecycle ? (await import('../local/demo-lifecycle')).demoConfig(programConfig) : programConfig;
  const uploadedAt = uploadedAtOption(opts.uploadedAt, config);
  // The folder's mistakes are said before anything heavy is loaded.
  requireMonths(inputDir);
  const started = Date.now();
  logToFile(program);
  // Loaded here, not at start-up: `tb --help` need not load Chromium, the AWS SDK and the servers.
  const { runMonths } = await import('../local/run-months');
  const summaries = await runMonths({ input: inputDir, out: resolve(out), dataDir: dataPaths(program).store, config, send: opts.send, force: opts.force === true, uploadedAt, holdLast: opts.lifecycle === true });
  if (opts.lifecycle) {
    const { demoLifecycle } = await import('../local/demo-lifecycle');
    await demoLifecycle({ input: inputDir, out: resolve(out), dataDir: dataPaths(program).store, config, month: summaries[summaries.length - 1].month });
  }
  console.log(`\n完成：${summaries.length} 个月，用时 ${((Date.now() - started) / 1000).toFixed(1)} 秒；结果在 ${out}/`);
}

/** `tb run` and `tb demo`: whole months on a fresh embedded store. */
export function register(program: Command): void {
  program
    .command('run')
    .description('run every month folder of --input (DIR/YYYY-MM/<unit code>-*.xlsx|csv) on a fresh embedded store')
    .requiredOption('-i, --input <dir>', 'folder of month folders')
    .option('-o, --out <dir>', 'output folder', 'out')
    .option('--no-send', 'do not write the bulletin mails to OUT/outbox')
    .option('--force', 'issue the bulletin even for a month with no accepted upload (such a month is refused otherwise, exit 3)')
    .option('--uploaded-at <time>', 'when the files were handed in (decides 按时/逾期): an ISO time with zone, or on-time (a day before each month\'s deadline); default now')
    .action((o: { input: string; out: string; send: boolean; force?: boolean; uploadedAt?: string }) => run(program, o.input, o.out, o));

  program
    .command('demo')
    .description('the sample months end to end (`tb run --input samples --out out --uploaded-at on-time`), the last one walked through its life: reminders, city review, publish, a correction after the lock, republish, the audit trail')
    // The sample files stand for ledgers handed in on time.
    .action(() => run(program, 'samples', 'out', { send: true, uploadedAt: 'on-time', lifecycle: true }));
}
