/**
 * The embedded servers' thread (servers.ts starts it as a worker): s3rver, and dynalite unless
 * TB_DYNAMODB=local runs DynamoDB Local in a JVM. In AWS, S3 and DynamoDB do their work on other
 * machines; here, on the pipeline's own thread, serving 158 GETs or a month's BatchWriteItems took
 * as much CPU as the pipeline's work and ran one after the other with it. On a thread of their
 * own they run beside it, on the machine's other core.
 *
 * Messages to the parent: `ready` (ports, keys), `event` (s3rver's S3 notifications), `log`
 * (lines of the pipeline log: the guard's), `pong` (answers `ping`, after every message sent
 * before it), `closed`, `failed` (the start failed).
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import dynalite from 'dynalite';
import S3rver from '@20minutes/s3rver';
import S3rverAccount from '@20minutes/s3rver/lib/models/account.js';
import { setLogSink } from '../../functions/adapters/log';
import { guardS3rver } from './s3rver-guard';

export interface WorkerInput {
  s3Dir: string;
  buckets: string[];
  /** dynalite's LevelDB folder; null when DynamoDB Local runs instead. */
  dynaliteDir: string | null;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

export type ToParent =
  | { t: 'ready'; s3Port: number; dynalitePort: number | null }
  | { t: 'event'; event: unknown }
  | { t: 'log'; line: string }
  | { t: 'pong'; id: number }
  | { t: 'closed' }
  | { t: 'failed'; message: string; stack?: string };

export type ToWorker = { t: 'ping'; id: number } | { t: 'close' };

const port = parentPort!;
const send = (m: ToParent) => port.postMessage(m);

async function main(input: WorkerInput): Promise<void> {
  // The guard's lines belong in the pipeline log, which the parent writes.
  setLogSink((line) => send({ t: 'log', line }));
  const s3rver = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: input.s3Dir,
    configureBuckets: input.buckets.map((name) => ({ name })),
    // s3rver 4 checks SigV4 signatures, but its canonical request for a bucket-level call
    // (ListObjectsV2: `GET /bucket?list-type=2`) is not the SDK's, so it refuses requests S3 takes.
    // The access key id is still checked; what a signature guards (the portal's POST policies) the
    // POST gateway checks itself (post-policy.ts).
    allowMismatchedSignatures: true,
  });
  // A request s3rver cannot store is answered with an error, never the end of the process.
  guardS3rver(s3rver);
  // Emitted inside the request, before its answer: posted now, it reaches the parent before the
  // answer to any ping the parent sends after that answer (one port, messages in order).
  s3rver.on('event', (event: unknown) => send({ t: 'event', event }));
  S3rverAccount.DUMMY_ACCOUNT.createKeyPair(input.credentials.accessKeyId, input.credentials.secretAccessKey);
  const s3Address = (await s3rver.run()) as AddressInfo;

  let dyn: ReturnType<typeof dynalite> | null = null;
  if (input.dynaliteDir) {
    mkdirSync(input.dynaliteDir, { recursive: true });
    const d = dynalite({ path: input.dynaliteDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((resolve) => d.listen(0, '127.0.0.1', () => resolve()));
    dyn = d;
  }

  port.on('message', (m: ToWorker) => {
    if (m.t === 'ping') send({ t: 'pong', id: m.id });
    else if (m.t === 'close') {
      void (async () => {
        await s3rver.close();
        if (dyn) await new Promise<void>((resolve) => dyn!.close(() => resolve()));
        send({ t: 'closed' });
        port.close();
      })();
    }
  });
  send({ t: 'ready', s3Port: s3Address.port, dynalitePort: dyn ? (dyn.address() as AddressInfo).port : null });
}

main(workerData as WorkerInput).catch((e: Error) => send({ t: 'failed', message: e.message, stack: e.stack }));
