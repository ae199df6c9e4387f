/**
 * The bulletin as a reader sees it. Every page of the province and a city edition is drawn as an
 * image (cli/visual/pdf-pages.ts: pdf.js on a canvas) and must carry print inside the type area
 * and nothing but the footer below it; the first pages are compared with the images in
 * test/fixtures/visual/, so the layout cannot drift unseen. After a deliberate change of the look,
 * `TB_UPDATE_VISUAL=1 npx vitest run test/integration/visual.test.ts` writes new references
 * (look at them before committing: `npm run pages` draws any PDF the same way).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdfPagesAsPng } from '../../cli/visual/pdf-pages';
import { setLogSink } from '../../functions/adapters/log';
import { ChromiumRenderer } from '../../functions/adapters/render/pdf-renderer';
import { renderBulletinHtml } from '../../functions/adapters/render/templates';
import { buildCityEdition } from '../../functions/core/bulletin/city-edition';
import { buildBulletinModel } from '../../functions/core/bulletin/province-edition';
import { makeDoc, testConfig } from '../helpers/bulletin-fixture';

setLogSink(() => {});

const REFERENCES = new URL('../fixtures/visual/', import.meta.url);
const UPDATE = process.env.TB_UPDATE_VISUAL === '1';
/** A pixel differs when a channel moves by more than this (anti-aliasing noise stays below). */
const CHANNEL_TOLERANCE = 48;
/** At most this share of a page's pixels may differ from its reference. */
const MAX_DIFFERING = 0.005;

let renderer: ChromiumRenderer;
const pdfs = new Map<string, Buffer>();

beforeAll(async () => {
  renderer = await ChromiumRenderer.launch();
  const opts = { issuedOn: '2026-11-05' };
  const models = [buildBulletinModel(makeDoc(), testConfig, opts), buildCityEdition(makeDoc(), testConfig, '411100', opts)];
  for (const m of models) pdfs.set(m.editionKey, await renderer.render(await renderBulletinHtml(m), { footer: m.footer }));
});
afterAll(async () => {
  await renderer?.close();
});

async function pixels(png: Buffer): Promise<{ width: number; height: number; data: Uint8ClampedArray }> {
  const img = await loadImage(png);
  const canvas = createCanvas(img.width, img.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  return { width: img.width, height: img.height, data: ctx.getImageData(0, 0, img.width, img.height).data };
}

/** Share of pixels darker than paper in the rows [top, bottom) (fractions of the page height). */
function ink(p: { width: number; height: number; data: Uint8ClampedArray }, top: number, bottom: number): number {
  let dark = 0;
  const y0 = Math.floor(p.height * top);
  const y1 = Math.floor(p.height * bottom);
  for (let y = y0; y < y1; y++) {
    for (let x = 0; x < p.width; x++) {
      const i = (y * p.width + x) * 4;
      if (p.data[i] + p.data[i + 1] + p.data[i + 2] < 600) dark++;
    }
  }
  return dark / ((y1 - y0) * p.width);
}

describe('every page, as an image', () => {
  it.each(['province', '411100'])('%s: every page has print in the type area; below it only the footer', async (edition) => {
    const pages = await pdfPagesAsPng(new Uint8Array(pdfs.get(edition)!), { scale: 1 });
    expect(pages.length).toBeGreaterThan(1);
    for (const { page, png } of pages) {
      const p = await pixels(png);
      // 版心: 37 mm to 262 mm of 297 (the top and bottom margins of GB/T 9704).
      expect(ink(p, 37 / 297, 262 / 297), `page ${page}`).toBeGreaterThan(0.005);
      // the top margin is empty; in the bottom margin, nothing until the footer line near the foot
      expect(ink(p, 0, 30 / 297), `page ${page} top margin`).toBe(0);
      expect(ink(p, 264 / 297, 280 / 297), `page ${page} below the type area`).toBe(0);
      expect(ink(p, 280 / 297, 1), `page ${page} footer`).toBeGreaterThan(0);
    }
  });
});

describe('the first pages look as they did (visual regression)', () => {
  it.each(['province', '411100'])('%s page 1 and 2', async (edition) => {
    const pages = await pdfPagesAsPng(new Uint8Array(pdfs.get(edition)!), { scale: 1, pages: [1, 2] });
    for (const { page, png } of pages) {
      const ref = new URL(`${edition}-p${page}.png`, REFERENCES);
      if (UPDATE || !existsSync(ref)) {
        writeFileSync(ref, png);
        // A missing reference is written, and the run fails: a reference is committed, never made up silently.
        expect(UPDATE, `wrote ${ref.pathname}: look at it and commit it`).toBe(true);
        continue;
      }
      const [now, before] = await Promise.all([pixels(png), pixels(readFileSync(ref))]);
      expect([now.width, now.height]).toEqual([before.width, before.height]);
      let differing = 0;
      for (let i = 0; i < now.data.length; i += 4) {
        const d = Math.max(Math.abs(now.data[i] - before.data[i]), Math.abs(now.data[i + 1] - before.data[i + 1]), Math.abs(now.data[i + 2] - before.data[i + 2]));
        if (d > CHANNEL_TOLERANCE) differing++;
      }
      expect(differing / (now.width * now.height), `${edition} page ${page} against ${join('test/fixtures/visual', `${edition}-p${page}.png`)}`).toBeLessThan(MAX_DIFFERING);
    }
  });
});
