// The studies list: state, objective and direction, progress, best value, tags; refreshed every 5 s.
import { get, query } from '../api.js';
import { esc, html, num, time } from '../format.js';

function progress(s) {
  const done = s.counts.succeeded + s.counts.failed + s.counts.stopped + s.counts.infeasible + s.counts.cancelled;
  const planned = s.planned || s.max_trials || s.counts.total || 1;
  const pct = Math.min(100, Math.round((100 * done) / planned));
  return `<div class="bar" title="${done} of ${planned} done, ${s.counts.running} running"><span style="width:${pct}%"></span></div>
    <span class="small">${done}/${planned}${s.counts.running ? ` · ${s.counts.running} running` : ''}</span>`;
}

function row(s) {
  const arrow = s.objective.goal === 'maximize' ? '↑' : '↓';
  const best = s.best ? `${num(s.best.value)} <a class="small" href="#/study/${s.id}/trial/${s.best.trial}">#${s.best.trial}</a>` : '—';
  return `<tr class="study-row" data-id="${s.id}">
    <td><a href="#/study/${s.id}">${esc(s.name)}</a><div class="small muted">${esc(s.hypothesis)}</div></td>
    <td><span class="state ${esc(s.state)}">${esc(s.state)}</span></td>
    <td>${esc(s.objective.metric)} ${arrow} <span class="small muted">${esc(s.objective.goal)}</span></td>
    <td>${progress(s)}</td>
    <td>${best}</td>
    <td>${s.tags.map((t) => `<a class="tag" href="#/?tag=${encodeURIComponent(t)}">${esc(t)}</a>`).join(' ')}</td>
    <td class="small">${time(s.created)}</td>
  </tr>`;
}

export async function studiesPage(app) {
  const tag = new URLSearchParams(location.hash.split('?')[1] || '').get('tag') || '';
  async function render() {
    const { studies } = await get(`studies${query({ tag })}`);
    studies.sort((a, b) => b.id - a.id);
    const body = studies.length ? studies.map(row).join('') : '<tr><td colspan="7" class="muted">No study yet: <code>hyperlab study submit FILE</code>.</td></tr>';
    app.replaceChildren(html(`<section class="card">
      <h1>Studies${tag ? ` tagged <span class="tag">${esc(tag)}</span> <a class="small" href="#/">all</a>` : ''}</h1>
      <table class="grid" id="studies"><thead><tr><th>Study</th><th>State</th><th>Objective</th><th>Progress</th><th>Best</th><th>Tags</th><th>Created (UTC)</th></tr></thead>
      <tbody>${body}</tbody></table></section>`));
  }
  await render();
  const timer = setInterval(() => render().catch(() => {}), 5000);
  return () => clearInterval(timer);
}
