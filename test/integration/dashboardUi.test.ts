// Browser tests of `mlts ui`: the real CLI command serves a store seeded in test-results/ (written in the run-store
// format by hand), and headless Chromium (playwright-core) loads the dashboard. They check that the table matches
// the store, that charts really draw (pixels of the run's colour on the canvas), that smoothing changes the drawn
// line, that a run named like an HTML payload stays text and runs nothing, that appended metrics and new runs show
// up live, and that requests with a foreign Host or Origin are refused. Waits are for page conditions, not time.
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../e2e/harness/workbench';
import { join } from 'node:path';
import { buildDashboardAssets, metricLine, PAGE_PROBES, RESULTS, SeededStore, seedRun, startUi, type ProbeWindow } from './dashboardFixtures';

const XSS = '<img src=x onerror=alert(1)>';

let browser: Browser;
let ui: Awaited<ReturnType<typeof startUi>>;
let store: SeededStore;

before(async () => {
  const assets = await buildDashboardAssets('dashboard-ui');
  store = new SeededStore(join(RESULTS, 'dashboard-ui', 'store'));
  seedRun(store, { id: '20261125-100000-mnist-aaaaaa', status: 'finished', params: { lr: 0.01, hidden: 32 }, epochs: 60, seed: 1 });
  seedRun(store, { id: '20261125-100001-mnist-bbbbbb', status: 'finished', params: { lr: 0.1, hidden: 32 }, epochs: 60, seed: 2 });
  seedRun(store, { id: XSS, status: 'failed', params: { lr: 0.5, note: '<script>window.__xss = 1</script>' }, epochs: 5, seed: 3, message: '<b onmouseover=alert(2)>boom</b>' });
  seedRun(store, { id: '20261125-100003-mnist-livlivx', status: 'running', params: { lr: 0.05, hidden: 64 }, epochs: 4, seed: 4 });
  ui = await startUi(store.root, assets);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await ui?.stop();
});

async function openDashboard(): Promise<{ page: Page; dialogs: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1300, height: 1000 } });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.addInitScript(PAGE_PROBES);
  await page.goto(ui.url);
  await page.locator('table.runs tbody tr').first().waitFor();
  return { page, dialogs };
}

/** Selects exactly the given run by clicking its row (after clearing the selection). */
async function selectOnly(page: Page, id: string): Promise<void> {
  await page.locator('.clear-selection').click();
  await page.locator(`table.runs tbody tr[data-run-id="${id}"]`).click();
  await page.locator(`table.runs tbody tr.selected[data-run-id="${id}"]`).waitFor();
}

/** Pixels of a chart's canvas within a small distance of `rgb`, the run's colour. */
function colouredPixels(page: Page, metric: string, rgb: [number, number, number]): Promise<number> {
  return page.evaluate(`window.mltsProbe.colouredPixels(${JSON.stringify(metric)}, ${JSON.stringify(rgb)})`);
}

async function swatchColour(page: Page, id: string): Promise<[number, number, number]> {
  const css = await page.locator(`tr[data-run-id="${id}"] .swatch`).evaluate((e) => e.ownerDocument.defaultView!.getComputedStyle(e).backgroundColor);
  const m = /rgba?\((\d+), (\d+), (\d+)/.exec(css);
  assert.ok(m, css);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

test('the runs table lists exactly the runs in the store, with their status and parameters', async () => {
  const { page } = await openDashboard();
  await page.locator('table.runs tbody tr').nth(store.ids.length - 1).waitFor();
  const ids = await page.locator('table.runs tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run-id')));
  assert.deepEqual([...ids].sort(), [...store.ids].sort());
  const finished = page.locator('tr[data-run-id="20261125-100000-mnist-aaaaaa"]');
  assert.match(await finished.locator('td.status').innerText(), /finished/);
  assert.match(await finished.innerText(), /0\.01/);
  await page.context().close();
});

