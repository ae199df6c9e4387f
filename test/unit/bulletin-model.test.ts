import { describe, expect, it } from 'vitest';
import { buildBulletinModel, emailText, issueNumber, type BulletinModel } from '../../functions/core/bulletin-model';
import { parseConfig } from '../../functions/core/config';
import { CITIES } from '../../functions/core/divisions';
import type { RatesDoc } from '../../functions/core/rates-types';
import { makeDoc, testConfig, unit } from '../helpers/bulletin-fixture';

const build = (doc: RatesDoc = makeDoc(), config = testConfig) => buildBulletinModel(doc, config, { issuedOn: '2026-11-05' });

/** Replaces the start rate of the city-level units (CITIES order) and clears their other rates. */
function withCityStarts(doc: RatesDoc, starts: Array<number | null>): RatesDoc {
  CITIES.forEach((c, i) => {
    const u = doc.units.find((x) => x.level === 'city' && x.code === c.code)!;
    u.rates = { ...u.rates, start: starts[i] ?? null };
    u.reported = true;
  });
  return doc;
}

describe('masthead', () => {
  it('carries issuer, title, 期号 and dates', () => {
    const m = build();
    expect(m.edition).toBe('province');
    expect(m.month).toBe('2026-10');
    expect(m.monthLabel).toBe('2026年10月');
    expect(m.masthead.title).toBe('“三个一批”项目建设月度通报');
    expect(m.masthead.issuer).toBe('河南省“三个一批”项目建设活动领导小组办公室');
    expect(m.masthead.issueNo).toBe(10);
    expect(m.masthead.issueLabel).toBe('第 10 期');
    expect(m.masthead.issuedOn).toBe('2026-11-05');
    expect(m.masthead.issuedOnLabel).toBe('2026年11月5日');
    expect(m.heading).toBe('2026年10月全省“三个一批”项目建设进展情况');
    expect(m.email.subject).toBe('“三个一批”项目建设月度通报（2026年10月，第10期）');
    expect(m.email.attachmentName).toBe('三个一批项目建设月度通报-2026-10-第10期.pdf');
  });

  it('counts 期号 from the configured base across years', () => {
    const config = parseConfig({ bulletin: { issueBase: 59, issueBaseMonth: '2025-11' } });
    expect(issueNumber('2025-11', config)).toBe(59);
    expect(issueNumber('2026-10', config)).toBe(70);
    expect(issueNumber('2025-10', config)).toBe(58);
    expect(() => issueNumber('2025-12', testConfig)).toThrow(/before bulletin.issueBaseMonth/);
  });

  it('refuses a document without a province unit', () => {
    const doc = makeDoc();
    doc.units = doc.units.filter((u) => u.level !== 'province');
    expect(() => build(doc)).toThrow(/no province unit/);
  });
});

