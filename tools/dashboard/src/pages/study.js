// A study's page, updating live: the summary, hypothesis and conclusion (editable with a submit token),
// the plots, and the trial table. Server-sent events say when the study changed; the page then refetches
// (at most every 2 s) what it draws.
import { ApiError, get, post, query, watchStudy } from '../api.js';
import { esc, html, num, time } from '../format.js';
import { disposeAll } from '../charts/echarts.js';
import { historyChart } from '../charts/history.js';
import { sliceCharts } from '../charts/slice.js';
import { contourChart } from '../charts/contour.js';
import { parallelChart } from '../charts/parallel.js';
import { curvesChart } from '../charts/curves.js';
import { importanceChart } from '../charts/importance.js';
import { objectivesOf, paretoChart } from '../charts/pareto.js';
import { TrialTable } from '../table.js';

function summary(s) {
  const c = s.counts;
  const arrow = s.objective.goal === 'maximize' ? '↑ maximize' : '↓ minimize';
  return `<div class="summary" id="summary">
    <span class="state ${esc(s.state)}">${esc(s.state)}</span>
    <span>objective <b>${esc(s.objective.metric)}</b> ${arrow}</span>
    <span>best <b id="best">${s.best ? `${num(s.best.value)}</b> (<a href="#/study/${s.id}/trial/${s.best.trial}">trial ${s.best.trial}</a>)` : '—</b>'}</span>
    ${s.recommended ? `<span title="The objective is noisy: the best observed value is partly luck. This is the trial the model is surest is good (after ${s.recommended.seen} ended trials).">recommended <b id="recommended">${num(s.recommended.value)}</b> (<a href="#/study/${s.id}/trial/${s.recommended.trial}">trial ${s.recommended.trial}</a>) <span class="muted small">noisy objective: the model's pick</span></span>` : ''}
    <span>trials <b id="trial-count">${c.total}</b>${s.planned ? ` of ${s.planned}` : ''}: ${c.succeeded} succeeded, ${c.running} running, ${c.pending} pending, ${c.failed} failed${c.stopped ? `, ${c.stopped} stopped` : ''}${c.reused ? `, ${c.reused} reused` : ''}</span>
    <span class="muted small">${esc(s.algorithm)} · created ${time(s.created)}${s.tags.length ? ` · tags ${s.tags.map(esc).join(', ')}` : ''}</span>
    ${s.reason ? `<div class="muted small">${esc(s.reason)}</div>` : ''}${s.waiting ? `<div class="warn small">${esc(s.waiting)}</div>` : ''}
  </div>`;
}

// The Pareto chart's place, for a study with several objectives (selects for the pair with three or more).
function paretoBlock(s) {
  const objectives = objectivesOf(s);
  if (objectives.length < 2) return '';
  const pick = objectives.length > 2
    ? '<div class="contour-pick">objectives: <select id="pareto-x"></select> × <select id="pareto-y"></select></div>' : '';
  return `<div class="chart-block wide" id="pareto-block">${pick}<div class="chart tall" id="pareto"></div></div>`;
}

function journal(s) {
  return `<div class="journal">
    <div><h3>Hypothesis</h3><p>${esc(s.hypothesis) || '<span class="muted">none written</span>'}</p></div>
    <div><h3>Conclusion</h3><p id="conclusion">${esc(s.conclusion) || '<span class="muted">not concluded yet</span>'}</p>
      <form id="conclude"><textarea name="text" rows="2" cols="50" placeholder="What the study showed (needs a submit token)"></textarea>
      <button>Save conclusion</button> <span class="form-error error"></span></form></div></div>`;
}

export async function studyPage(app, ref) {
  let study = await get(`studies/${encodeURIComponent(ref)}`);
  const t0 = performance.now();
  app.replaceChildren(html(`<section>
    <div class="card"><h1>${esc(study.name)} <span class="muted small">#${study.id}</span> <span id="live" class="small muted"></span></h1>
      <div id="summary-box">${summary(study)}</div><div id="journal-box">${journal(study)}</div></div>
    <div class="card charts">
      ${paretoBlock(study)}
      <div class="chart wide" id="history"><p class="muted">Loading the plots…</p></div>
      <div class="chart" id="importance"></div>
      <div class="chart" id="curves"></div>
      <div class="chart-block"><div class="contour-pick">contour: <select id="cx"></select> × <select id="cy"></select></div><div class="chart" id="contour"></div></div>
      <div class="chart wide" id="parallel"></div>
      <div class="wide"><h3>Slices</h3><div class="slices" id="slices"></div></div>
    </div>
    <div class="card"><h2>Trials</h2><div id="table" class="trial-table"></div></div>
  </section>`));
  const names = study.parameters.map((p) => p.name);
  const [cx, cy] = [app.querySelector('#cx'), app.querySelector('#cy')];
  for (const sel of [cx, cy]) sel.innerHTML = names.map((n) => `<option>${esc(n)}</option>`).join('');
  cx.value = names[0] || '';
  cy.value = names[1] || names[0] || '';

  const table = new TrialTable(app.querySelector('#table'), study);
  let trials = [];
  let front = [];
  const objectiveNames = objectivesOf(study).map((o) => o.metric);
  const [px, py] = [app.querySelector('#pareto-x'), app.querySelector('#pareto-y')];
  for (const sel of [px, py]) if (sel) sel.innerHTML = objectiveNames.map((n) => `<option>${esc(n)}</option>`).join('');
  if (px) [px.value, py.value] = [objectiveNames[0], objectiveNames[1]];
  const paretoEl = app.querySelector('#pareto');
  const drawPareto = () => paretoEl && paretoChart(paretoEl, study, trials, front,
    px ? px.value : objectiveNames[0], py ? py.value : objectiveNames[1]);
  if (px) for (const sel of [px, py]) sel.addEventListener('change', drawPareto);
  const drawContour = () => contourChart(app.querySelector('#contour'), study, trials, cx.value, cy.value);
  cx.addEventListener('change', drawContour);
  cy.addEventListener('change', drawContour);

  let alive = true;
  const leaving = new AbortController();
  async function loadPlots() {
    const all = await get(`studies/${study.id}/trials${query({ limit: 10000 })}`, leaving.signal);
    if (!alive) return;
    trials = all.trials;
    front = all.pareto_front || [];
    drawPareto();
    historyChart(app.querySelector('#history'), study, trials);
    importanceChart(app.querySelector('#importance'), study, trials);
    drawContour();
    parallelChart(app.querySelector('#parallel'), study, trials);
    sliceCharts(app.querySelector('#slices'), study, trials);
  }
  async function loadCurves() {
    const key = `${study.objective.goal === 'maximize' ? '-' : ''}${study.objective.metric}`;
    const best = await get(`studies/${study.id}/trials${query({ sort: key, limit: 20, measurements: true })}`, leaving.signal);
    if (!alive) return;
    curvesChart(app.querySelector('#curves'), study, best.trials);
  }
  // First paint: the summary and the table's first page; the plots (every trial) follow.
  await table.reload();
  document.body.dataset.firstPaintMs = String(Math.round(performance.now() - t0));
  // Not awaited: the page is live (events, forms) while the plots load.
  loadPlots()
    .then(() => { document.body.dataset.plotsMs = String(Math.round(performance.now() - t0)); })
    .then(loadCurves)
    .then(() => { document.body.dataset.curvesMs = String(Math.round(performance.now() - t0)); })
    .catch(() => {});

  app.querySelector('#conclude').addEventListener('submit', async (e) => {
    e.preventDefault();
    const err = app.querySelector('#conclude .form-error');
    err.textContent = '';
    try {
      study = await post(`studies/${study.id}/conclusion`, { text: e.target.text.value });
      app.querySelector('#conclusion').textContent = study.conclusion;
      e.target.text.value = '';
    } catch (x) {
      err.textContent = x instanceof ApiError && x.status === 403 ? `refused: ${x.message}` : x.message;
    }
  });

  let timer = null;
  let last = 0;
  const refresh = () => {
    timer = null;
    last = Date.now();
    Promise.all([loadPlots(), table.refresh(), loadCurves()]).catch(() => {});
  };
  const stop = watchStudy(study.id, (s) => {
    study = { ...study, ...s };
    app.querySelector('#summary-box').innerHTML = summary(study);
    if (!timer) timer = setTimeout(refresh, Math.max(0, 2000 - (Date.now() - last)));
  }, (state) => { app.querySelector('#live').textContent = state === 'live' ? '● live' : state; });
  return () => {
    alive = false;
    leaving.abort();
    stop();
    if (timer) clearTimeout(timer);
    disposeAll();
  };
}
