import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../functions/core/shared/config';
import { buildCityEdition } from '../../../../functions/core/bulletin/city-edition';
import { build, luohe } from '../../../helpers/bulletin-build';
import { makeDoc, testConfig } from '../../../helpers/bulletin-fixture';
import type { RatesDoc } from '../../../../functions/core/metrics/rates-types';

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
    expect(w.unreported.sentence).toBe('本月应报送台账的县（市、区）8 个，已接收 4 个。未报送 4 个：郑州市：中原区、金水区；漯河市：舞阳县；航空港区。');
    expect(w.unreported.heading).toBe('（三）未报送台账单位');
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

  it('falls printed alike are named once as a group, not the same bracket in a row', () => {
    const doc = makeDoc();
    const counties = doc.units.filter((u) => u.level === 'county' && u.reported).slice(0, 3);
    for (const u of counties) u.change = { ...u.change, start: -1 / 3 };
    const note = build(doc).warnings.falls.note;
    expect(note.match(/下降 33\.3 个百分点/g)).toHaveLength(1);
    expect(note).toContain('（均下降 33.3 个百分点）');
  });

  it('a city edition: its own reporting units', () => {
    const m = luohe();
    expect(m.warnings.red.rows.find((r) => r.metric === '开工率')!.units).toBe('召陵区 45.0%');
    expect(m.warnings.red.rows.find((r) => r.metric === '投资完成率')!.units).toBe('召陵区 70.0%');
    expect(m.warnings.falls.rows).toEqual([{ unit: '源汇区', metric: '投产率', now: '60.0%', before: '68.0%', change: '-8.0' }]);
    expect(m.warnings.unreported.sentence).toBe('本月漯河市应报送台账的县（市、区）5 个，已接收 4 个。未报送 1 个：舞阳县。');
  });

  it('a unit whose uploads were all refused is 报送未通过, not 未报送: in the sentence, the lists, the tables, the prose and the requirements', () => {
    const doc = makeDoc();
    doc.rejected = ['410102', '410173']; // 中原区 uploaded and was refused; so did 航空港区 (reports for itself)
    const m = build(doc);
    const u = m.warnings.unreported;
    expect(u.text).toBe('郑州市：金水区；漯河市：舞阳县');
    expect(u.returned.text).toBe('郑州市：中原区；航空港区');
    expect(u.heading).toBe('（三）未报送、报送未通过台账单位');
    expect(u.sentence).toBe('本月应报送台账的县（市、区）8 个，已接收 4 个。未报送 2 个：郑州市：金水区；漯河市：舞阳县。报送未通过（已退回修改）2 个：郑州市：中原区；航空港区。');
    expect(m.requirements[2]).toContain('报送未通过的单位要按回执逐项修改后重新报送');
    const rows = m.appendix!.rows;
    expect(rows.find((r) => r.name === '中原区')!.status).toBe('报送未通过');
    expect(rows.find((r) => r.name === '金水区')!.status).toBe('未报送');
    expect(rows.find((r) => r.name === '郑州航空港经济综合实验区')!.status).toBe('报送未通过');
    expect(m.units.table.rows.find((r) => r.name === '航空港区')!.status).toBe('报送未通过');
    expect(m.units.paragraphs.join('')).toContain('航空港区报送未通过，未参与排名');
    expect(m.email.lines.join('')).toContain('报送未通过（已退回修改）2 个');
    // a city whose counties did not all fail keeps 未报送 for those that sent nothing
    const zz = buildCityEdition(doc, testConfig, '410100', { issuedOn: '2026-11-05' });
    expect(zz.warnings.unreported.sentence).toContain('未报送 1 个：金水区。报送未通过（已退回修改）1 个：中原区。');
    expect(zz.units.paragraphs.join('')).toMatch(/金水区[^，]*未报送，中原区报送未通过，未参与排名/);
    const hk = buildCityEdition(doc, testConfig, '410173', { issuedOn: '2026-11-05' });
    expect(hk.warnings.unreported.sentence).toBe('郑州航空港经济综合实验区本月报送的台账未通过，已退回修改。');
  });
});

