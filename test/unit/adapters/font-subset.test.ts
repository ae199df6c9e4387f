import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { subsetSfnt, woff2ToSfnt } from '../../../functions/adapters/render/font-subset';
import { FACES, faceDir, subsetsFor } from '../../../functions/adapters/render/fonts';

/** The code points an sfnt's cmap maps to a glyph (its format 4 subtable: the BMP). */
function mappedCodePoints(sfnt: Uint8Array): Set<number> {
  const v = new DataView(sfnt.buffer, sfnt.byteOffset, sfnt.byteLength);
  const tables = v.getUint16(4);
  let cmap = -1;
  for (let i = 0; i < tables; i++) if (v.getUint32(12 + 16 * i) === 0x636d6170) cmap = v.getUint32(12 + 16 * i + 8);
  expect(cmap, 'cmap table').toBeGreaterThan(0);
  const out = new Set<number>();
  for (let i = 0; i < v.getUint16(cmap + 2); i++) {
    const sub = cmap + v.getUint32(cmap + 4 + 8 * i + 4);
    if (v.getUint16(sub) !== 4) continue;
    const segs = v.getUint16(sub + 6) / 2;
    const ends = sub + 14, starts = ends + 2 * segs + 2, deltas = starts + 2 * segs, offsets = deltas + 2 * segs;
    for (let s = 0; s < segs; s++) {
      const end = v.getUint16(ends + 2 * s), start = v.getUint16(starts + 2 * s), delta = v.getInt16(deltas + 2 * s), ro = v.getUint16(offsets + 2 * s);
      for (let c = start; c <= end && c !== 0xffff; c++) {
        const glyph = ro ? v.getUint16(offsets + 2 * s + ro + 2 * (c - start)) : (c + delta) & 0xffff;
        if (glyph) out.add(c);
      }
    }
  }
  return out;
}

async function slice(text: string) {
  const [s] = subsetsFor(text, FACES.body);
  return woff2ToSfnt(readFileSync(join(faceDir(FACES.body), 'files', s.file)));
}

describe('cutting a slice to the page’s characters', () => {
  it('decodes a WOFF2 slice into an sfnt that maps its characters', async () => {
    const sfnt = await slice('郑');
    expect(new DataView(sfnt.buffer, sfnt.byteOffset).getUint32(0)).toBe(0x00010000); // TrueType
    expect(mappedCodePoints(sfnt).has('郑'.codePointAt(0)!)).toBe(true);
  });

  it('keeps the glyphs of the characters asked for, drops the rest, and shrinks the font', async () => {
    const sfnt = await slice('郑');
    const whole = mappedCodePoints(sfnt);
    const kept = [...whole].slice(0, 3);
    const cut = subsetSfnt(sfnt, kept);
    expect([...mappedCodePoints(cut)].sort()).toEqual(kept.sort());
    expect(cut.byteLength).toBeLessThan(sfnt.byteLength / 10);
  });

  it('returns a font of its own: decoding or cutting another slice later leaves it intact', async () => {
    const first = await slice('郑');
    const copy = first.slice();
    await slice('A');
    subsetSfnt(await slice('州'), ['州'.codePointAt(0)!]);
    expect(Buffer.compare(first, copy)).toBe(0);
  });

  it('decodes slices asked for at once each into its own font (two editions render at a time)', async () => {
    const faces = ['郑', '州', 'A', '省'].map((ch) => subsetsFor(ch, FACES.body)[0]);
    const read = (f: (typeof faces)[number]) => readFileSync(join(faceDir(FACES.body), 'files', f.file));
    const together = await Promise.all(faces.map((f) => woff2ToSfnt(read(f))));
    for (const [i, f] of faces.entries()) expect(Buffer.compare(together[i], await woff2ToSfnt(read(f))), f.file).toBe(0);
  });

  it('refuses bytes that are not a font', () => {
    expect(() => subsetSfnt(new TextEncoder().encode('not a font, not a font, not a font'), [0x41])).toThrow(/hb_subset_or_fail/);
  });
});
