import { describe, expect, it } from 'vitest';
import { buildCityEdition } from '../../../functions/core/bulletin/city-edition';
import { buildEditions, editionCodes } from '../../../functions/core/bulletin/editions';
import { emailText } from '../../../functions/core/bulletin/email';
import { issueNumber } from '../../../functions/core/bulletin/masthead';
import { buildBulletinModel } from '../../../functions/core/bulletin/province-edition';
import type { BulletinModel, BulletinOptions } from '../../../functions/core/bulletin/view-model';
import { parseConfig } from '../../../functions/core/shared/config';
import { CITIES, REPORTING_UNITS } from '../../../functions/core/shared/divisions';
import type { LedgerRow, MonthLedger } from '../../../functions/core/ledger/ledger-row';
import type { RatesDoc } from '../../../functions/core/metrics/rates-types';
import { EVIL_PROJECT, makeDoc, testConfig, unit } from '../../helpers/bulletin-fixture';

const OPTS: BulletinOptions = { issuedOn: '2026-11-05' };
const build = (doc: RatesDoc = makeDoc(), config = testConfig, opts: Partial<BulletinOptions> = {}) => buildBulletinModel(doc, config, { ...OPTS, ...opts });
const luohe = (doc: RatesDoc = makeDoc(), opts: Partial<BulletinOptions> = {}) => buildCityEdition(doc, testConfig, '411100', { ...OPTS, ...opts });

/** Replaces the start rate of the city-level units (CITIES order). */
function withCityStarts(doc: RatesDoc, starts: Array<number | null>): RatesDoc {
  CITIES.forEach((c, i) => {
    const u = doc.units.find((x) => x.level === 'city' && x.code === c.code)!;
    u.rates = { ...u.rates, start: starts[i] ?? null };
    u.reported = true;
  });
  return doc;
}

function row(unitCode: string, batch: LedgerRow['batch'], total: number, plan: number, ytd: number): LedgerRow {
  return {
    unitCode, projectCode: `x-${Math.random()}`, projectName: 'p', batch, phase: 1, status: '已开工', totalInvestment: total, annualPlan: plan,
    ytdCompleted: ytd, monthCompleted: null, industry: null, signedDate: null, landedDate: null, startDate: null, productionDate: null,
    progress: null, problems: null, leader: null, sourceRow: 2,
  };
}

describe('masthead, footer, mail subject', () => {
  it('carries issuer, title, 期号 and dates; the footer repeats title and 期号', () => {
    const m = build();
    expect(m.edition).toBe('province');
    expect(m.editionKey).toBe('province');
    expect(m.monthLabel).toBe('2026年10月');
    expect(m.masthead).toMatchObject({
      title: '“三个一批”项目建设月度通报',
      issuer: '河南省“三个一批”项目建设活动领导小组办公室',
      issueNo: 10,
      issueLabel: '第 10 期',
      edition: '',
      issuedOn: '2026-11-05',
      issuedOnLabel: '2026年11月5日',
    });
    expect(m.heading).toBe('2026年10月全省“三个一批”项目建设进展情况');
    expect(m.footer).toBe('“三个一批”项目建设月度通报　第 10 期');
    expect(m.email.subject).toBe('【通报】2026年10月“三个一批”项目建设情况');
    expect(m.email.attachmentName).toBe('三个一批项目建设月度通报-2026年10月（第10期）.pdf');
  });

  it('counts 期号 from the configured base across years', () => {
    const config = parseConfig({ bulletin: { issueBase: 59, issueBaseMonth: '2025-11' } });
    expect(issueNumber('2025-11', config)).toBe(59);
    expect(issueNumber('2026-10', config)).toBe(70);
    expect(() => issueNumber('2025-12', testConfig)).toThrow(/before bulletin.issueBaseMonth/);
  });

  it('refuses a document without a province unit', () => {
    const doc = makeDoc();
    doc.units = doc.units.filter((u) => u.level !== 'province');
    expect(() => build(doc)).toThrow(/no province unit/);
  });
});

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

  it('numbers the tables in reading order', () => {
    const m = build();
    expect([m.overview.batchTable.number, m.overview.indicatorTable.number, m.overview.phaseTable!.number, m.units.table.number, m.warnings.red.number]).toEqual(['表1', '表2', '表3', '表4', '表5']);
  });
});

