// End-to-end test of the run dashboard in a real VS Code (code-server) in real Chromium: in a workspace whose
// `.mlts/` store holds a few runs, the palette command opens the dashboard panel, which lists the runs and draws
// their charts; screenshots in a dark and a light theme go to test-results/. Needs the lead's wiring of
// `mlts.openDashboard` (registerDashboard in extension.ts, the command in package.json) to pass.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { SeededStore, seedRun } from '../integration/dashboardFixtures';
import { scratchWorkspace, withWorkbench } from './harness';

const EXPERIMENT = `/** @mlts-params */
const params = { lr: 0.01, hidden: 32 };
console.log(params);
`;

const THEMES: [string, string][] = [
  ['dark', 'Default Dark Modern'],
  ['light', 'Default Light Modern'],
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
