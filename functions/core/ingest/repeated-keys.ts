/**
 * Where a list of keys repeats itself: for each position whose key occurs at an earlier position,
 * that position and the first one. Used on every upload (20,000 project codes), where a Map of
 * freshly read strings cost a fifth of the whole parse: this is an open-addressing table of
 * positions in an Int32Array, hashed by FNV-1a over the characters. The offset basis is random
 * per process, so a file cannot be crafted to make every code collide.
 */
const BASIS = (0x811c9dc5 ^ Math.floor(Math.random() * 0x100000000)) | 0;

export function repeatedKeys(keys: readonly string[]): { at: number; first: number }[] {
  let size = 1024;
  while (size < keys.length * 2) size *= 2;
  const mask = size - 1;
  // Position + 1 of the key in each slot; 0 = empty.
  const table = new Int32Array(size);
  const repeats: { at: number; first: number }[] = [];
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    let h = BASIS;
    for (let j = 0; j < key.length; j++) h = Math.imul(h ^ key.charCodeAt(j), 0x01000193);
    let slot = (h ^ (h >>> 15)) & mask;
    for (;;) {
      const held = table[slot];
      if (held === 0) {
        table[slot] = i + 1;
        break;
      }
      if (keys[held - 1] === key) {
        repeats.push({ at: i, first: held - 1 });
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return repeats;
}
