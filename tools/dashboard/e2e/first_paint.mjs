// The study page at scale, in a real browser (Debian's chromium through playwright-core): opens the study
// `STUDY` three times and measures the first paint (summary and the table's first page; what the page
// records in body[data-first-paint-ms]), the third time also until every plot is drawn, then scrolls the trial
// table (virtual scrolling) 10 rows per animation frame for 100 frames and measures the frame times and
// the time the table's code took to build the rows in view each time, and
// checks the last trial's row appears at the bottom. Prints one JSON line; run by
// tests/integration/dashboard_scale_test.py:
//   node first_paint.mjs URL STUDY TOKEN [SCREENSHOT]
import { chromium } from 'playwright-core';

const [url, study, token, shot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const out = { first_paint_ms: [] };
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.setDefaultTimeout(30000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${url}/`);
  await page.evaluate((t) => sessionStorage.setItem('hyperlab.token', t), token);
  for (let i = 0; i < 3; i++) {
    await page.goto(`${url}/#/`);
    await page.waitForSelector('#studies');
    await page.goto(`${url}/#/study/${study}`);
    await page.waitForFunction(() => document.body.dataset.firstPaintMs);
    out.first_paint_ms.push(Number(await page.evaluate(() => document.body.dataset.firstPaintMs)));
    if (i === 2) {
      await page.waitForFunction(() => document.body.dataset.curvesMs);
      out.plots_ms = Number(await page.evaluate(() => document.body.dataset.plotsMs));
    }
    await page.evaluate(() => { delete document.body.dataset.firstPaintMs; delete document.body.dataset.plotsMs; });
  }
  if (shot) await page.screenshot({ path: shot, fullPage: true });
  const scroll = await page.evaluate(async () => {
    const v = document.querySelector('#table .viewport');
    const table = document.querySelector('#table');
    const frames = [];
    const builds = [];
    let last = performance.now();
    for (let i = 0; i < 100; i++) {
      v.scrollTop += 280;
      await new Promise((r) => requestAnimationFrame(r));
      const now = performance.now();
      frames.push(now - last);
      builds.push(Number(table.dataset.renderMs));
      last = now;
    }
    const stats = (xs) => {
      xs.sort((a, b) => a - b);
      const q = (p) => Math.round(10 * xs[Math.floor(p * (xs.length - 1))]) / 10;
      return { median: q(0.5), p95: q(0.95), max: q(1) };
    };
    return { frame_ms: stats(frames), rows_build_ms: stats(builds) };
  });
  out.scroll = scroll;
  // The end of the table: its last row is there once its page has been fetched.
  const total = await page.evaluate(() => Number(document.querySelector('#table .count').textContent.match(/^(\d+)/)[1]));
  await page.evaluate(() => { const v = document.querySelector('#table .viewport'); v.scrollTop = v.scrollHeight; });
  await page.waitForSelector(`#table .tr[data-trial="${total - 1}"]`);
  out.trials = total;
  out.errors = errors;
  console.log(JSON.stringify(out));
} catch (e) {
  console.error(`first_paint: ${e.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
