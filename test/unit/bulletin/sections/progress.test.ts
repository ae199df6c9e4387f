import { describe, expect, it } from 'vitest';
import { CITIES } from '../../../../functions/core/shared/divisions';
import { build, luohe, withCityStarts } from '../../../helpers/bulletin-build';
import { makeDoc, testConfig } from '../../../helpers/bulletin-fixture';

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

describe('二、各县（市、区）进展 (city editions)', () => {
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
    // three lines: the note tells them apart by colour and dash
    expect(m.units.charts[2].note).toBe('黑色虚线为全市 78.3%，红色虚线为全省 57.0%，蓝色点线为时序进度 83.3%。无数据未列入：舞阳县');
  });
});
