/**
 * The ECharts option of a 1—M月 trend chart (sections/trend.ts): months along the bottom, 0–100%
 * up the side, a line per rate with its points marked, gaps where a month has no value. Data (and
 * one formatter, for the end labels' one decimal), rendered to SVG by the charts adapter like the
 * bar charts. Pure.
 */
import type { TrendChartSpec } from './sections/trend';

const FONT = "'Noto Sans SC', sans-serif";

export function trendOption(spec: TrendChartSpec): Record<string, unknown> {
  const small = !spec.legend;
  const max = Math.max(100, ...spec.lines.flatMap((l) => l.values.filter((v): v is number => v !== null)));
  return {
    animation: false,
    textStyle: { fontFamily: FONT, fontSize: small ? 7 : 9, color: '#222' },
    ...(small ? { title: { text: spec.title.replace(/[{}]/g, ''), left: 'center', top: 0, textStyle: { fontFamily: FONT, fontSize: 8, fontWeight: 'bold', color: '#222' } } } : {}),
    legend: spec.legend
      ? { show: true, top: 0, itemWidth: 14, itemHeight: 6, textStyle: { fontFamily: FONT, fontSize: 8 }, data: spec.lines.map((l) => l.name) }
      : { show: false },
    grid: { left: small ? 24 : 34, right: small ? 6 : 40, top: small ? 16 : 24, bottom: small ? 14 : 20 },
    xAxis: {
      type: 'category',
      data: spec.months,
      boundaryGap: false,
      axisLabel: { fontFamily: FONT, fontSize: small ? 6 : 8, interval: 0, margin: 4 },
      axisTick: { show: false },
      axisLine: { lineStyle: { color: '#888', width: 0.6 } },
    },
    yAxis: {
      type: 'value',
      min: 0,
      max: Math.ceil(max / 20) * 20,
      interval: small ? 50 : 20,
      axisLabel: { fontFamily: FONT, fontSize: small ? 6 : 8, formatter: '{value}%' },
      splitLine: { lineStyle: { color: '#e4e4e4', width: 0.6 } },
    },
    series: spec.lines.map((l) => ({
      type: 'line',
      name: l.name,
      data: l.values.map((v) => (v === null ? '-' : v)),
      // A month without a value breaks the line: it is not a zero.
      connectNulls: false,
      silent: true,
      symbol: l.style === 'dotted' ? 'none' : 'circle',
      symbolSize: small ? 2.5 : 4,
      lineStyle: { color: l.color, width: small ? 1 : 1.5, type: l.style },
      itemStyle: { color: l.color },
      // The main chart prints the last value of each rate at its end.
      label: { show: false },
      endLabel: spec.legend && l.style === 'solid'
        ? { show: true, fontFamily: FONT, fontSize: 7, color: l.color, formatter: (p: { value: unknown }) => (typeof p.value === 'number' ? `${p.value.toFixed(1)}%` : '') }
        : { show: false },
    })),
  };
}
