/**
 * The bulletin's typefaces, after GB/T 9704-2012 (党政机关公文格式) as far as open fonts on the
 * registry allow, embedded in the page as the unicode-range slices their packages ship, and only
 * the slices that hold a character of the page, each cut to the page's characters by HarfBuzz
 * (font-subset.ts; Lambda has no CJK fonts; the page loads nothing).
 *
 *   小标宋 (title, 红头)     → Noto Serif SC Black (900)
 *   仿宋 (body, tables)      → Noto Serif SC Regular / Bold: no FangSong is on the registry under an
 *                             open licence (cn-fontsource's FZ FangSong is "free for commercial
 *                             use" but closed, without a licence text a provincial office could
 *                             vet); 仿宋 descends from 宋, the closest open face
 *   黑体 (一、 headings)     → Noto Sans SC Bold (700); the charts too, as before
 *   楷体 (（一） headings)   → LXGW WenKai (霞鹜文楷) Regular
 * Every package is OFL-1.1 (lxgw-wenkai-webfont's CSS is MIT, its fonts OFL).
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readEnv } from '../env';
import { subsetSfnt, woff2ToSfnt } from './font-subset';

export interface FontFace {
  family: string;
  weight: number;
  /** The npm package that ships it, and its CSS (one @font-face per slice, files under `files/`). */
  package: string;
  css: string;
  /** Its folder under TB_FONTS_DIR (the Lambda bundle) . */
  dir: string;
}

const serif = (weight: number, css: string): FontFace => ({ family: 'Noto Serif SC', weight, package: '@fontsource/noto-serif-sc', css, dir: 'noto-serif-sc' });
const sans = (weight: number, css: string): FontFace => ({ family: 'Noto Sans SC', weight, package: '@fontsource/noto-sans-sc', css, dir: 'noto-sans-sc' });

export const FACES = {
  body: serif(400, '400.css'),
  bodyBold: serif(700, '700.css'),
  title: serif(900, '900.css'),
  heading: sans(700, '700.css'),
  chart: sans(400, '400.css'),
  kai: { family: 'LXGW WenKai', weight: 400, package: 'lxgw-wenkai-webfont', css: 'lxgwwenkai-regular.css', dir: 'lxgw-wenkai' } satisfies FontFace,
} as const;

export const BULLETIN_FACES: readonly FontFace[] = Object.values(FACES);

/** The face the PDF footer is drawn in (Chromium's footer sees fontconfig fonts only: WOFF files are unwrapped for it). */
export const FOOTER_FACE: FontFace = FACES.chart;

/** Where a face's CSS and `files/` are: under TB_FONTS_DIR (the Lambda bundle), else in node_modules. */
export function faceDir(face: FontFace): string {
  const configured = readEnv().fontsDir;
  if (configured) return join(configured, face.dir);
  return dirname(createRequire(import.meta.url).resolve(`${face.package}/${face.css}`));
}

export interface FontSubset {
  face: FontFace;
  /** File name under `files/` (woff2). */
  file: string;
  /** The unicode-range text as in the CSS. */
  unicodeRange: string;
  /** Inclusive code point ranges, sorted. */
  ranges: Array<[number, number]>;
}

const tables = new Map<string, FontSubset[]>();
/** Slices as sfnt, read and decoded once per process (every edition of a month shares them). */
const files = new Map<string, Promise<Uint8Array>>();

export function clearFontCache(): void {
  tables.clear();
  files.clear();
}

/** Parses "U+4e00-4e5f,U+4e8?,U+ff01" into inclusive code point ranges. */
export function parseUnicodeRange(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const raw of text.split(',')) {
    const part = raw.trim().replace(/^u\+/i, '');
    if (!part) continue;
    if (part.includes('?')) {
      out.push([parseInt(part.replace(/\?/g, '0'), 16), parseInt(part.replace(/\?/g, 'f'), 16)]);
      continue;
    }
    const [a, b] = part.split('-');
    const lo = parseInt(a, 16);
    const hi = b === undefined ? lo : parseInt(b, 16);
    if (Number.isFinite(lo) && Number.isFinite(hi)) out.push([lo, hi]);
  }
  return out.sort((x, y) => x[0] - y[0]);
}

