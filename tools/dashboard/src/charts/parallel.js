// Parallel coordinates: one axis per parameter and one for the objective, one line per succeeded trial,
// coloured by the objective (brush an axis to pick a range). Above 1,000 trials the best 1,000 are drawn.
// A conditional parameter's axis has an "absent" place at its bottom (an extra first category, or a tick
// below its values) where the trials without it pass: ECharts would otherwise join the line straight across
// the axis, as if the trial had a value there.
import { draw } from './echarts.js';
import { existsWhen, hasParam, objectiveOf, succeeded } from './data.js';
import { num } from '../format.js';

const MAX_LINES = 1000;

export function parallelChart(el, study, trials) {
  const { metric, maximize } = objectiveOf(study);
  let ok = succeeded(study, trials);
  const total = ok.length;
  if (ok.length > MAX_LINES) {
    ok = [...ok].sort((a, b) => (maximize ? b.metrics[metric] - a.metrics[metric] : a.metrics[metric] - b.metrics[metric])).slice(0, MAX_LINES);
  }
  const places = study.parameters.map((p) => absentPlace(p, ok));
  const axes = study.parameters.map((p, i) => {
    const axis = {
      dim: i,
      name: places[i] === null ? p.name : `${p.name}\n(if ${existsWhen(p)})`,
      type: p.type === 'categorical' ? 'category' : p.scale === 'log' ? 'log' : 'value',
      data: p.type === 'categorical' ? p.values : undefined,
      scale: true,
    };
    if (places[i] === null) return axis;
    if (p.type === 'categorical') return { ...axis, data: [ABSENT, ...p.values] };
    const { value: absent, interval } = places[i];
    const isAbsent = (v) => Math.abs(v - absent) <= 1e-9 * Math.max(1, Math.abs(absent));
    return { ...axis, min: absent, interval, axisLabel: { formatter: (v) => (isAbsent(v) ? ABSENT : num(v)) } };
  });
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
      data: ok.map((t) => [...study.parameters.map((p, i) => (hasParam(p, t) || places[i] === null ? t.params[p.name]
        : places[i].value ?? places[i])),
        t.metrics[metric]]) }],
  });
}

const ABSENT = 'absent';

// Where trials without parameter `p` go on its axis: null for a top-level parameter (every trial has it);
// the extra category for a categorical one; for a number, one tick step below the ticks of its values
// ({value, interval}), a tick of its own that ECharts labels (a place between ticks would go unlabelled,
// and the tick under it would name a value the trial does not have). On a log axis, a decade lower.
function absentPlace(p, trials) {
  if (!existsWhen(p)) return null;
  if (p.type === 'categorical') return ABSENT;
  const values = trials.filter((t) => hasParam(p, t)).map((t) => t.params[p.name]);
  const lo = values.length ? Math.min(...values) : p.min;
  const hi = values.length ? Math.max(...values) : p.max;
  if (p.scale === 'log' && lo > 0) return { value: 10 ** (Math.floor(Math.log10(lo)) - 1) };
  const raw = hi > lo ? (hi - lo) / 5 : Math.abs(lo) || 1;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const interval = [1, 2, 5, 10].map((m) => m * magnitude).find((step) => step >= raw);
  return { value: (Math.floor(lo / interval) - 1) * interval, interval };
}
