import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../errors';
import { assertLocalStore, dataPaths, loadProgramConfig, logToFile } from './common';

/** `tb evaluate --year YYYY [-o OUT]`: the year's 年度考评 on the store the last `tb run` left. */
export function register(program: Command): void {
  program
    .command('evaluate')
    .description("the year's evaluation (年度考评): scores and ranks the 19 city-level and 158 reporting units over the year's computed months; writes evaluation.json and its PDF")
    .requiredOption('-y, --year <YYYY>', 'the year to evaluate')
    .option('-o, --out <dir>', 'output folder (OUT/evaluation/YYYY/)', 'out')
    .action(async (o: { year: string; out: string }) => {
      if (!/^\d{4}$/.test(o.year) || Number(o.year) < 2000 || Number(o.year) > 2100) throw new UserError(`年份应为四位数字（如 2026）：${o.year}`);
      const config = loadProgramConfig(program);
      const { store } = dataPaths(program);
      assertLocalStore(store);
      logToFile(program);
      const { evaluateLocal } = await import('./evaluate-run');
      await evaluateLocal({ year: Number(o.year), config, dataDir: store, out: resolve(o.out) });
    });
}
