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

// Parameter `p` (a search-space entry) of trial `t` as a number: the value, or a category's index; null
// when the trial does not have it (a conditional parameter whose parent took another value).
export function paramNumber(p, t) {
  const v = t.params[p.name];
  if (p.type === 'categorical') return p.values.includes(v) ? p.values.indexOf(v) : null;
  return isNumber(v) ? v : null;
}

// Whether trial `t` has parameter `p`: every trial has the top-level ones; a conditional one (its
// `exists_when` names the parent and values) only some.
export function hasParam(p, t) {
  return t.params[p.name] !== undefined && t.params[p.name] !== null;
}

// "optimizer = sgd" for a conditional parameter, '' for a top-level one.
export function existsWhen(p) {
  const w = p.exists_when;
  if (!w) return '';
  return w.values.length === 1 ? `${w.parameter} = ${w.values[0]}` : `${w.parameter} in (${w.values.join(', ')})`;
}

export function axisFor(p) {
  if (p.type === 'categorical') return { type: 'category', data: p.values };
  return { type: p.scale === 'log' ? 'log' : 'value', scale: true };
}
