// The JSON API (docs/dashboard.md) as the pages use it: the bearer token from the login form, kept in
// sessionStorage (gone when the tab closes), sent on every request; errors as ApiError with the field the
// server named. Live updates read the server-sent event stream through fetch, because EventSource cannot
// send an Authorization header.
const TOKEN_KEY = 'hyperlab.token';

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || '';
    this.field = e.field || '';
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

function headers(extra = {}) {
  const h = { Accept: 'application/json', ...extra };
  const t = token();
  if (t) h.Authorization = `Bearer ${t}`;
  return h;
}

async function call(method, path, body, signal) {
  const init = { method, headers: headers(body ? { 'Content-Type': 'application/json' } : {}), signal };
  if (body) init.body = JSON.stringify(body);
  const response = await fetch(`/api/v1/${path}`, init);
  let json = null;
  try {
    json = await response.json();
  } catch {
    json = null;
  }
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

// `signal` (an AbortSignal, optional) cancels the request: a page leaving drops what it no longer needs.
export const get = (path, signal) => call('GET', path, undefined, signal);
export const post = (path, body) => call('POST', path, body);

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

// Calls onEvent(studyJson) for every `study` event of the study until the returned function is called;
// reconnects after the server ends a stream (it does every minute) or a network error.
export function watchStudy(id, onEvent, onState = () => {}) {
  let stopped = false;
  let controller = null;
  async function loop() {
    while (!stopped) {
      controller = new AbortController();
      try {
        const response = await fetch(`/api/v1/studies/${encodeURIComponent(id)}/events`, {
          headers: headers({ Accept: 'text/event-stream' }),
          signal: controller.signal,
        });
        if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => null));
        onState('live');
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let event = 'message';
            let data = '';
            for (const line of block.split('\n')) {
              if (line.startsWith('event: ')) event = line.slice(7);
              else if (line.startsWith('data: ')) data += line.slice(6);
            }
            if (event === 'study' && data) onEvent(JSON.parse(data));
          }
        }
      } catch (e) {
        if (stopped) return;
        onState(e instanceof ApiError ? `live updates refused: ${e.message}` : 'reconnecting');
      }
      if (!stopped) await new Promise((r) => setTimeout(r, 1000));
    }
  }
  loop();
  return () => {
    stopped = true;
    if (controller) controller.abort();
  };
}
