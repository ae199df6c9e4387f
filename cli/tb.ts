#!/usr/bin/env -S npx tsx
import { resolve } from 'node:path';
import { appendFileSync, mkdirSync } from 'node:fs';
import { Command } from 'commander';
import { setLogSink } from '../functions/adapters/log';
import { loadConfigFile } from './config-file';
import { runMonths } from './local/run-months';

// The SDK warns that Node 20 support ends in 2027; the Lambdas run Node 22, this is the local CLI.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const program = new Command()
  .name('tb')
  .description('三个一批 monthly pipeline: ingest ledgers, compute rates, render and mail the bulletin')
  .option('-c, --config <file>', 'pipeline configuration (recipients, thresholds)', 'tb.config.json');

async function run(input: string, out: string, opts: { send: boolean }) {
  const config = loadConfigFile(program.opts().config, program.getOptionValueSource('config') === 'cli');
  const started = Date.now();
  // The handlers' JSON logs (CloudWatch in AWS) go to a file; the terminal gets the summary.
  mkdirSync('.data', { recursive: true });
  setLogSink((line) => appendFileSync('.data/pipeline.log', line + '\n'));
  const summaries = await runMonths({
    input: resolve(input),
    out: resolve(out),
    dataDir: resolve('.data/store'),
    config,
    send: opts.send,
  });
  console.log(`\n完成：${summaries.length} 个月，用时 ${((Date.now() - started) / 1000).toFixed(1)} 秒；结果在 ${out}/`);
}

program
  .command('run')
  .description('run every month folder of --input (DIR/YYYY-MM/<unit code>-*.xlsx|csv) on a fresh embedded store')
  .requiredOption('-i, --input <dir>', 'folder of month folders')
  .option('-o, --out <dir>', 'output folder', 'out')
  .option('--no-send', 'do not write the bulletin mails to OUT/outbox')
  .action((o: { input: string; out: string; send: boolean }) => run(o.input, o.out, o));

program
  .command('demo')
  .description('the sample month end to end: same as `tb run --input samples --out out`')
  .action(() => run('samples', 'out', { send: true }));

program.parseAsync().catch((err: Error) => {
  console.error(`\n失败 (pipeline error): ${err.stack ?? err}`);
  process.exit(1);
});
