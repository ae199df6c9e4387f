/**
 * Templates adapter: loads and compiles the Handlebars templates under `templates/` and renders
 * the bulletin (HTML for Chromium) and the email body.
 *
 * The bulletin HTML is self-contained: its CSS is inlined and the Noto Sans SC font is embedded
 * as woff2 data URLs, restricted to the unicode-range subsets that cover characters actually on
 * the page. Nothing in the output references the network.
 *
 * Safety: every value from the model goes through Handlebars' `{{ }}` escaping. The only unescaped
 * insertions are the CSS this module generates itself and the charts' SVG (ECharts escapes every
 * text it writes; charts.ts checks the result carries no active content), both passed as
 * SafeString — never model strings themselves.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import type { LinkInfo } from '../../core/bulletin/email';
import type { BulletinModel } from '../../core/bulletin/view-model';
import { renderChartSvg } from './charts';
import type { BulletinTemplates } from '../../core/ports';
import { readEnv } from '../env';

export const FONT_FAMILY = 'Noto Sans SC';
export const FONT_WEIGHTS = [400, 700] as const;

/** `TB_TEMPLATES_DIR`, else `<repo>/templates` relative to this module. */
export function templatesDir(): string {
  return readEnv().templatesDir ?? fileURLToPath(new URL('../../../templates/', import.meta.url));
}

/** `TB_FONTS_DIR` (holding `400.css`, `700.css`, `files/`), else the installed @fontsource package. */
export function fontsDir(): string {
  const configured = readEnv().fontsDir;
  if (configured) return configured;
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('@fontsource/noto-sans-sc/400.css'));
}

// ── templates ───────────────────────────────────────────────────────────────

interface Compiled {
  bulletin: Handlebars.TemplateDelegate;
  email: Handlebars.TemplateDelegate;
  bulletinCss: string;
}

const compiledByDir = new Map<string, Compiled>();

function compile(dir: string): Compiled {
  const cached = compiledByDir.get(dir);
  if (cached) return cached;
  const hb = Handlebars.create();
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  const partialsDir = join(dir, 'partials');
  if (existsSync(partialsDir)) {
    for (const f of readdirSync(partialsDir)) {
      if (f.endsWith('.hbs')) hb.registerPartial(basename(f, '.hbs'), readFileSync(join(partialsDir, f), 'utf8'));
    }
  }
  const out: Compiled = {
    bulletin: hb.compile(readFileSync(join(dir, 'bulletin.hbs'), 'utf8')),
    email: hb.compile(readFileSync(join(dir, 'email.hbs'), 'utf8')),
    bulletinCss: readFileSync(join(dir, 'bulletin.css'), 'utf8'),
  };
  compiledByDir.set(dir, out);
  return out;
}

/** Drops compiled templates and font tables (tests that switch directories). */
export function clearTemplateCache(): void {
  compiledByDir.clear();
  fontTables.clear();
  fontFiles.clear();
}

// ── fonts ───────────────────────────────────────────────────────────────────

export interface FontSubset {
  weight: number;
  /** File name under `files/` (woff2). */
  file: string;
  /** The unicode-range text as in the CSS. */
  unicodeRange: string;
  /** Inclusive code point ranges, sorted. */
  ranges: Array<[number, number]>;
}

const fontTables = new Map<string, FontSubset[]>();
/** Font files as base64, read and encoded once per process (every edition of a month shares them). */
const fontFiles = new Map<string, Promise<string>>();

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

/** The subsets of one weight as declared by the package's `{weight}.css`. */
export function fontSubsets(weight: number, dir = fontsDir()): FontSubset[] {
  const key = `${dir}\u0000${weight}`;
  const cached = fontTables.get(key);
  if (cached) return cached;
  const css = readFileSync(join(dir, `${weight}.css`), 'utf8');
  const subsets: FontSubset[] = [];
  for (const block of css.split('@font-face').slice(1)) {
    const file = /url\(\s*['"]?(?:\.\/)?files\/([^)'"]+\.woff2)['"]?\s*\)/.exec(block)?.[1];
    const range = /unicode-range:\s*([^;}]+)/.exec(block)?.[1]?.trim();
    if (!file || !range) continue;
    subsets.push({ weight, file, unicodeRange: range, ranges: parseUnicodeRange(range) });
  }
  if (!subsets.length) throw new Error(`no @font-face subsets found in ${join(dir, `${weight}.css`)}`);
  fontTables.set(key, subsets);
  return subsets;
}

