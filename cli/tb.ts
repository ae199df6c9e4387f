#!/usr/bin/env -S npx tsx
import { Command } from 'commander';
import * as report from './commands/report';
import * as run from './commands/run';
import * as serve from './commands/serve';
import * as tokens from './commands/tokens';

// The SDK warns that Node 20 support ends in 2027; the Lambdas run Node 22, this is the local CLI.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const program = new Command()
  .name('tb')
  .description('三个一批 monthly pipeline: ingest ledgers, compute rates, render and mail the bulletin')
  .option('-c, --config <file>', 'pipeline configuration (recipients, thresholds)', 'tb.config.json');

// Each command lives in cli/commands/<name>.ts and registers itself here.
for (const command of [run, report, serve, tokens]) command.register(program);

program.parseAsync().catch((err: Error) => {
  console.error(`\n失败 (pipeline error): ${err.stack ?? err}`);
  process.exit(1);
});
