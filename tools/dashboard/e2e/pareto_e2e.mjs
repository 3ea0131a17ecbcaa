// The study page's Pareto chart in a real browser (run by tests/integration/dashboard_browser_test.py):
//   node pareto_e2e.mjs URL READ_TOKEN STUDY SINGLE_OBJECTIVE_STUDY [SCREENSHOT_DIR]
// STUDY has three objectives and a constraint. Checks that the chart is drawn (a canvas), that its front
// points are exactly the server's `pareto_front`, that the objective pair can be changed, that clicking a
// front point opens that trial's page, and that a study with one objective has no Pareto chart. Prints one
// JSON line {"front": [ids], "drawn": n, "infeasible": n}; exits 1 with the reason on the first failure.
import { chromium } from 'playwright-core';

const [url, readToken, study, single, shots] = process.argv.slice(2);
if (!url || !readToken || !study || !single) {
  console.error('usage: node pareto_e2e.mjs URL READ_TOKEN STUDY SINGLE_OBJECTIVE_STUDY [SCREENSHOT_DIR]');
  process.exit(2);
}

function expect(condition, what) {
  if (!condition) throw new Error(`expected: ${what}`);
}

async function api(path) {
  const r = await fetch(`${url}/api/v1/${path}`, { headers: { Authorization: `Bearer ${readToken}` } });
  return r.json();
}

const sameSet = (a, b) => a.length === b.length && [...a].sort((x, y) => x - y).every((v, i) => v === [...b].sort((x, y) => x - y)[i]);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
let step = 'start';
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.setDefaultTimeout(60000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));

  step = 'The study page draws the Pareto chart.';
  await page.goto(`${url}/#/study/${study}`);
  await page.waitForSelector('#login');
  await page.fill('#token', readToken);
  await page.click('#login button');
  await page.waitForSelector('#pareto canvas');
  await page.waitForFunction(() => document.querySelector('#pareto').pareto?.drawn > 0);
  const server = await api(`studies/${study}/trials?limit=10000`);
  const succeeded = server.trials.filter((t) => t.state === 'SUCCEEDED');
  const infeasible = succeeded.filter((t) => t.feasible === false).length;
  expect(server.pareto_front.length > 0, `the server has a front (${server.pareto_front})`);
  const drawn = await page.evaluate(() => ({ front: document.querySelector('#pareto').pareto.front,
    drawn: document.querySelector('#pareto').pareto.drawn }));
  expect(sameSet(drawn.front, server.pareto_front), `the front drawn ${drawn.front} is the server's ${server.pareto_front}`);
  expect(drawn.drawn === succeeded.length, `every succeeded trial drawn (${drawn.drawn} of ${succeeded.length})`);
  expect(server.pareto_front.every((id) => server.trials.find((t) => t.id === id).feasible !== false),
    'no infeasible trial on the front');
  if (shots) {
    await page.locator('#pareto-block').screenshot({ path: `${shots}/pareto.png` });
    await page.screenshot({ path: `${shots}/study-pareto.png`, fullPage: true });
  }

  step = 'Another pair of objectives: the same front (it is over all of them), drawn again.';
  const options = await page.$$eval('#pareto-x option', (os) => os.map((o) => o.textContent));
  expect(options.length === 3, `three objectives to choose from (${options})`);
  const before = await page.evaluate((id) => document.querySelector('#pareto').pareto.pixelOf(id), drawn.front[0]);
  await page.selectOption('#pareto-y', options[2]);
  await page.waitForFunction(([id, b]) => {
    const p = document.querySelector('#pareto').pareto.pixelOf(id);
    return p && (p[0] !== b[0] || p[1] !== b[1]);
  }, [drawn.front[0], before]);
  const again = await page.evaluate(() => document.querySelector('#pareto').pareto.front);
  expect(sameSet(again, server.pareto_front), `the front is the same in another pair (${again})`);
  if (shots) await page.locator('#pareto-block').screenshot({ path: `${shots}/pareto-other-pair.png` });

  step = "Clicking a front point opens that trial's page.";
  const target = drawn.front[0];
  const [px, py] = await page.evaluate((id) => document.querySelector('#pareto').pareto.pixelOf(id), target);
  const box = await page.locator('#pareto').boundingBox();
  await page.mouse.click(box.x + px, box.y + py);
  await page.waitForFunction((id) => location.hash.endsWith(`/trial/${id}`), target);
  await page.waitForSelector('#add-note');
  expect((await page.textContent('h1')).includes(`trial ${target}`), `the trial page names trial ${target}`);

  step = 'A study with one objective has no Pareto chart.';
  await page.goto(`${url}/#/study/${single}`);
  await page.waitForSelector('#history canvas');
  expect(await page.locator('#pareto').count() === 0, 'no #pareto on a single-objective study');
  if (shots) {
    await page.waitForSelector('#parallel canvas');
    await page.locator('#parallel').screenshot({ path: `${shots}/parallel-conditional.png` });
  }
  expect(errors.length === 0, `no script error in the page: ${errors.join('; ')}`);
  console.log(JSON.stringify({ front: drawn.front, drawn: drawn.drawn, infeasible }));
} catch (e) {
  console.error(`pareto_e2e: at step '${step}': ${e.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
