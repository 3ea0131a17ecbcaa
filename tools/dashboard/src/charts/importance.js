// Parameter importance: for each parameter, the share of the objective's variance its value explains
// (the correlation ratio eta squared of the objective's ranks over up to 10 quantile bins of the
// parameter, or its categories), normalised to sum to 1. It sees one parameter at a time (interactions
// are missed) and is noisy with few trials, which the chart says below 30 succeeded trials. A conditional
// parameter's share is computed over the trials that have it (its ranks among them).
import { draw } from './echarts.js';
import { existsWhen, hasParam, objectiveOf, succeeded } from './data.js';
import { num } from '../format.js';

export const FEW_TRIALS = 30;

function ranks(values) {
  const order = values.map((v, i) => [v, i]).sort((a, b) => a[0] - b[0]);
  const r = new Array(values.length);
  order.forEach(([, i], k) => { r[i] = k; });
  return r;
}

function etaSquared(groups, y) {
  const mean = y.reduce((a, b) => a + b, 0) / y.length;
  const total = y.reduce((a, v) => a + (v - mean) ** 2, 0);
  if (total === 0) return 0;
  let between = 0;
  for (const idx of groups.values()) {
    const m = idx.reduce((a, i) => a + y[i], 0) / idx.length;
    between += idx.length * (m - mean) ** 2;
  }
  return between / total;
}

export function importances(study, trials) {
  const { metric } = objectiveOf(study);
  const all = succeeded(study, trials);
  const raw = study.parameters.map((p) => {
    const when = existsWhen(p);
    const ok = when ? all.filter((t) => hasParam(p, t)) : all;
    const y = ranks(ok.map((t) => t.metrics[metric]));
    const groups = new Map();
    let keys;
    if (p.type === 'categorical') {
      keys = ok.map((t) => String(t.params[p.name]));
    } else {
      const order = ranks(ok.map((t) => Number(t.params[p.name])));
      const bins = Math.max(2, Math.min(10, Math.floor(ok.length / 5)));
      keys = order.map((r) => Math.floor((r * bins) / ok.length));
    }
    keys.forEach((k, i) => { if (!groups.has(k)) groups.set(k, []); groups.get(k).push(i); });
    return { name: when ? `${p.name} (if ${when})` : p.name, value: ok.length > 2 ? etaSquared(groups, y) : 0 };
  });
  const sum = raw.reduce((a, r) => a + r.value, 0) || 1;
  return { count: all.length, items: raw.map((r) => ({ name: r.name, value: r.value / sum })).sort((a, b) => a.value - b.value) };
}

export function importanceChart(el, study, trials) {
  const { count, items } = importances(study, trials);
  const caveat = count < FEW_TRIALS
    ? `only ${count} succeeded trials: a rough estimate (fewer than ${FEW_TRIALS})`
    : `${count} succeeded trials; one parameter at a time`;
  return draw(el, {
    title: { text: 'Parameter importance', subtext: caveat, left: 0, textStyle: { fontSize: 14 }, subtextStyle: { color: count < FEW_TRIALS ? '#a40000' : '#555' } },
    tooltip: { trigger: 'item', formatter: (p) => `${p.name}: ${num(p.value)}` },
    grid: { left: 110, right: 30, top: 55, bottom: 30 },
    xAxis: { type: 'value', max: 1 },
    yAxis: { type: 'category', data: items.map((i) => i.name) },
    series: [{ type: 'bar', data: items.map((i) => i.value), itemStyle: { color: '#3465a4' } }],
  });
}
