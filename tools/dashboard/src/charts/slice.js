// Slice plots: the objective against each parameter, one small chart per parameter (coloured by trial id,
// so later trials read darker, up to 2,000 trials). A conditional parameter's chart has only the trials
// that have it, and its title says when it exists.
import { draw } from './echarts.js';
import { axisFor, existsWhen, hasParam, objectiveOf, paramNumber, succeeded } from './data.js';
import { num } from '../format.js';

const LARGE = 2000;

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
    const when = existsWhen(p);
    const have = when ? ok.filter((t) => hasParam(p, t)) : ok;
    draw(container.children[i], {
      title: { text: when ? `${p.name} (if ${when})` : p.name, left: 'center', textStyle: { fontSize: 12 } },
      tooltip: { trigger: 'item', formatter: (x) => `trial ${x.data[2]}<br>${p.name}: ${axis.type === 'category' ? p.values[x.data[0]] : num(x.data[0])}<br>${metric}: ${num(x.data[1])}` },
      grid: { left: 50, right: 10, top: 30, bottom: 30 },
      xAxis: axis,
      yAxis: { type: 'value', scale: true, name: metric },
      // Above LARGE points ECharts' large mode draws them in one pass (one colour: no shading by id).
      visualMap: have.length > LARGE ? undefined : { show: false, dimension: 2, min: 1, max: maxId, inRange: { color: ['#9ec5f0', '#0b3d91'] } },
      series: [{ type: 'scatter', symbolSize: have.length > LARGE ? 3 : 5, large: have.length > LARGE, largeThreshold: LARGE,
        data: have.map((t) => [paramNumber(p, t), t.metrics[metric], t.id]) }],
    });
  });
}
