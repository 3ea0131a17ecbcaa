// Learning curves: a metric against the step for the trials given (the page asks for the best 20 with
// their measurements), one line each; hover names the trial.
import { draw, palette } from './echarts.js';
import { num } from '../format.js';

// The metric to draw: the objective when the trials report it per step, else the first one they do.
export function curveMetric(study, trials) {
  const names = new Set();
  for (const t of trials) for (const m of t.measurement_list || []) Object.keys(m.metrics).forEach((k) => names.add(k));
  if (names.has(study.objective.metric)) return study.objective.metric;
  return [...names].sort()[0] || null;
}

export function curvesChart(el, study, trials, title = 'Learning curves (best 20 trials)') {
  const metric = curveMetric(study, trials);
  if (!metric) {
    el.innerHTML = '<p class="muted">No trial has reported intermediate measurements (per-step metrics).</p>';
    return null;
  }
  return draw(el, {
    title: { text: title, left: 0, textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'item', formatter: (p) => `${p.seriesName}<br>step ${p.value[0]}: ${num(p.value[1])}` },
    grid: { left: 60, right: 20, top: 40, bottom: 40 },
    xAxis: { type: 'value', name: 'step', nameLocation: 'middle', nameGap: 25 },
    yAxis: { type: 'value', scale: true, name: metric, nameLocation: 'middle', nameGap: 40 },
    dataZoom: [{ type: 'inside' }],
    color: palette,
    series: trials.map((t) => ({
      name: `trial ${t.id}`, type: 'line', showSymbol: false, emphasis: { focus: 'series' },
      data: (t.measurement_list || []).filter((m) => typeof m.metrics[metric] === 'number').map((m) => [m.step, m.metrics[metric]]),
    })),
  });
}
