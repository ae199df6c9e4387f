import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { corruptArrow } from './arrow';
import type { ArrowWorkerReply, ArrowWorkerRequest } from './arrow-worker';
import type { RawSheet, ReadOptions } from './sheet';
import { UnreadableFileError } from './sheet';

/**
 * apache-arrow trusts a file's flatbuffer metadata. A corrupt or hostile schema (found by fuzzing:
 * one changed byte in a 2 KB file makes a field's children point back into the field tree) makes
 * it allocate until the process dies, which would take the ingest Lambda down with no receipt for
 * the clerk. So an Arrow upload is decoded in a worker thread with a heap of its own and a
 * deadline: if the worker runs out of memory or time, the file is refused and the Lambda lives.
 */
const LIMITS = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 };
const DEADLINE_MS = 30_000;

/**
 * The worker: in a Lambda bundle, arrow-worker.mjs beside index.mjs. From source (tsx, vitest)
 * the worker file is TypeScript, which a worker's plain loader cannot read: a two-line bootstrap
 * loads it through tsx's API instead.
 */
function startWorker(): Worker {
  const options = { resourceLimits: LIMITS };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./arrow-worker.mjs', import.meta.url), options);
  // tsx's ESM API, as its package's exports map names it ("./esm/api" → import).
  const tsxDir = path.dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsxApi = pathToFileURL(path.join(tsxDir, 'dist/esm/api/index.mjs')).href;
  const entry = new URL('./arrow-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((api) => api.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(import.meta.url)}));`;
  return new Worker(boot, { ...options, eval: true });
}

export function readArrowIsolated(bytes: Uint8Array, opts: ReadOptions = {}): Promise<RawSheet> {
  const worker = startWorker();
  return new Promise<RawSheet>((resolve, reject) => {
    let settled = false;
    // The worker's heap is given back before the caller goes on (nothing else of its size may
    // start while a runaway worker still holds its memory).
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.terminate().then(outcome, outcome);
    };
    const timer = setTimeout(() => settle(() => reject(corruptArrow(`not read within ${DEADLINE_MS} ms`))), DEADLINE_MS);
    worker.once('message', (reply: ArrowWorkerReply) =>
      settle(() => {
        if ('sheet' in reply) resolve(reply.sheet);
        else if ('refused' in reply) reject(new UnreadableFileError(reply.refused.message, reply.refused.code, reply.refused.detail));
        else reject(corruptArrow(reply.failed));
      }),
    );
    // ERR_WORKER_OUT_OF_MEMORY, or anything else that kills the worker: the file's doing.
    worker.once('error', (e) => settle(() => reject(corruptArrow(`${(e as NodeJS.ErrnoException).code ?? ''} ${e.message}`.trim()))));
    worker.once('exit', (code) => settle(() => reject(corruptArrow(`worker exited with code ${code}`))));
    const request: ArrowWorkerRequest = { bytes, maxRows: opts.maxRows };
    worker.postMessage(request);
  });
}
