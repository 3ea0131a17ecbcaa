// Workers: who is connected, their slots and executors, when each was last seen (lost after a lease
// timeout), the trials they hold, and drain/undrain (an admin token). Refreshed every 3 s.
import { ApiError, get, post } from '../api.js';
import { esc, html, time } from '../format.js';

function row(w) {
  const leases = w.leases.map((l) => `<a href="#/study/${l.study}/trial/${l.trial}">${l.study}/${l.trial}</a>`).join(' ');
  const state = w.lost ? '<span class="state FAILED">lost</span>' : w.draining ? '<span class="state PAUSED">draining</span>' : '<span class="state ACTIVE">active</span>';
  return `<tr><td><code>${esc(w.id)}</code></td><td>${esc(w.host)}</td><td>${state}</td><td>${w.slots}</td>
    <td>${esc(w.executors.join(', '))}</td><td class="small">${time(w.last_seen)}</td><td>${leases || '<span class="muted">none</span>'}</td>
    <td><button class="drain" data-id="${esc(w.id)}" data-drain="${w.draining ? 'false' : 'true'}">${w.draining ? 'Undrain' : 'Drain'}</button></td></tr>`;
}

export async function workersPage(app) {
  let message = '';
  async function render() {
    const r = await get('workers');
    app.replaceChildren(html(`<section class="card"><h1>Workers</h1>
      <p class="muted small">A worker not seen for ${r.lease_timeout_ms / 1000} s has lost its leases. Draining (admin token) gives a worker no new trials; its running ones finish.</p>
      <p class="error" id="workers-error">${esc(message)}</p>
      <table class="grid" id="workers"><thead><tr><th>Worker</th><th>Host</th><th>State</th><th>Slots</th><th>Executors</th><th>Last seen (UTC)</th><th>Trials held</th><th></th></tr></thead>
      <tbody>${r.workers.map(row).join('') || '<tr><td colspan="8" class="muted">No worker has registered.</td></tr>'}</tbody></table></section>`));
    app.querySelectorAll('.drain').forEach((b) => b.addEventListener('click', async () => {
      try {
        await post(`workers/${encodeURIComponent(b.dataset.id)}/drain`, { drain: b.dataset.drain === 'true' });
        message = '';
      } catch (e) {
        message = e instanceof ApiError && e.status === 403 ? `refused: ${e.message}` : e.message;
      }
      render().catch(() => {});
    }));
  }
  await render();
  const timer = setInterval(() => render().catch(() => {}), 3000);
  return () => clearInterval(timer);
}
