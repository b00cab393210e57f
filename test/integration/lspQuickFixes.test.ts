// Quick fixes over a real LSP connection: for each common mistake the server offers a code action whose
// edit, applied to the document, makes the diagnostic disappear (the document then checks clean).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver-protocol';
import { applyEdits } from '../../server/src/features/quickFixes';
import { LspTestClient } from './lspClient';
import { repoRoot } from './processes';

const HEADER = "import * as tf from '@tensorflow/tfjs';\n";

const CASES: { name: string; text: string; title: RegExp }[] = [
  {
    name: 'batch axis before predict',
    text: `${HEADER}const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [4] })] });
const sample = tf.tensor1d([1, 2, 3, 4]);
const out = model.predict(sample);
`,
    title: /expandDims\(0\)/,
  },
  {
    name: 'flatten before dense',
    text: `${HEADER}const model = tf.sequential();
model.add(tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 2, kernelSize: 3 }));
model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
model.compile({ loss: 'categoricalCrossentropy', optimizer: 'sgd' });
const images = tf.zeros([16, 8, 8, 1]);
const labels = tf.oneHot(tf.zeros([16], 'int32'), 10);
await model.fit(images, labels, { epochs: 1 });
`,
    title: /flatten\(\)/,
  },
  {
    name: 'inputShape from the data',
    text: `${HEADER}const model = tf.sequential();
model.add(tf.layers.dense({ units: 1, inputShape: [5] }));
model.compile({ loss: 'meanSquaredError', optimizer: 'sgd' });
const xs = tf.randomNormal([32, 4]);
const ys = tf.randomNormal([32, 1]);
await model.fit(xs, ys, { epochs: 1 });
`,
    title: /inputShape/,
  },
  {
    name: 'transposeB',
    text: `${HEADER}const q = tf.randomNormal([8, 16]);
const k = tf.randomNormal([8, 16]);
const scores = tf.matMul(q, k);
`,
    title: /transposeB/,
  },
  {
    name: 'reshape target',
    text: `${HEADER}const x = tf.zeros([6, 4]);
const y = x.reshape([4, 4]);
`,
    title: /-1/,
  },
];

let client: LspTestClient;
before(async () => {
  client = await LspTestClient.start();
});
after(async () => {
  await client.stop();
});

CASES.forEach(({ name, text, title }, i) => {
  test(`quick fix: ${name}`, async () => {
    const file = join(repoRoot, 'test-results', 'virtual', `fix-${i}.ml.ts`);
    const first = client.diagnostics(file, 1);
    await client.open(file, text);
    const errors = (await first).filter((d: Diagnostic) => d.severity === 1);
    assert.equal(errors.length, 1, `exactly one error before the fix: ${JSON.stringify(errors)}`);
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', file, {
      range: errors[0]!.range,
      context: { diagnostics: errors },
    });
    const action = actions.find((a) => title.test(a.title));
    assert.ok(action, `an action matching ${title}; got ${actions.map((a) => a.title).join(' | ')}`);
    assert.equal(action.kind, 'quickfix');
    const edits = Object.values(action.edit?.changes ?? {})[0] as TextEdit[];
    const fixed = applyEdits(text, edits);
    const second = client.diagnostics(file, 2);
    await client.change(file, fixed);
    assert.deepEqual(await second, [], `the fixed text checks clean:\n${fixed}`);
  });
});