describe('headline (the province line)', () => {
  it('shows the five rates with change and grade', () => {
    const m = build();
    const byKey = Object.fromEntries(m.headline.rates.map((r) => [r.key, r]));
    expect(m.headline.rates.map((r) => r.name)).toEqual(['签约落地率', '开工率', '投资完成率', '投产率', '达效率']);
    expect(byKey.signingLanding).toMatchObject({ value: '80.0%', change: '+1.2', grade: 'green', gradeLabel: '绿', gradeClass: 'grade-green' });
    expect(byKey.start).toMatchObject({ value: '57.0%', change: '-0.8', changePhrase: '下降 0.8 个百分点', gradeLabel: '黄' });
    expect(byKey.investmentCompletion).toMatchObject({ value: '57.0%', change: '+5.0', gradeClass: 'grade-red' });
    expect(byKey.production).toMatchObject({ value: '21.4%', change: '0.0', changePhrase: '持平' });
    expect(byKey.efficiency).toMatchObject({ value: '94.3%', change: '—' });
    expect(byKey.start.rank).toBe('—'); // the province is not ranked
  });

  it('has counts, money in 亿元 and reporting figures', () => {
    const m = build();
    expect(m.headline.counts).toEqual({ projects: '1234', signed: '500', startBatch: '420', productionBatch: '314', terminated: '7' });
    expect(m.headline.investment).toEqual({ total: '12345.68', annualPlan: '456.79', ytdCompleted: '260.50' });
    expect(m.headline.reporting).toEqual({ expected: '4', reported: '1', unreported: '3' });
  });

  it('writes the 总体情况 paragraph from the numbers', () => {
    const p = build().headline.paragraph;
    expect(p).toContain('截至2026年10月底，全省“三个一批”台账共有项目 1234 个');
    expect(p).toContain('签约落地率 80.0%，较上月提高 1.2 个百分点');
    expect(p).toContain('开工率 57.0%，较上月下降 0.8 个百分点');
    expect(p).toContain('投资完成率 57.0%，较上月提高 5.0 个百分点，低于时序进度（83.3%）26.3 个百分点');
    expect(p).toContain('投产率 21.4%，与上月持平');
    expect(p).toContain('达效率 94.3%。'); // no change: no comparison phrase
  });

  it('states the gap to 时序进度: below, above, 持平', () => {
    const below = build().headline.investmentCompletion;
    expect(below).toEqual({ value: '57.0%', timeProgress: '83.3%', gap: '低于时序进度 26.3 个百分点', direction: 'below' });

    const above = build(makeDoc({ provinceRates: { investmentCompletion: 0.865 } })).headline.investmentCompletion;
    expect(above.gap).toBe('高于时序进度 3.2 个百分点');
    expect(above.direction).toBe('above');

    const level = build(makeDoc({ provinceRates: { investmentCompletion: 0.8331 } })).headline;
    expect(level.investmentCompletion.gap).toBe('与时序进度持平');
    expect(level.investmentCompletion.direction).toBe('equal');
    expect(level.paragraph).toContain('与时序进度（83.3%）持平');
  });

  it('shows a null rate as "—" and says so in words', () => {
    const m = build(makeDoc({ provinceRates: { efficiency: null, investmentCompletion: null } }));
    const eff = m.headline.rates.find((r) => r.key === 'efficiency')!;
    expect(eff.value).toBe('—');
    expect(m.headline.investmentCompletion).toMatchObject({ value: '—', gap: '—', direction: null });
    expect(m.headline.paragraph).toContain('达效率暂无数据');
    expect(m.headline.paragraph).toContain('投资完成率暂无数据');
    expect(m.headline.paragraph).not.toContain('null');
    expect(m.headline.paragraph).not.toContain('NaN');
  });

  it('January: no year-on-year change for 投资完成率', () => {
    const m = build(makeDoc({ month: '2026-01', provinceChange: { investmentCompletion: null } }));
    expect(m.masthead.issueLabel).toBe('第 1 期');
    expect(m.headline.investmentCompletion.timeProgress).toBe('8.3%');
    expect(m.headline.paragraph).toMatch(/投资完成率 57\.0%，(低|高)于时序进度/);
  });
});

