import { describe, expect, it } from 'vitest';
import { FACES } from '../../../functions/adapters/render/fonts';
import { textByFace } from '../../../functions/adapters/render/templates';

/**
 * Which characters each face must embed. The trend's small multiples name counties that no other
 * chart may print (郾城区, 召陵区, 临颍县 in 漯河's edition), in bold: their glyphs must come with the
 * chart face and the bold sans face, or the PDF prints blanks (Lambda has no CJK fallback font).
 */
describe('the characters each face embeds', () => {
  const html = [
    '<h1>河南省发展和改革委员会</h1>',
    '<figure class="chart" id="chart-start"><svg><text style="font-family:\'Noto Sans SC\'">郑州</text></svg><figcaption>图1</figcaption></figure>',
    '<figure class="chart trend-main" id="trend-main"><svg><text>漯河市</text></svg></figure>',
    '<figure class="trend-cell" id="trend-1"><svg><text>郾城区</text></svg></figure>',
    '<figure class="trend-cell" id="trend-2"><svg><text>召陵区</text></svg></figure>',
    '<div><svg><text>临颍县</text></svg></div>',
    '<p>正文</p>',
  ].join('');
  const text = textByFace(html);

  it('gives the chart face the text of every chart: rate charts, the trend chart, its small multiples, any SVG', () => {
    for (const ch of '郑州漯河市郾城区召陵区临颍县') expect(text(FACES.chart)).toContain(ch);
    expect(text(FACES.chart)).not.toContain('正');
  });

  it('gives the bold sans face (headings, and the bold chart titles) the text of the charts too', () => {
    for (const ch of '郾城区召陵区临颍县') expect(text(FACES.heading)).toContain(ch);
  });

  it('gives the body face everything', () => {
    for (const ch of '河南省郾城区正文') expect(text(FACES.body)).toContain(ch);
  });
});
