import { describe, expect, it } from 'vitest';
import { repeatedKeys } from '../../../functions/core/ingest/repeated-keys';

/** The obvious reference: a Map from key to its first position. */
function reference(keys: string[]): { at: number; first: number }[] {
  const first = new Map<string, number>();
  const out: { at: number; first: number }[] = [];
  keys.forEach((k, i) => {
    const f = first.get(k);
    if (f === undefined) first.set(k, i);
    else out.push({ at: i, first: f });
  });
  return out;
}

describe('repeatedKeys', () => {
  it('finds each repeat with the position of the first occurrence', () => {
    expect(repeatedKeys(['a', 'b', 'a', 'c', 'b', 'a', ''])).toEqual([
      { at: 2, first: 0 },
      { at: 4, first: 1 },
      { at: 5, first: 0 },
    ]);
    expect(repeatedKeys([])).toEqual([]);
  });

  it('agrees with a Map on 50,000 codes, Chinese text and near-identical keys', () => {
    const keys: string[] = [];
    for (let i = 0; i < 50_000; i++) {
      const n = (i * 7919) % 30_011; // repeats, out of order
      keys.push(i % 3 === 0 ? `2604-411102-04-01-${String(n).padStart(6, '0')}` : i % 3 === 1 ? `项目${n}号` : `${n}`);
    }
    expect(repeatedKeys(keys)).toEqual(reference(keys));
  });
});
