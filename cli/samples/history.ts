/**
 * Months of history for every reporting unit, for trends, `tb evaluate --year` and `tb query`:
 *
 *   npm run samples:history -- --out DIR [--from 2025-01] [--to 2026-12] [--projects-per-unit 30] [--seed N]
 *
 * Writes DIR/{YYYY-MM}/{code}-{name}.xlsx|csv for the 158 reporting units (the layout `tb run`
 * reads), printing `已写入 k/N 个月` as it goes and a summary at the end (files, rows, formats,
 * units missing, the province's headline rates per month from the generated ledgers).
 * Deterministic: the same arguments give the same bytes (seeded PRNG, no clock); what the ledgers
 * hold is described in history-model.ts. DIR/{YYYY-MM} folders of the span are replaced.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPORTING_UNITS } from '../../functions/core/shared/divisions';
import { statusLevel } from '../../functions/core/ledger/ledger-row';
import { unitHistory, monthsOf, type HistoryOptions } from './history-model';
import { unitMonthFile } from './history-files';
import { SAMPLE_SEED } from './prng';
import type { Format } from './profile';

const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)}%` : '—');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      from: { type: 'string', default: '2025-01' },
      to: { type: 'string', default: '2026-12' },
      'projects-per-unit': { type: 'string', default: '30' },
      seed: { type: 'string', default: String(SAMPLE_SEED) },
    },
  });
  if (!values.out) throw new Error('请用 --out 指定输出文件夹（如 --out /tmp/history）');
  const per = Number(values['projects-per-unit']);
  const seed = Number(values.seed);
  if (!Number.isInteger(per) || per < 1 || per > 5000) throw new Error(`--projects-per-unit 应为 1–5000 的整数，而不是“${values['projects-per-unit']}”`);
  if (!Number.isInteger(seed)) throw new Error(`--seed 应为整数，而不是“${values.seed}”`);
  const o: HistoryOptions = { from: values.from!, to: values.to!, projectsPerUnit: per, seed };
  const months = monthsOf(o.from, o.to);
  const out = path.resolve(values.out);
  const started = process.hrtime.bigint();

  const histories = REPORTING_UNITS.map((u) => unitHistory(u, o));
  const lines: string[] = [];
  let files = 0;
  let rows = 0;
  let bytes = 0;
  const formats: Record<Format, number> = { xlsx: 0, 'csv-utf8': 0, 'csv-utf8-bom': 0, 'csv-gb18030': 0 };
  for (const [i, month] of months.entries()) {
    const dir = path.join(out, month);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const missing: string[] = [];
    let monthRows = 0;
    const c = { signed: 0, landed: 0, started: 0, plan: 0, ytd: 0 };
    for (const h of histories) {
      const m = h.months[i];
      const f = await unitMonthFile(h.unit, m);
      if (!f) {
        missing.push(`${h.unit.code} ${h.unit.name}`);
        continue;
      }
      writeFileSync(path.join(dir, f.fileName), f.bytes);
      files++;
      monthRows += f.rows;
      bytes += f.bytes.length;
      formats[f.format]++;
      for (const { p, v } of m.entries!) {
        c.plan += p.annualPlan;
        c.ytd += v.ytd;
        if (p.batch !== '签约') continue;
        c.signed++;
        if (statusLevel(v.status) >= 1) c.landed++;
        if (statusLevel(v.status) >= 2) c.started++;
      }
    }
    rows += monthRows;
    lines.push(
      `  ${month}: ${158 - missing.length} 个文件，${monthRows} 行；全省 签约落地率 ${pct(c.landed, c.signed)}  开工率 ${pct(c.started, c.signed)}  ` +
        `投资完成率 ${pct(c.ytd, c.plan)}（时序进度 ${pct(Number(month.slice(5)), 12)}）；未报送：${missing.join('、') || '无'}`,
    );
    process.stderr.write(`已写入 ${i + 1}/${months.length} 个月（${month}）\n`);
  }
  const s = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`历史台账 ${o.from} … ${o.to} → ${out}（种子 ${seed}，每单位约 ${per} 个项目起）`);
  console.log(lines.join('\n'));
  console.log(
    `共 ${months.length} 个月、${files} 个文件、${rows} 行、${(bytes / 1024 / 1024).toFixed(1)} MB（xlsx ${formats.xlsx}，CSV UTF-8 ${formats['csv-utf8']}，` +
      `UTF-8+BOM ${formats['csv-utf8-bom']}，GB18030 ${formats['csv-gb18030']}），用时 ${s.toFixed(1)} 秒`,
  );
}

main().catch((e) => {
  console.error(`错误：${(e as Error).message}`);
  process.exit(1);
});
