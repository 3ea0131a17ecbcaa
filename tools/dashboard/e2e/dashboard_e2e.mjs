// End-to-end check of the dashboard in a real browser (Debian's chromium, headless, driven by
// playwright-core from npm; no browser is downloaded). Run by tests/integration/dashboard_browser_test.py
// against a real coordinator whose study `live` is running:
//   node dashboard_e2e.mjs URL READ_TOKEN SUBMIT_TOKEN [SCREENSHOT_DIR]
// Signs in with the read token, sees the study list, opens the study and sees its trial count rise
// without a reload, filters the table with a `--where` expression (and sees a bad one refused), opens a
// trial, is refused a note with the read token, signs in with the submit token and adds one. Prints one
// JSON line of timings; exits 1 with the reason on the first failed expectation.
import { chromium } from 'playwright-core';

const [url, readToken, submitToken, shots] = process.argv.slice(2);
if (!url || !readToken || !submitToken) {
  console.error('usage: node dashboard_e2e.mjs URL READ_TOKEN SUBMIT_TOKEN [SCREENSHOT_DIR]');
  process.exit(2);
}

function expect(condition, what) {
  if (!condition) throw new Error(`expected: ${what}`);
}

async function api(path, token) {
  const r = await fetch(`${url}/api/v1/${path}`, { headers: { Authorization: `Bearer ${token}` } });
  return r.json();
}

