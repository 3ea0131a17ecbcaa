// Optimisation history: each finished trial's objective by trial id, the best so far as a step line,
// failed trials as red marks along the bottom (hover gives their reason), a log axis when the values
// span decades, and zoom (wheel or the slider).
import { draw } from './echarts.js';
import { failed, objectiveOf, spansDecades, succeeded } from './data.js';
import { num } from '../format.js';

export function historyChart(el, study, trials) {
  const { metric, maximize } = objectiveOf(study);
  const ok = succeeded(study, trials).sort((a, b) => a.id - b.id);
  const values = ok.map((t) => t.metrics[metric]);
  const log = spansDecades(values);
  let best = null;
  const bestLine = ok.map((t) => {
    const v = t.metrics[metric];
    if (best === null || (maximize ? v > best : v < best)) best = v;
    return [t.id, best];
  });
  const floor = values.length ? Math.min(...values) : 0;
  const bad = failed(trials).map((t) => ({ value: [t.id, floor], reason: t.reason, state: t.state }));
  return draw(el, {
    title: { text: 'Optimisation history', subtext: log ? 'log axis: values span decades' : '', left: 0, textStyle: { fontSize: 14 } },
    tooltip: {
      trigger: 'item',
      formatter: (p) => p.seriesName === 'failed'
        ? `trial ${p.value[0]}: ${p.data.state}<br>${p.data.reason || ''}`
        : `trial ${p.value[0]}<br>${p.seriesName}: ${num(p.value[1])}`,
    },
    legend: { top: 0, right: 0 },
    grid: { left: 60, right: 20, top: 50, bottom: 60 },
    xAxis: { type: 'value', name: 'trial', nameLocation: 'middle', nameGap: 25, minInterval: 1 },
    yAxis: { type: log ? 'log' : 'value', name: metric, nameLocation: 'middle', nameGap: 45, scale: true },
    dataZoom: [{ type: 'inside' }, { type: 'slider', height: 16, bottom: 8 }],
    series: [
      { name: metric, type: 'scatter', symbolSize: 6, data: ok.map((t) => [t.id, t.metrics[metric]]), large: ok.length > 2000, largeThreshold: 2000 },
      { name: 'best so far', type: 'line', step: 'end', showSymbol: false, data: bestLine },
      { name: 'failed', type: 'scatter', symbol: 'triangle', symbolSize: 8, itemStyle: { color: '#cc0000' }, data: bad },
    ],
  });
}
