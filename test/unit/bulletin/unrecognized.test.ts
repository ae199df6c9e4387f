import { describe, expect, it } from 'vitest';
import type { RatesDoc } from '../../../functions/core/metrics/rates-types';
import { unrecognizedView } from '../../../functions/core/bulletin/unrecognized';

const doc = {
  unrecognized: [
    { unitCode: '410102', projectCode: 'P-ZY', projectName: '中原项目', reason: '重复填报' },
    { unitCode: '411102', projectCode: 'P-YH', projectName: '源汇项目', reason: '缺少立项批复' },
    { unitCode: '411103', projectCode: 'P-YC', projectName: null, reason: '手续不全' },
  ],
} as unknown as RatesDoc;

describe('不予认定 in the bulletin', () => {
  it('lists a city edition’s own projects with unit, project and reason', () => {
    expect(unrecognizedView(doc, '411100')).toEqual({
      summary: '经审核，本市共有 2 个项目不予认定，保留在台账中，不计入各项完成数：',
      caption: '不予认定项目',
      rows: [
        { unit: '源汇区', projectCode: 'P-YH', projectName: '源汇项目', reason: '缺少立项批复' },
        { unit: '郾城区', projectCode: 'P-YC', projectName: '', reason: '手续不全' },
      ],
    });
  });

  it('states the count in the province bulletin, and nothing without marks', () => {
    expect(unrecognizedView(doc, null)).toMatchObject({ summary: expect.stringContaining('全省共有 3 个项目不予认定'), rows: [] });
    expect(unrecognizedView(doc, '410200')).toBeNull();
    expect(unrecognizedView({} as RatesDoc, null)).toBeNull();
  });
});
