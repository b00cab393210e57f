// The dashboard's webview (dist/webviews/dashboardPanel.js) in real headless Chromium as VS Code hosts it
// (`acquireVsCodeApi` stubbed to record what it posts), fed run summaries as the host sends them: cluster runs show
// why they wait, where they run and their attempt; selecting runs offers "Cancel N runs" for the unfinished ones
// only, and clicking it posts one cancelRuns message that the extension turns into scancel or SIGTERM
// (slurmLaunch.test.ts checks that part on a real cluster). `mlts ui` in a browser never shows the button
// (dashboardUi.test.ts drives that host). Build first: node scripts/build.mjs. Waits are on page conditions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import type { FromDashboard, RunSummary, ToDashboard } from '../../runtime/src/dashboard/dashboardProtocol';
import { posted as postedMessages, send as sendMessages, webviewSuite } from './webviewHarness';

const suite = webviewSuite('dashboardPanel.js', 'dashboard.css');

const summary = (id: string, fields: Partial<RunSummary>): RunSummary => ({
  id,
  status: 'finished',
  file: 'exp.ml.ts',
  params: { hidden: 4 },
  finalMetrics: {},
  backend: 'cpu',
  group: 'exp.ml.ts@1',
  queuedAt: '2026-12-05T10:00:00.000Z',
  startedAt: null,
  endedAt: null,
  message: null,
  progress: null,
  where: null,
  ...fields,
});

const RUNS: RunSummary[] = [
  summary('run-running', { status: 'running', startedAt: '2026-12-05T10:00:01.000Z', progress: { epoch: 2, epochs: 5 }, where: 'slurm 12_0 on node1, GPU 0, attempt 2' }),
  summary('run-queued', { status: 'queued', message: 'waiting: Resources', where: 'slurm 12_1' }),
  summary('run-finished', { status: 'finished', startedAt: '2026-12-05T10:00:01.000Z', endedAt: '2026-12-05T10:00:05.000Z', where: 'slurm 12_2 on node1, GPU 1' }),
];

const send = (page: Page, ...messages: ToDashboard[]): Promise<void> => sendMessages(page, ...messages);

async function openDashboard(canLaunch: boolean): Promise<Page> {
  const page = await suite.open({ width: 1300, height: 900 });
  await send(page, { type: 'hello', store: '/w/.mlts', canLaunch }, { type: 'runs', reset: true, runs: RUNS, removed: [] });
  await page.locator('tr[data-run-id="run-finished"]').waitFor();
  return page;
}

const posted = (page: Page) => postedMessages<FromDashboard>(page);
const statusOf = (page: Page, id: string) => page.locator(`tr[data-run-id="${id}"] td.status`).innerText();

test('cluster runs show why they wait, where they run and their attempt', async () => {
  const page = await openDashboard(true);
  assert.equal(await statusOf(page, 'run-queued'), 'queued (waiting: Resources) · slurm 12_1');
  assert.equal(await statusOf(page, 'run-running'), 'running 2/5 · slurm 12_0 on node1, GPU 0, attempt 2');
  // The run starts: the next summary from the host replaces the row's text.
  await send(page, { type: 'runs', reset: false, runs: [{ ...RUNS[1]!, status: 'running', message: null, where: 'slurm 12_1 on node1, GPU 1', progress: { epoch: 1, epochs: 5 } }], removed: [] });
  await page.locator('tr[data-run-id="run-queued"] td.status').filter({ hasText: 'running 1/5 · slurm 12_1 on node1, GPU 1' }).waitFor();
  await page.close();
});

test('Cancel offers only the selected unfinished runs and posts one cancelRuns message', async () => {
  const page = await openDashboard(true);
  const cancel = page.locator('vscode-button.cancel-runs');
  assert.equal(await cancel.isVisible(), false, 'nothing selected, nothing to cancel');
  await page.locator('tr[data-run-id="run-finished"]').click();
  await page.locator('tr.selected[data-run-id="run-finished"]').waitFor();
  assert.equal(await cancel.isVisible(), false, 'a finished run cannot be cancelled');
  await page.locator('tr[data-run-id="run-running"]').click();
  await page.locator('tr[data-run-id="run-queued"]').click();
  await cancel.filter({ hasText: 'Cancel 2 runs' }).waitFor();
  await cancel.click();
  const cancels = (await posted(page)).filter((m) => m.type === 'cancelRuns');
  assert.equal(cancels.length, 1);
  assert.deepEqual(cancels[0] && cancels[0].type === 'cancelRuns' && [...cancels[0].ids].sort(), ['run-queued', 'run-running']);
  // The host records them cancelled; the button goes away once nothing selected is unfinished.
  await send(page, { type: 'runs', reset: false, runs: [{ ...RUNS[0]!, status: 'cancelled' }, { ...RUNS[1]!, status: 'cancelled' }], removed: [] });
  await page.waitForFunction("document.querySelector('vscode-button.cancel-runs').hidden === true");
  await page.close();
});

test('a host that cannot launch (an untrusted workspace) offers no cancel', async () => {
  const page = await openDashboard(false);
  await page.locator('tr[data-run-id="run-running"]').click();
  await page.locator('tr.selected[data-run-id="run-running"]').waitFor();
  assert.equal(await page.locator('vscode-button.cancel-runs').count(), 0);
  await page.close();
});
