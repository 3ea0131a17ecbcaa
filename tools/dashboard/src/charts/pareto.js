// The Pareto front of a study with several objectives: its succeeded trials over two objectives (chosen
// with the selects above the chart when there are three or more), the front highlighted and joined by a
// step line, infeasible trials (they break an outcome constraint) as hollow grey rings. The front is the
// server's (`pareto_front` of the trial list: the code behind `hyperlab study best`, over every
// objective), so the page and the CLI agree. With three or more objectives a front point may look
// dominated in the pair shown; the step line joins only the front points no other front point dominates
// in that pair. Clicking a point opens its trial.
import { draw, note } from './echarts.js';
import { spansDecades } from './data.js';
import { esc, isNumber, num } from '../format.js';

const FRONT_COLOUR = '#cc0000';
const POINT_COLOUR = '#3465a4';
const INFEASIBLE_COLOUR = '#999999';

export function objectivesOf(study) {
  return (study.objectives || []).map((o) => ({ metric: o.metric, maximize: o.goal === 'maximize' }));
}

// The points drawn: succeeded trials with both metrics; `front` is a Set of the server's front ids.
export function paretoPoints(trials, front, ox, oy) {
  const points = { front: [], dominated: [], infeasible: [] };
  for (const t of trials) {
    const x = t.metrics[ox.metric];
    const y = t.metrics[oy.metric];
    if (t.state !== 'SUCCEEDED' || !isNumber(x) || !isNumber(y)) continue;
    const p = { value: [x, y], id: t.id };
    if (t.feasible === false) points.infeasible.push(p);
    else if (front.has(t.id)) points.front.push(p);
    else points.dominated.push(p);
  }
  return points;
}

// The front points no other front point dominates in this pair, sorted along x: the step line's corners.
export function staircase(frontPoints, ox, oy) {
  const better = (a, b, max) => (max ? a >= b : a <= b);
  const kept = frontPoints.filter((p) => !frontPoints.some((q) => q !== p
    && better(q.value[0], p.value[0], ox.maximize) && better(q.value[1], p.value[1], oy.maximize)
    && (q.value[0] !== p.value[0] || q.value[1] !== p.value[1])));
  return kept.map((p) => p.value).sort((a, b) => a[0] - b[0]);
}

function axisName(o) {
  return `${o.metric} (${o.maximize ? 'max' : 'min'})`;
}

function axis(o, values) {
  const log = spansDecades(values);
  return { type: log ? 'log' : 'value', scale: true, name: axisName(o) + (log ? ', log' : ''), nameLocation: 'middle', nameGap: 32 };
}

// Draws the chart into `el`; returns the chart, or null with a note when there is nothing to draw.
// `frontIds`: the server's front (trial ids). After drawing, `el.pareto` says what was drawn (the front's
// ids and the trial at a point) for the browser test.
export function paretoChart(el, study, trials, frontIds, xMetric, yMetric) {
  const objectives = objectivesOf(study);
  const ox = objectives.find((o) => o.metric === xMetric);
  const oy = objectives.find((o) => o.metric === yMetric);
  if (!ox || !oy || ox === oy) {
    note(el, 'Choose two different objectives.');
    return null;
  }
  const points = paretoPoints(trials, new Set(frontIds || []), ox, oy);
  const all = [...points.front, ...points.dominated, ...points.infeasible];
  if (!all.length) {
    note(el, `No succeeded trial reports both ${esc(ox.metric)} and ${esc(oy.metric)} yet.`);
    return null;
  }
  if (el.querySelector('p.muted')) el.replaceChildren();  // A note before: the chart takes its place.
  const steps = staircase(points.front, ox, oy);
  const subtitle = `${points.front.length} of ${all.length} succeeded trials on the front`
    + (points.infeasible.length ? `, ${points.infeasible.length} infeasible (break a constraint)` : '')
    + (objectives.length > 2 ? `; front over all ${objectives.length} objectives, the line joins those best in this pair` : '');
  const chart = draw(el, {
    title: { text: `Pareto front: ${xMetric} against ${yMetric}`, subtext: subtitle, left: 0, textStyle: { fontSize: 14 } },
    tooltip: {
      trigger: 'item',
      formatter: (p) => (p.seriesName === 'front line' ? 'Pareto front'
        : `trial ${p.data.id} (${p.seriesName})<br>${esc(ox.metric)}: ${num(p.value[0])}<br>${esc(oy.metric)}: ${num(p.value[1])}`),
    },
    legend: { top: 0, right: 0, data: ['Pareto front', 'dominated', 'infeasible'] },
    grid: { left: 70, right: 30, top: 60, bottom: 50 },
    xAxis: axis(ox, all.map((p) => p.value[0])),
    yAxis: axis(oy, all.map((p) => p.value[1])),
    series: [
      { name: 'infeasible', type: 'scatter', symbol: 'emptyCircle', symbolSize: 7, data: points.infeasible,
        itemStyle: { color: INFEASIBLE_COLOUR, borderColor: INFEASIBLE_COLOUR, borderWidth: 1.5 } },
      { name: 'dominated', type: 'scatter', symbolSize: 6, data: points.dominated, itemStyle: { color: POINT_COLOUR, opacity: 0.7 } },
      // The corners lie on the dominated side: along increasing x, the next point is worse in y, so the
      // line first moves along the objective that is worse there (x when it is minimised, else y).
      { name: 'front line', type: 'line', step: ox.maximize ? 'start' : 'end', data: steps, showSymbol: false, silent: true,
        lineStyle: { color: FRONT_COLOUR, width: 2 }, tooltip: { show: false } },
      { name: 'Pareto front', type: 'scatter', symbolSize: 10, data: points.front, z: 5,
        itemStyle: { color: FRONT_COLOUR, borderColor: '#fff', borderWidth: 1 } },
    ],
  });
  chart.off('click');
  chart.on('click', (p) => {
    if (p.data && p.data.id !== undefined) location.hash = `#/study/${study.id}/trial/${p.data.id}`;
  });
  const frontSeries = 3;
  el.pareto = {
    front: points.front.map((p) => p.id),
    drawn: all.length,
    // Where trial `id`'s front point is, in pixels within the chart.
    pixelOf: (id) => {
      const p = points.front.find((q) => q.id === id);
      return p ? chart.convertToPixel({ seriesIndex: frontSeries }, p.value) : null;
    },
  };
  return chart;
}
