// End-to-end test of the run dashboard in a real VS Code (code-server) in real Chromium: in a workspace whose
// `.mlts/` store holds a few runs, the palette command opens the dashboard panel, which lists the runs and draws
// their charts; screenshots in dark, light and high-contrast themes go to test-results/; the launcher shows a
// file's parameters and launches a grid whose runs then finish in the dashboard. Needs the lead's wiring of
// `mlts.openDashboard` and `mlts.openLauncher` (registerDashboard in extension.ts, the commands in package.json).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { SeededStore, seedRun } from '../integration/dashboardFixtures';
import { scratchWorkspace, withWorkbench } from './harness';

const EXPERIMENT = `/** @mlts-params */
const params = { lr: 0.01, hidden: 32 };
console.log(params);
`;

const THEMES: [string, string][] = [
  ['dark', 'Default Dark Modern'],
  ['light', 'Default Light Modern'],
  ['high-contrast', 'Default High Contrast'],
];

for (const [kind, theme] of THEMES) {
  test(`the dashboard command opens the runs panel with charts (${kind} theme)`, async () => {
    const name = `dashboard-${kind}`;
    const folder = scratchWorkspace(name, { extra: { 'exp.ml.ts': EXPERIMENT } });
    const store = new SeededStore(join(folder, '.mlts'));
    seedRun(store, { id: '20261125-100000-exp-aaaaaa', status: 'finished', params: { lr: 0.01, hidden: 32 }, epochs: 40, seed: 1 });
    seedRun(store, { id: '20261125-100001-exp-bbbbbb', status: 'finished', params: { lr: 0.1, hidden: 32 }, epochs: 40, seed: 2 });
    seedRun(store, { id: '20261125-100002-exp-cccccc', status: 'failed', params: { lr: 0.5, hidden: 64 }, epochs: 12, seed: 3, message: 'loss became NaN' });
    await withWorkbench({ name, folder, trusted: true, settings: { 'workbench.colorTheme': theme } }, async ({ workbench }) => {
      // The palette lists mlts's commands once the extension host has loaded it (its status item shows then).
      await workbench.statusBarItem(/mlts/).waitFor({ state: 'visible' });
      await workbench.runCommand('mlts: Open Run Dashboard');
      const view = workbench.webview();
      await view.locator('table.runs tbody tr').nth(store.ids.length - 1).waitFor({ state: 'visible' });
      const ids = await view.locator('table.runs tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run-id')));
      assert.deepEqual([...ids].sort(), [...store.ids].sort());
      await view.locator('.chart[data-metric="loss"] canvas').waitFor({ state: 'visible' });
      await view.locator('.chart[data-metric="acc"] canvas').waitFor({ state: 'visible' });
      // Each chart says how many runs it drew: wait until all three are in.
      await view.locator('.chart[data-metric="loss"][data-runs="3"]').waitFor();
      await view.locator('.chart[data-metric="acc"][data-runs="3"]').waitFor();
      await workbench.screenshot(`dashboard-${kind}`);
    });
  });
}

/** The webview document that contains `selector` (the launcher and the dashboard are both open in the end). */
async function webviewWith(page: Page, selector: string) {
  const frames = page.frameLocator('iframe.webview.ready');
  const count = await page.locator('iframe.webview.ready').count();
  for (let i = count - 1; i >= 0; i--) {
    const doc = frames.nth(i).frameLocator('#active-frame');
    if (await doc.locator(selector).count()) return doc;
  }
  return null;
}

// A scratch cell that throws and one that never ends: tracked runs leave both out (issue 15 item 7), so the grid
// still finishes.
const TINY = `// %% Parameters
/** @mlts-params */
const params = { lr: 0.01, epochs: 3 };

// %% [scratch] exploring
throw new Error('a scratch cell that fails');

// %% [scratch] left spinning
while (true) { /* spin */ }

// %% Train
for (let e = 0; e < params.epochs; e++) (globalThis as { mlts?: { log(v: Record<string, number>, step: number): void } }).mlts?.log({ loss: 1 / (e + 1 + params.lr) }, e);
`;

test('the launcher shows the declared parameters, launches a grid of a file with failing scratch cells, and its runs finish in the dashboard', async () => {
  const folder = scratchWorkspace('dashboard-launcher', { extra: { 'tiny.ml.ts': TINY } });
  await withWorkbench({ name: 'dashboard-launcher', folder, trusted: true }, async ({ workbench }) => {
    await workbench.statusBarItem(/mlts/).waitFor({ state: 'visible' });
    await workbench.runCommand('mlts: Launch Runs…');
    const launcher = workbench.webview();
    await launcher.locator('tr[data-param="lr"]').waitFor({ state: 'visible' });
    assert.match(await launcher.locator('tr[data-param="lr"] .default').innerText(), /0\.01/);
    await launcher.locator('tr[data-param="lr"] vscode-textfield input').fill('0.01, 0.1');
    await launcher.locator('.summary').filter({ hasText: '2 runs' }).waitFor();
    await workbench.screenshot('dashboard-launcher');
    await launcher.locator('vscode-button.launch').click();
    // The dashboard opens after the launch and lists both runs as they are queued, run and finish.
    await expectWithin(async () => {
      const dashboard = await webviewWith(workbench.page, 'table.runs');
      return dashboard !== null && (await dashboard.locator('table.runs tbody tr').count()) === 2;
    });
    const dashboard = (await webviewWith(workbench.page, 'table.runs'))!;
    await dashboard.locator('table.runs tbody tr td.status').filter({ hasText: 'finished' }).nth(1).waitFor({ timeout: 60_000 });
    await dashboard.locator('.chart[data-metric="loss"][data-runs="2"]').waitFor();
    await workbench.screenshot('dashboard-launched-runs');
  });
});

/** Re-checks `condition` on each animation frame of Node's event loop until it holds or 30 s pass. */
async function expectWithin(condition: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}
