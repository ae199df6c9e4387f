/**
 * PDF pages as images, to look at a bulletin the way a reader sees it: pdf.js draws each page on
 * a canvas (@napi-rs/canvas, a prebuilt binary from the registry: no poppler, no system fonts —
 * every font is embedded in our PDFs). `npm run pages -- FILE.pdf [OUT_DIR] [PAGES]` writes
 * p1.png, p2.png, … (PAGES: "1,2,5"; default all); the visual regression test uses the same code.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** Each asked page as a PNG; `scale` 1 = 72 dpi (A4: 595 × 842 px). */
export async function pdfPagesAsPng(bytes: Uint8Array, opts: { scale?: number; pages?: number[] } = {}): Promise<{ page: number; png: Buffer }[]> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false }).promise;
  try {
    const pages = opts.pages ?? Array.from({ length: pdf.numPages }, (_, i) => i + 1);
    const out: { page: number; png: Buffer }[] = [];
    for (const n of pages) {
      const page = await pdf.getPage(n);
      const viewport = page.getViewport({ scale: opts.scale ?? 1.2 });
      const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
      const ctx = canvas.getContext('2d');
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      // pdf.js types its canvas as the DOM's; @napi-rs/canvas implements the same 2D API.
      await page.render({ canvasContext: ctx as never, viewport, canvas: canvas as never }).promise;
      out.push({ page: n, png: canvas.toBuffer('image/png') });
    }
    return out;
  } finally {
    await pdf.destroy();
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const [file, dir = 'out/pages', list] = process.argv.slice(2);
  if (!file) {
    console.error('用法：npm run pages -- 文件.pdf [输出目录] [页码，如 1,2,5]');
    process.exit(2);
  }
  mkdirSync(dir, { recursive: true });
  const pages = await pdfPagesAsPng(new Uint8Array(readFileSync(file)), { pages: list ? list.split(',').map(Number) : undefined });
  for (const p of pages) writeFileSync(join(dir, `p${p.page}.png`), p.png);
  console.log(`${pages.length} 页 → ${dir}/p1.png …`);
}
