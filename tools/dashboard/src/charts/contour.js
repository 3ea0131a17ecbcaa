// Contour: the objective over two parameters as a heat map of the mean objective in each cell (16 bins
// per number axis, geometric for log-scale parameters, one per category), with the trials on top.
// The two parameters are chosen with the selects above the chart; with a conditional one, only the trials
// that have both are drawn.
import { draw } from './echarts.js';
import { hasParam, objectiveOf, succeeded } from './data.js';
import { esc, num } from '../format.js';

const BINS = 16;

function binner(p, trials) {
  if (p.type === 'categorical') {
    return { labels: p.values, index: (t) => p.values.indexOf(t.params[p.name]) };
  }
  const values = trials.map((t) => t.params[p.name]).filter((v) => typeof v === 'number');
  const log = p.scale === 'log' && values.every((v) => v > 0);
  const f = log ? Math.log : (v) => v;
  const lo = Math.min(...values.map(f));
  const hi = Math.max(...values.map(f));
  const width = hi > lo ? (hi - lo) / BINS : 1;
  const inv = log ? Math.exp : (v) => v;
  const labels = Array.from({ length: BINS }, (_, i) => num(inv(lo + (i + 0.5) * width)));
  return { labels, index: (t) => Math.min(BINS - 1, Math.max(0, Math.floor((f(t.params[p.name]) - lo) / width))) };
}

export function contourChart(el, study, trials, xName, yName) {
  const { metric } = objectiveOf(study);
  const px = study.parameters.find((p) => p.name === xName);
  const py = study.parameters.find((p) => p.name === yName);
  const ok = succeeded(study, trials).filter((t) => (!px || hasParam(px, t)) && (!py || hasParam(py, t)));
  if (!px || !py || !ok.length) {
    el.innerHTML = `<p class="muted">${ok.length ? 'Choose two parameters.' : 'No succeeded trial has both parameters yet.'}</p>`;
    return null;
  }
  const bx = binner(px, ok);
  const by = binner(py, ok);
  const sums = new Map();
  for (const t of ok) {
    const key = `${bx.index(t)},${by.index(t)}`;
    const s = sums.get(key) || [0, 0];
    s[0] += t.metrics[metric];
    s[1] += 1;
    sums.set(key, s);
  }
  const cells = [...sums].map(([k, [sum, n]]) => [...k.split(',').map(Number), sum / n, n]);
  const means = cells.map((c) => c[2]);
  return draw(el, {
    title: { text: `${esc(metric)} over ${xName} × ${yName}`, subtext: 'mean per cell', left: 0, textStyle: { fontSize: 14 } },
    tooltip: { formatter: (p) => `${xName} ≈ ${bx.labels[p.data[0]]}<br>${yName} ≈ ${by.labels[p.data[1]]}<br>mean ${metric}: ${num(p.data[2])} (${p.data[3]} trials)` },
    grid: { left: 70, right: 80, top: 50, bottom: 40 },
    xAxis: { type: 'category', data: bx.labels, name: xName, nameLocation: 'middle', nameGap: 25 },
    yAxis: { type: 'category', data: by.labels, name: yName },
    visualMap: { min: Math.min(...means), max: Math.max(...means), calculable: true, right: 0, top: 'middle', dimension: 2,
      inRange: { color: ['#0b3d91', '#3465a4', '#9ec5f0', '#fce94f', '#f57900', '#a40000'] } },
    series: [{ type: 'heatmap', data: cells }],
  });
}
