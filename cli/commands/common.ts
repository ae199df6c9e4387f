import { appendFileSync, mkdirSync } from 'node:fs';
import type { Command } from 'commander';
import { setLogSink } from '../../functions/adapters/log';
import type { Config } from '../../functions/core/shared/config';
import { loadConfigFile } from '../config-file';

/** The --config file (required when given explicitly, defaults otherwise). */
export function loadProgramConfig(program: Command): Config {
  return loadConfigFile(program.opts().config, program.getOptionValueSource('config') === 'cli');
}

/** The handlers' JSON logs (CloudWatch in AWS) go to .data/pipeline.log; the terminal gets the summary. */
export function logToFile(path = '.data/pipeline.log'): void {
  mkdirSync('.data', { recursive: true });
  setLogSink((line) => appendFileSync(path, line + '\n'));
}