test('charts draw each run in its colour, and smoothing changes the drawn line', async () => {
  const { page } = await openDashboard();
  const id = '20261125-100000-mnist-aaaaaa';
  await selectOnly(page, id);
  const colour = await swatchColour(page, id);
  await page.waitForFunction(() => (globalThis as unknown as ProbeWindow).mltsProbe.canvas('loss') !== null && (globalThis as unknown as ProbeWindow).mltsProbe.points() > 0);
  assert.ok((await colouredPixels(page, 'loss', colour)) > 50, 'the loss chart has pixels in the run colour');
  const setSmoothing = (v: number) =>
    page.locator('.smoothing input').evaluate((input, value) => {
      (input as unknown as { value: string }).value = String(value);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }, v);
  await setSmoothing(0);
  await page.locator('.smoothing output').filter({ hasText: '0.00' }).waitFor();
  await page.evaluate('window.mltsProbe.frames(2)');
  await page.evaluate('window.rawLoss = window.mltsProbe.snapshot("loss")');
  await setSmoothing(0.95);
  await page.waitForFunction(() => (globalThis as unknown as ProbeWindow).mltsProbe.differingPixels('loss', (globalThis as unknown as ProbeWindow).rawLoss) > 0);
  const differing = await page.evaluate<number>('window.mltsProbe.differingPixels("loss", window.rawLoss)');
  assert.ok(differing > 100, `smoothing changed ${differing} pixels`);
  await page.screenshot({ path: join(RESULTS, 'dashboard-ui', 'charts.png') });
  await page.context().close();
});

test('clicking a run’s line on a chart selects its run; the table is one tab stop with arrow keys', async () => {
  const { page } = await openDashboard();
  const id = '20261125-100001-mnist-bbbbbb';
  await page.locator('.clear-selection').click();
  await page.locator('vscode-textfield.filter input').fill('bbbbbb');
  await page.locator('.chart[data-metric="loss"][data-runs="1"]').waitFor();
  const colour = await swatchColour(page, id);
  const spot = await page.evaluate(`window.mltsProbe.findColour('loss', ${JSON.stringify(colour)})`) as { x: number; y: number } | null;
  assert.ok(spot, 'the run’s line is on the canvas');
  const box = (await page.locator('.chart[data-metric="loss"] canvas').boundingBox())!;
  await page.mouse.click(box.x + spot.x, box.y + spot.y);
  await page.locator(`tr.selected.focused[data-run-id="${id}"]`).waitFor();
  await page.locator('vscode-textfield.filter input').fill('');
  await page.locator('table.runs tbody tr').nth(store.ids.length - 1).waitFor();
  assert.equal(await page.locator('table.runs tbody tr[tabindex="0"]').count(), 1);
  await page.locator('table.runs tbody tr[tabindex="0"]').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Space');
  await page.locator('table.runs tbody tr.selected').nth(1).waitFor();
  await page.context().close();
});

test('a run named like HTML renders as text and runs no script', async () => {
  const { page, dialogs } = await openDashboard();
  const row = page.locator('table.runs tbody tr').filter({ hasText: XSS });
  await row.waitFor();
  assert.equal(await row.locator('.run-id').innerText(), XSS);
  await selectOnly(page, XSS);
  await page.locator('tr[data-run-id="20261125-100000-mnist-aaaaaa"]').click();
  await page.locator('.tab[data-view="compare"]').click();
  await page.locator('.compare-table').filter({ hasText: XSS }).waitFor();
  await page.locator('.tab[data-view="hparams"]').click();
  await page.locator('.hparams canvas').first().waitFor();
  await page.screenshot({ path: join(RESULTS, 'dashboard-ui', 'xss-hparams.png') });
  await page.locator('.tab[data-view="charts"]').click();
  assert.equal(await page.locator('img, script:not([src]), b').count(), 0);
  assert.equal(await page.evaluate('typeof window.__xss'), 'undefined');
  assert.deepEqual(dialogs, []);
  await page.context().close();
});

test('metrics appended while a run trains, and new runs, appear live', async () => {
  const { page } = await openDashboard();
  const live = '20261125-100003-mnist-livlivx';
  await selectOnly(page, live);
  await page.waitForFunction(() => (globalThis as unknown as ProbeWindow).mltsProbe.points() > 0);
  const before = await page.evaluate<number>('window.mltsProbe.points()');
  const t0 = Date.now();
  for (let e = 4; e < 10; e++) appendFileSync(store.metricsPath(live), metricLine(e, t0 + e * 1000, 1 / (e + 1)));
  await page.waitForFunction((n) => (globalThis as unknown as ProbeWindow).mltsProbe.points() > n, before);
  seedRun(store, { id: '20261125-100004-mnist-newnew', status: 'queued', params: { lr: 0.2, hidden: 16 }, epochs: 0, seed: 5 });
  await page.locator('tr[data-run-id="20261125-100004-mnist-newnew"]').waitFor();
  store.updateStatus(live, 'finished');
  await page.locator(`tr[data-run-id="${live}"] td.status`).filter({ hasText: 'finished' }).waitFor();
  await page.context().close();
});

