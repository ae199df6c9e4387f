import { join } from 'node:path';
import { bindParams, loadSavedQueries } from '../../infra/saved-queries';
import { REPO_ROOT } from '../repo-root';
import { UserError } from '../errors';
import { openLedger } from '../local/duckdb-ledger';
import { curatedOutDir } from '../local/curated-out';
import { formatCsv, formatJson, formatTable } from '../local/result-format';
import { PARAM_OPTIONS } from './query-params';

export interface QueryRun {
  sql?: string;
  saved?: string;
  list: boolean;
  values: Record<string, string | undefined>;
  /** The output folder of `tb run` (its curated/ is the table). */
  out: string;
  format: 'table' | 'json' | 'csv';
  write?: (text: string) => void;
}

export async function runQueryCommand(o: QueryRun): Promise<void> {
  const write = o.write ?? ((t: string) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`));
  // The CLI's own idea of the repository: built, it runs from node_modules/.cache (cli/repo-root.ts).
  const saved = loadSavedQueries(join(REPO_ROOT, 'queries'));
  if (o.list) {
    for (const q of saved) {
      const params = q.params.filter((p, i) => q.params.findIndex((x) => x.name === p.name) === i);
      write(`${q.name}：${q.summary}\n${params.map((p) => `  ${(PARAM_OPTIONS[p.name]?.flag ?? p.name).padEnd(9)} ${p.description}`).join('\n')}\n`);
    }
    return;
  }
  let sql = o.sql ?? '';
  let params: string[] = [];
  if (o.saved !== undefined) {
    const q = saved.find((x) => x.name === o.saved);
    if (!q) throw new UserError(`没有名为 ${o.saved} 的保存查询（可用：${saved.map((x) => x.name).join('、')}）`);
    const bound = bindParams(q, o.values);
    if (bound.missing.length) {
      const need = bound.missing.map((n) => `${PARAM_OPTIONS[n]?.flag ?? n}（${q.params.find((p) => p.name === n)!.description}）`);
      throw new UserError(`保存查询 ${q.name} 需要参数：${need.join('，')}`);
    }
    sql = q.sql;
    params = bound.values;
  }
  const db = await openLedger(curatedOutDir(o.out));
  try {
    const result = await db.run(sql, params);
    write(o.format === 'json' ? formatJson(result) : o.format === 'csv' ? formatCsv(result) : formatTable(result));
  } finally {
    db.close();
  }
}
