import { parentPort } from 'node:worker_threads';
import { readArrow } from './arrow';
import { UnreadableFileError } from './sheet';

/**
 * The worker side of readArrowIsolated (arrow-sandbox.ts): one file in, its rows or the reason
 * it cannot be read out. Bundled on its own as arrow-worker.mjs beside the ingest Lambda.
 */
export interface ArrowWorkerRequest {
  bytes: Uint8Array;
  /** As in ReadOptions: readArrow applies the default. */
  maxRows?: number;
}

export type ArrowWorkerReply =
  | { sheet: ReturnType<typeof readArrow> }
  | { refused: { message: string; code: UnreadableFileError['code']; detail: string | null } }
  | { failed: string };

parentPort?.once('message', ({ bytes, maxRows }: ArrowWorkerRequest) => {
  let reply: ArrowWorkerReply;
  try {
    reply = { sheet: readArrow(bytes, { maxRows }) };
  } catch (e) {
    reply =
      e instanceof UnreadableFileError
        ? { refused: { message: e.message, code: e.code, detail: e.detail } }
        : { failed: String((e as Error)?.message ?? e) };
  }
  parentPort!.postMessage(reply);
});