describe('二、各地进展', () => {
  it('all 19 city-level units, short names, ranked by score, rank moves from last month', () => {
    const doc = makeDoc();
    const zz = doc.units.find((u) => u.level === 'city' && u.code === '410100')!;
    zz.previousRank = { signingLanding: 1, start: 4, investmentCompletion: null, production: 1, efficiency: 1 };
    const previous = makeDoc({ month: '2026-09' });
    for (const u of previous.units) if (u.level === 'city') u.score = u.code === '410100' ? 99 : u.score;
    const rows = build(doc, testConfig, { previous }).units.table.rows;
    expect(rows).toHaveLength(19);
    expect(new Set(rows.map((r) => r.code))).toEqual(new Set(CITIES.map((c) => c.code)));
    expect(rows[0]).toMatchObject({ name: '济源', score: '67.0', scoreRank: '1', scoreMove: '↑1', scoreMoveClass: 'move-up' });
    expect(rows[18]).toMatchObject({ name: '航空港区', score: '—', scoreRank: '—', status: '未报送', reported: false, scoreMove: '' });
    const zzRow = rows.find((r) => r.name === '郑州')!;
    expect(zzRow.scoreMove).toBe('↓17'); // 1st last month (99), 18th now
    const start = zzRow.rates.find((r) => r.key === 'start')!;
    expect(start).toMatchObject({ value: '80.0%', rank: '1', rankMove: '↑3', rankMoveClass: 'move-up', gradeClass: 'grade-green' });
    expect(zzRow.rates.find((r) => r.key === 'signingLanding')!.rankMove).toBe('→');
    expect(zzRow.reportedUnits).toBe('10/10');
  });

  it('keeps a row for a city-level unit missing from the document', () => {
    const doc = makeDoc();
    doc.units = doc.units.filter((u) => u.code !== '411100' || u.level !== 'city');
    expect(build(doc).units.table.rows.find((r) => r.code === '411100')).toMatchObject({ name: '漯河', status: '无数据', projects: '—', score: '—' });
  });

  it('prose from the numbers: leaders in the seeds\' style, ties at the boundary, unreported named', () => {
    const [leaders, invest, laggards, score] = build().units.paragraphs;
    expect(leaders).toBe(
      '从各地看，除航空港区外，各地“签约一批”项目落地率均为 70.0%；' +
        '“签约一批”项目开工率居全省前3位的是郑州、洛阳、许昌（郑州、洛阳并列第1位），均在70%以上；' +
        '除航空港区外，各地“开工一批”项目投产率均为 30.0%；除航空港区外，各地“投产一批”项目达效率均为 90.0%。航空港区未报送，未参与排名。',
    );
    expect(invest).toMatch(/^投资完成率达到时序进度（83\.3%）的有郑州、平顶山、新乡、许昌、南阳、周口6市；低于时序进度 10\.0 个百分点及以上的有/);
    expect(laggards).toBe('从薄弱环节看，“签约一批”项目开工率居全省后3位的是南阳（20.0%）、驻马店（20.0%）、商丘（45.0%）。');
    expect(score).toBe('综合得分居全省前3位的是济源、驻马店、周口，均在65分以上；居后3位的是郑州（50.0 分）、开封（51.0 分）、洛阳（52.0 分）。');
  });

  it('a tie at the boundary names every tied unit; everyone equal reads as one', () => {
    const starts = [0.9, 0.8, 0.7, 0.7, ...Array(14).fill(0.5), 0.1];
    const s = build(withCityStarts(makeDoc(), starts)).units.paragraphs[0];
    expect(s).toContain('“签约一批”项目开工率居全省前3位的是郑州、开封、洛阳、平顶山（洛阳、平顶山并列第3位），均在70%以上');
    const eq = build(withCityStarts(makeDoc(), Array(19).fill(0.6))).units.paragraphs[0];
    expect(eq).toContain('；各地“签约一批”项目开工率均为 60.0%；');
  });

  it('six charts (five rates and the score), bars highest first, the province marked', () => {
    const charts = build().units.charts;
    expect(charts.map((c) => c.title)).toEqual([
      '各地“签约一批”项目落地率',
      '各地“签约一批”项目开工率',
      '各地投资完成率',
      '各地“开工一批”项目投产率',
      '各地“投产一批”项目达效率',
      '各地综合得分',
    ]);
    const start = charts[1];
    expect(start.bars.slice(0, 3).map((b) => [b.name, b.label])).toEqual([
      ['郑州', '80.0%'],
      ['洛阳', '80.0%'],
      ['许昌', '71.0%'],
    ]);
    expect(start.bars).toHaveLength(18);
    expect(start.note).toBe('无数据未列入：航空港区');
    expect(start.lines).toEqual([expect.objectContaining({ name: '全省', value: 57, label: '全省 57.0%' })]);
    expect(charts[2].lines.map((l) => l.label)).toEqual(['全省 57.0%', '时序进度 83.3%']);
  });
});

