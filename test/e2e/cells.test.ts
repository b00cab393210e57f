// End-to-end tests of cells in a real VS Code (code-server) with a real kernel process: Run Cell shows the
// cell's output in the output panel; Debug Cell attaches js-debug and stops at a breakpoint set in the .ml.ts
// file (on the right line, in a function defined by an earlier cell); editing an upstream cell marks its
// dependent cell stale.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scratchWorkspace, withWorkbench } from './harness';

const CELLS = `// %% Setup
const base = 21;
function double(x: number): number {
  const doubled = x * 2;
  return doubled;
}

// %% Use
const answer = double(base);
console.log('answer is', answer);
answer;
`;

test('Run Cell shows the cell output beside the editor', async () => {
  const folder = scratchWorkspace('cells-run', { extra: { 'cells.ml.ts': CELLS } });
  await withWorkbench({ name: 'cells-run', folder, trusted: true }, async ({ workbench }) => {
    await workbench.openFile('cells.ml.ts');
    await workbench.clickCodeLens(/Run Cell/, 0);
    await workbench.clickCodeLens(/Run Cell/, 1);
    const output = workbench.webview();
    await output.getByText('answer is 42').waitFor({ state: 'visible' });
    await output.locator('.run-ok').nth(1).waitFor({ state: 'visible' });
    assert.match(await output.locator('.run-ok').nth(1).innerText(), /✓/);
    await workbench.screenshot('cells-run');
  });
});

test('editing an upstream cell marks the dependent cell stale', async () => {
  const folder = scratchWorkspace('cells-stale', { extra: { 'cells.ml.ts': CELLS } });
  await withWorkbench({ name: 'cells-stale', folder, trusted: true }, async ({ workbench }) => {
    await workbench.openFile('cells.ml.ts');
    await workbench.runCommand('mlts: Run All in a Fresh Kernel');
    await workbench.webview().getByText('answer is 42').waitFor({ state: 'visible' });
    await workbench.goToPosition(2, 15);
    await workbench.page.keyboard.type('0');
    const stale = workbench.codeLens(/stale: Setup changed \(base, double\)|stale: Setup changed/);
    await stale.waitFor({ state: 'visible' });
    await workbench.screenshot('cells-stale');
  });
});

test('Debug Cell stops at a breakpoint in a function from an earlier cell', async () => {
  const folder = scratchWorkspace('cells-debug', { extra: { 'cells.ml.ts': CELLS } });
  await withWorkbench({ name: 'cells-debug', folder, trusted: true }, async ({ workbench }) => {
    await workbench.openFile('cells.ml.ts');
    await workbench.clickCodeLens(/Run Cell/, 0);
    await workbench.webview().locator('.run-ok').first().waitFor({ state: 'visible' });
    // Line 4 is `const doubled = x * 2;` inside double(), defined by cell 1 and called from cell 2.
    await workbench.toggleBreakpoint(4);
    await workbench.clickCodeLens(/Debug Cell/, 1);
    await workbench.pausedAtLine(4);
    await workbench.screenshot('cells-debug-breakpoint');
    await workbench.runCommand('Debug: Continue');
    await workbench.webview().getByText('answer is 42').waitFor({ state: 'visible' });
  });
});

test("TypeScript knows the kernel's display() and the run's mlts globals in .ml.ts files", async () => {
  const text = `// %%
display([1, 2, 3]);
display.line({ loss: [3, 2, 1] }, { title: 'loss' });
globalThis.mlts?.log({ accuracy: 0.9 }, 1);
const wrong: number = 'not a number';
`;
  const folder = scratchWorkspace('cells-globals', { extra: { 'globals.ml.ts': text } });
  await withWorkbench({ name: 'cells-globals', folder, trusted: true }, async ({ workbench }) => {
    await workbench.openFile('globals.ml.ts');
    // The deliberate type error proves TypeScript has checked the file; the globals must not be errors.
    const rows = await workbench.problems(/not assignable to type 'number'/);
    assert.equal(rows.filter((r) => /Cannot find name|does not exist on type/.test(r)).length, 0, rows.join('\n'));
    await workbench.screenshot('cells-globals');
  });
});
