import type { LedgerField } from './columns';

/**
 * Bounds on a ledger's values that no real ledger reaches (docs/ledger-format.md, "Value
 * limits"). They keep every stored value within what DynamoDB accepts (numbers of at most 38
 * digits, sort keys of at most 1 KB, items of at most 400 KB) and what the bulletin can print,
 * and they turn a runaway cell (a pasted document, a number of 400 digits) into a precise error
 * on its row instead of a crash of the store.
 */

/**
 * Largest amount of one project, in 万元: 10 万亿元, more than Henan's whole fixed-asset
 * investment of a year (about 7 万亿元). Amounts are kept to 1e-6 万元, so at most 16 digits.
 */
export const MONEY_MAX = 1e9;
export const MONEY_MAX_TEXT = '10 万亿元';

/** Largest 期次: the campaign holds about one 期 a quarter (the 13th in 2025). */
export const PHASE_MAX = 999;

/**
 * Longest text of each text or code column, in characters. 统一项目代码 has 24 characters; a
 * project code is also a sort key (ROW#{code}, at most 64 × 4 bytes here). The longest row
 * allowed is about 12 KB in UTF-8, far below DynamoDB's 400 KB item.
 */
export const MAX_CHARS: Partial<Record<LedgerField, number>> = {
  projectCode: 64,
  unitCode: 64,
  projectName: 200,
  industry: 100,
  progress: 1000,
  problems: 1000,
  leader: 100,
};

/** The longest text a column of `field` takes (MAX_CHARS; a field not listed there: 1,000). */
export function maxCharsOf(field: LedgerField): number {
  return MAX_CHARS[field] ?? 1000;
}
