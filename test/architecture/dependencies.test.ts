/**
 * The dependency rules of .dependency-cruiser.cjs (docs/architecture.md): the repository obeys
 * them, and each rule really catches what it forbids (a rule that matches nothing would pass too).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cruise, type ICruiseOptions } from 'dependency-cruiser';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/settings';

const config = createRequire(import.meta.url)(join(REPO_ROOT, '.dependency-cruiser.cjs')) as {
  forbidden: NonNullable<ICruiseOptions['ruleSet']>['forbidden'];
  options: ICruiseOptions;
};

async function violations(baseDir: string, roots: string[], tsConfig = join(REPO_ROOT, 'tsconfig.json')) {
  const result = await cruise(roots, {
    ...config.options,
    baseDir,
    validate: true,
    ruleSet: { forbidden: config.forbidden },
    tsConfig: { fileName: tsConfig },
  });
  if (typeof result.output === 'string') throw new Error(result.output);
  return result.output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (cycle ${v.cycle.map((c) => c.name).join(' → ')})` : ''}`);
}

describe('dependency direction', () => {
  it('holds for functions/, infra/ and cli/', async () => {
    expect(await violations(REPO_ROOT, ['functions', 'infra', 'cli'])).toEqual([]);
  });

  const tmp = mkdtempSync(join(tmpdir(), 'tb-deps-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const write = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmp, 'case-'));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'ESNext', moduleResolution: 'Bundler', noEmit: true } }));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return dir;
  };
  const caught = async (files: Record<string, string>) => {
    const dir = write(files);
    return (await violations(dir, ['functions'], join(dir, 'tsconfig.json'))).map((v) => v.split(':')[0]);
  };

  it.each([
    ['core-not-to-outside', { 'functions/core/a.ts': "import { b } from '../adapters/b';\nexport const a = b;", 'functions/adapters/b.ts': 'export const b = 1;' }],
    ['core-not-to-outside', { 'functions/core/a.ts': "import { h } from '../report/handler';\nexport const a = h;", 'functions/report/handler.ts': 'export const h = 1;' }],
    ['pure-no-node-io', { 'functions/core/a.ts': "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;" }],
    ['pure-no-node-io', { 'functions/formats/x.ts': "import { Socket } from 'net';\nexport const a = Socket;" }],
    ['pure-no-io-libraries', { 'functions/core/a.ts': "import { S3Client } from '@aws-sdk/client-s3';\nexport const a = S3Client;" }],
    ['stage-not-to-other-stage', { 'functions/report/handler.ts': "import { r } from '../compute/handler';\nexport const h = r;", 'functions/compute/handler.ts': 'export const r = 1;' }],
    ['use-case-through-ports', { 'functions/ingest/ingest-upload.ts': "import { S } from '../adapters/aws/object-store';\nexport const u = S;", 'functions/adapters/aws/object-store.ts': 'export const S = 1;' }],
    ['adapters-not-to-stages', { 'functions/adapters/a.ts': "import { u } from '../ingest/ingest-upload';\nexport const a = u;", 'functions/ingest/ingest-upload.ts': 'export const u = 1;' }],
    ['no-circular', { 'functions/core/a.ts': "import type { B } from './b';\nexport type A = { b?: B };", 'functions/core/b.ts': "import type { A } from './a';\nexport type B = { a?: A };" }],
  ] as const)('%s catches its case', async (rule, files) => {
    expect(await caught(files)).toContain(rule);
  });

  it('allows what the layers are for: a handler wiring adapters, a use case logging, core using node:crypto', async () => {
    const found = await caught({
      'functions/ingest/handler.ts': "import { S } from '../adapters/aws/object-store';\nimport { u } from './ingest-upload';\nexport const h = [S, u];",
      'functions/ingest/ingest-upload.ts': "import { logEvent } from '../adapters/log';\nimport { p } from '../core/p';\nexport const u = [logEvent, p];",
      'functions/adapters/aws/object-store.ts': "import type { P } from '../../core/p';\nexport const S: P | 1 = 1;",
      'functions/adapters/log.ts': 'export const logEvent = 1;',
      'functions/core/p.ts': "import { createHash } from 'node:crypto';\nexport type P = 2;\nexport const p = createHash;",
    });
    expect(found).toEqual([]);
  });
});
