import { readFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { PAGE_BUILD, WEB_FILES } from '../../functions/adapters/web-assets';
import type { WebAssets } from '../../functions/core/ports';

/**
 * Builds the portal page for `tb serve` in memory: app.ts → app.js with esbuild (PAGE_BUILD, the options
 * the Lambda bundling hook uses too: infra/bundling.ts `webAssetCommands`), index.html and style.css
 * as they are.
 */
export const WEB_SOURCE_DIR = 'functions/api/web';

export async function buildWebAssets(root: string): Promise<WebAssets> {
  const dir = path.join(root, WEB_SOURCE_DIR);
  const out = await build({ ...PAGE_BUILD, entryPoints: [path.join(dir, 'app.ts')], write: false, logLevel: 'silent' });
  const js = Buffer.from(out.outputFiles[0].contents);
  return new Map(
    WEB_FILES.map((f) => [f.path, { body: f.file === 'app.js' ? js : readFileSync(path.join(dir, f.file)), contentType: f.contentType }]),
  );
}
