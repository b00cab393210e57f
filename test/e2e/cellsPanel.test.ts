// End-to-end test of the cell-output panel in a real VS Code (code-server) with a real kernel: Run All renders the
// markdown cell in order, draws an image tensor as an image (pixels of a known image), shows fit progress to its
// end, follows execution to the failing last cell, and a click on the user's frame of an error thrown inside tfjs
// lands the cursor on the exact line and column; after a window reload the outputs are back, marked as from an
// earlier kernel, and the user is told the kernel's state is gone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scratchWorkspace, withWorkbench } from './harness';

const FILE = `import * as tf from '@tensorflow/tfjs';
// %% [markdown]
// # Panel check
// Some *emphasis*.
// %% Image
const left = tf.concat([tf.ones([16, 8, 1]), tf.zeros([16, 8, 2])], 2);
const right = tf.concat([tf.zeros([16, 8, 2]), tf.ones([16, 8, 1])], 2);
tf.concat([left, right], 1)
// %% Train
const model = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [2] }), tf.layers.dense({ units: 1 })] });
model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
await model.fit(tf.randomNormal([64, 2]), tf.randomNormal([64, 1]), { epochs: 3, batchSize: 16, verbose: 0 });
// %% Fail
function flatten(t: tf.Tensor) {
  return t.reshape([7, 7]);
}
flatten(tf.ones([3, 3]));
`;

test('the output panel renders markdown, image tensors, fit progress, frame links that land on the exact line, and outputs survive a reload', async () => {
  const folder = scratchWorkspace('cells-panel', { extra: { 'panel.ml.ts': FILE } });
  await withWorkbench({ name: 'cells-panel', folder, trusted: true }, async ({ workbench }) => {
    await workbench.openFile('panel.ml.ts');
    await workbench.runCommand('mlts: Run All in a Fresh Kernel');
    const output = workbench.webview();
    await output.locator('.run-error').waitFor({ state: 'visible', timeout: 120_000 });
    assert.equal(await output.locator('section.markdown h1').innerText(), 'Panel check');
    // The test's TypeScript has no DOM library; a 2-D canvas context is described as far as the check needs it.
    type Canvas2d = { getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Iterable<number> } } };
    const pixels = await output.locator('.tensor-images canvas').evaluate((canvas) => {
      const context = (canvas as unknown as Canvas2d).getContext('2d');
      return [...context.getImageData(2, 5, 1, 1).data, ...context.getImageData(13, 5, 1, 1).data];
    });
    assert.deepEqual(pixels, [255, 0, 0, 255, 0, 0, 255, 255]);
    await output.locator('.progress-done').waitFor({ state: 'visible' });
    assert.match(await output.locator('.progress-head').innerText(), /trained · 3\/3 epochs/);
    const inView = await output.locator('.run-error').evaluate((e) => {
      const box = e.getBoundingClientRect();
      return box.top < e.ownerDocument.defaultView!.innerHeight && box.bottom > 0;
    });
    assert.equal(inView, true, 'the panel followed execution to the failing cell');
    await workbench.screenshot('cells-panel');
    // `t.reshape` is on line 15, column 12 (1-based).
    await output.getByText(/flatten \(.*panel\.ml\.ts:15:12\)/).click();
    await workbench.page.locator('.statusbar-item').filter({ hasText: 'Ln 15, Col 12' }).first().waitFor({ state: 'visible' });

    // A window reload loses the kernel but not the outputs: they come back from .mlts/outputs/, marked as from an
    // earlier kernel, and the user is told that the state is gone and offered Run All.
    await workbench.runCommand('Developer: Reload Window');
    await workbench.notification(/the kernel that made them is gone/).waitFor({ state: 'visible', timeout: 120_000 });
    const restored = workbench.webview();
    await restored.locator('.run-earlier').first().waitFor({ state: 'visible', timeout: 60_000 });
    // One output panel: the one VS Code revived, not a second one opened beside it.
    assert.equal(await workbench.page.locator('.tabs-container .tab').filter({ hasText: 'Output: panel.ml.ts' }).count(), 1);
    assert.equal(await restored.locator('section.markdown h1').innerText(), 'Panel check');
    await restored.locator('.tensor-images canvas').waitFor({ state: 'visible' });
    assert.match(await restored.locator('.run-error').innerText(), /Size\(9\) must match the product of shape 7,7/);
    await workbench.screenshot('cells-panel-restored');
  });
});
