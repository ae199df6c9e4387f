import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ChromiumRenderer } from '../../functions/adapters/render/pdf-renderer';
import { renderEvaluationHtml } from '../../functions/adapters/render/evaluation-html';
import type { Config } from '../../functions/core/shared/config';
import { formatScore } from '../../functions/core/bulletin/format';
import { division, shortName } from '../../functions/core/shared/divisions';
import { monthLabel } from '../../functions/core/shared/months';
import { type EvaluateResult, createEvaluate } from '../../functions/evaluate/evaluate-year';
import { LocalPipeline } from '../local/runtime';
import { assertLocalStore } from './common';

type Log = (line: string) => void;

/** Where the local run leaves the year's files: OUT/evaluation/{year}/ (the bucket's names). */
export function evaluationFiles(out: string, r: EvaluateResult) {
  const dir = join(out, 'evaluation', String(r.year));
  return { dir, json: join(dir, basename(r.keys.json)), pdf: join(dir, basename(r.keys.pdf)), html: join(dir, basename(r.keys.html)) };
}

/**
 * `tb evaluate` on this machine: reopens the embedded store, reads the year's months from its
 * reports bucket, stores the evaluation there (reports/evaluation/{year}/) and copies it to OUT.
 */
export async function evaluateLocal(opts: { year: number; config: Config; dataDir: string; out: string; log?: Log }): Promise<EvaluateResult> {
  const log = opts.log ?? ((l: string) => console.log(l));
  assertLocalStore(opts.dataDir);
  const pipeline = await LocalPipeline.start({ dataDir: opts.dataDir, config: opts.config, fresh: false });
  try {
    log(`== ${opts.year}年度考评 ==`);
    const evaluate = createEvaluate({
      store: pipeline.store,
      reportsBucket: pipeline.servers.buckets.reports,
      curatedBucket: pipeline.servers.buckets.curated,
      config: opts.config,
      evaluationHtml: renderEvaluationHtml,
      withRenderer: async (fn) => {
        const renderer = await ChromiumRenderer.launch();
        try {
          return await fn(renderer);
        } finally {
          await renderer.close();
        }
      },
      now: () => new Date(),
      progress: log,
    });
    const r = await evaluate({ evaluate: { year: opts.year } });
    const files = evaluationFiles(opts.out, r);
    await mkdir(files.dir, { recursive: true });
    await writeFile(files.json, JSON.stringify(r.doc, null, 2) + '\n');
    await writeFile(files.pdf, r.pdf);
    await writeFile(files.html, r.html);
    log(`  计入 ${r.monthsUsed.length} 个月${r.monthsUsed.length ? `（${r.monthsUsed.map(monthLabel).join('、')}）` : ''}，跳过 ${r.skippedMonths.length} 个月`);
    const top = [...r.doc.cities].filter((c) => c.rank !== null && c.rank <= 3).sort((a, b) => a.rank! - b.rank!);
    if (top.length) log(`  省辖市（示范区）前 3 位：${top.map((c) => `${c.rank}. ${shortName(division(c.code)!)} ${formatScore(c.score)}分`).join('，')}`);
    log(`  evaluation.json：${files.json}`);
    log(`  考评通报 PDF：${files.pdf}（${(r.pdfBytes / 1024).toFixed(0)} KB）`);
    if (!r.monthsUsed.length) log(`  注意：${opts.year} 年没有已计算的月份，各单位均无得分（请先用 tb run 处理该年台账）`);
    return r;
  } finally {
    await pipeline.close();
  }
}