/** The slices of a face as its package's CSS declares them. */
export function fontSubsets(face: FontFace, dir = faceDir(face)): FontSubset[] {
  const key = `${dir}\u0000${face.css}`;
  const cached = tables.get(key);
  if (cached) return cached;
  const css = readFileSync(join(dir, face.css), 'utf8');
  const subsets: FontSubset[] = [];
  for (const block of css.split('@font-face').slice(1)) {
    const file = /url\(\s*['"]?(?:\.\/)?files\/([^)'"]+\.woff2)['"]?\s*\)/.exec(block)?.[1];
    const range = /unicode-range:\s*([^;}]+)/.exec(block)?.[1]?.trim();
    if (!file || !range) continue;
    subsets.push({ face, file, unicodeRange: range, ranges: parseUnicodeRange(range) });
  }
  if (!subsets.length) throw new Error(`no @font-face subsets found in ${join(dir, face.css)}`);
  tables.set(key, subsets);
  return subsets;
}

/** The code points of `cps` (sorted ascending) that `subset` holds: a merge walk of two sorted lists. */
function coveredBy(subset: FontSubset, cps: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  for (const [lo, hi] of subset.ranges) {
    while (i < cps.length && cps[i] < lo) i++;
    // Ranges may overlap (the CSS does not promise otherwise): j walks this range without consuming i.
    for (let j = i; j < cps.length && cps[j] <= hi; j++) if (out.length === 0 || out[out.length - 1] < cps[j]) out.push(cps[j]);
    if (i >= cps.length) break;
  }
  return out;
}

/**
 * Distinct code points of `text`, sorted. A page is most of a megabyte of text: one pass over its
 * UTF-16 units into a bitmap, not a Set of every character.
 */
export function codePoints(text: string): number[] {
  const seen = new Uint8Array(0x110000);
  let distinct = 0;
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < text.length) {
      const lo = text.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      }
    }
    if (!seen[cp]) {
      seen[cp] = 1;
      distinct++;
    }
  }
  const out = new Array<number>(distinct);
  for (let cp = 0, k = 0; k < distinct; cp++) if (seen[cp]) out[k++] = cp;
  return out;
}

/** The slices of `face` that hold at least one character of `text`. */
export function subsetsFor(text: string, face: FontFace, dir = faceDir(face)): FontSubset[] {
  const cps = codePoints(text);
  return fontSubsets(face, dir).filter((s) => coveredBy(s, cps).length > 0);
}

function readSlice(path: string): Promise<Uint8Array> {
  let p = files.get(path);
  if (!p) {
    p = readFile(path).then(woff2ToSfnt);
    files.set(path, p);
    p.catch(() => files.delete(path));
  }
  return p;
}

/**
 * @font-face rules embedding, per face, the slices needed for its text, each cut to the
 * characters of the text it holds (font-subset.ts): `textOf(face)` is what the page prints in
 * that face (a superset is harmless, a subset would leave tofu).
 */
export async function fontFaceCss(textOf: (face: FontFace) => string, faces: readonly FontFace[] = BULLETIN_FACES): Promise<string> {
  const rules: string[] = [];
  // The body faces share one text (the whole page): its code points are found once.
  const pointsOf = new Map<string, number[]>();
  for (const face of faces) {
    const dir = faceDir(face);
    const text = textOf(face);
    let cps = pointsOf.get(text);
    if (!cps) pointsOf.set(text, (cps = codePoints(text)));
    for (const s of fontSubsets(face, dir)) {
      const held = coveredBy(s, cps);
      if (!held.length) continue;
      const sfnt = await readSlice(join(dir, 'files', s.file));
      const data = Buffer.from(subsetSfnt(sfnt, held)).toString('base64');
      rules.push(
        `@font-face{font-family:'${face.family}';font-style:normal;font-weight:${face.weight};font-display:block;` +
          `src:url(data:font/ttf;base64,${data}) format('truetype');unicode-range:${s.unicodeRange};}`,
      );
    }
  }
  return rules.join('\n');
}
