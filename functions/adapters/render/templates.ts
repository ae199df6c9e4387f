/**
 * Templates adapter: loads and compiles the Handlebars templates under `templates/` and renders
 * the bulletin (HTML for Chromium) and the email body.
 *
 * The bulletin HTML is self-contained: its CSS is inlined and its faces (fonts.ts) are embedded
 * as data URLs, restricted to the unicode-range slices that cover characters actually on the
 * page, each slice cut to those characters (font-subset.ts). Nothing in the output references
 * the network.
 *
 * Safety: every value from the model goes through Handlebars' `{{ }}` escaping. The only unescaped
 * insertions are the CSS this module generates itself and the charts' SVG (ECharts escapes every
 * text it writes; charts.ts checks the result carries no active content), both passed as
 * SafeString — never model strings themselves.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import Handlebars from 'handlebars';
import type { LinkInfo } from '../../core/bulletin/email';
import type { BulletinModel } from '../../core/bulletin/view-model';
import { renderChartSvg, renderTrendSvg } from './charts';
import { FACES, type FontFace, clearFontCache, fontFaceCss } from './fonts';
import type { BulletinTemplates } from '../../core/ports';
import { templatesDir } from './templates-dir';

export { templatesDir } from './templates-dir';

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
  clearFontCache();
}

// ── rendering ───────────────────────────────────────────────────────────────

/** The bulletin (province or city edition) as a self-contained HTML document: inline CSS, embedded font subsets, inline SVG charts. */
export async function renderBulletinHtml(model: BulletinModel): Promise<string> {
  const t = compile(templatesDir());
  const css = (fonts: string) => new Handlebars.SafeString(`${fonts}\n${t.bulletinCss}`);
  const charts = model.units.charts.map((c) => new Handlebars.SafeString(renderChartSvg(c)));
  const trend = model.trend
    ? { main: new Handlebars.SafeString(renderTrendSvg(model.trend.main)), small: model.trend.small.map((c) => new Handlebars.SafeString(renderTrendSvg(c))) }
    : null;
  // First pass without fonts to learn which characters the page holds in which face; then embed what they need.
  const draft = t.bulletin({ model, charts, trend, css: css('') });
  const fonts = await fontFaceCss(textByFace(draft));
  return t.bulletin({ model, charts, trend, css: css(fonts) });
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

/**
 * Which part of the page each face prints (bulletin.css gives the faces to these elements): the
 * title face the 红头 and the heading, 黑体 the h2 and the captions, 楷体 the h3, the chart face the
 * charts; the body faces everything (cheaper to take it whole than to follow the cascade, and the
 * body face is every family's fallback, so nothing is ever left without a glyph).
 */
export function textByFace(html: string): (face: FontFace) => string {
  const pick = (re: RegExp) => [...html.matchAll(re)].map((m) => visibleText(m[0])).join('');
  // Every chart's figure (the rate charts, the trend's main chart and its small multiples) and any
  // other SVG. The charts name only the chart face, with no CJK fallback (Lambda has none), and
  // their titles are bold: that is the heading face (Noto Sans SC 700), so it gets their text too.
  const charts = pick(/<figure class="(?:chart|trend-cell)\b[^"]*"[\s\S]*?<\/figure>|<svg[\s\S]*?<\/svg>/g);
  const parts = new Map<FontFace, string>([
    [FACES.title, pick(/<(h1|div class="masthead-(?:title|edition)")[^>]*>[\s\S]*?<\/(h1|div)>/g)],
    [FACES.heading, pick(/<(h2|caption|figcaption|div class="appendix-label")[^>]*>[\s\S]*?<\/(h2|caption|figcaption|div)>/g) + charts],
    [FACES.kai, pick(/<h3[^>]*>[\s\S]*?<\/h3>/g)],
    [FACES.chart, charts],
  ]);
  const all = visibleText(html);
  return (face) => parts.get(face) ?? all;
}

/** The templates as the report stage's port. */
export const handlebarsTemplates: BulletinTemplates = {
  bulletinHtml: renderBulletinHtml,
  emailHtml: (model, opts) => renderEmailHtml(model, opts),
};
