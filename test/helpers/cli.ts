import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const TSX_CLI = join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/cli.mjs');

/** The command line that runs `tb` from source (for spawning it): node, tsx, cli/tb.ts, the repo's config. */
export function tbCommand(args: string[]): [string, string[]] {
  return [process.execPath, [TSX_CLI, '--tsconfig', join(REPO, 'tsconfig.json'), join(REPO, 'cli/tb.ts'), '--config', join(REPO, 'tb.config.json'), ...args]];
}

/**
 * Runs `tb` (cli/tb.ts) as a command, the way `npx tsx cli/tb.ts …` does, but:
 * - node runs tsx itself, without an npm process in between (seconds on a busy machine);
 * - in `cwd`, a folder of the test's own: `tb run` keeps its store in ./.data/store and every
 *   command logs to ./.data/pipeline.log, which in the repository would be shared with a
 *   developer's `npm start` and with any other test run going on at the same time;
 * - with the repository's tb.config.json and tsconfig.json, as from the repository.
 * Resolves with the output of an exit code 0; rejects otherwise (the error has stdout and stderr).
 */
export function runTb(args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  const [cmd, argv] = tbCommand(args);
  return promisify(execFile)(cmd, argv, {
    cwd,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    maxBuffer: 16 * 1024 * 1024,
  });
}