/** The fixture as compute writes it with timeliness: `late` accepted after the deadline, the other accepted units on time. */
function withTimeliness(late: string[]): RatesDoc {
  const doc = makeDoc();
  doc.deadline = '2026-11-03T10:00:00.000Z';
  for (const u of doc.units) {
    if (u.level !== 'county') continue;
    u.reporting = !u.reported
      ? { status: 'missing', at: null }
      : late.includes(u.code)
        ? { status: 'late', at: '2026-11-04T01:00:00.000Z' }
        : { status: 'on-time', at: '2026-11-02T01:00:00.000Z' };
  }
  const counties = doc.units.filter((u) => u.level === 'county');
  const count = (s: string, list = counties) => list.filter((u) => u.reporting!.status === s).length;
  const province = doc.units.find((u) => u.level === 'province')!;
  province.timeliness = { onTime: count('on-time'), late: count('late'), missing: count('missing'), rate: count('on-time') / counties.length };
  for (const c of doc.units.filter((u) => u.level === 'city')) {
    const own = counties.filter((u) => u.cityCode === c.code);
    c.timeliness = own.length
      ? { onTime: count('on-time', own), late: count('late', own), missing: count('missing', own), rate: count('on-time', own) / own.length }
      : { onTime: 10, late: 0, missing: 0, rate: 1 };
  }
  return doc;
}

describe('三、预警: 按时报送 / 逾期报送 / 未报送 and 报送及时率', () => {
  it('the province: on time and late counts, the late units by city, 全省 and 各地报送及时率', () => {
    const doc = withTimeliness(['411104', '411122']);
    const u = build(doc).warnings.unreported;
    expect(u.late.text).toBe('漯河市：召陵区、临颍县');
    expect(u.heading).toBe('（三）逾期报送、未报送台账单位');
    expect(build(doc).requirements[2]).toContain('逾期报送的单位要严格执行报送时限');
    expect(u.sentence).toBe(
      '本月应报送台账的县（市、区）8 个，已接收 4 个，其中按时报送 2 个、逾期报送 2 个。' +
        '逾期报送（11月3日18时后报送）2 个：漯河市：召陵区、临颍县。' +
        '未报送 4 个：郑州市：中原区、金水区；漯河市：舞阳县；航空港区。' +
        '全省报送及时率 25.0%。' +
        '各地报送及时率：郑州 0.0%、航空港区 0.0%、漯河 40.0%，其余 16 个地区均为 100.0%。',
    );
  });

  it('a city edition lists its own late counties and 全市报送及时率', () => {
    const m = luohe(withTimeliness(['411104']));
    expect(m.warnings.unreported.sentence).toBe(
      '本月漯河市应报送台账的县（市、区）5 个，已接收 4 个，其中按时报送 3 个、逾期报送 1 个。逾期报送（11月3日18时后报送）1 个：召陵区。未报送 1 个：舞阳县。全市报送及时率 60.0%。',
    );
    // 郑州's edition does not list 漯河's late counties.
    const zz = buildCityEdition(withTimeliness(['411104']), testConfig, '410100', { issuedOn: '2026-11-05' });
    expect(zz.warnings.unreported.late.count).toBe(0);
    expect(zz.warnings.unreported.sentence).not.toContain('召陵区');
  });

  it('everyone on time: the short sentence; all cities at 100%', () => {
    const doc = withTimeliness([]);
    doc.units = doc.units.filter((u) => u.level !== 'county' || u.reported);
    doc.unreported = [];
    const p = doc.units.find((u) => u.level === 'province')!;
    p.timeliness = { onTime: 4, late: 0, missing: 0, rate: 1 };
    for (const c of doc.units.filter((u) => u.level === 'city')) c.timeliness = { onTime: 10, late: 0, missing: 0, rate: 1 };
    const u = build(doc).warnings.unreported;
    expect(u.sentence).toBe('本月应报送台账的县（市、区）4 个，已接收 4 个，全部按时报送。各地报送及时率均为 100.0%。');
    expect(u.heading).toBe('（三）未报送台账单位');
  });

  it('a self-reporting city accepted late says so', () => {
    const doc = withTimeliness([]);
    const jy = doc.units.find((u) => u.level === 'county' && u.code === '410173')!;
    jy.reported = true;
    jy.reporting = { status: 'late', at: '2026-11-04T01:00:00.000Z' };
    doc.units.find((u) => u.level === 'city' && u.code === '410173')!.reported = true;
    doc.unreported = doc.unreported.filter((c) => c !== '410173');
    const hk = buildCityEdition(doc, testConfig, '410173', { issuedOn: '2026-11-05' });
    expect(hk.warnings.unreported.sentence).toBe('郑州航空港经济综合实验区本月逾期报送台账（11月3日18时后报送）。');
    // late, nothing missing: the heading does not name 未报送
    expect(hk.warnings.unreported.heading).toBe('（三）逾期报送台账单位');
  });
});
