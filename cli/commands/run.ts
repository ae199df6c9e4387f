import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../errors';
import { requireMonths } from '../local/input-files';
import { dataPaths, loadProgramConfig, logToFile } from './common';

async function run(program: Command, input: string, out: string, opts: { send: boolean; force?: boolean }) {
  const inputDir = resolve(input);
  if (!existsSync(inputDir) || !statSync(inputDir).isDirectory()) throw new UserError(`输入文件夹不存在：${input}（--input 应为含 YYYY-MM 月份子文件夹的目录，如 samples）`);
  const config = loadProgramConfig(program);
  // The folder's mistakes are said before anything heavy is loaded.
  requireMonths(inputDir);
  const started = Date.now();
  logToFile(program);
  // Loaded here, not at start-up: `tb --help` need not load Chromium, the AWS SDK and the servers.
  const { runMonths } = await import('../local/run-months');
  const summaries = await runMonths({ input: inputDir, out: resolve(out), dataDir: dataPaths(program).store, config, send: opts.send, force: opts.force === true });
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
    .action((o: { input: string; out: string; send: boolean; force?: boolean }) => run(program, o.input, o.out, o));

  program
    .command('demo')
    .description('the sample months end to end: same as `tb run --input samples --out out`')
    .action(() => run(program, 'samples', 'out', { send: true }));
}
