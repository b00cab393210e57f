// Browser test of a long runs table (issue 14): past WINDOW_ABOVE runs the table keeps only the rows near the view in
// the page (runsTable.ts), so it must still show every run when scrolled, keep its scroll height, filter down to one
// plain row, and select a run found far down. The real `mlts ui` serves a store of 1,200 seeded runs; headless
// Chromium loads the page. Waits are for page conditions, not time.
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchBrowser } from '../e2e/harness/workbench';
import { buildDashboardAssets, RESULTS, SeededStore, seedRun, startUi } from './dashboardFixtures';

const RUNS = 1200;
/** The run given BATCH_POINTS batch points, over MIN_POINTS_PER_RUN (runFeed.ts), a run's least share of the budget. */
const THINNED = 7;
const BATCH_POINTS = 5000;
/** runsTable.ts's WINDOW_ABOVE: past this many shown runs only a window of rows is in the page. */
const WINDOW_ABOVE = 300;
let browser: Browser;
let ui: Awaited<ReturnType<typeof startUi>>;
let store: SeededStore;

const idOf = (i: number) => `20261205-${String(200000 + i)}-long-${(0xa00000 + i).toString(16)}`;

before(async () => {
  const assets = await buildDashboardAssets('dashboard-long-table');
  store = new SeededStore(join(RESULTS, 'dashboard-long-table', 'store'));
  for (let i = 0; i < RUNS; i++) seedRun(store, { id: idOf(i), status: 'finished', params: { lr: [0.001, 0.01, 0.1][i % 3]! }, epochs: 2, seed: i + 1 });
  // One run logged every batch: more points than its share of the server's point budget at 1,200 runs.
  appendFileSync(store.metricsPath(idOf(THINNED)), Array.from({ length: BATCH_POINTS }, (_, i) => JSON.stringify({ kind: 'batch', t: 1.76e12 + i, step: 1, batch: i, fit: 0, values: { loss: 1 / (1 + i) } }) + '\n').join(''));
  ui = await startUi(store.root, assets);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await ui?.stop();
});

const rowIds = (page: Page) => page.locator('table.runs tbody tr[data-run-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run-id')!));