describe('三、预警', () => {
  it('red grades per rate, falls of more than 5 points, 未报送', () => {
    const doc = makeDoc();
    const kf = doc.units.find((u) => u.level === 'city' && u.code === '410200')!;
    kf.change = { ...kf.change, start: -0.082, efficiency: -0.05 }; // 8.2 falls; 5.0 does not
    const w = build(doc).warnings;
    expect(w.red.rows.find((r) => r.metric === '开工率')).toEqual({ metric: '开工率', criterion: '低于 50.0%', units: '南阳 20.0%、驻马店 20.0%、商丘 45.0%、安阳 48.0%' });
    expect(w.red.rows.find((r) => r.metric === '投资完成率')!.criterion).toBe('低于时序进度 10.0 个百分点及以上');
    expect(w.red.rows.find((r) => r.metric === '签约落地率')!.units).toBe('无');
    expect(w.falls.rows).toEqual([{ unit: '开封', metric: '开工率', now: '55.0%', before: '63.2%', change: '-8.2' }]);
    expect(w.unreported.text).toBe('郑州市：中原区、金水区；漯河市：舞阳县；航空港区');
    expect(w.unreported.sentence).toBe('本月应报送台账的县（市、区）8 个，已报送 4 个，未报送 4 个：郑州市：中原区、金水区；漯河市：舞阳县；航空港区。');
    // The threshold is configuration: at 4 points the 5.0-point fall is listed too, at 10 none is.
    const at = (fallThreshold: number) =>
      build(doc, parseConfig({ ...testConfig, bulletin: { ...testConfig.bulletin, fallThreshold } })).warnings.falls.rows.map((r) => r.change);
    expect(at(0.04)).toEqual(['-8.2', '-5.0']);
    expect(at(0.1)).toEqual([]);
  });

  it('reporting units: those with three or more red rates, and the largest falls', () => {
    const w = build().warnings;
    expect(w.red.note).toBe('县（市、区）中，有 2 个单位存在红色等级指标，其中三项及以上指标为红色的是召陵区（漯河），各单位分级情况见附表和各市分册。');
    expect(w.falls.note).toBe('县（市、区）中，有 1 个单位共 1 项指标较上月下降超过 5.0 个百分点，降幅较大的是源汇区投产率（下降 8.0 个百分点），详见各市分册。');
  });
});

describe('四、数据质量', () => {
  it('groups findings by unit in city order, keeps messages raw, caps with a count of the rest', () => {
    const q = build().quality;
    expect(q.total).toBe(3);
    expect(q.summary).toBe('本月数据质量检查共发现台账问题 3 条，涉及 3 个单位，其中状态倒退（Q1）1 条、累计投资超总投资（Q3）1 条、项目代码不规范（Q7）1 条。请有关单位逐条核实，在下月报送台账时更正。');
    expect(q.groups.map((g) => g.heading)).toEqual(['中原区（郑州市）', '源汇区（漯河市）', '郾城区（漯河市）']);
    expect(q.groups[2].items[0]).toMatchObject({ check: 'Q3', label: '累计投资超总投资' });
    expect(q.groups[2].items[0].message).toContain(EVIL_PROJECT);
    expect(q.rest).toBe('');
    const capped = build(makeDoc(), testConfig, { qualityLimit: 1 }).quality;
    expect(capped.groups).toHaveLength(1);
    expect(capped.rest).toBe('另有 2 条问题（涉及 2 个单位）未列出，各市分册列出本地全部问题。');
    const none = makeDoc();
    none.quality = [];
    expect(build(none).quality).toMatchObject({ total: 0, groups: [], rest: '', summary: '本月数据质量检查（Q1—Q8）未发现台账存在问题。' });
  });
});

