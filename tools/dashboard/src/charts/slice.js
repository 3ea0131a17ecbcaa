// Slice plots: the objective against each parameter, one small chart per parameter (coloured by trial id,
// so later trials read darker).
import { draw } from './echarts.js';
import { axisFor, objectiveOf, paramNumber, succeeded } from './data.js';
import { num } from '../format.js';

export function sliceCharts(container, study, trials) {
  const { metric } = objectiveOf(study);
  const ok = succeeded(study, trials);
  const maxId = Math.max(1, ...ok.map((t) => t.id));
  const params = study.parameters.slice(0, 12);
  if (container.children.length !== params.length) {
    container.replaceChildren(...params.map(() => Object.assign(document.createElement('div'), { className: 'chart small-chart' })));
  }
  params.forEach((p, i) => {
    const axis = axisFor(p);
    draw(container.children[i], {
      title: { text: p.name, left: 'center', textStyle: { fontSize: 12 } },
      tooltip: { trigger: 'item', formatter: (x) => `trial ${x.data[2]}<br>${p.name}: ${axis.type === 'category' ? p.values[x.data[0]] : num(x.data[0])}<br>${metric}: ${num(x.data[1])}` },
      grid: { left: 50, right: 10, top: 30, bottom: 30 },
      xAxis: { ...axis, data: undefined, ...(axis.type === 'category' ? { type: 'value', min: -0.5, max: p.values.length - 0.5, interval: 1, axisLabel: { formatter: (v) => p.values[v] ?? '' } } : {}) },
      yAxis: { type: 'value', scale: true, name: metric },
      visualMap: { show: false, dimension: 2, min: 1, max: maxId, inRange: { color: ['#9ec5f0', '#0b3d91'] } },
      series: [{ type: 'scatter', symbolSize: 5, data: ok.map((t) => [paramNumber(p, t), t.metrics[metric], t.id]) }],
    });
  });
}
