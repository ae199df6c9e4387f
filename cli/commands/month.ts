import type { Command } from 'commander';
import { isMonth } from '../../functions/core/shared/months';
import { UserError } from '../errors';
import { assertLocalStore, dataPaths, loadProgramConfig, logToFile } from './common';

/**
 * The month's life on this machine (issue 12; docs/architecture.md "The month's life"):
 *   tb lock --month M        pin the uploads version 1 is computed on; later uploads are corrections
 *   tb publish --month M     lock (if open), compute, render and mail version 1
 *   tb republish --month M   take the accepted corrections: version N+1 with its 更正说明
 *   tb audit [--month M]     the audit trail (without --month: tokens and configuration)
 * Each runs on the store the last `tb run` / `npm start` left (or a running `tb serve`'s folder).
 */
function monthOf(m: string): string {
  if (!isMonth(m)) throw new UserError(`月份格式应为 YYYY-MM（如 2026-10）：${m}`);
  return m;
}

async function action(program: Command, action: 'lock' | 'publish' | 'republish', o: { month: string; send: boolean; out: string; by?: string }) {
  const month = monthOf(o.month);
  const config = loadProgramConfig(program);
  const { store } = dataPaths(program);
  assertLocalStore(store);
  logToFile(program);
  const { runMonthAction } = await import('./month-run');
  await runMonthAction({ month, action, config, dataDir: store, out: o.out, send: o.send, operator: o.by });
}

export function register(program: Command): void {
  const byOption = ['--by <name>', "operator's name for the audit trail (default: $USER)"] as const;
  program
    .command('lock')
    .description("lock a month: the current uploads become those version 1 is computed on; later uploads are stored as corrections")
    .requiredOption('-m, --month <YYYY-MM>', 'the month')
    .option(...byOption)
    .action((o: { month: string; by?: string }) => action(program, 'lock', { ...o, send: false, out: 'out' }));
  program
    .command('publish')
    .description('publish a month: lock it (if open), compute, render and mail version 1 (kept under reports/M/v1/)')
    .requiredOption('-m, --month <YYYY-MM>', 'the month')
    .option('--no-send', 'do not mail (the PDFs are still made)')
    .option('-o, --out <dir>', 'output folder (OUT/M/v1/)', 'out')
    .option(...byOption)
    .action((o: { month: string; send: boolean; out: string; by?: string }) => action(program, 'publish', o));
  program
    .command('republish')
    .description('republish a published month with the corrections accepted since: version N+1, its 更正说明 lists each changed unit')
    .requiredOption('-m, --month <YYYY-MM>', 'the month')
    .option('--no-send', 'do not mail (the PDFs are still made)')
    .option('-o, --out <dir>', 'output folder (OUT/M/vN/)', 'out')
    .option(...byOption)
    .action((o: { month: string; send: boolean; out: string; by?: string }) => action(program, 'republish', o));
  program
    .command('audit')
    .description("print a month's audit trail (uploads, receipts, reviews, lock, publish, republish), or without --month the tokens' and configuration's")
    .option('-m, --month <YYYY-MM>', 'the month')
    .option('--json', 'one JSON record per line')
    .action(async (o: { month?: string; json?: boolean }) => {
      const month = o.month === undefined ? null : monthOf(o.month);
      const { store } = dataPaths(program);
      assertLocalStore(store);
      logToFile(program);
      const { printAudit } = await import('./month-run');
      await printAudit({ month, dataDir: store, config: loadProgramConfig(program), json: o.json === true });
    });
}