describe('附表', () => {
  it('every reporting unit, by city, each city closed by its subtotal; the province last', () => {
    const a = build().appendix!;
    const units = a.rows.filter((r) => r.kind === 'unit');
    const subtotals = a.rows.filter((r) => r.kind === 'subtotal');
    // 济源 and 航空港区 report for themselves: one row each, as a subtotal
    expect(units).toHaveLength(REPORTING_UNITS.length - 2);
    expect(subtotals).toHaveLength(19);
    expect(a.rows.at(-1)).toMatchObject({ kind: 'total', name: '全省合计', projects: '1234' });
    const i = a.rows.findIndex((r) => r.name === '漯河市小计');
    expect(a.rows.slice(i - 5, i + 1).map((r) => r.name)).toEqual(['源汇区', '郾城区', '召陵区', '舞阳县', '临颍县', '漯河市小计']);
    expect(a.rows[i - 5].rates.find((r) => r.key === 'start')).toEqual({ key: 'start', value: '80.0%', gradeClass: 'grade-green' });
    expect(a.rows[i - 2]).toMatchObject({ name: '舞阳县', status: '未报送', projects: '—' });
    expect(a.rows.find((r) => r.name === '济源市')).toMatchObject({ kind: 'subtotal' });
  });
});

describe('city editions', () => {
  it('漯河: the city against the province, its masthead, footer and mail', () => {
    const m = luohe();
    expect(m.edition).toBe('city');
    expect(m.editionKey).toBe('411100');
    expect(m.city).toEqual({ code: '411100', name: '漯河市', shortName: '漯河' });
    expect(m.masthead.edition).toBe('漯河市');
    expect(m.heading).toBe('2026年10月漯河市“三个一批”项目建设进展情况');
    expect(m.footer).toBe('“三个一批”项目建设月度通报　第 10 期（漯河市）');
    expect(m.email.subject).toBe('【通报】2026年10月“三个一批”项目建设情况（漯河市）');
    expect(m.email.attachmentName).toBe('三个一批项目建设月度通报-2026年10月（第10期）-漯河市.pdf');
    expect(m.appendix).toBeNull();
    const start = m.overview.indicatorTable.rows.find((r) => r.key === 'start')!;
    expect(start).toMatchObject({ value: '60.0%', province: '57.0%', diff: '+3.0', rank: '8', gradeClass: 'grade-yellow' });
    expect(m.overview.paragraphs[1]).toContain('“签约一批”项目开工率 60.0%，高于全省 3.0 个百分点，居全省第 8 位');
    expect(m.overview.paragraphs[1]).toMatch(/综合得分 60\.0 分，居全省第 8 位。$/); // computed: the fixture has no scoreRank
    expect(m.email.table.rows.find((r) => r.name === '开工率')).toEqual({ name: '开工率', value: '60.0%', change: '—', compare: '57.0%', rank: '8' });
  });

  it('its reporting units ranked within the city, ties and nulls read correctly', () => {
    const m = luohe();
    expect(m.units.table.rows.map((r) => [r.name, r.scoreRank, r.score])).toEqual([
      ['源汇区', '1', '82.0'],
      ['郾城区', '2', '78.5'],
      ['临颍县', '3', '61.0'],
      ['召陵区', '4', '55.3'],
      ['舞阳县', '—', '—'],
    ]);
    expect(m.units.table.rows[0].rates.find((r) => r.key === 'start')!.rank).toBe('1');
    expect(m.units.table.rows[1].rates.find((r) => r.key === 'start')!.rank).toBe('1');
    const [leaders, invest, laggards] = m.units.paragraphs;
    expect(leaders).toContain('“签约一批”项目落地率居全市前2位的是源汇区、郾城区，均在85%以上；“签约一批”项目开工率并列第1位的是源汇区、郾城区，均为 80.0%；');
    expect(leaders).toContain('“投产一批”项目达效率仅源汇区、郾城区、召陵区有数据，均为 100.0%（临颍县暂无投产类项目，未计算达效率）');
    expect(leaders).toMatch(/舞阳县未报送，未参与排名。$/);
    expect(invest).toBe('投资完成率达到时序进度（83.3%）的有源汇区、郾城区，共 2 个；低于时序进度 10.0 个百分点及以上的有召陵区（70.0%）。');
    expect(laggards).toContain('；“签约一批”项目开工率居后2位的是召陵区（45.0%）、临颍县（60.0%）；');
    expect(m.units.charts).toHaveLength(6);
    expect(m.units.charts[1].lines.map((l) => l.label)).toEqual(['全市 60.0%', '全省 57.0%']);
    // three lines on 投资完成率: two labelled on the chart, the third named under it
    expect(m.units.charts[2].lines.map((l) => l.label)).toEqual(['全市 78.3%', '全省 57.0%', '时序进度 83.3%']);
    expect(m.units.charts[2].note).toBe('点线为时序进度 83.3%。无数据未列入：舞阳县');
  });

  it('its warnings and only its own quality findings', () => {
    const m = luohe();
    expect(m.warnings.red.rows.find((r) => r.metric === '开工率')!.units).toBe('召陵区 45.0%');
    expect(m.warnings.red.rows.find((r) => r.metric === '投资完成率')!.units).toBe('召陵区 70.0%');
    expect(m.warnings.falls.rows).toEqual([{ unit: '源汇区', metric: '投产率', now: '60.0%', before: '68.0%', change: '-8.0' }]);
    expect(m.warnings.unreported.sentence).toBe('本月漯河市应报送台账的县（市、区）5 个，已报送 4 个，未报送 1 个：舞阳县。');
    expect(m.quality.total).toBe(2);
    expect(m.quality.groups.map((g) => g.heading)).toEqual(['源汇区（漯河市）', '郾城区（漯河市）']);
    expect(m.quality.summary).toContain('共发现本市台账问题 2 条');
  });

  it('a self-reporting unit (济源) has no county table or charts', () => {
    const m = buildCityEdition(makeDoc(), testConfig, '419001', OPTS);
    expect(m.heading).toBe('2026年10月济源市“三个一批”项目建设进展情况');
    expect(m.units.table.rows).toEqual([]);
    expect(m.units.charts).toEqual([]);
    expect(m.units.paragraphs).toEqual(['济源市直接报送台账，不再分县（市、区）排名；其在全省的位次见表2。']);
    expect(m.units.table.number).toBe('');
  });

  it('every edition of the month, or just one', () => {
    const doc = makeDoc();
    const all = buildEditions(doc, testConfig, OPTS);
    expect(all.map((m) => m.editionKey)).toEqual(editionCodes());
    expect(all).toHaveLength(20);
    expect(buildEditions(doc, testConfig, OPTS, '410100').map((m) => m.editionKey)).toEqual(['410100']);
    expect(buildEditions(doc, testConfig, OPTS, 'province').map((m) => m.editionKey)).toEqual(['province']);
    expect(() => buildEditions(doc, testConfig, OPTS, '419999')).toThrow(/未知的省辖市代码 419999/);
  });
});

