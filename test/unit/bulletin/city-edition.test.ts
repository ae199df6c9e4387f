import { describe, expect, it } from 'vitest';
import { buildCityEdition } from '../../../functions/core/bulletin/city-edition';
import { OPTS, luohe } from '../../helpers/bulletin-build';
import { makeDoc, testConfig } from '../../helpers/bulletin-fixture';

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
    expect(m.overview.paragraphs[1]).toContain('“签约一批”项目开工率 60.0%，高于全省 3.0 个百分点，居全省第8位');
    expect(m.overview.paragraphs[1]).toMatch(/综合得分 60\.0 分，居全省第8位。$/); // computed: the fixture has no scoreRank
    expect(m.email.table.rows.find((r) => r.name === '开工率')).toEqual({ name: '开工率', value: '60.0%', change: '—', compare: '57.0%', rank: '8' });
  });

  it('a self-reporting unit (济源) has no county table or charts', () => {
    const m = buildCityEdition(makeDoc(), testConfig, '419001', OPTS);
    expect(m.heading).toBe('2026年10月济源市“三个一批”项目建设进展情况');
    expect(m.units.table.rows).toEqual([]);
    expect(m.units.charts).toEqual([]);
    expect(m.units.paragraphs).toEqual(['济源市直接报送台账，不再分县（市、区）排名；其在全省的位次见表2。']);
    expect(m.units.table.number).toBe('');
  });
});
