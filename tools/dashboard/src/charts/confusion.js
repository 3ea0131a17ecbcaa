// The confusion matrix a training trial records (artifact `confusion_matrix`: {classes, matrix}), as a
// heat map coloured by each cell's share of its row (the true class's recall), counts written in.
import { draw } from './echarts.js';

export function parseConfusion(text) {
  try {
    const j = JSON.parse(text);
    if (!Array.isArray(j.matrix) || !j.matrix.length) return null;
    const k = j.matrix.length;
    const classes = Array.isArray(j.classes) && j.classes.length === k ? j.classes.map(String) : [...Array(k).keys()].map(String);
    return { classes, matrix: j.matrix };
  } catch {
    return null;
  }
}

export function confusionChart(el, m) {
  const data = [];
  m.matrix.forEach((row, i) => {
    const sum = row.reduce((a, b) => a + b, 0) || 1;
    row.forEach((count, j) => data.push([j, i, count / sum, count]));
  });
  return draw(el, {
    title: { text: 'Confusion matrix', subtext: 'rows: true class; colour: share of the row', left: 0, textStyle: { fontSize: 14 } },
    tooltip: { formatter: (p) => `true ${m.classes[p.data[1]]}, predicted ${m.classes[p.data[0]]}: ${p.data[3]} (${(100 * p.data[2]).toFixed(1)}%)` },
    grid: { left: 90, right: 20, top: 55, bottom: 60 },
    xAxis: { type: 'category', data: m.classes, name: 'predicted', nameLocation: 'middle', nameGap: 40, axisLabel: { rotate: 30 } },
    yAxis: { type: 'category', data: m.classes, inverse: true },
    visualMap: { show: false, min: 0, max: 1, dimension: 2, inRange: { color: ['#ffffff', '#0b3d91'] } },
    series: [{ type: 'heatmap', data, label: { show: m.classes.length <= 12, formatter: (p) => p.data[3] } }],
  });
}
