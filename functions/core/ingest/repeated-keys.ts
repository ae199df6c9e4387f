import { KeyTable } from '../shared/key-table';

/**
 * Where a list of keys repeats itself: for each position whose key occurs at an earlier position,
 * that position and the first one. Used on every upload's project codes (shared/key-table.ts).
 */
export function repeatedKeys(keys: readonly string[]): { at: number; first: number }[] {
  const table = new KeyTable(keys);
  const repeats: { at: number; first: number }[] = [];
  for (let i = 0; i < keys.length; i++) {
    const first = table.add(i);
    if (first >= 0) repeats.push({ at: i, first });
  }
  return repeats;
}
