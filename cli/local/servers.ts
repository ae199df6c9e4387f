import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdirSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { buildSync } from 'esbuild';
import { logSink } from '../../functions/adapters/log';
import { TABLE } from '../../functions/core/shared/storage-keys';
import { REPO_ROOT } from '../repo-root';
import { type DynamoBackend, dynamoBackend, dynamoStoreDir, startJvmDynamo } from './dynamodb';
import type { ToParent, ToWorker, WorkerInput } from './embedded-worker';

/** The embedded servers' bucket and table names (in AWS the CDK names them). */
export const LOCAL_BUCKETS = { raw: 'tb-raw', curated: 'tb-curated', reports: 'tb-reports' } as const;
export const LOCAL_TABLE_NAME = 'tb-ledger';

/**
 * Embedded S3 (s3rver) and DynamoDB (dynalite, or DynamoDB Local with TB_DYNAMODB=local:
 * dynamodb.ts) on 127.0.0.1 and free ports, with the buckets and the table keys of
 * core/shared/storage-keys.ts. Real servers spoken to by the real SDK clients, on a thread of
 * their own (embedded-worker.ts), as S3 and DynamoDB do their work away from the Lambda's.
 */
export interface EmbeddedServers {
  s3Endpoint: string;
  dynamoEndpoint: string;
  dynamoBackend: DynamoBackend;
  buckets: { raw: string; curated: string; reports: string };
  table: string;
  /** s3rver's `event`s (its S3 notifications, emitted while it stores an object), on this thread. */
  s3Events: EventEmitter;
  /**
   * Resolves once every S3 event and log line of a request answered before the call has reached
   * this thread (a round trip behind them on the worker's port): after an upload's PUT, its event.
   */
  settle(): Promise<void>;
  /**
   * The keys the pipeline signs with (SDK requests, presigned GETs and the portal's POST policies),
   * new at every start. Not s3rver's built-in S3RVER/S3RVER: anyone knows that pair, and the POST
   * gateway accepts only policies signed with these.
   */
  credentials: { accessKeyId: string; secretAccessKey: string };
  close(): Promise<void>;
}

/**
 * Fresh keys, which the worker registers with its s3rver. s3rver refuses an access key id it does
 * not know; its SigV4 check is off (allowMismatchedSignatures, embedded-worker.ts), so the SDK
 * clients work with them. Nothing stored depends on them (objects and items are reopened whatever
 * the keys), so a new pair per process keeps `tb report` and `tb serve` working on an old store,
 * and no secret is ever written to disk.
 */
function newCredentials(): EmbeddedServers['credentials'] {
  return { accessKeyId: `TBLOCAL${randomBytes(8).toString('hex').toUpperCase()}`, secretAccessKey: randomBytes(30).toString('base64url') };
}

let workerFile: string | undefined;

/**
 * embedded-worker.ts as one ES module, built once a process with esbuild (tens of milliseconds):
 * a worker thread runs plain JavaScript, whether this code runs from source (tsx, vitest) or from
 * the CLI's bundle. Its packages stay imports, resolved from the repository's node_modules, which
 * is why the file is written there (named by its content: processes share it, none half-written).
 */
function embeddedWorkerFile(): string {
  if (workerFile) return workerFile;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const source = [path.join(here, 'embedded-worker.ts'), path.join(REPO_ROOT, 'cli', 'local', 'embedded-worker.ts')].find((f) => existsSync(f));
  if (!source) throw new Error('embedded-worker.ts not found (is TB_REPO_ROOT the repository?)');
  const out = buildSync({ entryPoints: [source], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', write: false, logLevel: 'silent' });
  const code = out.outputFiles[0].contents;
  const dir = path.join(REPO_ROOT, 'node_modules', '.cache', 'tb-embedded');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `worker-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
  if (!existsSync(file)) {
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(tmp, code);
    renameSync(tmp, file);
  }
  return (workerFile = file);
}

/** The worker's log lines go where this process's do (the pipeline log, or stdout as in Lambda). */
function writeLogLine(line: string): void {
  const sink = logSink();
  if (sink) sink(line);
  else process.stdout.write(`${line}\n`);
}

interface RunningWorker {
  s3Port: number;
  dynalitePort: number | null;
  events: EventEmitter;
  settle(): Promise<void>;
  close(): Promise<void>;
}

async function startWorker(input: WorkerInput): Promise<RunningWorker> {
  const worker = new Worker(embeddedWorkerFile(), { workerData: input });
  const events = new EventEmitter();
  const pongs = new Map<number, () => void>();
  let pings = 0;
  let closed: (() => void) | null = null;
  let exited = false;
  const ready = new Promise<{ s3Port: number; dynalitePort: number | null }>((resolve, reject) => {
    worker.on('message', (m: ToParent) => {
      switch (m.t) {
        case 'ready':
          return resolve(m);
        case 'failed':
          return reject(Object.assign(new Error(`embedded servers failed to start: ${m.message}`), { stack: m.stack }));
        case 'event':
          return void events.emit('event', m.event);
        case 'log':
          return writeLogLine(m.line);
        case 'pong':
          pongs.get(m.id)?.();
          return void pongs.delete(m.id);
        case 'closed':
          return closed?.();
      }
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      exited = true;
      reject(new Error(`embedded servers' thread ended (exit ${code})`));
      pongs.forEach((resolvePong) => resolvePong());
      pongs.clear();
      closed?.();
    });
  });
  const { s3Port, dynalitePort } = await ready;
  const post = (m: ToWorker) => worker.postMessage(m);
  return {
    s3Port,
    dynalitePort,
    events,
    settle: () =>
      exited
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const id = ++pings;
            pongs.set(id, resolve);
            post({ t: 'ping', id });
          }),
    async close() {
      if (exited) return;
      await new Promise<void>((resolve) => {
        closed = resolve;
        post({ t: 'close' });
      });
      await worker.terminate();
    },
  };
}