describe('city table', () => {
  it('has all 19 city-level units, short names, ranked by score', () => {
    const m = build();
    const rows = m.cityTable.rows;
    expect(rows).toHaveLength(19);
    expect(new Set(rows.map((r) => r.code))).toEqual(new Set(CITIES.map((c) => c.code)));
    expect(rows.map((r) => r.name)).toContain('郑州');
    expect(rows.map((r) => r.name)).toContain('航空港区');
    // fixture: score = 50 + index, so 济源 (index 17) leads; 航空港区 (no score) is last
    expect(rows[0]).toMatchObject({ name: '济源', score: '67.0', scoreRank: '1' });
    expect(rows[18]).toMatchObject({ name: '航空港区', score: '—', scoreRank: '—', status: '未报送', reported: false });
    expect(m.cityTable.columns.map((c) => c.name)).toEqual(['签约落地率', '开工率', '投资完成率', '投产率', '达效率']);
  });

  it('formats each rate with its rank and grade; null → "—"', () => {
    const rows = build().cityTable.rows;
    const zz = rows.find((r) => r.name === '郑州')!;
    const start = zz.rates.find((r) => r.key === 'start')!;
    expect(start).toMatchObject({ value: '80.0%', rank: '1', grade: 'green', gradeClass: 'grade-green' });
    expect(zz.projects).toBe('50');
    expect(zz.reportedUnits).toBe('10/10');
    const gkg = rows.find((r) => r.name === '航空港区')!;
    expect(gkg.rates.every((r) => r.value === '—' && r.rank === '—' && r.gradeClass === 'grade-none')).toBe(true);
    expect(gkg.reportedUnits).toBe('0/10');
  });

  it('computes the score rank when the document has none (competition ranking)', () => {
    const doc = makeDoc();
    for (const u of doc.units) if (u.level === 'city') u.score = u.code === '410100' || u.code === '410200' ? 90 : u.score === null ? null : 10;
    const rows = build(doc).cityTable.rows;
    expect(rows.slice(0, 3).map((r) => [r.name, r.scoreRank])).toEqual([
      ['郑州', '1'],
      ['开封', '1'],
      ['洛阳', '3'],
    ]);
  });

  it('uses scoreRank from the document when present', () => {
    const doc = makeDoc();
    for (const u of doc.units) if (u.level === 'city') u.scoreRank = u.code === '410200' ? 1 : u.score === null ? null : 2;
    const rows = build(doc).cityTable.rows;
    expect(rows[0]).toMatchObject({ name: '开封', scoreRank: '1' });
    expect(rows[1]).toMatchObject({ name: '郑州', scoreRank: '2' });
  });

  it('keeps a row for a city-level unit missing from the document', () => {
    const doc = makeDoc();
    doc.units = doc.units.filter((u) => u.code !== '411100' || u.level !== 'city');
    const row = build(doc).cityTable.rows.find((r) => r.code === '411100')!;
    expect(row).toMatchObject({ name: '漯河', status: '无数据', projects: '—', score: '—' });
  });
});

describe('未报送', () => {
  it('groups unit names by city in official order; self-reporting units by their own name', () => {
    const m = build();
    expect(m.unreported.count).toBe(3);
    expect(m.unreported.groups).toEqual([
      { cityName: '郑州市', units: ['中原区', '金水区'], text: '郑州市：中原区、金水区' },
      { cityName: '航空港区', units: [], text: '航空港区' },
    ]);
    expect(m.unreported.text).toBe('郑州市：中原区、金水区；航空港区');
  });

  it('says 无 when everyone reported', () => {
    const doc = makeDoc();
    doc.unreported = [];
    const m = build(doc);
    expect(m.unreported).toEqual({ count: 0, groups: [], text: '无' });
    expect(m.headline.reporting.unreported).toBe('0');
  });

  it('orders groups by city and units by code; ignores duplicates', () => {
    const doc = makeDoc();
    doc.unreported = ['411102', '410105', '419001', '410102', '410105'];
    const m = build(doc);
    expect(m.unreported.count).toBe(4);
    expect(m.unreported.text).toBe('郑州市：中原区、金水区；漯河市：源汇区；济源');
  });
});

