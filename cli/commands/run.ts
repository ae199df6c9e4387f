import { resolve } from 'node:path';
import type { Command } from 'commander';
import { runMonths } from '../local/run-months';
import { loadProgramConfig, logToFile } from './common';

async function run(program: Command, input: string, out: string, opts: { send: boolean }) {
  const config = loadProgramConfig(program);
  const started = Date.now();
  logToFile();
  const summaries = await runMonths({
    input: resolve(input),
    out: resolve(out),
    dataDir: resolve('.data/store'),
    config,
    send: opts.send,
  });
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
    .action((o: { input: string; out: string; send: boolean }) => run(program, o.input, o.out, o));

  program
    .command('demo')
    .description('the sample months end to end: same as `tb run --input samples --out out`')
    .action(() => run(program, 'samples', 'out', { send: true }));
}
