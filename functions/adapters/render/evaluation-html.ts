/**
 * The 年度考评通报's HTML (templates/evaluation.hbs): self-contained as the bulletin's is — the
 * bulletin's CSS plus evaluation.css inlined, the faces embedded as the subsets the page needs,
 * the chart as inline SVG. Every model value goes through Handlebars' `{{ }}` escaping; the only
 * SafeStrings are the CSS this module builds and the chart's SVG (checked by charts.ts).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import Handlebars from 'handlebars';
import type { EvaluationModel } from '../../core/evaluation/evaluation-view';
import { renderChartSvg } from './charts';
import { fontFaceCss } from './fonts';
import { templatesDir, textByFace } from './templates';

interface Compiled {
  page: Handlebars.TemplateDelegate;
  css: string;
}

const compiled = new Map<string, Compiled>();

function compile(dir: string): Compiled {
  const hit = compiled.get(dir);
  if (hit) return hit;
  const hb = Handlebars.create();
  const partials = join(dir, 'partials');
  if (existsSync(partials)) {
    for (const f of readdirSync(partials)) if (f.endsWith('.hbs')) hb.registerPartial(basename(f, '.hbs'), readFileSync(join(partials, f), 'utf8'));
  }
  const out = {
    page: hb.compile(readFileSync(join(dir, 'evaluation.hbs'), 'utf8')),
    css: `${readFileSync(join(dir, 'bulletin.css'), 'utf8')}\n${readFileSync(join(dir, 'evaluation.css'), 'utf8')}`,
  };
  compiled.set(dir, out);
  return out;
}

export async function renderEvaluationHtml(model: EvaluationModel): Promise<string> {
  const t = compile(templatesDir());
  const chart = new Handlebars.SafeString(renderChartSvg(model.chart));
  const css = (fonts: string) => new Handlebars.SafeString(`${fonts}\n${t.css}`);
  // As the bulletin: a first pass to learn the characters of each face, then the fonts they need.
  const draft = t.page({ model, chart, css: css('') });
  return t.page({ model, chart, css: css(await fontFaceCss(textByFace(draft))) });
}
