// `npm run bench [suite…]`: performance figures, one per line as `name: value unit` (ratios as
// `name: 1.23x`), each measured against a baseline in the same run. Never part of the tests.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import * as bundles from './bench/bundles';
import * as ingest from './bench/ingest';
import * as render from './bench/render';
import * as scale from './bench/scale';

/** Suites: name → a function printing its figures. `npm run bench ingest` runs one. */
const suites: Record<string, () => Promise<void>> = { ingest: ingest.run, render: render.run, bundles: bundles.run, scale: scale.run };

const only = process.argv.slice(2);
for (const [name, run] of Object.entries(suites)) {
  if (only.length && !only.includes(name)) continue;
  console.log(`# ${name}`);
  await run();
}

