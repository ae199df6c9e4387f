import { describe, expect, it } from 'vitest';
import { KeyTable } from '../../../functions/core/shared/key-table';

describe('KeyTable', () => {
  it('finds the first position of every key added, and nothing for a key never added', () => {
    const keys: string[] = [];
    for (let i = 0; i < 30_000; i++) keys.push(i % 2 ? `2604-410102-04-01-${String(i % 9_973).padStart(6, '0')}` : `项目${i % 7_919}`);
    const table = new KeyTable(keys);
    const first = new Map<string, number>();
    keys.forEach((k, i) => {
      const expected = first.get(k) ?? -1;
      expect(table.add(i)).toBe(expected);
      if (expected < 0) first.set(k, i);
    });
    for (const [k, i] of first) expect(table.find(k)).toBe(i);
    for (const k of ['', '项目7919', '2604-410102-04-01-009973', 'x']) expect(table.find(k)).toBe(-1);
  });

  it('holds only the positions added so far', () => {
    const table = new KeyTable(['a', 'b', 'a']);
    expect(table.find('b')).toBe(-1);
    expect(table.add(1)).toBe(-1);
    expect(table.find('b')).toBe(1);
    expect(table.find('a')).toBe(-1);
  });
});