function covers(subset: FontSubset, cps: number[]): boolean {
  // cps sorted ascending; ranges sorted: a merge walk.
  let i = 0;
  for (const [lo, hi] of subset.ranges) {
    while (i < cps.length && cps[i] < lo) i++;
    if (i < cps.length && cps[i] <= hi) return true;
    if (i >= cps.length) return false;
  }
  return false;
}

/** Distinct code points of `text`, sorted. */
export function codePoints(text: string): number[] {
  const set = new Set<number>();
  for (const ch of text) set.add(ch.codePointAt(0)!);
  return [...set].sort((a, b) => a - b);
}

/** The subsets of `weight` that cover at least one character of `text`. */
export function subsetsFor(text: string, weight: number, dir = fontsDir()): FontSubset[] {
  const cps = codePoints(text);
  return fontSubsets(weight, dir).filter((s) => covers(s, cps));
}

function readFontFile(dir: string, file: string): Promise<string> {
  const path = join(dir, 'files', file);
  let p = fontFiles.get(path);
  if (!p) {
    p = readFile(path).then((b) => b.toString('base64'));
    fontFiles.set(path, p);
    p.catch(() => fontFiles.delete(path));
  }
  return p;
}

/** @font-face rules embedding, per weight, only the subsets needed for `text`. */
export async function fontFaceCss(text: string, weights: readonly number[] = FONT_WEIGHTS, dir = fontsDir()): Promise<string> {
  const rules: string[] = [];
  for (const weight of weights) {
    for (const s of subsetsFor(text, weight, dir)) {
      const data = await readFontFile(dir, s.file);
      rules.push(
        `@font-face{font-family:'${FONT_FAMILY}';font-style:normal;font-weight:${weight};font-display:block;` +
          `src:url(data:font/woff2;base64,${data}) format('woff2');unicode-range:${s.unicodeRange};}`,
      );
    }
  }
  return rules.join('\n');
}

// ── rendering ───────────────────────────────────────────────────────────────

/** The bulletin (province or city edition) as a self-contained HTML document: inline CSS, embedded font subsets, inline SVG charts. */
export async function renderBulletinHtml(model: BulletinModel): Promise<string> {
  const t = compile(templatesDir());
  const css = (fonts: string) => new Handlebars.SafeString(`${fonts}\n${t.bulletinCss}`);
  const charts = model.units.charts.map((c) => new Handlebars.SafeString(renderChartSvg(c)));
  // First pass without fonts to learn which characters the page holds; then embed what they need.
  const draft = t.bulletin({ model, charts, css: css('') });
  const fonts = await fontFaceCss(visibleText(draft));
  return t.bulletin({ model, charts, css: css(fonts) });
}

export interface EmailOptions {
  /** When the PDF is too large to attach: a (presigned) link to it, and how long it works. */
  link?: LinkInfo | null;
}

/** The HTML email body: the headline rates, readable without opening the PDF. */
export async function renderEmailHtml(model: BulletinModel, opts: EmailOptions = {}): Promise<string> {
  const t = compile(templatesDir());
  return t.email({ model, link: opts.link ?? null });
}

/**
 * Characters the page can show: the text between tags plus attribute values, with entities
 * decoded. A superset is harmless (a few extra subsets), a subset would leave tofu.
 */
function visibleText(html: string): string {
  const decoded = html.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(cp) && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    return NAMED_ENTITIES[e.toLowerCase()] ?? m;
  });
  return decoded;
}

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** The templates as the report stage's port. */
export const handlebarsTemplates: BulletinTemplates = {
  bulletinHtml: renderBulletinHtml,
  emailHtml: (model, opts) => renderEmailHtml(model, opts),
};
