import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { WebAssets } from '../core/ports';

/**
 * The portal page's static files (index.html, app.js built from app.ts, style.css). In Lambda they
 * sit next to the bundle (copied and built by the CDK bundling hook, `webAssetCommands` in
 * infra/bundling.ts); `tb serve` builds them in memory (cli/local/web-build.ts).
 */

/** Where the page's files sit in the Lambda bundle (infra/bundling.ts builds and copies them there). */
export const LAMBDA_WEB_DIR = '/var/task/web';

/** URL path → file name in the web folder, and its type. */
export const WEB_FILES: readonly { path: string; file: string; contentType: string }[] = [
  { path: '/', file: 'index.html', contentType: 'text/html; charset=utf-8' },
  { path: '/app.js', file: 'app.js', contentType: 'text/javascript; charset=utf-8' },
  { path: '/style.css', file: 'style.css', contentType: 'text/css; charset=utf-8' },
];

/** How app.ts becomes app.js (esbuild): the CDK bundling hook and `tb serve` both build with these. */
export const PAGE_BUILD = { bundle: true, format: 'iife', target: 'es2018', minify: true, charset: 'utf8' } as const;

export function loadWebAssets(dir: string): WebAssets {
  return new Map(WEB_FILES.map((f) => [f.path, { body: readFileSync(path.join(dir, f.file)), contentType: f.contentType }]));
}
