import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './settings';

/**
 * The analysts' saved queries, one file each in `queries/*.sql`. The same text is the Athena
 * NamedQuery of the CDK app (infra/analytics.ts) and what `tb query --saved NAME` runs on DuckDB
 * locally, so it keeps to SQL both engines read alike (Trino/Presto and DuckDB).
 *
 * A file opens with a header of `--` lines:
 *   -- NAME: what it answers (one line: the NamedQuery's description)
 *   -- … how it computes, in words …
 *   -- @param NAME what to give
 * with one `@param` line for each `?` of the query, in the order the `?` appear (a value used
 * twice is two `?`, two lines of the same name: Athena binds parameters by position only).
 */
export const QUERIES_DIR = join(REPO_ROOT, 'queries');

/** The table the queries read: the Glue table in AWS (infra/analytics.ts), the DuckDB view locally. */
export const LEDGER_TABLE = 'ledger';

/** Its partition column (the `month=YYYY-MM` folders under curated `ledger/`), text YYYY-MM. */
export const MONTH_PARTITION = 'month';

export interface QueryParam {
  name: string;
  description: string;
}

export interface SavedQuery {
  /** The file's name without `.sql`: what `tb query --saved` takes. */
  name: string;
  /** The header's first line, after `NAME:`. */
  summary: string;
  /** One per `?`, in order. */
  params: QueryParam[];
  /** The whole file, header included (Athena and DuckDB both skip `--` comments). */
  sql: string;
}

/** Names are the CLI's words: lower-case, digits and hyphens. */
const NAME_RE = /^[a-z][a-z0-9-]*$/;

/** How many `?` placeholders the text has, outside comments and quoted strings or identifiers. */
export function placeholderCount(sql: string): number {
  let n = 0;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i];
    if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end;
    } else if (ch === "'" || ch === '"') {
      // A doubled quote inside is an escaped quote: the loop steps over both halves.
      let j = i + 1;
      while (j < sql.length && !(sql[j] === ch && sql[j + 1] !== ch)) j += sql[j] === ch ? 2 : 1;
      i = j;
    } else if (ch === '?') n++;
  }
  return n;
}

export function parseSavedQuery(name: string, sql: string): SavedQuery {
  const header = sql.split('\n').filter((l, i, all) => all.slice(0, i + 1).every((x) => x.startsWith('--')));
  const first = /^--\s*([a-z0-9-]+):\s*(.+)$/.exec(header[0] ?? '');
  if (!first || first[1] !== name) throw new Error(`queries/${name}.sql: the first line must be "-- ${name}: what it answers"`);
  const params = header.flatMap((l) => {
    const m = /^--\s*@param\s+([a-z][a-z0-9-]*)\s*(.*)$/.exec(l);
    return m ? [{ name: m[1], description: m[2].trim() }] : [];
  });
  const count = placeholderCount(sql);
  if (count !== params.length) throw new Error(`queries/${name}.sql: ${count} "?" but ${params.length} @param lines`);
  return { name, summary: first[2].trim(), params, sql };
}

/** Every saved query, by name. */
export function loadSavedQueries(dir = QUERIES_DIR): SavedQuery[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => {
      const name = f.slice(0, -'.sql'.length);
      if (!NAME_RE.test(name)) throw new Error(`queries/${f}: a query's name is lower-case letters, digits and hyphens`);
      return parseSavedQuery(name, readFileSync(join(dir, f), 'utf8'));
    });
}

/**
 * The positional values of a query from named ones (`{ month: '2026-10', months: '6' }`), in the
 * order of its `@param` lines. Names missing are returned, not guessed.
 */
export function bindParams(q: SavedQuery, values: Readonly<Record<string, string | undefined>>): { values: string[]; missing: string[] } {
  const missing = [...new Set(q.params.filter((p) => values[p.name] === undefined).map((p) => p.name))];
  return { values: q.params.map((p) => values[p.name] ?? ''), missing };
}
