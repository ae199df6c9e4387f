#!/usr/bin/env -S npx tsx
import { Command } from 'commander';
import * as report from './commands/report';
import * as run from './commands/run';
import * as serve from './commands/serve';
import * as tokens from './commands/tokens';
import * as month from './commands/month';
import * as evaluate from './commands/evaluate';
import * as remind from './commands/remind';
import * as query from './commands/query';
import { reportFailure } from './errors';

// The SDK warns that Node 20 support ends in 2027; the Lambdas run Node 22, this is the local CLI.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const program = new Command()
  .name('tb')
  .description('三个一批 monthly pipeline: ingest ledgers, compute rates, render and mail the bulletin')
  .option('-c, --config <file>', 'pipeline configuration (recipients, thresholds)', 'tb.config.json')
  .option('--data-dir <dir>', 'local data: the embedded store (DIR/store) and the logs (DIR/pipeline.log); default TB_DATA_DIR, else .data', process.env.TB_DATA_DIR || '.data')
  .option('--verbose', 'on failure, print the stack trace too')
  // Commander's own usage errors (unknown option, missing argument) exit 2 as ours do.
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));

// Each command's options live in cli/commands/<name>.ts; its work is loaded only when it runs.
for (const command of [run, report, month, remind, evaluate, query, serve, tokens]) command.register(program);

program.parseAsync().catch((err: unknown) => {
  process.exitCode = reportFailure(err, program.opts().verbose === true);
});
