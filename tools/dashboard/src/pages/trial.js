// A trial's page: parameters and metrics, the effective settings the worker recorded, per-step curves,
// the confusion matrix when there is one, other artifacts, and the notes (adding one needs a submit token).
import { ApiError, get, post } from '../api.js';
import { esc, html, num, time, duration } from '../format.js';
import { disposeAll, draw, palette } from '../charts/echarts.js';
import { confusionChart, parseConfusion } from '../charts/confusion.js';

function kv(rows) {
  return `<table class="kv">${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`).join('')}</table>`;
}

function flatten(obj, prefix = '', out = []) {
  if (obj && typeof obj === 'object' && !Array.isArray(obj)) {
    for (const [k, v] of Object.entries(obj)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.push([prefix, esc(Array.isArray(obj) ? JSON.stringify(obj) : num(obj))]);
  }
  return out;
}

// Per-class metrics (`f1_3`, `precision_7`: ten more rows per metric) go in a collapsed list.
function metricsTable(metrics) {
  const rows = Object.entries(metrics).map(([k, v]) => [k, esc(num(v))]);
  const perClass = rows.filter(([k]) => /_\d+$/.test(k));
  const main = rows.filter(([k]) => !/_\d+$/.test(k));
  return kv(main) + (perClass.length ? `<details><summary class="small">${perClass.length} per-class metrics</summary>${kv(perClass)}</details>` : '');
}

function notes(t) {
  return t.notes.length
    ? `<ul class="notes">${t.notes.map((n) => `<li><span class="muted small">${time(n.time)}</span> ${esc(n.text)}</li>`).join('')}</ul>`
    : '<p class="muted" id="no-notes">No note yet.</p>';
}

function stepCurves(el, t) {
  const names = new Set();
  for (const m of t.measurement_list) Object.keys(m.metrics).forEach((k) => names.add(k));
  if (!names.size) {
    el.className = 'wide';
    el.innerHTML = '<p class="muted">This trial reported no intermediate measurements.</p>';
    return;
  }
  draw(el, {
    title: { text: 'Per-step metrics', left: 0, textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'axis' },
    legend: { type: 'scroll', top: 0, right: 0, width: '60%' },
    grid: { left: 60, right: 20, top: 50, bottom: 40 },
    xAxis: { type: 'value', name: 'step', nameLocation: 'middle', nameGap: 25 },
    yAxis: { type: 'value', scale: true },
    dataZoom: [{ type: 'inside' }],
    color: palette,
    series: [...names].sort().map((n) => ({ name: n, type: 'line', showSymbol: t.measurement_list.length < 50,
      data: t.measurement_list.filter((m) => typeof m.metrics[n] === 'number').map((m) => [m.step, m.metrics[n]]) })),
  });
}

export async function trialPage(app, ref, id) {
  const [study, t] = await Promise.all([get(`studies/${encodeURIComponent(ref)}`), get(`studies/${encodeURIComponent(ref)}/trials/${encodeURIComponent(id)}`)]);
  const settings = t.artifacts.settings ? (() => { try { return JSON.parse(t.artifacts.settings); } catch { return null; } })() : null;
  const confusion = t.artifacts.confusion_matrix ? parseConfusion(t.artifacts.confusion_matrix) : null;
  const others = Object.entries(t.artifacts).filter(([k]) => k !== 'settings' && k !== 'confusion_matrix');
  app.replaceChildren(html(`<section>
    <div class="card"><h1><a href="#/study/${study.id}">${esc(study.name)}</a> / trial ${t.id} <span class="state ${esc(t.state)}">${esc(t.state)}</span></h1>
      ${t.reason ? `<p class="muted">${esc(t.reason)}</p>` : ''}
      <div class="columns">
        <div><h3>Parameters</h3>${kv(Object.entries(t.params).map(([k, v]) => [k, esc(num(v))]))}</div>
        <div><h3>Metrics</h3>${metricsTable(t.metrics)}</div>
        <div><h3>Run</h3>${kv([['worker', esc(t.worker)], ['attempt', t.attempt], ['started', time(t.started)], ['ended', time(t.ended)],
          ['runtime', duration(t.runtime_seconds)], ['measurements', t.measurements],
          ['reused from', t.reused_from ? `<a href="#/study/${t.reused_from.study}/trial/${t.reused_from.trial}">${esc(t.reused_from.study_name)}/${t.reused_from.trial}</a>` : '']])}</div>
      </div></div>
    <div class="card charts"><div class="chart wide" id="steps"></div>${confusion ? '<div class="chart confusion" id="confusion"></div>' : ''}</div>
    <div class="card"><h3>Effective settings</h3>${settings ? kv(flatten(settings)) : '<p class="muted">The worker recorded no effective settings for this trial.</p>'}
      ${others.length ? `<h3>Other artifacts</h3>${kv(others.map(([k, v]) => [k, `<pre>${esc(v.slice(0, 2000))}</pre>`]))}` : ''}</div>
    <div class="card"><h3>Notes</h3><div id="notes">${notes(t)}</div>
      <form id="add-note"><textarea name="text" rows="2" cols="60" placeholder="A note on this trial (needs a submit token)"></textarea>
      <button>Add note</button> <span class="form-error error" id="note-error"></span></form></div>
  </section>`));
  stepCurves(app.querySelector('#steps'), t);
  if (confusion) confusionChart(app.querySelector('#confusion'), confusion);
  app.querySelector('#add-note').addEventListener('submit', async (e) => {
    e.preventDefault();
    const err = app.querySelector('#note-error');
    err.textContent = '';
    try {
      const updated = await post(`studies/${study.id}/trials/${t.id}/notes`, { text: e.target.text.value });
      app.querySelector('#notes').innerHTML = notes(updated);
      e.target.text.value = '';
    } catch (x) {
      err.textContent = x instanceof ApiError && x.status === 403 ? `refused: ${x.message}` : `${x.field ? `${x.field}: ` : ''}${x.message}`;
    }
  });
  return () => disposeAll();
}
