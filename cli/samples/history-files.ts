/**
 * One unit's file for one month of the generated history, in the unit's own layout (the same
 * profiles as the 2026-09/10 samples: headers, synonyms, money in 万元 or 亿元, date styles) and
 * its own format: about half the units send .xlsx, the others CSV in UTF-8 (with or without BOM)
 * or GB18030. The bytes depend on nothing but the unit, the month and its rows (xlsx times fixed).
 */
import type { Division } from '../../functions/core/shared/divisions';
import { day, fromMonthIndex, utcDate } from './dates';
import type { UnitMonth } from './history-model';
import { parseMonthKey } from './history-model';
import { Rng } from './prng';
import { profileOf, type Format } from './profile';
import { csvBytes, tableOf, xlsxBytes } from './writers';

const EXT: Record<Format, string> = { xlsx: 'xlsx', 'csv-utf8': 'csv', 'csv-utf8-bom': 'csv', 'csv-gb18030': 'csv' };

export interface MonthFile {
  /** `{code}-{name}.xlsx|csv`, as `tb run` expects inside the month folder. */
  fileName: string;
  format: Format;
  bytes: Buffer;
  rows: number;
}

/** The unit's file for the month, or null when it sends none that month. */
export async function unitMonthFile(unit: Division, m: UnitMonth): Promise<MonthFile | null> {
  if (!m.entries) return null;
  const profile = profileOf(unit);
  const format = profile.formats['2026-10'];
  const xlsx = format === 'xlsx';
  const table = tableOf(unit, m.entries, m.month, profile, xlsx);
  let bytes: Buffer;
  if (xlsx) {
    const { y, m: mo } = fromMonthIndex(parseMonthKey(m.month) + 1);
    const r = Rng.for(`hist:upload:${unit.code}:${m.month}`);
    bytes = await xlsxBytes(table, profile, m.month, {
      created: utcDate(day(2025, 1, 6), 1, 30),
      modified: utcDate(day(y, mo, r.int(1, 5)), r.int(1, 9), r.int(0, 59)),
    });
  } else {
    bytes = csvBytes(table, format === 'csv-gb18030' ? 'gb18030' : format === 'csv-utf8-bom' ? 'utf8-bom' : 'utf8');
  }
  return { fileName: `${unit.code}-${unit.name}.${EXT[format]}`, format, bytes, rows: table.rows.length };
}
