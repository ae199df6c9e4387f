import { describe, expect, it } from 'vitest';
import { build, luohe } from '../../../helpers/bulletin-build';
import { EVIL_PROJECT, makeDoc, testConfig } from '../../../helpers/bulletin-fixture';

describe('四、数据质量', () => {
  it('groups findings by unit in city order, keeps messages raw, caps with a count of the rest', () => {
    const q = build().quality;
    expect(q.total).toBe(3);
    expect(q.summary).toBe('本月数据质量检查共发现台账问题 3 条，涉及 3 个单位，其中状态倒退 1 条、累计投资超总投资 1 条、项目代码不规范 1 条。请有关单位逐条核实，在下月报送台账时更正。');
    expect(q.groups.map((g) => g.heading)).toEqual(['中原区（郑州市）', '源汇区（漯河市）', '郾城区（漯河市）']);
    expect(q.groups[2].items[0]).toMatchObject({ check: 'Q3', label: '累计投资超总投资' });
    expect(q.groups[2].items[0].message).toContain(EVIL_PROJECT);
    expect(q.rest).toBe('');
    const capped = build(makeDoc(), testConfig, { qualityLimit: 1 }).quality;
    expect(capped.groups).toHaveLength(1);
    expect(capped.rest).toBe('另有 2 条问题（涉及 2 个单位）未列出，各市分册列出本地全部问题。');
    const none = makeDoc();
    none.quality = [];
    expect(build(none).quality).toMatchObject({ total: 0, groups: [], rest: '', summary: '本月数据质量检查未发现台账存在问题。' });
  });

  it('a city edition: only its own findings', () => {
    const m = luohe();
    expect(m.quality.total).toBe(2);
    expect(m.quality.groups.map((g) => g.heading)).toEqual(['源汇区（漯河市）', '郾城区（漯河市）']);
    expect(m.quality.summary).toContain('共发现本市台账问题 2 条');
  });
});