describe('summary', () => {
  it('names leaders and laggards by 开工率, ties included, unreported named', () => {
    const [start, invest] = build().summary;
    expect(start).toBe(
      '从开工率看，排名靠前的是郑州（80.0%）、洛阳（80.0%）、许昌（71.0%）；排名靠后的是南阳（20.0%）、驻马店（20.0%）、商丘（45.0%）。航空港区未报送。',
    );
    expect(invest).toMatch(/^投资完成率达到时序进度的有 6 个：郑州、平顶山、新乡、许昌、南阳、周口；低于时序进度 10\.0 个百分点及以上的有 6 个：/);
  });

  it('a tie at the boundary names every tied unit', () => {
    const starts = [0.9, 0.8, 0.7, 0.7, ...Array(14).fill(0.5), 0.1];
    const s = build(withCityStarts(makeDoc(), starts)).summary[0];
    expect(s).toContain('排名靠前的是郑州（90.0%）、开封（80.0%）、洛阳（70.0%）、平顶山（70.0%）；');
    // bottom 3: 航空港区 0.1, then 14 units tied at 50.0% (bottom rank 2) are all named
    expect(s).toContain('排名靠后的是航空港区（10.0%）、安阳（50.0%）');
    expect(s.match(/50\.0%/g)).toHaveLength(14);
  });

  it('all equal → one sentence, no leaders or laggards', () => {
    const s = build(withCityStarts(makeDoc(), Array(19).fill(0.6))).summary[0];
    expect(s).toBe('从开工率看，各地均为 60.0%。');
  });

  it('distinguishes "no base" from "not reported" among units without a value', () => {
    const doc = withCityStarts(makeDoc(), [0.9, 0.8, null, ...Array(15).fill(0.5), null]);
    doc.units.find((u) => u.code === '410173' && u.level === 'city')!.reported = false;
    const s = build(doc).summary[0];
    expect(s).toContain('洛阳暂无签约类项目，未计算开工率；航空港区未报送。');
    expect(s).not.toContain('洛阳（');
  });

  it('few ranked units: one leader and one laggard, never the same unit', () => {
    const doc = withCityStarts(makeDoc(), [0.9, 0.3, ...Array(17).fill(null)]);
    const s = build(doc).summary[0];
    expect(s).toMatch(/^从开工率看，排名靠前的是郑州（90\.0%）；排名靠后的是开封（30\.0%）。/);
    const single = build(withCityStarts(makeDoc(), [0.9, ...Array(18).fill(null)])).summary[0];
    expect(single).toMatch(/^从开工率看，仅郑州有数据（90\.0%）。/);
  });

  it('no values at all', () => {
    const s = build(withCityStarts(makeDoc(), Array(19).fill(null))).summary[0];
    expect(s).toBe('各地开工率均无数据。');
  });
});

describe('untrusted names', () => {
  it('keeps names raw: no pre-escaping, so the template escapes exactly once', () => {
    const doc = makeDoc();
    const evil = '<script>alert("x")</script> & 新区';
    doc.units.push(unit({ level: 'city', code: '419999', name: evil, cityCode: '419999', score: 99 }));
    doc.units.push(unit({ level: 'county', code: '419998', name: `${evil}县`, cityCode: '419999', reported: false }));
    doc.unreported.push('419998');
    const m: BulletinModel = build(doc);
    const row = m.cityTable.rows.find((r) => r.code === '419999')!;
    expect(row.name).toBe(evil);
    expect(m.unreported.text).toContain(`${evil}县`);
    const json = JSON.stringify(m);
    expect(json).not.toContain('&lt;');
    expect(json).not.toContain('&amp;');
    expect(json).not.toContain('&quot;');
  });

  it('prefers the official division name over the document name for known codes', () => {
    const doc = makeDoc();
    doc.units.find((u) => u.level === 'city' && u.code === '410100')!.name = '<b>假</b>';
    expect(build(doc).cityTable.rows.map((r) => r.name)).toContain('郑州');
  });
});

describe('notes', () => {
  it('reflect configured thresholds and weights', () => {
    const m = build(makeDoc(), parseConfig({ grades: { green: 0.8 }, scoreWeights: { investmentCompletion: 10 } }));
    expect(m.notes[0]).toBe('时序进度为月份数除以 12（2026年10月为 83.3%）。');
    expect(m.notes[1]).toContain('80.0% 及以上为绿');
    expect(m.notes[2]).toContain('投资完成率 10');
  });
});

describe('emailText', () => {
  it('is a readable plain-text version of the headline', () => {
    const m = build();
    const t = emailText(m);
    expect(t).toContain('“三个一批”项目建设月度通报\n第 10 期');
    expect(t).toContain('开工率 57.0%，较上月下降 0.8 个百分点');
    expect(t).toContain('未按时报送台账的单位：郑州市：中原区、金水区；航空港区。');
    expect(t).toContain('完整通报见附件（PDF）。');
    expect(emailText(m, { pdfUrl: 'https://x.example/r.pdf' })).toContain('完整通报下载（链接有效期有限）：https://x.example/r.pdf');
  });
});
