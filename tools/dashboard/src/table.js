// The trial table: filter (the `--where` language, evaluated by the server), sort (click a header; the
// server sorts), a column chooser (remembered per study), and virtual scrolling: only the rows in view
// exist in the page, and pages of PAGE rows are fetched as they come into view.
import { get, query } from './api.js';
import { esc, duration, num } from './format.js';

const ROW = 28;
const PAGE = 500;

function columnsOf(study, names) {
  const cols = [{ key: 'id', label: 'id' }, { key: 'state', label: 'state' }];
  for (const p of names.parameters) cols.push({ key: `p:${p}`, label: p, sort: p });
  for (const m of names.metrics) cols.push({ key: `m:${m}`, label: m, sort: m });
  cols.push({ key: 'runtime_seconds', label: 'runtime', sort: 'runtime' }, { key: 'worker', label: 'worker' },
    { key: 'notes', label: 'notes' }, { key: 'reason', label: 'reason' });
  return cols.map((c) => ({ sort: c.key, ...c }));
}

function cell(c, t) {
  if (c.key.startsWith('p:')) return esc(num(t.params[c.key.slice(2)]));
  if (c.key.startsWith('m:')) return esc(num(t.metrics[c.key.slice(2)]));
  if (c.key === 'runtime_seconds') return duration(t.runtime_seconds);
  if (c.key === 'state') return `<span class="state ${esc(t.state)}">${esc(t.state)}</span>`;
  if (c.key === 'id') return `<a href="#/study/${t.study}/trial/${t.id}">${t.id}</a>`;
  return esc(t[c.key] ?? '');
}

export class TrialTable {
  constructor(el, study) {
    this.el = el;
    this.study = study;
    this.where = '';
    this.sort = '';
    this.pages = new Map();
    this.pending = new Set();
    this.matched = 0;
    this.columns = [];
    this.hidden = new Set(JSON.parse(localStorage.getItem(`hyperlab.hidden.${study.id}`) || '["reason","worker"]'));
    el.innerHTML = `<form class="filter"><input name="where" placeholder="filter, e.g. value < 10 and opt = adam" size="50">
      <button>Filter</button> <span class="count muted"></span> <span class="where-error error"></span>
      <details class="chooser"><summary>Columns</summary><div class="choices"></div></details>
      <div class="names small muted"></div></form>
      <div class="table-head"></div><div class="viewport"><div class="spacer"><div class="rows"></div></div></div>`;
    this.viewport = el.querySelector('.viewport');
    this.viewport.addEventListener('scroll', () => this.renderRows());
    el.querySelector('form').addEventListener('submit', (e) => {
      e.preventDefault();
      this.where = el.querySelector('input[name=where]').value;
      this.reload();
    });
  }

  async reload() {
    this.pages.clear();
    this.pending = new Set();
    this.el.querySelector('.where-error').textContent = '';
    try {
      await this.fetchPage(0);
    } catch (e) {
      this.el.querySelector('.where-error').textContent = `${e.field ? `${e.field}: ` : ''}${e.message}`;
      this.matched = 0;
    }
    this.render();
  }

  // Refetches the pages in view (live updates), keeping the scroll position.
  async refresh() {
    const first = Math.floor(this.viewport.scrollTop / ROW / PAGE);
    this.pages.clear();
    this.pending = new Set();
    try {
      await this.fetchPage(first);
    } catch {
      return;
    }
    this.render();
  }

  async fetchPage(n) {
    const r = await get(`studies/${this.study.id}/trials${query({ where: this.where, sort: this.sort, offset: n * PAGE, limit: PAGE })}`);
    r.trials.forEach((t) => { t.study = this.study.id; });
    this.pages.set(n, r.trials);
    this.matched = r.matched;
    this.total = r.total;
    if (!this.columns.length) {
      this.setColumns(columnsOf(this.study, r));
      this.el.querySelector('.names').textContent = `The --where language of hyperlab trials: <, <=, =, !=, >=, >, in (...), and, or, not. `
        + `Names: ${[...r.parameters, ...r.metrics].join(', ')}; id, state, worker, attempt, runtime, started, ended, reason, notes.`;
    }
  }

  setColumns(cols) {
    this.columns = cols;
    const choices = this.el.querySelector('.choices');
    choices.innerHTML = cols.map((c) => `<label><input type="checkbox" value="${esc(c.key)}" ${this.hidden.has(c.key) ? '' : 'checked'}> ${esc(c.label)}</label>`).join('');
    choices.addEventListener('change', (e) => {
      if (e.target.checked) this.hidden.delete(e.target.value);
      else this.hidden.add(e.target.value);
      localStorage.setItem(`hyperlab.hidden.${this.study.id}`, JSON.stringify([...this.hidden]));
      this.render();
    });
  }

  visible() {
    return this.columns.filter((c) => !this.hidden.has(c.key));
  }

  render() {
    const cols = this.visible();
    const template = `grid-template-columns: ${cols.map((c) => (c.key === 'reason' ? 'minmax(200px, 3fr)' : 'minmax(70px, 1fr)')).join(' ')}`;
    const head = this.el.querySelector('.table-head');
    head.setAttribute('style', template);
    head.innerHTML = cols.map((c) => {
      const mark = this.sort === c.sort ? ' ▲' : this.sort === `-${c.sort}` ? ' ▼' : '';
      return `<button class="th" data-sort="${esc(c.sort)}">${esc(c.label)}${mark}</button>`;
    }).join('');
    head.querySelectorAll('.th').forEach((b) => b.addEventListener('click', () => {
      const key = b.dataset.sort;
      this.sort = this.sort === key ? `-${key}` : key;
      this.reload();
    }));
    this.el.querySelector('.count').textContent = `${this.matched} of ${this.total ?? 0} trials`;
    this.el.querySelector('.spacer').style.height = `${this.matched * ROW}px`;
    this.template = template;
    this.renderRows();
  }

  // Only the rows in view (and 10 either side) exist; called on every scroll.
  renderRows() {
    const started = performance.now();
    const cols = this.visible();
    const template = this.template;
    if (!this.alive()) return;
    const top = this.viewport.scrollTop;
    const first = Math.max(0, Math.floor(top / ROW) - 10);
    const last = Math.min(this.matched, Math.ceil((top + this.viewport.clientHeight) / ROW) + 10);
    const rows = [];
    for (let i = first; i < last; i++) {
      const page = this.pages.get(Math.floor(i / PAGE));
      const t = page && page[i % PAGE];
      if (!t) {
        this.want(Math.floor(i / PAGE));
        rows.push(`<div class="tr loading" style="top:${i * ROW}px;${template}"><span>…</span></div>`);
        continue;
      }
      rows.push(`<div class="tr" data-trial="${t.id}" style="top:${i * ROW}px;${template}">${cols.map((c) => `<span>${cell(c, t)}</span>`).join('')}</div>`);
    }
    this.el.querySelector('.rows').innerHTML = rows.join('');
    // How long the last rows took to build (the scale test reads it).
    this.el.dataset.renderMs = (performance.now() - started).toFixed(2);
  }

  alive() {
    return this.el.isConnected;
  }

  want(n) {
    if (this.pending.has(n) || this.pages.has(n)) return;
    this.pending.add(n);
    this.fetchPage(n).then(() => this.renderRows()).catch(() => {}).finally(() => this.pending.delete(n));
  }
}
