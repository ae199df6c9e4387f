/**
 * Cuts a font down to the characters a page prints, so the bulletin embeds kilobytes of glyphs
 * instead of whole unicode-range slices. Chromium's cost per PDF grows with the font bytes it
 * decodes, sanitises and re-subsets: a history month's edition held 77 slices (3.7 MB of its
 * 3.8 MB of HTML) and took ~1.5 s to print, ~0.45 s with its fonts cut to its characters.
 *
 * - WOFF2 → sfnt: `wawoff2` (Google's woff2 decoder compiled to WebAssembly, the wasm inline in
 *   its JS, so esbuild bundles it whole). Decoded once per slice per process.
 * - subsetting: HarfBuzz's hb-subset (`harfbuzzjs`), the subsetter browsers and Google Fonts use.
 *   Its .wasm is read from `harfbuzz-subset.wasm` beside this module (the Lambda bundle: the stack
 *   copies it next to index.mjs), else from the package in node_modules. Layout features are kept
 *   (`--layout-features=*`), so punctuation widths and vertical forms stay as the full font has them.
 * The output is an uncompressed sfnt: compressing it again costs more node time than Chromium
 * saves on a few hundred kilobytes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HARFBUZZ_WASM = 'harfbuzz-subset.wasm';

/** The exports of harfbuzz-subset.wasm this module calls. */
interface HarfBuzz {
  memory: WebAssembly.Memory;
  _initialize(): void;
  malloc(n: number): number;
  free(p: number): void;
  hb_blob_create(data: number, length: number, mode: number, userData: number, destroy: number): number;
  hb_blob_destroy(blob: number): void;
  hb_blob_get_data(blob: number, length: number): number;
  hb_blob_get_length(blob: number): number;
  hb_face_create(blob: number, index: number): number;
  hb_face_destroy(face: number): void;
  hb_face_reference_blob(face: number): number;
  hb_set_add(set: number, value: number): void;
  hb_set_clear(set: number): void;
  hb_set_invert(set: number): void;
  hb_subset_input_create_or_fail(): number;
  hb_subset_input_destroy(input: number): void;
  hb_subset_input_set(input: number, which: number): number;
  hb_subset_input_unicode_set(input: number): number;
  hb_subset_or_fail(face: number, input: number): number;
}

const HB_MEMORY_MODE_READONLY = 1;
const HB_SUBSET_SETS_LAYOUT_FEATURE_TAG = 6;

export function harfbuzzCandidates(): string[] {
  const out: string[] = [];
  try {
    out.push(join(dirname(fileURLToPath(import.meta.url)), HARFBUZZ_WASM));
  } catch {
    // import.meta.url not a file URL: skip.
  }
  try {
    out.push(createRequire(import.meta.url).resolve(`harfbuzzjs/dist/${HARFBUZZ_WASM}`));
  } catch {
    // Not resolvable from here (bundled without node_modules).
  }
  return out;
}

let harfbuzz: HarfBuzz | undefined;

function loadHarfBuzz(): HarfBuzz {
  if (harfbuzz) return harfbuzz;
  const path = harfbuzzCandidates().find((p) => existsSync(p));
  if (!path) throw new Error(`${HARFBUZZ_WASM} not found (looked in: ${harfbuzzCandidates().join(', ')})`);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(path)), {});
  const hb = instance.exports as unknown as HarfBuzz;
  hb._initialize();
  harfbuzz = hb;
  return hb;
}

/** Decodes one at a time: the decoder's result is a view of its heap, which the next call overwrites. */
let decoding: Promise<unknown> = Promise.resolve();

/** A WOFF2 file's sfnt (TrueType/OpenType) bytes. */
export function woff2ToSfnt(woff2: Uint8Array): Promise<Uint8Array> {
  const next = decoding.then(async () => {
    // Loaded on first use: the CDK app imports the fonts' tables, and should not start a decoder.
    const { default: decompress } = await import('wawoff2/decompress.js');
    // A copy, taken before another decode can start.
    return (await decompress(woff2)).slice();
  });
  decoding = next.catch(() => undefined);
  return next;
}

/**
 * `sfnt` cut to the glyphs of `codePoints` (and what layout needs to draw them: ligatures,
 * composites), as an sfnt. Throws on a file HarfBuzz cannot read.
 */
export function subsetSfnt(sfnt: Uint8Array, codePoints: Iterable<number>): Uint8Array {
  const hb = loadHarfBuzz();
  const input = hb.hb_subset_input_create_or_fail();
  if (!input) throw new Error('hb_subset_input_create_or_fail failed');
  const data = hb.malloc(sfnt.byteLength);
  // The wasm memory may grow while subsetting (a new buffer): take a fresh view at each use.
  new Uint8Array(hb.memory.buffer).set(sfnt, data);
  const blob = hb.hb_blob_create(data, sfnt.byteLength, HB_MEMORY_MODE_READONLY, 0, 0);
  const face = hb.hb_face_create(blob, 0);
  hb.hb_blob_destroy(blob);
  let subset = 0;
  try {
    const features = hb.hb_subset_input_set(input, HB_SUBSET_SETS_LAYOUT_FEATURE_TAG);
    hb.hb_set_clear(features);
    hb.hb_set_invert(features); // every feature
    const unicodes = hb.hb_subset_input_unicode_set(input);
    for (const cp of codePoints) hb.hb_set_add(unicodes, cp);
    subset = hb.hb_subset_or_fail(face, input);
    if (!subset) throw new Error('hb_subset_or_fail failed: not a font HarfBuzz can read');
    const result = hb.hb_face_reference_blob(subset);
    try {
      const at = hb.hb_blob_get_data(result, 0);
      const length = hb.hb_blob_get_length(result);
      return new Uint8Array(hb.memory.buffer, at, length).slice();
    } finally {
      hb.hb_blob_destroy(result);
    }
  } finally {
    if (subset) hb.hb_face_destroy(subset);
    hb.hb_subset_input_destroy(input);
    hb.hb_face_destroy(face);
    hb.free(data);
  }
}
