// The single page: a hash router over the four pages, and the login form that keeps the bearer token.
import './style.css';
import { ApiError, setToken, token } from './api.js';
import { esc, html } from './format.js';
import { studiesPage } from './pages/studies.js';
import { studyPage } from './pages/study.js';
import { trialPage } from './pages/trial.js';
import { workersPage } from './pages/workers.js';

const app = document.getElementById('app');
let cleanup = null;

function loginForm(message) {
  app.replaceChildren(
    html(`<form id="login" class="card login">
      <h2>Sign in</h2>
      <p class="muted">${esc(message || 'This coordinator asks for a token (a line of its --auth-tokens file).')}</p>
      <input id="token" type="password" autocomplete="off" placeholder="bearer token" size="40">
      <button type="submit">Sign in</button>
      <p class="muted small">Kept in this tab's session storage only; sent as <code>Authorization: Bearer</code>.</p>
    </form>`),
  );
  app.querySelector('#login').addEventListener('submit', (e) => {
    e.preventDefault();
    setToken(app.querySelector('#token').value.trim());
    route();
  });
}

function showWho() {
  const who = document.getElementById('who');
  who.replaceChildren();
  if (!token()) return;
  const out = html('<a href="#/" id="signout">Sign out</a>');
  out.addEventListener('click', (e) => {
    e.preventDefault();
    setToken('');
    route();
  });
  who.append(out);
}

export function fail(error) {
  if (error instanceof ApiError && error.status === 401) return loginForm(error.message);
  app.replaceChildren(html(`<div class="card error" id="page-error">${esc(error.message || error)}</div>`));
}

async function route() {
  if (cleanup) cleanup();
  cleanup = null;
  showWho();
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  try {
    if (parts[0] === 'workers') cleanup = await workersPage(app);
    else if (parts[0] === 'study' && parts[1] && parts[2] === 'trial' && parts[3]) cleanup = await trialPage(app, parts[1], parts[3]);
    else if (parts[0] === 'study' && parts[1]) cleanup = await studyPage(app, parts[1]);
    else cleanup = await studiesPage(app);
  } catch (e) {
    fail(e);
  }
}

window.addEventListener('hashchange', route);
route();
