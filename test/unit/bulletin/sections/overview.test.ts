import { describe, expect, it } from 'vitest';
import { build } from '../../../helpers/bulletin-build';
import { makeDoc, testConfig } from '../../../helpers/bulletin-fixture';

describe('一、总体情况', () => {
  it('counts per batch; money per batch from rates.json byBatch, "—" without it', () => {
    const doc = makeDoc();
    const [p1] = build(doc).overview.paragraphs;
    expect(p1).toBe(
      '截至2026年10月底，全省“三个一批”台账共有项目 1234 个，总投资 12345.68 亿元。其中，“签约一批”项目 500 个，“开工一批”项目 420 个，“投产一批”项目 314 个；已终止项目 7 个（计入各项比率的分母）。全年计划投资 456.79 亿元，本年累计完成投资 260.50 亿元。',
    );
    const table = build(doc).overview.batchTable.rows;
    expect(table.map((r) => r.name)).toEqual(['“签约一批”', '“开工一批”', '“投产一批”', '合计']);
    expect(table[0]).toMatchObject({ projects: '500', total: '—', completion: '—' });
    expect(table[3]).toMatchObject({ projects: '1234', total: '12345.68', annualPlan: '456.79', ytdCompleted: '260.50', completion: '57.0%', isTotal: true });

    // with money per batch (万元 → 亿元), as compute writes it
    const province = doc.units.find((u) => u.level === 'province')!;
    province.byBatch = {
      签约: { projects: 500, total: 50000, annualPlan: 10000, ytdCompleted: 5000 },
      开工: { projects: 420, total: 21000, annualPlan: 4200, ytdCompleted: 3780 },
      投产: { projects: 314, total: 3140, annualPlan: 314, ytdCompleted: 314 },
    };
    const m = build(doc, testConfig);
    expect(m.overview.paragraphs[0]).toContain('其中，“签约一批”项目 500 个、总投资 5.00 亿元，“开工一批”项目 420 个、总投资 2.10 亿元，“投产一批”项目 314 个、总投资 0.31 亿元；');
    expect(m.overview.batchTable.rows[0]).toMatchObject({ total: '5.00', annualPlan: '1.00', ytdCompleted: '0.50', completion: '50.0%' });
  });

  it('the rates with month-on-month change in 百分点, 投资完成率 against 时序进度', () => {
    const p = build().overview.paragraphs[1];
    expect(p).toBe(
      '从主要指标看，全省“签约一批”项目落地率 80.0%，较上月提高 1.2 个百分点；“签约一批”项目开工率 57.0%，较上月下降 0.8 个百分点；“开工一批”项目投产率 21.4%，与上月持平；“投产一批”项目达效率 94.3%；投资完成率 57.0%，较上月提高 5.0 个百分点，低于时序进度（83.3%）26.3 个百分点。',
    );
    const above = build(makeDoc({ provinceRates: { investmentCompletion: 0.865 } })).overview.paragraphs[1];
    expect(above).toContain('高于时序进度（83.3%）3.2 个百分点');
    const level = build(makeDoc({ provinceRates: { investmentCompletion: 0.8331 } })).overview.paragraphs[1];
    expect(level).toContain('与时序进度（83.3%）持平');
  });

  it('a null rate reads "暂无数据" with the reason, never null or NaN', () => {
    const m = build(makeDoc({ provinceRates: { efficiency: null, investmentCompletion: null } }));
    expect(m.overview.paragraphs[1]).toContain('“投产一批”项目达效率暂无数据（暂无投产类项目）');
    expect(m.overview.paragraphs[1]).toContain('投资完成率暂无数据（暂无年度计划投资）');
    expect(JSON.stringify(m)).not.toMatch(/null%|NaN|undefined/);
    const ic = m.overview.indicatorTable.rows.find((r) => r.key === 'investmentCompletion')!;
    expect(ic).toMatchObject({ value: '—', previous: '—', gradeClass: 'grade-red' });
  });

  it('main-indicator table: value, last month, change, grade', () => {
    const rows = build().overview.indicatorTable.rows;
    expect(rows.map((r) => [r.name, r.value, r.previous, r.change, r.gradeLabel])).toEqual([
      ['签约落地率', '80.0%', '78.8%', '+1.2', '绿'],
      ['开工率', '57.0%', '57.8%', '-0.8', '黄'],
      ['投资完成率', '57.0%', '52.0%', '+5.0', '红'],
      ['投产率', '21.4%', '21.4%', '0.0', '红'],
      ['达效率', '94.3%', '—', '—', '绿'],
    ]);
  });

  it('per-phase cohorts: a table and a sentence about the first and the latest phase', () => {
    const m = build();
    expect(m.overview.phaseTable!.rows).toEqual([
      { phase: '第1期', projects: '80', rates: expect.arrayContaining([{ key: 'start', value: '57.0%' }, { key: 'efficiency', value: '94.3%' }]) },
      { phase: '第2期', projects: '40', rates: expect.arrayContaining([{ key: 'production', value: '—' }]) },
    ]);
    expect(m.overview.paragraphs[2]).toBe(
      '分期次看，全省共有 2 期“三个一批”项目在库。第一期“三个一批”项目开工率 57.0%、投产率 21.0%、达效率 94.3%；最近一期（第二期）“三个一批”项目开工率 25.0%。',
    );
    const none = makeDoc();
    none.byPhase = [];
    expect(build(none).overview.phaseTable).toBeNull();
  });

  it('a phase just listed (nothing started yet) is said to be new, not three times 0.0%', () => {
    const doc = makeDoc();
    const last = doc.byPhase[doc.byPhase.length - 1];
    last.counts = { ...last.counts, signedStarted: 0, startBatchInProduction: 0, productionBatchAtCapacity: 0 };
    last.rates = { ...last.rates, start: 0, production: 0, efficiency: 0 };
    const text = build(doc).overview.paragraphs[2];
    expect(text).toContain(`最近一期（第二期）${last.counts.projects} 个项目刚列入台账，尚未开工、投产。`);
    expect(text).not.toContain('0.0%');
  });
});
