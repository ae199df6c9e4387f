import type { Command } from 'commander';
import { isIsoDate } from '../../functions/core/delivery/reminders';
import { isMonth } from '../../functions/core/shared/months';
import { UserError } from '../errors';
import { assertLocalStore, dataPaths, loadProgramConfig, logToFile } from './common';

interface RemindOptions {
  month?: string;
  date?: string;
  force?: boolean;
  send: boolean;
  out: string;
}

/**
 * `tb remind --month M [--date YYYY-MM-DD] [--force] [--no-send]`: the reminder schedule's run (催报)
 * on the local store the last `tb run` / `npm start` left; mails to OUT/outbox.
 */
export function register(program: Command): void {
  program
    .command('remind')
    .description('催报: mail each unit without an accepted upload (a refused one with the reason) and each city office its missing units, as the reminder schedule does')
    .option('-m, --month <YYYY-MM>', 'the month reminded of (default: the month whose reminder day --date is)')
    .option('--date <YYYY-MM-DD>', 'the reminder day, Asia/Shanghai (default: today)')
    .option('--force', 'remind even on a day that is no reminder day, and mail again whoever already had this day\'s reminder')
    .option('--no-send', 'only print who would be mailed')
    .option('-o, --out <dir>', 'output folder (mails go to OUT/outbox)', 'out')
    .action(async (o: RemindOptions) => {
      if (o.month !== undefined && !isMonth(o.month)) throw new UserError(`月份格式应为 YYYY-MM（如 2026-10）：${o.month}`);
      if (o.date !== undefined && !isIsoDate(o.date)) throw new UserError(`日期格式应为 YYYY-MM-DD（如 2026-11-02）：${o.date}`);
      const config = loadProgramConfig(program);
      const { store } = dataPaths(program);
      assertLocalStore(store);
      logToFile(program);
      const { runRemind } = await import('./remind-run');
      await runRemind({ ...o, config, dataDir: store });
    });
}
