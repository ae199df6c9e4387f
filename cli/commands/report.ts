import { resolve } from 'node:path';
import type { Command } from 'commander';
import { editionCodes } from '../../functions/core/shared/storage-keys';
import { isMonth } from '../../functions/core/shared/months';
import { UserError } from '../errors';
import { assertLocalStore, dataPaths, loadProgramConfig, logToFile } from './common';

interface ReportCommandOptions {
  month: string;
  city?: string;
  send?: boolean;
  force?: boolean;
  out: string;
  stack?: string;
  function?: string;
  region?: string;
}

async function run(program: Command, o: ReportCommandOptions): Promise<void> {
  if (!isMonth(o.month)) throw new UserError(`月份格式应为 YYYY-MM（如 2026-10）：${o.month}`);
  if (o.city && !editionCodes().includes(o.city)) throw new UserError(`--city 应为省辖市（示范区）代码（如 410100）或 province：${o.city}`);
  const local = !o.stack && !o.function;
  // A bad --config is said before anything heavy is loaded.
  const config = local ? loadProgramConfig(program) : null;
  const { store } = dataPaths(program);
  if (local) {
    assertLocalStore(store);
    logToFile(program);
  }
  const { runReport } = await import('./report-run');
  await runReport({
    event: { month: o.month, send: o.send === true, force: o.force === true, ...(o.city ? { city: o.city } : {}) },
    stack: o.stack,
    functionName: o.function,
    region: o.region,
    config,
    out: resolve(o.out),
    dataDir: store,
  });
}

/** `tb report --month YYYY-MM [--city CODE] [--send|--no-send] [--force] [--stack NAME | --function NAME]`. */
export function register(program: Command): void {
  program
    .command('report')
    .description("re-render (and on request re-send) a month's bulletins: locally on the store the last `tb run` left, or on a deployed stack")
    .requiredOption('-m, --month <YYYY-MM>', 'the month to report')
    .option('--city <code>', 'only this edition: a city-level code (e.g. 410100) or "province"')
    .option('--send', 'mail the bulletins; recipients who already got them are skipped')
    .option('--no-send', 'do not mail (the default)')
    .option('--force', 'issue even a month with no accepted upload (refused otherwise, exit 3); with --send also mail again recipients who already got it')
    .option('-o, --out <dir>', 'local: output folder', 'out')
    .option('--stack <name>', 'deployed: the CloudFormation stack whose report function to invoke')
    .option('--function <name>', 'deployed: the report function to invoke (instead of --stack)')
    .option('--region <region>', 'deployed: AWS region (default from the environment)')
    .action((o: ReportCommandOptions) => run(program, o));
}
