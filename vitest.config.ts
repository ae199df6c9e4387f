import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Ceilings for a test or hook that hangs, not a measure of speed (test/unit must stay fast:
    // `npx vitest run test/unit` under 20 s). Integration tests render dozens of PDFs in Chromium,
    // start embedded S3/DynamoDB and run `tb` as a command; alone on this 2-core machine the
    // slowest take about a minute, and beside another full run (or other heavy jobs) several
    // times that (the whole sample month of pipeline.test.ts passed 300 s beside four other
    // jobs). A ceiling they can reach without hanging would fail them for being busy.
    testTimeout: 900_000,
    hookTimeout: 900_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
