// End-to-end in a real VS Code (code-server) with js-debug and a real kernel: paused in a cell's function, a tensor
// argument reads `Tensor [5,64,64,3] float32` in the Variables view (issue 15, item 6), not tfjs's raw fields.
import { test } from 'node:test';
import { scratchWorkspace, withWorkbench } from './harness';

const CELLS = `// %% Setup
import * as tf from '@tensorflow/tfjs';
function countOf(images: tf.Tensor): number {
  const count = images.shape[0];
  return count;
}

// %% Use
const batch = tf.zeros([5, 64, 64, 3]);
console.log('count is', countOf(batch));
`;

test('Debug Cell shows a tensor by shape and dtype in the Variables view', async () => {
  const folder = scratchWorkspace('cells-debug-tensors', { extra: { 'tensors.ml.ts': CELLS } });
  await withWorkbench({ name: 'cells-debug-tensors', folder, trusted: true }, async ({ workbench }) => {
    await workbench.openFile('tensors.ml.ts');
    await workbench.clickCodeLens(/Run Cell/, 0);
    await workbench.webview().locator('.run-ok').first().waitFor({ state: 'visible' });
    await workbench.toggleBreakpoint(4);
    await workbench.clickCodeLens(/Debug Cell/, 1);
    await workbench.pausedAtLine(4);
    const row = workbench.page.locator('.debug-view-content .monaco-list-row').filter({ hasText: /images/ }).filter({ hasText: 'Tensor [5,64,64,3] float32' });
    await row.first().waitFor({ state: 'visible' });
    await workbench.screenshot('cells-debug-tensors');
    await workbench.runCommand('Debug: Continue');
    await workbench.webview().getByText('count is 5').waitFor({ state: 'visible' });
  });
});
