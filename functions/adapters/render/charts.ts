/**
 * Charts adapter: Apache ECharts server-side rendering to SVG (no canvas, no DOM, no network).
 * The option comes from core/chart-data.ts; the SVG is inlined into the bulletin's HTML, so the
 * page's embedded Noto Sans SC draws its text.
 *
 * Safety: ECharts writes every text (axis names, labels) XML-escaped, so a `<script>` in a name
 * comes out as `&lt;script&gt;` (tested). The SVG is passed to the template as a SafeString; it
 * is the only markup in the bulletin that is not produced by a Handlebars `{{ }}` — and we check
 * it carries no script, foreign object, event handler or external reference before it is used.
 */
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TitleComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import { chartOption, type ChartSpec } from '../../core/bulletin/chart-data';
import type { TrendChartSpec } from '../../core/bulletin/sections/trend';
import { trendOption } from '../../core/bulletin/trend-chart';
import { escapeMarkup } from '../../core/shared/markup';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, MarkLineComponent, TitleComponent, SVGRenderer]);

/**
 * Without a canvas ECharts cannot measure text, and guesses CJK widths badly (labels then
 * overlap or get dropped). Noto Sans SC is monospaced enough for layout: full width for CJK and
 * full-width punctuation, about 0.55 em for digits and Latin letters.
 */
export function measureTextWidth(text: string, font: string | undefined): number {
  const size = Number(/(\d+(?:\.\d+)?)px/.exec(font ?? '')?.[1] ?? 12);
  let w = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0x2e80 || (cp >= 0x2000 && cp <= 0x206f)) w += 1;
    else if (ch === '%' || ch === 'M' || ch === 'W') w += 0.85;
    else if (ch === ' ' || ch === '.' || ch === ',') w += 0.3;
    else w += 0.56;
  }
  return w * size;
}

echarts.setPlatformAPI({ measureText: (text: string, font?: string) => ({ width: measureTextWidth(text, font) }) });

const UNSAFE = /<script|<foreignObject|\son\w+\s*=|(?:href|src)\s*=\s*["'](?!#)|url\(\s*['"]?(?!#)/i;

/** One bar chart as an SVG element (no XML prolog), trimmed of interactive leftovers. */
export function renderChartSvg(spec: ChartSpec): string {
  return renderSvg(spec, chartOption(spec));
}

/** One 1—M月 trend chart, the same way. */
export function renderTrendSvg(spec: TrendChartSpec): string {
  return renderSvg(spec, trendOption(spec));
}

function renderSvg(spec: { id: string; title: string; width: number; height: number }, option: Record<string, unknown>): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: spec.width, height: spec.height });
  let svg: string;
  try {
    chart.setOption(option as echarts.EChartsCoreOption);
    svg = chart.renderToSVGString();
  } finally {
    // Without dispose, zrender's animation loop keeps the process alive.
    chart.dispose();
  }
  const tidy = svg
    // Hover styles and data-index attributes mean nothing on paper.
    .replace(/<style\b[^>]*>[\s\S]*?<\/style>/g, '')
    .replace(/\s(?:ecmeta_[a-z_]+|class|pointer-events)="[^"]*"/g, '')
    // Inline SVG in HTML needs no namespaces: the page then holds no URL at all.
    .replace(/\s(?:xmlns(?::xlink)?|version|baseProfile)="[^"]*"/g, '')
    .replace(/^<svg /, `<svg role="img" aria-label="${escapeMarkup(spec.title)}" `)
    .replace(/>\s+</g, '><');
  if (UNSAFE.test(tidy)) throw new Error(`chart ${spec.id}: unexpected active content in the SVG`);
  return tidy;
}

