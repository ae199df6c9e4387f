/**
 * The bulletin's charts as data: which bars, in which order and colour, and which reference lines
 * (全省 average, 时序进度). `chartOption` turns a spec into an Apache ECharts option (plain data);
 * the charts adapter renders it to SVG on the server. Pure.
 */
import { rateTenths, tenths } from '../shared/printed';
import { formatDecimal, formatRate } from './format';
import type { Grade } from '../metrics/rates-types';

export const GRADE_COLOR: Record<Grade | 'none', string> = {
  green: '#3f9a52',
  yellow: '#e2ac1c',
  red: '#c8161d',
  none: '#9aa3ad',
};

/** Bars without a grade (the 综合得分). */
export const SCORE_COLOR = '#4f6d8f';

export interface ChartBar {
  name: string;
  /** Plotted value: percent (0–100) for rates, points for scores, one decimal as printed. */
  value: number;
  /** The label at the bar's end ("78.0%"). */
  label: string;
  color: string;
}

export interface ChartLine {
  /** 全省 / 全市 / 时序进度 */
  name: string;
  value: number;
  /** "全省 78.0%" */
  label: string;
  color: string;
  style: 'dashed' | 'dotted';
}

export interface ChartSpec {
  id: string;
  /** 图1 */
  number: string;
  /** 各地“签约一批”项目开工率 */
  title: string;
  kind: 'rate' | 'score';
  /** Highest first; units without a value are left out (see `missing`). */
  bars: ChartBar[];
  lines: ChartLine[];
  /** What the dashed lines are, and who is left out: printed under the chart. */
  note: string;
  width: number;
  height: number;
}

export interface ChartInput {
  name: string;
  /** A rate (fraction) or a score (0–100). */
  value: number | null;
  grade?: Grade | null;
}

/** Bars for the units with a value, highest first (ties in input order), coloured by grade. */
export function chartBars(units: readonly ChartInput[], kind: 'rate' | 'score'): ChartBar[] {
  return units
    .map((u, i) => ({ u, i }))
    .filter((x): x is { u: ChartInput & { value: number }; i: number } => typeof x.u.value === 'number' && Number.isFinite(x.u.value))
    .map(({ u, i }) => {
      const t = kind === 'rate' ? rateTenths(u.value) : tenths(u.value);
      return {
        i,
        t,
        bar: {
          name: u.name,
          value: t / 10,
          label: kind === 'rate' ? formatRate(u.value) : formatDecimal(u.value, 1),
          color: kind === 'score' ? SCORE_COLOR : GRADE_COLOR[u.grade ?? 'none'],
        },
      };
    })
    .sort((a, b) => b.t - a.t || a.i - b.i)
    .map((x) => x.bar);
}

export function referenceLine(name: string, value: number | null | undefined, kind: 'rate' | 'score', style: ChartLine['style'], color: string): ChartLine | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  const t = kind === 'rate' ? rateTenths(value) : tenths(value);
  const shown = kind === 'rate' ? formatRate(value) : formatDecimal(value, 1);
  return { name, value: t / 10, label: `${name} ${shown}`, color, style };
}

/** Width of the chart (CSS px) and a height that gives every bar the same room. */
export function chartSize(bars: number, width = 316): { width: number; height: number } {
  return { width, height: 28 + Math.max(bars, 3) * 15 };
}

const FONT = "'Noto Sans SC', sans-serif";

/** The ECharts option of a horizontal bar chart: names on the left, values at the bars' ends. */
export function chartOption(spec: ChartSpec): Record<string, unknown> {
  const maxValue = Math.max(100, ...spec.bars.map((b) => b.value), ...spec.lines.map((l) => l.value));
  return {
    animation: false,
    textStyle: { fontFamily: FONT, fontSize: 9, color: '#222' },
    // `containLabel` in ECharts 6 terms: the axis labels stay inside the grid's rect.
    grid: { left: 2, right: 34, top: 14, bottom: 12, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    xAxis: {
      type: 'value',
      min: 0,
      max: Math.ceil(maxValue / 20) * 20,
      interval: 20,
      // The bars carry their figures; the scale would only crowd the reference lines' labels.
      axisLabel: { show: false },
      splitLine: { lineStyle: { color: '#e4e4e4', width: 0.6 } },
      axisLine: { show: false },
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: spec.bars.map((b) => b.name),
      axisLabel: { fontFamily: FONT, fontSize: 9, color: '#222', interval: 0, margin: 6 },
      axisTick: { show: false },
      axisLine: { lineStyle: { color: '#888', width: 0.6 } },
    },
    series: [
      {
        type: 'bar',
        barWidth: '64%',
        silent: true,
        data: spec.bars.map((b) => ({
          value: b.value,
          itemStyle: { color: b.color },
          // A literal label: the printed figure, never a template (names carry no `{`).
          // On white: a reference line crossing the figure passes behind it, not through it.
          label: { show: true, position: 'right', formatter: b.label.replace(/[{}]/g, ''), fontFamily: FONT, fontSize: 8, color: '#333', distance: 3, backgroundColor: '#ffffff', padding: [0, 1] },
        })),
        markLine: {
          silent: true,
          symbol: 'none',
          // Under the bars' figures (drawn on white), so the line never runs through a number.
          z: 1,
          data: spec.lines.map((l, i) => ({
            xAxis: l.value,
            lineStyle: { type: l.style, color: l.color, width: 1 },
            label: {
              // Two labels fit (above and below the plot); a third line is named in the note.
              show: i < 2,
              formatter: l.label.replace(/[{}]/g, ''),
              // The y axis runs top-down (inverse): 'start' labels above the plot, 'end' below it, so
              // two lines close together (全省 and 时序进度) never print on each other.
              position: i === 0 ? 'start' : 'end',
              fontFamily: FONT,
              fontSize: 8,
              color: l.color,
              distance: 2,
            },
          })),
        },
      },
    ],
  };
}