describe('email text', () => {
  it('the rates, and a link with its validity when the PDF is not attached', () => {
    const m = build();
    const attached = emailText(m);
    expect(attached).toContain('开工率：57.0%（较上月 -0.8）');
    expect(attached).toContain('完整通报见附件（PDF）');
    const linked = emailText(m, { link: { url: 'http://x/y.pdf?sig=1', validFor: '7 天', expiresAt: '2026年11月12日 09:05' } });
    expect(linked).toContain('完整通报下载（链接 7 天内有效，至 2026年11月12日 09:05）：http://x/y.pdf?sig=1');
    expect(emailText(luohe())).toContain('开工率：60.0%（较上月 —），全省 57.0%，全省位次 8');
  });
});

describe('untrusted text', () => {
  it('keeps names and messages raw: no pre-escaping, so the template escapes exactly once', () => {
    const doc = makeDoc();
    const evil = '<script>alert("x")</script> & 新区';
    doc.units.push(unit({ level: 'city', code: '419999', name: evil, cityCode: '419999', score: 99 }));
    const m: BulletinModel = build(doc);
    expect(m.units.table.rows.find((r) => r.code === '419999')!.name).toBe(evil);
    const json = JSON.stringify([m, luohe(doc)]);
    expect(json).toContain(EVIL_PROJECT.replace(/"/g, '\\"'));
    expect(json).not.toContain('&lt;');
    expect(json).not.toContain('&amp;');
  });
});