/**
 * `fresh` (default) wipes `dataDir` first (`tb run`); without it the previous run's objects and
 * items are reopened (`tb report`, `tb serve` after a run). The DynamoDB backend is TB_DYNAMODB's.
 */
export async function startEmbedded(opts: { dataDir: string; fresh?: boolean }): Promise<EmbeddedServers> {
  const backend = dynamoBackend();
  const fresh = opts.fresh ?? true;
  if (fresh) rmSync(opts.dataDir, { recursive: true, force: true });
  const s3Dir = `${opts.dataDir}/s3`;
  mkdirSync(s3Dir, { recursive: true });
  const buckets = { ...LOCAL_BUCKETS };
  const credentials = newCredentials();
  // On disk (dynalite: LevelDB; DynamoDB Local: SQLite) so a later command can reopen the store.
  const storeDir = dynamoStoreDir(opts.dataDir, backend);
  const worker = await startWorker({ s3Dir, buckets: Object.values(buckets), dynaliteDir: backend === 'dynalite' ? storeDir : null, credentials });

  let dynamo: { endpoint: string; close(): Promise<void> };
  try {
    dynamo =
      backend === 'local'
        ? await startJvmDynamo(storeDir)
        : { endpoint: `http://127.0.0.1:${worker.dynalitePort}`, close: async () => undefined };
    await ensureTable(dynamo.endpoint).catch(async (e) => {
      await dynamo.close();
      throw e;
    });
  } catch (e) {
    await worker.close();
    throw e;
  }

  return {
    s3Endpoint: `http://127.0.0.1:${worker.s3Port}`,
    dynamoEndpoint: dynamo.endpoint,
    dynamoBackend: backend,
    buckets,
    table: LOCAL_TABLE_NAME,
    s3Events: worker.events,
    settle: worker.settle,
    credentials,
    async close() {
      await dynamo.close();
      await worker.close();
    },
  };
}

/** How long a new table may stay CREATING: a ceiling for a busy machine, not a wait. */
const TABLE_ACTIVE_TIMEOUT_MS = 60_000;

/**
 * The table, created (or found, when a store is reopened) and ACTIVE. A table answers writes only
 * once ACTIVE, in AWS as in both local servers: dynalite turns it ACTIVE on a timer even with
 * createTableMs 0, so a write straight after CreateTable could meet ResourceNotFoundException.
 */
async function ensureTable(endpoint: string): Promise<void> {
  const ddb = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  try {
    await ddb
      .send(
        new CreateTableCommand({
          TableName: LOCAL_TABLE_NAME,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: TABLE.partitionKey, AttributeType: 'S' },
            { AttributeName: TABLE.sortKey, AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
            { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
          ],
        }),
      )
      // Reopening a store: the table is already there.
      .catch((e: Error) => {
        if (e.name !== 'ResourceInUseException') throw e;
      });
    const deadline = Date.now() + TABLE_ACTIVE_TIMEOUT_MS;
    for (;;) {
      const { Table } = await ddb.send(new DescribeTableCommand({ TableName: LOCAL_TABLE_NAME }));
      if (Table?.TableStatus === 'ACTIVE') return;
      if (Date.now() > deadline) throw new Error(`table ${LOCAL_TABLE_NAME} still ${Table?.TableStatus} after ${TABLE_ACTIVE_TIMEOUT_MS / 1000} s`);
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    ddb.destroy();
  }
}
