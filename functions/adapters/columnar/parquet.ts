import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as parquet from 'parquet-wasm/esm';
import { readEnv } from '../env';

/**
 * Parquet through parquet-wasm (Rust's arrow/parquet compiled to WebAssembly). Its ESM build is
 * initialised here, once and lazily, from the .wasm bytes read from disk:
 * - `TB_PARQUET_WASM`, if set;
 * - `parquet_wasm_bg.wasm` next to this module — in the Lambda bundle, next to index.mjs (the
 *   stack copies it there from node_modules/parquet-wasm/esm/);
 * - the package itself in node_modules (local runtime, tests, tsx).
 * Nothing is fetched; nothing is loaded until the first Parquet file is written or read.
 */
export const WASM_FILE = 'parquet_wasm_bg.wasm';

export class ParquetUnavailableError extends Error {
  override name = 'ParquetUnavailableError';
}

let ready = false;

export function wasmCandidates(): string[] {
  const out: string[] = [];
  const configured = readEnv().parquetWasm;
  if (configured) out.push(configured);
  try {
    out.push(join(dirname(fileURLToPath(import.meta.url)), WASM_FILE));
  } catch {
    // import.meta.url not a file URL: skip.
  }
  try {
    out.push(createRequire(import.meta.url).resolve(`parquet-wasm/esm/${WASM_FILE}`));
  } catch {
    // Not resolvable from here (bundled without node_modules).
  }
  return out;
}

function init(): void {
  if (ready) return;
  const path = wasmCandidates().find((p) => existsSync(p));
  if (!path) throw new ParquetUnavailableError(`${WASM_FILE} not found (looked in: ${wasmCandidates().join(', ')})`);
  parquet.initSync({ module: readFileSync(path) });
  ready = true;
}

/** Arrow IPC stream bytes → Parquet bytes (Snappy, statistics on; readable by DuckDB, pandas, Athena). */
export function ipcStreamToParquet(ipcStream: Uint8Array): Uint8Array {
  init();
  const table = parquet.Table.fromIPCStream(ipcStream);
  const props = new parquet.WriterPropertiesBuilder()
    .setCompression(parquet.Compression.SNAPPY)
    .setCreatedBy('three-batches')
    .build();
  return parquet.writeParquet(table, props);
}

/** Parquet bytes → Arrow IPC stream bytes (for reading a copy back with apache-arrow). */
export function parquetToIpcStream(bytes: Uint8Array): Uint8Array {
  init();
  return parquet.readParquet(bytes).intoIPCStream();
}