function get(path: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: ui.port, path, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('requests with a foreign Host or Origin get 403; the page has a nonce CSP', async () => {
  const own = `127.0.0.1:${ui.port}`;
  assert.equal((await get('/', { Host: `evil.example:${ui.port}` })).status, 403);
  assert.equal((await get('/api/events', { Host: own, Origin: 'http://evil.example' })).status, 403);
  assert.equal((await get('/assets/dashboardPanel.js', { Host: `localhost:${ui.port}`, Origin: `http://127.0.0.1:${ui.port + 1}` })).status, 403);
  const page = await get('/', { Host: own });
  assert.equal(page.status, 200);
  const csp = String(page.headers['content-security-policy']);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'nonce-[A-Za-z0-9+/=]{16,}'/);
});

/** Sets a vscode-single-select in the view controls by its label and fires its change event. */
async function choose(page: Page, label: string, value: string): Promise<void> {
  await page.locator(`vscode-single-select[aria-label="${label}"]`).evaluate((select, v) => {
    (select as unknown as { value: string }).value = v;
    select.dispatchEvent(new Event('change', { bubbles: true }));
  }, value);
}

test('grouping, every x axis and log scales draw without page errors; the view state survives a reload', async () => {
  const { page } = await openDashboard();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.locator('.clear-selection').click();
  await page.waitForFunction(() => (globalThis as unknown as ProbeWindow).mltsProbe.points() > 0);
  await choose(page, 'Group by', 'lr');
  await page.locator('.chart[data-metric="loss"]').and(page.locator(':not([data-points="0"])')).waitFor();
  await page.screenshot({ path: join(RESULTS, 'dashboard-ui', 'grouped.png') });
  await choose(page, 'Group by', '');
  for (const axis of ['epoch', 'wall', 'relative', 'step']) {
    await choose(page, 'X axis', axis);
    await page.locator('.chart[data-metric="loss"] .u-axis').first().waitFor();
  }
  await page.locator('vscode-checkbox[label="Log y"]').click();
  await page.locator('vscode-checkbox[label="Log x"]').click();
  await page.evaluate('window.mltsProbe.frames(2)');
  assert.ok((await page.evaluate<number>('window.mltsProbe.points()')) > 0);
  await page.locator('.tab[data-view="hparams"]').click();
  await page.locator('.hparams canvas.parallel').waitFor();
  await page.locator(`tr[data-run-id="20261125-100001-mnist-bbbbbb"]`).click();
  await page.reload();
  await page.locator('.tab[data-view="hparams"][aria-selected="true"]').waitFor();
  await page.locator('tr.selected[data-run-id="20261125-100001-mnist-bbbbbb"]').waitFor();
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('a chart exports its full-resolution data as CSV and its picture as PNG', async () => {
  const { page } = await openDashboard();
  await selectOnly(page, '20261125-100000-mnist-aaaaaa');
  await page.locator('.chart[data-metric="loss"][data-runs="1"]').waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('.chart[data-metric="loss"] .chart-action', { hasText: 'CSV' }).click()]);
  assert.equal(download.suggestedFilename(), 'loss.csv');
  const text = readFileSync((await download.path())!, 'utf8');
  const lines = text.trim().split('\n');
  assert.equal(lines[0], 'run,x,value,smoothed');
  assert.equal(lines.length, 1 + 60);
  const [png] = await Promise.all([page.waitForEvent('download'), page.locator('.chart[data-metric="loss"] .chart-action', { hasText: 'PNG' }).click()]);
  assert.equal(png.suggestedFilename(), 'loss.png');
  const bytes = readFileSync((await png.path())!);
  assert.deepEqual([...bytes.subarray(1, 4)].map((b) => String.fromCharCode(b)).join(''), 'PNG');
  assert.ok(bytes.length > 2000, `${bytes.length} bytes`);
  await page.context().close();
});
