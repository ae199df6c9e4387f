import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../errors';
import { PARAM_OPTIONS } from './query-params';

export interface QueryCommandOptions {
  saved?: string;
  list?: boolean;
  month?: string;
  unit?: string;
  months?: string;
  out: string;
  json?: boolean;
  csv?: boolean;
}

async function run(sql: string | undefined, o: QueryCommandOptions): Promise<void> {
  if (o.json && o.csv) throw new UserError('--json 与 --csv 只能选一个');
  const modes = [sql !== undefined, o.saved !== undefined, o.list === true].filter(Boolean).length;
  if (modes !== 1) throw new UserError('请给出一条 SQL（tb query "SELECT …"），或 --saved 查询名，或 --list 列出保存的查询');
  const values: Record<string, string | undefined> = { month: o.month, unit: o.unit, months: o.months };
  for (const [name, v] of Object.entries(values)) {
    const problem = v === undefined ? null : PARAM_OPTIONS[name].check(v);
    if (problem) throw new UserError(problem);
  }
  const { runQueryCommand } = await import('./query-run');
  await runQueryCommand({ sql, saved: o.saved, list: o.list === true, values, out: resolve(o.out), format: o.json ? 'json' : o.csv ? 'csv' : 'table' });
}

/** `tb query "SQL" | --saved NAME [--month M] [--unit CODE] [--months N] | --list  [--out DIR] [--json|--csv]`. */
export function register(program: Command): void {
  program
    .command('query')
    .description('SQL on the curated ledger (the table `ledger`, partitioned by `month`) with DuckDB over OUT/curated/: your own SQL or a saved query of queries/*.sql, the same text Athena runs')
    .argument('[sql]', 'the SQL to run, e.g. "SELECT month, count(*) FROM ledger GROUP BY 1"')
    .option('--saved <name>', 'run a saved query: city-rates, unit-history, stalled-projects (see --list)')
    .option('--list', 'list the saved queries and their parameters')
    .option('-m, --month <YYYY-MM>', 'parameter month (city-rates, stalled-projects)')
    .option('--unit <code>', 'parameter unit: a 6-digit reporting unit code (unit-history)')
    .option('--months <n>', 'parameter months: signed for more than N months (stalled-projects)')
    .option('-o, --out <dir>', 'the output folder of tb run, whose curated/ is read', 'out')
    .option('--json', 'print the rows as JSON')
    .option('--csv', 'print the rows as CSV')
    .action((sql: string | undefined, o: QueryCommandOptions) => run(sql, o));
}
