import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { LEDGER_TABLE, MONTH_PARTITION } from '../../infra/saved-queries';
import { PREFIX } from '../../functions/core/shared/storage-keys';
import { UserError } from '../errors';

/**
 * The analysts' table, locally: DuckDB (in memory) over the month ledgers `tb run` copied to
 * `{out}/curated/ledger/month=YYYY-MM/ledger.parquet` (cli/local/curated-out.ts), as the view
 * `ledger` with the partition column `month` (text, YYYY-MM): the same name, columns and
 * partitioning as the Glue table Athena reads (infra/analytics.ts), so a saved query runs
 * unchanged on both.
 */
export interface QueryResult {
  columns: string[];
  /** DuckDB's SQL type of each column (BIGINT, DOUBLE, VARCHAR, DATE, …). */
  types: string[];
  /** Values as JSON has them: integers and doubles as numbers, dates as `YYYY-MM-DD`, NULL as null. */
  rows: unknown[][];
}

export interface LedgerDb {
  /** The months found, in order. */
  months: string[];
  run(sql: string, params?: readonly string[]): Promise<QueryResult>;
  close(): void;
}

const PARTITION_RE = new RegExp(`^${MONTH_PARTITION}=(\\d{4}-(0[1-9]|1[0-2]))$`);

/** The Parquet files of the table under `curatedDir`, by month (folders that are no month partition are not read). */
export function ledgerFiles(curatedDir: string): { month: string; path: string }[] {
  const root = join(curatedDir, PREFIX.curated);
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .flatMap((d) => {
      const m = d.isDirectory() ? PARTITION_RE.exec(d.name) : null;
      const path = m ? join(root, d.name, 'ledger.parquet') : '';
      return m && existsSync(path) ? [{ month: m[1], path }] : [];
    })
    .sort((a, b) => (a.month < b.month ? -1 : 1));
}

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** A JS value from DuckDB as JSON carries it. */
function plain(value: unknown, type: string): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return type === 'DATE' ? value.toISOString().slice(0, 10) : value.toISOString();
  if (Array.isArray(value)) return value.map((v) => plain(v, ''));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v, '')]));
  return value;
}

export async function openLedger(curatedDir: string): Promise<LedgerDb> {
  const files = ledgerFiles(curatedDir);
  if (!files.length) {
    throw new UserError(`没有可查询的台账：${join(curatedDir, PREFIX.curated)} 下没有 ${MONTH_PARTITION}=YYYY-MM/ledger.parquet（请先运行 tb run，或用 --out 指定其输出目录）`);
  }
  const instance = await DuckDBInstance.create(':memory:');
  const conn: DuckDBConnection = await instance.connect();
  // The files are listed, not globbed: a path with glob characters is read as written.
  const list = `[${files.map((f) => sqlString(f.path)).join(', ')}]`;
  await conn.run(
    `CREATE VIEW ${LEDGER_TABLE} AS SELECT * FROM read_parquet(${list}, hive_partitioning = true, hive_types = {'${MONTH_PARTITION}': 'VARCHAR'})`,
  );
  return {
    months: files.map((f) => f.month),
    async run(sql, params = []) {
      let reader;
      try {
        if (params.length) {
          const stmt = await conn.prepare(sql);
          params.forEach((v, i) => stmt.bindVarchar(i + 1, v));
          reader = await stmt.runAndReadAll();
        } else {
          reader = await conn.runAndReadAll(sql);
        }
      } catch (e) {
        // DuckDB's own message says what is wrong with the SQL: pass it on, as the user's mistake.
        throw new UserError(`查询失败：${e instanceof Error ? e.message : String(e)}`);
      }
      const types = reader.columnTypes().map((t) => t.toString());
      return { columns: reader.columnNames(), types, rows: reader.getRowsJS().map((r) => r.map((v, i) => plain(v, types[i]))) };
    },
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}
