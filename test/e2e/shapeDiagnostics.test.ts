// End-to-end: the shape server in a real VS Code (code-server): the broken example's errors reach the Problems
// panel with their messages, a hover shows an inferred shape, and the model-summary CodeLens opens its table.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { scratchWorkspace, withWorkbench } from './harness';

test('the broken example: errors in Problems, a shape in a hover', async () => {
  const folder = scratchWorkspace('problems', { examples: ['broken-shapes.ml.ts'] });
  await withWorkbench({ name: 'problems', folder, trusted: true }, async ({ workbench }) => {
    await workbench.openFile('broken-shapes.ml.ts');
    const rows = await workbench.problems(/inner shapes/);
    const planted = rows.filter((r) => /shape-|predict-|layer-/.test(r));
    assert.equal(planted.length, 3, `expected the three planted errors, got:\n${rows.join('\n')}`);
    await workbench.screenshot('problems-broken-example');
    // Line 6: `const features = tf.randomNormal([32, 4]);` — hover over `features`.
    const hover = await workbench.hoverText(6, 8, /\[32, 4\]/);
    assert.match(hover, /Tensor/);
    await workbench.screenshot('hover-shape');
  });
});

test('the model-summary CodeLens opens a table of layers and parameters', async () => {
  const folder = scratchWorkspace('summary', { examples: ['mnist-convnet.ml.ts'] });
  await withWorkbench({ name: 'summary', folder, trusted: true }, async ({ workbench }) => {
    await workbench.openFile('mnist-convnet.ml.ts');
    const source = readFileSync(join(folder, 'mnist-convnet.ml.ts'), 'utf8');
    const modelLine = source.split('\n').findIndex((l) => l.startsWith('const model = tf.sequential()')) + 1;
    await workbench.clickCodeLens(/^Summary · 7 layers/, 0, modelLine);
    const table = workbench.webview().locator('table');
    await table.waitFor({ state: 'visible' });
    const text = await table.innerText();
    assert.match(text, /conv2d/i);
    assert.match(text, /\[batch, 10\]/);
    assert.match(await workbench.webview().locator('.totals').innerText(), /Total params\s+7,098/);
    await workbench.screenshot('model-summary');
  });
});
