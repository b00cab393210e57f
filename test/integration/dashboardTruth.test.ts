// Browser tests for charts and a runs table that tell the truth (issue 14): a metric logged once and a run of one
// epoch draw visible markers without a page error, a bounded metric (accuracy) gets an axis inside [0, 1] while a
// loss keeps its own range, a parameter and a metric of the same name get headers that tell them apart, the unique
// part of each run id (or the run's given name) shows in the table, and the best/min/max/last columns hold the
// values of the seeded curves. The real `mlts ui` serves a store written in the run-store format; headless Chromium
// loads the page. Waits are for page conditions, not time.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../e2e/harness/workbench';
import { buildDashboardAssets, PAGE_PROBES, RESULTS, SeededStore, seedRun, startUi, type ProbeWindow } from './dashboardFixtures';

const SINGLE = '20261205-170408-single-a1a1a1';
const ONE_EPOCH = '20261205-170409-oneepoch-b2b2b2';
const BOUNDED = '20261205-170410-bounded-c3c3c3';
const NAMED = '20261205-170411-food-vision-d4d4d4';
const SIBLING = '20261205-170412-food-vision-e5e5e5';
const T0 = Date.UTC(2026, 11, 5, 17, 4, 8);

let browser: Browser;
let ui: Awaited<ReturnType<typeof startUi>>;
let store: SeededStore;

const line = (kind: 'epoch' | 'log', step: number, t: number, values: Record<string, number>) => JSON.stringify({ kind, t, step, fit: 0, values }) + '\n';

before(async () => {
  const assets = await buildDashboardAssets('dashboard-truth');
  store = new SeededStore(join(RESULTS, 'dashboard-truth', 'store'));
  // `mlts.log({a: 1}, 9)` and nothing else.
  seedRun(store, { id: SINGLE, status: 'finished', params: {}, epochs: 0, seed: 1 });
  writeFileSync(store.metricsPath(SINGLE), line('log', 9, T0 + 1000, { a: 1 }));
  // One epoch: every metric has a single point, and accuracy is exactly 1 (uPlot's own range would be 0–2).
  seedRun(store, { id: ONE_EPOCH, status: 'finished', params: {}, epochs: 0, seed: 2 });
  writeFileSync(store.metricsPath(ONE_EPOCH), line('epoch', 0, T0 + 2000, { loss: 0.7, acc: 1 }));
  // Accuracy close to its bound and a loss well above 1; `lr` is both a parameter and a metric.
  seedRun(store, { id: BOUNDED, status: 'finished', params: { lr: 0.01 }, epochs: 0, seed: 3 });
  const lines: string[] = [];
  for (let e = 0; e < 20; e++) lines.push(line('epoch', e, T0 + 3000 + e * 1000, { loss: 3 - e * 0.1, acc: 0.9 + e * 0.005, lr: 0.01 / (e + 1) }));
  writeFileSync(store.metricsPath(BOUNDED), lines.join(''));
  store.store.update(BOUNDED, (r) => (r.finalMetrics = { loss: 1.1, acc: 0.995, lr: 0.0005 }));
  // Two runs whose ids differ only in their last characters; one has a name.
  seedRun(store, { id: NAMED, status: 'finished', params: {}, epochs: 3, seed: 4 });
  store.store.update(NAMED, (r) => (r.name = 'baseline with augmentation'));
  seedRun(store, { id: SIBLING, status: 'finished', params: {}, epochs: 3, seed: 5 });
  ui = await startUi(store.root, assets);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await ui?.stop();
});

/** Opens the dashboard and collects every page error and console error from the first script on. */
async function openDashboard(): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1300, height: 1000 } });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    // The browser's own favicon request is the server's 404 to give; it is not the page's error.
    if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) errors.push(m.text());
  });
  await page.addInitScript(PAGE_PROBES);
  await page.goto(ui.url);
  await page.locator('table.runs tbody tr').nth(store.ids.length - 1).waitFor();
  return { page, errors };
}

async function selectOnly(page: Page, id: string): Promise<void> {
  await page.locator('.clear-selection').click();
  await page.locator(`table.runs tbody tr[data-run-id="${id}"]`).click();
  await page.locator(`table.runs tbody tr.selected[data-run-id="${id}"]`).waitFor();
}

