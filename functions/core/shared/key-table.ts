/**
 * The first position of each string among a list of them: an open-addressing table of positions
 * in an Int32Array, hashed by FNV-1a over the characters. For the hot paths that index every row's
 * project code (ingest's duplicate check, 20,000 codes an upload; compute's checks across units and
 * months, 200,000 a month), where a Map or Set of freshly read strings cost several times more
 * (V8 hashes each new string and grows the table step by step). The offset basis is random per
 * process, so a file cannot be crafted to make every code collide.
 */
const BASIS = (0x811c9dc5 ^ Math.floor(Math.random() * 0x100000000)) | 0;

function hashOf(key: string): number {
  let h = BASIS;
  for (let j = 0; j < key.length; j++) h = Math.imul(h ^ key.charCodeAt(j), 0x01000193);
  return h ^ (h >>> 15);
}

export class KeyTable {
  /** Position + 1 of a key in each slot; 0 = empty. */
  private readonly slots: Int32Array;
  private readonly mask: number;

  /** A table for the positions of `keys` (at most keys.length are added). */
  constructor(private readonly keys: readonly string[]) {
    let size = 1024;
    while (size < keys.length * 2) size *= 2;
    this.slots = new Int32Array(size);
    this.mask = size - 1;
  }

  /** Adds position `i`; returns the first position added with the same key, or −1 when it is new. */
  add(i: number): number {
    const key = this.keys[i];
    const { slots, mask, keys } = this;
    for (let slot = hashOf(key) & mask; ; slot = (slot + 1) & mask) {
      const held = slots[slot];
      if (held === 0) {
        slots[slot] = i + 1;
        return -1;
      }
      if (keys[held - 1] === key) return held - 1;
    }
  }

  /** The first position added with `key`, or −1. */
  find(key: string): number {
    const { slots, mask, keys } = this;
    for (let slot = hashOf(key) & mask; ; slot = (slot + 1) & mask) {
      const held = slots[slot];
      if (held === 0) return -1;
      if (keys[held - 1] === key) return held - 1;
    }
  }
}
