// The run launcher's webview (dist/webviews/launcherPanel.js) in real headless Chromium, fed the messages the
// extension sends, with `acquireVsCodeApi` stubbed to record what the panel posts back. Checks the target choice:
// Slurm with a partition from the cluster's list, GPUs per run, a time limit and runs at once reaches the host as
// one typed launch message; wrong Slurm fields are marked, named in the summary and keep Launch off (nothing is
// posted); without partitions the partition is a text box; a cluster that does not answer cannot be chosen; and the
// host's refusal (a SlurmSetupError's message) is shown as text. Build first: node scripts/build.mjs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import type { FromLauncher, SlurmAvailability, ToLauncher } from '../../webviews/src/launcherProtocol';
import { posted as postedMessages, send as sendMessages, webviewSuite } from './webviewHarness';

const suite = webviewSuite('launcherPanel.js', 'launcher.css');

const CLUSTER: SlurmAvailability = { available: true, partitions: ['debug', 'gpu'], note: '' };

const send = (page: Page, ...messages: ToLauncher[]): Promise<void> => sendMessages(page, ...messages);
const posted = (page: Page) => postedMessages<FromLauncher>(page);

/** Opens the panel and answers `ready` as the host does for a workspace with one file declaring lr and hidden. */
async function openLauncher(slurm: SlurmAvailability): Promise<Page> {
  const page = await suite.open({ width: 1000, height: 800 });
  await send(page, { type: 'files', files: ['exp.ml.ts'], selected: 'exp.ml.ts' }, { type: 'slurm', slurm });
  await send(
    page,
    {
      type: 'declaration',
      file: 'exp.ml.ts',
      params: [
        { name: 'lr', type: 'number', text: '0.01', value: 0.01 },
        { name: 'hidden', type: 'number', text: '8', value: 8 },
      ],
      problems: [],
    },
    { type: 'backends', file: 'exp.ml.ts', backends: [{ option: 'auto', available: true, note: 'first of cpu' }, { option: 'cpu', available: true, note: 'CPU' }], cores: 2 },
  );
  await page.locator('tr[data-param="lr"]').waitFor();
  return page;
}

/** Picks an option of one of the panel's vscode-single-select boxes the way a person does: open it, click it. */
async function choose(page: Page, label: string, option: string): Promise<void> {
  await page.locator(`vscode-single-select[aria-label="${label}"]`).click();
  await page.locator(`vscode-single-select[aria-label="${label}"] li[role="option"]`).filter({ hasText: option }).click();
}

const field = (page: Page, label: string) => page.locator(`vscode-textfield[aria-label="${label}"]`);
const launchDisabled = (page: Page) => page.locator('vscode-button.launch').evaluate((b) => b.hasAttribute('disabled'));

test('Slurm with a listed partition, GPUs, a time limit and runs at once reaches the host as one launch message', async () => {
  const page = await openLauncher(CLUSTER);
  assert.equal(await page.locator('vscode-textfield[aria-label="GPUs per run"]').count(), 0, 'no Slurm fields for this machine');
  await choose(page, 'Target', 'Slurm cluster');
  await choose(page, 'Partition', 'gpu');
  await field(page, 'GPUs per run').locator('input').fill('1');
  await field(page, 'Time limit').locator('input').fill('00:10:00');
  await field(page, 'Runs at once').locator('input').fill('2');
  await field(page, 'Values for lr').locator('input').fill('0.01, 0.1');
  await field(page, 'Values for hidden').locator('input').fill('4, 8');
  await page.locator('.summary').filter({ hasText: '4 runs, on Slurm, 2 at a time' }).waitFor();
  await page.locator('vscode-button.launch').click();
  const launch = (await posted(page)).find((m) => m.type === 'launch');
  assert.deepEqual(launch, {
    type: 'launch',
    requestId: 1,
    file: 'exp.ml.ts',
    grid: [
      { name: 'lr', values: ['0.01', '0.1'] },
      { name: 'hidden', values: ['4', '8'] },
    ],
    backend: 'auto',
    parallel: 2,
    target: { kind: 'slurm', partition: 'gpu', gpusPerRun: 1, timeLimit: '00:10:00' },
  });
  await page.getByText('Submitting to Slurm…').waitFor();
  await send(page, { type: 'launched', requestId: 1, runIds: ['a', 'b', 'c', 'd'], summary: '4 runs of exp.ml.ts submitted to Slurm as array job 7, 1 GPU each, 2 at a time' });
  await page.getByText('Launched 4 runs of exp.ml.ts submitted to Slurm as array job 7').waitFor();
  await page.close();
});

