// Parallel coordinates: one axis per parameter and one for the objective, one line per succeeded trial,
// coloured by the objective (brush an axis to pick a range). Above 1,000 trials the best 1,000 are drawn.
import { draw } from './echarts.js';
import { objectiveOf, succeeded } from './data.js';

const MAX_LINES = 1000;

export function parallelChart(el, study, trials) {
  const { metric, maximize } = objectiveOf(study);
  let ok = succeeded(study, trials);
  const total = ok.length;
  if (ok.length > MAX_LINES) {
    ok = [...ok].sort((a, b) => (maximize ? b.metrics[metric] - a.metrics[metric] : a.metrics[metric] - b.metrics[metric])).slice(0, MAX_LINES);
  }
  const axes = study.parameters.map((p, i) => ({
    dim: i,
    name: p.name,
    type: p.type === 'categorical' ? 'category' : p.scale === 'log' ? 'log' : 'value',
    data: p.type === 'categorical' ? p.values : undefined,
    scale: true,
  }));
  axes.push({ dim: axes.length, name: metric, type: 'value', scale: true });
  const values = ok.map((t) => t.metrics[metric]);
  return draw(el, {
    title: { text: 'Parallel coordinates', subtext: total > ok.length ? `the best ${ok.length} of ${total} trials` : '', left: 0, textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'item' },
    parallel: { left: 60, right: 90, top: 70, bottom: 30 },
    parallelAxis: axes,
    visualMap: { show: true, dimension: axes.length - 1, min: Math.min(...values, 0), max: Math.max(...values, 1), right: 0, top: 'middle', calculable: true,
      inRange: { color: maximize ? ['#d3d7cf', '#3465a4', '#0b3d91'] : ['#0b3d91', '#3465a4', '#d3d7cf'] } },
    series: [{ type: 'parallel', lineStyle: { width: 1, opacity: 0.5 },
      data: ok.map((t) => [...study.parameters.map((p) => t.params[p.name]), t.metrics[metric]]) }],
  });
}
