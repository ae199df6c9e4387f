import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isMonth } from '../../functions/core/shared/months';
import { UserError } from '../errors';

/** One file of `DIR/{YYYY-MM}/`, named for its reporting unit (`411102-源汇区.xlsx`, `419001.csv`). */
export interface InputFile {
  month: string;
  unitCode: string | null;
  fileName: string;
  path: string;
}

/**
 * Month folders in order, and their files (a file without a leading 6-digit code gets unitCode
 * null); `skipped`: the folders that are not months (`October`, `2026-13`), for the operator to see.
 */
export function listInput(dir: string): { months: { month: string; files: InputFile[] }[]; skipped: string[] } {
  const folders = readdirSync(dir)
    .filter((m) => !m.startsWith('.') && statSync(join(dir, m)).isDirectory())
    .sort();
  const months = folders.filter(isMonth);
  const skipped = folders.filter((m) => !isMonth(m));
  return { skipped, months: months.map((month) => ({
    month,
    files: readdirSync(join(dir, month))
      .filter((f) => !f.startsWith('.') && statSync(join(dir, month, f)).isFile())
      .sort()
      .map((fileName) => ({ month, fileName, path: join(dir, month, fileName), unitCode: /^(\d{6})(?!\d)/.exec(fileName)?.[1] ?? null })),
  })) };
}

/** listInput, refusing a folder without any month folder (the operator named the wrong one). */
export function requireMonths(dir: string): ReturnType<typeof listInput> {
  const listed = listInput(dir);
  if (listed.months.length === 0) throw new UserError(`${dir} 中没有月份文件夹（应为 YYYY-MM，如 2026-10，内含各单位的台账文件）`);
  return listed;
}
