// ECharts with only the parts the dashboard draws (tree-shaken by Vite), and a helper that keeps one
// chart per element and resizes them with the window.
import * as echarts from 'echarts/core';
import { BarChart, HeatmapChart, LineChart, ParallelChart, ScatterChart } from 'echarts/charts';
import {
  DataZoomComponent, GridComponent, LegendComponent, ParallelComponent, TitleComponent, TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, HeatmapChart, LineChart, ParallelChart, ScatterChart, DataZoomComponent, GridComponent,
  LegendComponent, ParallelComponent, TitleComponent, TooltipComponent, VisualMapComponent, CanvasRenderer]);

const charts = new Set();
window.addEventListener('resize', () => charts.forEach((c) => c.resize()));

// The chart drawn in `el` (made on first use) with `option` set (replacing the previous one). Series are
// drawn in one go (progressive: 0): ECharts' progressive painting goes on in animation frames after a
// chart is disposed (leaving the page) and then throws.
export function draw(el, option) {
  if (Array.isArray(option.series)) option.series = option.series.map((s) => ({ progressive: 0, ...s }));
  let chart = echarts.getInstanceByDom(el);
  if (!chart) {
    chart = echarts.init(el, null, { renderer: 'canvas' });
    charts.add(chart);
  }
  chart.setOption({ animation: false, ...option }, { notMerge: true });
  return chart;
}

// A note in `el` instead of a chart (its chart, if any, disposed: a later draw makes a new one).
export function note(el, text) {
  const chart = echarts.getInstanceByDom(el);
  if (chart) {
    charts.delete(chart);
    chart.dispose();
  }
  el.innerHTML = `<p class="muted">${text}</p>`;
}

export function disposeAll() {
  charts.forEach((c) => c.dispose());
  charts.clear();
}

export const palette = ['#3465a4', '#cc0000', '#4e9a06', '#f57900', '#75507b', '#c4a000', '#06989a', '#555753'];