async function swatchColour(page: Page, id: string): Promise<[number, number, number]> {
  const css = await page.locator(`tr[data-run-id="${id}"] .swatch`).evaluate((e) => e.ownerDocument.defaultView!.getComputedStyle(e).backgroundColor);
  const m = /rgba?\((\d+), (\d+), (\d+)/.exec(css);
  assert.ok(m, css);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** The y scale uPlot settled on for a metric's chart (published on the chart element for tests). */
async function yScale(page: Page, metric: string): Promise<[number, number]> {
  const chart = page.locator(`.chart[data-metric="${metric}"]`);
  await chart.and(page.locator('[data-y-min]')).waitFor();
  const [min, max] = await Promise.all([chart.getAttribute('data-y-min'), chart.getAttribute('data-y-max')]);
  return [Number(min), Number(max)];
}

for (const [title, id, metric] of [
  ['a metric logged once at step 9', SINGLE, 'a'],
  ['a run of one epoch', ONE_EPOCH, 'loss'],
] as const) {
  test(`${title} draws a visible marker and throws no error`, async () => {
    const { page, errors } = await openDashboard();
    await selectOnly(page, id);
    const colour = await swatchColour(page, id);
    await page.locator(`.chart[data-metric="${metric}"][data-runs="1"]`).waitFor();
    await page.waitForFunction(
      ([m, rgb]) => (globalThis as unknown as ProbeWindow).mltsProbe.colouredPixels(m as string, rgb as [number, number, number]) > 10,
      [metric, colour] as const,
    );
    assert.equal(await page.locator(`.chart[data-metric="${metric}"]`).getAttribute('data-markers'), 'true');
    const [min, max] = await yScale(page, metric);
    assert.ok(min < max, `the y axis has a range: ${min}–${max}`);
    await page.screenshot({ path: join(RESULTS, 'dashboard-truth', `${metric}-single.png`) });
    assert.deepEqual(errors, []);
    await page.context().close();
  });
}

test('accuracy axes stay inside [0, 1], a loss keeps its own range, and 20 points get markers', async () => {
  const { page, errors } = await openDashboard();
  await selectOnly(page, ONE_EPOCH);
  const [oneMin, oneMax] = await yScale(page, 'acc');
  assert.ok(oneMin >= 0 && oneMax <= 1 && oneMin < oneMax, `acc of one epoch: ${oneMin}–${oneMax}`);
  await selectOnly(page, BOUNDED);
  await page.locator('.chart[data-metric="acc"][data-points="40"]').waitFor();
  const [accMin, accMax] = await yScale(page, 'acc');
  assert.ok(accMin >= 0 && accMax <= 1, `acc: ${accMin}–${accMax}`);
  assert.ok(accMin > 0.5, `the axis stays tight around 0.9–0.995, not 0–1: ${accMin}`);
  const [lossMin, lossMax] = await yScale(page, 'loss');
  assert.ok(lossMin <= 1.1 && lossMax >= 3 && lossMax < 4, `loss: ${lossMin}–${lossMax}`);
  assert.equal(await page.locator('.chart[data-metric="loss"]').getAttribute('data-markers'), 'true', '20 points are few enough for markers');
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('a parameter and a metric named alike get headers that tell them apart', async () => {
  const { page } = await openDashboard();
  const param = page.locator('table.runs thead th.param', { hasText: 'lr' });
  const metric = page.locator('table.runs thead th.metric', { hasText: 'lr' }).first();
  const paramLabel = await param.getAttribute('aria-label');
  const metricLabel = await metric.getAttribute('aria-label');
  assert.ok(paramLabel && metricLabel && paramLabel !== metricLabel, `${paramLabel} / ${metricLabel}`);
  assert.notEqual(await param.innerText(), await metric.innerText());
  const groups = await page.locator('table.runs thead tr.groups th').allInnerTexts();
  assert.ok(groups.includes('Parameters') && groups.includes('Metrics'), groups.join('|'));
  await page.screenshot({ path: join(RESULTS, 'dashboard-truth', 'headers.png') });
  await page.context().close();
});

test('the table shows the unique part of each id, and a given name instead of the id', async () => {
  const { page } = await openDashboard();
  const sibling = page.locator(`tr[data-run-id="${SIBLING}"] .run-id`);
  assert.match(await sibling.innerText(), /e5e5e5/);
  const unique = page.locator(`tr[data-run-id="${SIBLING}"] .id-unique`);
  const box = await unique.evaluate((e) => ({ scroll: e.scrollWidth, client: e.clientWidth }));
  assert.ok(box.scroll <= box.client, 'the unique part is not cut off');
  const named = page.locator(`tr[data-run-id="${NAMED}"]`);
  assert.equal(await named.locator('.run-id').innerText(), 'baseline with augmentation');
  assert.match((await named.locator('td.run-cell').getAttribute('title'))!, new RegExp(NAMED));
  await page.locator('vscode-textfield.filter input').fill('augmentation');
  await page.locator('table.runs tbody tr').filter({ hasText: 'baseline' }).waitFor();
  assert.equal(await page.locator('table.runs tbody tr').count(), 1);
  await page.context().close();
});

test('best, min, max and last columns hold the curve’s values, with the rule in a tooltip', async () => {
  const { page } = await openDashboard();
  const row = page.locator(`tr[data-run-id="${BOUNDED}"]`);
  const cell = (metric: string, stat: string) => row.locator(`td[data-column="metric-${stat}:${metric}"]`);
  await cell('loss', 'min').filter({ hasText: /\d/ }).waitFor();
  assert.equal(await cell('loss', 'last').innerText(), '1.1');
  assert.equal(await cell('loss', 'min').innerText(), '1.1');
  assert.equal(await cell('loss', 'max').innerText(), '3');
  assert.equal(await cell('loss', 'best').innerText(), '1.1');
  assert.equal(await cell('acc', 'best').innerText(), '0.995');
  assert.equal(await cell('acc', 'min').innerText(), '0.9');
  const lossBest = await page.locator('table.runs thead th[data-column="metric-best:loss"]').getAttribute('title');
  const accBest = await page.locator('table.runs thead th[data-column="metric-best:acc"]').getAttribute('title');
  assert.match(lossBest!, /lowest/);
  assert.match(accBest!, /highest/);
  await page.context().close();
});