async function signIn(page, token) {
  await page.waitForSelector('#login');
  await page.fill('#token', token);
  await page.click('#login button');
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const timings = {};
let step = 'start';
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  // Generous waits: on a loaded 2-core machine (a build beside the test suite) pages and trials are slow.
  page.setDefaultTimeout(90000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));

  // Without a token the API answers 401 and the page asks for one.
  step = 'Without a token the API answers 401 and the page asks for one.';
  await page.goto(`${url}/`);
  await signIn(page, readToken);
  const row = page.locator('#studies tr.study-row', { hasText: 'live' });
  await row.waitFor();
  expect((await row.textContent()).includes('value'), 'the study row shows its objective');
  if (shots) await page.screenshot({ path: `${shots}/studies.png` });

  // The study page; the trial count rises while we watch (server-sent events, no reload).
  step = 'The study page; the trial count rises while we watch (server-sent events, no reload).';
  const navigations = [];
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigations.push(f.url()); });
  const t0 = Date.now();
  await row.locator('a').first().click();
  await page.waitForSelector('#trial-count');
  await page.waitForFunction(() => document.body.dataset.firstPaintMs);
  timings.study_first_paint_ms = Number(await page.evaluate(() => document.body.dataset.firstPaintMs));
  timings.study_click_to_paint_ms = Date.now() - t0;
  const succeeded = async () => Number((await page.textContent('#summary')).match(/(\d+) succeeded/)[1]);
  const before = await succeeded();
  const reloadsBefore = navigations.filter((u) => !u.includes('#')).length;
  await page.waitForFunction((n) => {
    const m = document.querySelector('#summary')?.textContent.match(/(\d+) succeeded/);
    return m && Number(m[1]) > n;
  }, before, { timeout: 90000 });
  timings.succeeded_before = before;
  timings.succeeded_after = await succeeded();
  expect(navigations.filter((u) => !u.includes('#')).length === reloadsBefore, 'no reload while the count rose');
  expect(await page.locator('#history canvas').count() > 0, 'the history is drawn');
  expect(await page.locator('#parallel canvas').count() > 0, 'the parallel coordinates are drawn');
  // A slice per parameter, the conditional `momentum` (only when opt = sgd) too.
  const parameters = (await api('studies/live', readToken)).parameters;
  expect(parameters.some((p) => p.exists_when), 'the study has a conditional parameter');
  const slices = await page.$$eval('#slices .small-chart', (els) => els.filter((e) => e.querySelector('canvas')).length);
  expect(slices === parameters.length, `a slice for each of the ${parameters.length} parameters (${slices} drawn)`);
  expect((await page.textContent('#live')).includes('live'), 'the page says it is live');

  // Filter with the --where language: the server's selection, and a refused expression.
  step = "Filter with the --where language: the server's selection, and a refused expression.";
  // The study is running, so the page's count and a later API answer may differ by the trials finished
  // in between: every row shown must be in the (later, larger) answer, and the counts must agree on the
  // trials that existed when the page asked.
  const where = 'value < 40 and opt = adam';
  const filterBy = async (expression) => {
    await page.fill('#table input[name=where]', expression);
    await page.click('#table .filter button');
  };
  const countShown = () => page.evaluate(() => {
    const m = document.querySelector('#table .count').textContent.match(/^(\d+) of (\d+) trials/);
    return m ? [Number(m[1]), Number(m[2])] : null;
  });
  await filterBy(where);
  // Until the server's answer arrives the count still reads "n of n trials" (unfiltered): wait for the
  // filtered one, fewer than all (a loaded machine answers late; reading early compared the wrong count).
  await page.waitForFunction(() => {
    const m = document.querySelector('#table .count').textContent.match(/^(\d+) of (\d+) trials/);
    return m && Number(m[1]) < Number(m[2]) && document.querySelector('#table .tr[data-trial]');
  });
  const [matched, total] = await countShown();
  const expected = await api(`studies/live/trials?where=${encodeURIComponent(where)}&limit=10000`, readToken);
  const upTo = expected.trials.filter((t) => t.id < total);  // Ids are given in order: the first `total`.
  const shown = await page.$$eval('#table .tr[data-trial]', (rows) => rows.map((r) => Number(r.dataset.trial)));
  const ids = new Set(expected.trials.map((t) => t.id));
  expect(shown.length > 0 && shown.every((id) => ids.has(id)), `the rows shown (${shown}) are the filtered ones`);
  expect(matched > 0 && matched < total && Math.abs(matched - upTo.length) <= 2,
    `the page's count ${matched} of ${total} agrees with the API's ${upTo.length} among the first ${total}`);
  timings.filtered = `${matched} of ${total}`;
  await filterBy('valu < 3');
  await page.waitForFunction(() => document.querySelector('#table .where-error').textContent.includes("unknown name 'valu'"));
  await filterBy(where);
  await page.waitForFunction(() => document.querySelector('#table .where-error').textContent === ''
    && document.querySelector('#table .tr[data-trial]'));
  // Sort by clicking a header (the server sorts: ascending, then descending), and hide a column.
  step = 'Sort by a header, hide a column.';
  const valueColumn = async () => page.$$eval('#table .tr[data-trial]', (rows) => {
    const head = [...document.querySelectorAll('#table .th')].map((b) => b.textContent.replace(/[▲▼ ]/g, ''));
    const at = head.indexOf('value');
    return rows.map((r) => Number(r.children[at].textContent));
  });
  await page.click('#table .th[data-sort="value"]');
  await page.waitForFunction(() => document.querySelector('#table .th[data-sort="value"]').textContent.includes('▲'));
  // An order needs two rows: the filter may match one trial so far; the live table gains more as the study runs.
  await page.waitForFunction(() => document.querySelectorAll('#table .tr[data-trial]').length > 1);
  const ascending = await valueColumn();
  expect(ascending.length > 1 && ascending.every((v, i) => i === 0 || ascending[i - 1] <= v), `ascending values ${ascending}`);
  await page.click('#table .th[data-sort="value"]');
  await page.waitForFunction(() => document.querySelector('#table .th[data-sort="value"]').textContent.includes('▼'));
  const descending = await valueColumn();
  expect(descending.every((v, i) => i === 0 || descending[i - 1] >= v), `descending values ${descending}`);
  await page.click('#table .chooser summary');
  await page.uncheck('#table .choices input[value="p:x2"]');
  await page.waitForFunction(() => ![...document.querySelectorAll('#table .th')].some((b) => b.textContent === 'x2'));
  await page.check('#table .choices input[value="p:x2"]');
  await page.click('#table .chooser summary');
  if (shots) await page.screenshot({ path: `${shots}/study.png`, fullPage: true });

  // A trial's page; a note with the read token is refused.
  step = "A trial's page; a note with the read token is refused.";
  const trialId = shown[0];
  await page.click(`#table .tr[data-trial="${trialId}"] a`);
  await page.waitForSelector('#add-note');
  expect((await page.textContent('h1')).includes(`trial ${trialId}`), 'the trial page names the trial');
  await page.fill('#add-note textarea', 'a note from the read token');
  await page.click('#add-note button');
  await page.waitForFunction(() => document.querySelector('#note-error').textContent.includes('refused'));

  // Signed in with the submit token, the note is added and shown.
  step = 'Signed in with the submit token, the note is added and shown.';
  await page.click('#signout');
  await page.goto(`${url}/#/study/live/trial/${trialId}`);
  await signIn(page, submitToken);
  await page.waitForSelector('#add-note');
  await page.fill('#add-note textarea', 'checked in the browser');
  await page.click('#add-note button');
  await page.waitForFunction(() => document.querySelector('#notes').textContent.includes('checked in the browser'));
  const stored = await api(`studies/live/trials/${trialId}`, readToken);
  expect(stored.notes.some((n) => n.text === 'checked in the browser'), 'the note is stored');
  if (shots) await page.screenshot({ path: `${shots}/trial.png`, fullPage: true });

  // Workers: listed; draining needs admin, so the submit token is refused.
  step = 'Workers: listed; draining needs admin, so the submit token is refused.';
  await page.goto(`${url}/#/workers`);
  await page.waitForSelector('#workers .drain');
  await page.click('#workers .drain');
  await page.waitForFunction(() => document.querySelector('#workers-error').textContent.includes('refused'));
  if (shots) await page.screenshot({ path: `${shots}/workers.png` });
  expect(errors.length === 0, `no script error in the page: ${errors.join('; ')}`);
  console.log(JSON.stringify(timings));
} catch (e) {
  console.error(`dashboard_e2e: at step '${step}': ${e.message}`);
  try {
    const page = browser.contexts()[0].pages()[0];
    console.error(`page: ${page.url()}\n${(await page.textContent('main')).replace(/\s+/g, ' ').slice(0, 1500)}`);
  } catch {}
  process.exitCode = 1;
} finally {
  await browser.close();
}