test('a table of 1,200 runs renders a window of rows, scrolls through all of them, filters and selects', async () => {
  const page = await (await browser.newContext({ viewport: { width: 1300, height: 1000 } })).newPage();
  page.setDefaultTimeout(60_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(ui.url);
  await page.locator('.summary').filter({ hasText: `${RUNS} of ${RUNS} runs` }).waitFor();
  // With none selected the charts draw the first 100 runs listed, and say so.
  await page.locator('.chart[data-metric="loss"][data-runs="100"]').waitFor();
  assert.match((await page.locator('.charts-note').textContent()) ?? '', /first 100 of 1,200 runs, in table order/);
  const first = await rowIds(page);
  assert.ok(first.length > 10 && first.length < WINDOW_ABOVE, `rows in the page: ${first.length}`);

  // The spacers keep the full scroll height: scrolled to the bottom, the last rows are there and the bottom spacer is empty.
  const wrap = page.locator('.runs-wrap');
  const scrollHeight = await wrap.evaluate((e) => e.scrollHeight);
  assert.ok(scrollHeight > RUNS * 15, `scroll height ${scrollHeight} px for ${RUNS} rows`);
  await wrap.evaluate((e) => (e.scrollTop = e.scrollHeight));
  // A locator, not a page function: the page's nonce CSP forbids evaluating strings there.
  await page.locator('table.runs tbody tr.spacer:last-child td[style*="height: 0px"]').waitFor({ state: 'attached' });
  const last = await rowIds(page);
  assert.ok(last.length < WINDOW_ABOVE);
  assert.equal(new Set([...first, ...last]).size, first.length + last.length, 'the bottom window holds other runs than the top one');
  const allIds = new Set(store.ids);
  for (const id of last) assert.ok(allIds.has(id));

  // A run far down is selected by a click there, and the chart draws it alone.
  const far = last.at(-1)!;
  await page.locator(`table.runs tbody tr[data-run-id="${far}"]`).click();
  await page.locator(`table.runs tbody tr.selected[data-run-id="${far}"]`).waitFor();
  await page.locator('.chart[data-metric="loss"][data-runs="1"]').waitFor();

  // Filtered down to one run, the table is a plain table again: one row, no spacers.
  await page.locator('.clear-selection').click();
  await page.locator('vscode-textfield.filter input').fill(far.slice(-6));
  await page.locator('.summary').filter({ hasText: `1 of ${RUNS} runs` }).waitFor();
  assert.deepEqual(await rowIds(page), [far]);
  assert.equal(await page.locator('table.runs tbody tr.spacer').count(), 0);
  assert.deepEqual(errors, []);
});

test('a chart says how many of the points in the runs\' files it shows when the server thinned them', async () => {
  const page = await (await browser.newContext({ viewport: { width: 1300, height: 1000 }, acceptDownloads: true })).newPage();
  page.setDefaultTimeout(60_000);
  await page.goto(ui.url);
  await page.locator('vscode-textfield.filter input').fill(idOf(THINNED).slice(-6));
  await page.locator('.summary').filter({ hasText: `1 of ${RUNS} runs` }).waitFor();
  await page.locator('.charts-note').waitFor({ state: 'hidden' });
  const chart = page.locator('.chart[data-metric="loss · batch"][data-runs="1"]');
  await chart.waitFor();
  const total = Number(await chart.getAttribute('data-points-total'));
  const shown = Number(await chart.getAttribute('data-points-shown'));
  assert.equal(total, BATCH_POINTS, 'the total counts the points in metrics.jsonl, not the ones the server kept');
  assert.ok(shown > 0 && shown < BATCH_POINTS, `shown ${shown}`);
  assert.equal(await chart.locator('.chart-points').textContent(), `${shown.toLocaleString('en-US')} of ${BATCH_POINTS.toLocaleString('en-US')} points shown`);
  assert.match((await chart.locator('.chart-points').getAttribute('title')) ?? '', /the host holds [\d,]+ of the 5,000 points/);
  // An epoch chart of two points draws both.
  assert.equal(await page.locator('.chart[data-metric="loss"] .chart-points').textContent(), '2 points');

  // The CSV has every point of the file, not the held ones.
  const [download] = await Promise.all([page.waitForEvent('download'), chart.locator('button.chart-action', { hasText: 'CSV' }).click()]);
  assert.equal(download.suggestedFilename(), 'loss_batch.csv');
  const csv = readFileSync((await download.path())!, 'utf8').trimEnd().split('\n');
  assert.equal(csv[0], 'run,kind,fit,step,batch,time,value');
  assert.equal(csv.length, 1 + BATCH_POINTS);
  assert.equal(csv[1], `${idOf(THINNED)},batch,0,1,0,${new Date(1.76e12).toISOString()},1`);
  assert.equal(csv.at(-1), `${idOf(THINNED)},batch,0,1,${BATCH_POINTS - 1},${new Date(1.76e12 + BATCH_POINTS - 1).toISOString()},${1 / BATCH_POINTS}`);

  // Zoomed to the middle third, the chart takes that stretch of the file at full resolution: about 1,667 points in
  // place of the third of the held ones there (and draws them per pixel column of the zoomed chart).
  const heldBefore = Number(await chart.getAttribute('data-points-held'));
  const over = chart.locator('.u-over');
  const box = (await over.boundingBox())!;
  await page.mouse.move(box.x + box.width / 3, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + (box.width * 2) / 3, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await page.locator('.chart[data-metric="loss · batch"][data-zoomed="true"]').waitFor();
  const zoomedHeld = await countWhen(chart, 'data-points-held', { above: heldBefore + 1000 });
  assert.ok(zoomedHeld < heldBefore + 1667, `held while zoomed ${zoomedHeld}`);
  assert.ok(Number(await chart.getAttribute('data-points-shown')) < zoomedHeld, 'only the zoomed stretch is drawn');
  // A double click zooms back out to the held points.
  await over.dblclick();
  await page.locator('.chart[data-metric="loss · batch"][data-zoomed="false"]').waitFor();
  await countWhen(chart, 'data-points-held', { equals: heldBefore });
  await countWhen(chart, 'data-points-shown', { equals: shown });
});

/**
 * The chart's count `attribute` once it is above or equal to the given number: the page is watched for the attribute
 * changing (a page function, which the CSP allows; an evaluated string it refuses), with playwright's timeout.
 */
async function countWhen(chart: Locator, attribute: string, want: { above: number } | { equals: number }): Promise<number> {
  // No named functions inside: tsx would wrap them in a helper (__name) that the page does not have.
  return chart.evaluate(
    (element, [name, wanted]) =>
      new Promise<number>((resolve) => {
        // The test's TypeScript has no DOM library; the page has the class.
        const Observer = (globalThis as unknown as { MutationObserver: new (callback: () => void) => { observe(target: unknown, options: object): void; disconnect(): void } }).MutationObserver;
        const reached = { done: false };
        const observer = new Observer(() => {
          const n = Number(element.getAttribute(name));
          if (reached.done || !('above' in wanted ? n > wanted.above : n === wanted.equals)) return;
          reached.done = true;
          observer.disconnect();
          resolve(n);
        });
        observer.observe(element, { attributes: true, attributeFilter: [name] });
        // Already there: touch the attribute so the observer looks once now.
        element.setAttribute(name, element.getAttribute(name) ?? '');
      }),
    [attribute, want] as const,
  );
}
