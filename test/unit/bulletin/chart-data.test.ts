import { describe, expect, it } from 'vitest';
import { GRADE_COLOR, SCORE_COLOR, chartBars, chartOption, chartSize, referenceLine } from '../../../functions/core/bulletin/chart-data';

describe('chart data', () => {
  it('bars: units with a value, highest first (ties in input order), coloured by grade, printed labels', () => {
    const bars = chartBars(
      [
        { name: '郑州', value: 0.641, grade: 'yellow' },
        { name: '航空港区', value: null },
        { name: '漯河', value: 0.8636, grade: 'green' },
        { name: '焦作', value: 0.372, grade: 'red' },
        { name: '开封', value: 0.64104, grade: 'yellow' },
      ],
      'rate',
    );
    expect(bars.map((b) => [b.name, b.value, b.label, b.color])).toEqual([
      ['漯河', 86.4, '86.4%', GRADE_COLOR.green],
      ['郑州', 64.1, '64.1%', GRADE_COLOR.yellow],
      ['开封', 64.1, '64.1%', GRADE_COLOR.yellow],
      ['焦作', 37.2, '37.2%', GRADE_COLOR.red],
    ]);
    expect(chartBars([{ name: 'A', value: 71.25 }], 'score')).toEqual([{ name: 'A', value: 71.3, label: '71.3', color: SCORE_COLOR }]);
  });

  it('reference lines and the ECharts option (no network, no animation, literal labels)', () => {
    expect(referenceLine('全省', 0.57, 'rate', 'dashed', '#c8161d')).toEqual({ name: '全省', value: 57, label: '全省 57.0%', color: '#c8161d', style: 'dashed' });
    expect(referenceLine('全省', null, 'rate', 'dashed', '#000')).toBeNull();
    const bars = chartBars([{ name: '{a}', value: 0.5, grade: 'yellow' }], 'rate');
    const spec = { id: 'c', number: '图1', title: 't', kind: 'rate' as const, bars, lines: [], note: '', ...chartSize(bars.length) };
    expect(spec.height).toBe(28 + 3 * 15);
    const option = chartOption(spec) as { animation: boolean; series: Array<{ data: Array<{ label: { formatter: string } }> }>; yAxis: { data: string[] } };
    expect(option.animation).toBe(false);
    expect(option.yAxis.data).toEqual(['{a}']);
    expect(option.series[0].data[0].label.formatter).toBe('50.0%');
    expect(JSON.stringify(option)).not.toMatch(/https?:/);
  });
});