test('wrong Slurm fields are marked and named, Launch stays off and nothing is posted; fixing them turns it on', async () => {
  // No partitions listed (sinfo answered with none): the partition is a text box.
  const page = await openLauncher({ available: true, partitions: [], note: '' });
  await choose(page, 'Target', 'Slurm cluster');
  await field(page, 'Partition').locator('input').fill('gpu; rm -rf /');
  await field(page, 'GPUs per run').locator('input').fill('two');
  await field(page, 'Time limit').locator('input').fill('90');
  const summary = page.locator('.summary');
  await summary.filter({ hasText: 'GPUs per run must be a whole number' }).waitFor();
  assert.match(await summary.innerText(), /The partition is a name like gpu/);
  assert.match(await summary.innerText(), /The time limit is HH:MM:SS/);
  assert.equal(await launchDisabled(page), true);
  for (const label of ['Partition', 'GPUs per run', 'Time limit']) assert.equal(await field(page, label).evaluate((f) => (f as unknown as { invalid: boolean }).invalid), true, label);
  await page.locator('vscode-button.launch').click({ force: true });
  assert.equal((await posted(page)).filter((m) => m.type === 'launch').length, 0, 'nothing launched on bad input');

  await field(page, 'Partition').locator('input').fill('');
  await field(page, 'GPUs per run').locator('input').fill('0');
  await field(page, 'Time limit').locator('input').fill('1-00:00:00');
  await summary.filter({ hasText: '1 run, on Slurm, as many as the cluster allows at a time' }).waitFor();
  assert.equal(await launchDisabled(page), false);
  assert.equal(await field(page, 'GPUs per run').evaluate((f) => (f as unknown as { invalid: boolean }).invalid), false);
  await page.locator('vscode-button.launch').click();
  const launch = (await posted(page)).find((m) => m.type === 'launch');
  assert.deepEqual(launch && launch.type === 'launch' && launch.target, { kind: 'slurm', partition: null, gpusPerRun: 0, timeLimit: '1-00:00:00' });

  // The host checks again and refuses what only the cluster knows; its message is shown as text, never as HTML.
  await send(page, { type: 'launchFailed', requestId: 1, message: 'the cluster has no partition <b>x</b>; it has debug' });
  await page.getByText('the cluster has no partition <b>x</b>; it has debug').waitFor();
  assert.equal(await page.locator('p.problem b').count(), 0);
  await page.close();
});

test('a cluster that does not answer cannot be chosen, and says why', async () => {
  const page = await openLauncher({ available: false, partitions: [], note: 'sinfo is not on PATH' });
  await page.locator('vscode-single-select[aria-label="Target"]').click();
  const slurmOption = page.locator('vscode-single-select[aria-label="Target"] li[role="option"]').filter({ hasText: 'Slurm cluster (sinfo is not on PATH)' });
  await slurmOption.waitFor();
  assert.equal(await page.locator('vscode-option[value="slurm"]').evaluate((o) => o.hasAttribute('disabled')), true);
  await page.keyboard.press('Escape');
  assert.equal(await field(page, 'GPUs per run').count(), 0);
  assert.equal(await launchDisabled(page), false, 'this machine still launches');
  await page.close();
});
