// ECharts, imported piece by piece so the bundle holds only the charts the
// dashboard draws. Every chart is registered so a re-render can dispose of
// the previous ones.

import { BarChart, LineChart, PieChart } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  MarkPointComponent,
  TitleComponent,
  TooltipComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

import { h } from './dom';
import { formatCount, formatExact } from './format';

echarts.use([
  BarChart,
  LineChart,
  PieChart,
  GridComponent,
  LegendComponent,
  MarkPointComponent,
  TitleComponent,
  TooltipComponent,
  CanvasRenderer,
]);

export const colors = {
  onTime: '#2e7d32',
  late: '#f9a825',
  missing: '#c62828',
  awaiting: '#1565c0',
  neutral: '#5c6bc0',
  against: '#c62828',
};

const live: echarts.ECharts[] = [];

export function disposeCharts(): void {
  while (live.length) live.pop()?.dispose();
}

window.addEventListener('resize', () => live.forEach((chart) => chart.resize()));

const fontFamily = 'system-ui, "Noto Sans", "DejaVu Sans", "Liberation Sans", sans-serif';

function mount(testid: string, height: number, option: echarts.EChartsCoreOption): HTMLElement {
  const el = h('div', { class: 'chart', testid });
  el.style.height = `${height}px`;
  // ECharts measures its container, so it starts once the element is laid
  // out.
  requestAnimationFrame(() => {
    const chart = echarts.init(el, undefined, { renderer: 'canvas' });
    chart.setOption({ textStyle: { fontFamily }, animation: false, ...option });
    live.push(chart);
  });
  return el;
}

export interface StackedSeries {
  name: string;
  color: string;
  values: number[];
}

// Horizontal stacked bars, one per category (provinces).
export function stackedBars(testid: string, categories: string[], series: StackedSeries[]): HTMLElement {
  const height = Math.max(160, 28 * categories.length + 70);
  return mount(testid, height, {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: unknown) => formatCount(Number(v)) },
    legend: { top: 0 },
    grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1, axisLabel: { formatter: (v: number) => formatCount(v) } },
    yAxis: { type: 'category', data: categories, inverse: true },
    series: series.map((s) => ({
      name: s.name,
      type: 'bar',
      stack: 'total',
      itemStyle: { color: s.color },
      data: s.values,
    })),
  });
}

export function donut(testid: string, slices: { name: string; value: number; color: string }[]): HTMLElement {
  return mount(testid, 220, {
    tooltip: { trigger: 'item', valueFormatter: (v: unknown) => formatCount(Number(v)) },
    legend: { orient: 'vertical', right: 0, top: 'middle' },
    series: [
      {
        type: 'pie',
        radius: ['45%', '75%'],
        center: ['35%', '50%'],
        label: { show: false },
        data: slices.map((s) => ({ name: s.name, value: s.value, itemStyle: { color: s.color } })),
      },
    ],
  });
}

// Vertical bars of a breakdown (by sex, age group, …), exact values in the
// tooltip.
export function bars(testid: string, labels: string[], values: number[], exact: string[]): HTMLElement {
  return mount(testid, Math.max(180, Math.min(360, 60 + labels.length * 14)), {
    tooltip: {
      trigger: 'axis',
      formatter: (params: { dataIndex: number; name: string }[]) =>
        `${params[0].name}: ${formatExact(exact[params[0].dataIndex])}`,
    },
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: labels, axisLabel: { interval: 0, rotate: labels.length > 6 ? 35 : 0 } },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => formatCount(v) } },
    series: [{ type: 'bar', data: values, itemStyle: { color: colors.neutral } }],
  });
}

// A trend line; points that move against the wanted direction are red and
// enlarged.
export function trendLine(
  testid: string,
  periods: string[],
  values: (number | null)[],
  against: boolean[],
  exact: string[],
): HTMLElement {
  return mount(testid, 240, {
    tooltip: {
      trigger: 'axis',
      formatter: (params: { dataIndex: number; name: string }[]) =>
        `${params[0].name}: ${formatExact(exact[params[0].dataIndex])}`,
    },
    grid: { left: 8, right: 24, top: 24, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: periods },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => formatCount(v) } },
    series: [
      {
        type: 'line',
        connectNulls: true,
        lineStyle: { color: colors.neutral, width: 2 },
        data: values.map((v, i) => ({
          value: v,
          symbolSize: against[i] ? 14 : 7,
          itemStyle: { color: against[i] ? colors.against : colors.neutral },
        })),
      },
    ],
  });
}
