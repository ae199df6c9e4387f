// `npm run bench`: performance figures, one per line as `name: value unit` (ratios as `name: 1.23x`),
// each measured against a baseline in the same run. Benchmarks never run in the tests.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const suites: Record<string, () => Promise<void>> = {};
const only = process.argv.slice(2);

for (const [name, run] of Object.entries(suites)) {
  if (only.length && !only.includes(name)) continue;
  console.log(`# ${name}`);
  await run();
}
