// What the plots read from a study's trials: the objective's values, finished/failed splits, and the
// parameters as numbers (categories by their index).
import { isNumber } from '../format.js';

export function objectiveOf(study) {
  return { metric: study.objective.metric, maximize: study.objective.goal === 'maximize' };
}

export function succeeded(study, trials) {
  const { metric } = objectiveOf(study);
  return trials.filter((t) => t.state === 'SUCCEEDED' && isNumber(t.metrics[metric]));
}

export function failed(trials) {
  return trials.filter((t) => t.state === 'FAILED' || t.state === 'INFEASIBLE');
}

// True when positive values span three decades or more: the history then uses a log axis.
export function spansDecades(values) {
  if (!values.length || values.some((v) => v <= 0)) return false;
  return Math.max(...values) / Math.min(...values) >= 1000;
}

// Parameter `p` (a search-space entry) of trial `t` as a number: the value, or a category's index.
export function paramNumber(p, t) {
  const v = t.params[p.name];
  if (p.type === 'categorical') return p.values.indexOf(v);
  return isNumber(v) ? v : null;
}

export function axisFor(p) {
  if (p.type === 'categorical') return { type: 'category', data: p.values };
  return { type: p.scale === 'log' ? 'log' : 'value', scale: true };
}
