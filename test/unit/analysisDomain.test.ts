// Unit tests of the shape domain and of the analysis's contracts that the fixtures do not state:
// broadcasting, convolution arithmetic, reshape with named sizes, parameter counts (numbers taken
// from tfjs 4.22's own `countParams`), CSV headers read through the host, and robustness.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, type AnalysisHost } from '../../server/src/analysis/index';
import { ShapeError, broadcastShapes, convOutputLength, deconvLength, formatShape } from '../../server/src/analysis/shapes';
import { reshapeShape } from '../../server/src/analysis/tensorOps';
import { resolveDataPath } from '../../server/src/analysis/dataFiles';

const HEADER = "import * as tf from '@tensorflow/tfjs';\n";

function errorsOf(body: string, host?: AnalysisHost, fileName = '/work/x.ml.ts') {
  const input = host ? { fileName, text: HEADER + body, host } : { fileName, text: HEADER + body };
  return analyze(input).diagnostics;
}

test('broadcasting follows numpy rules and only fails on two known, different sizes', () => {
  assert.deepEqual(broadcastShapes([5, 1, 3], [4, 3]), [5, 4, 3]);
  assert.deepEqual(broadcastShapes(['batch', 10], [10]), ['batch', 10]);
  assert.deepEqual(broadcastShapes(['batch', 10], [1]), ['batch', 10]);
  assert.deepEqual(broadcastShapes([null, 3], [4, 3]), [4, 3]);
  assert.equal(broadcastShapes(null, [2]), null);
  assert.throws(() => broadcastShapes([5, 3], [5, 4]), (e: unknown) => e instanceof ShapeError && e.message === 'Operands could not be broadcast together with shapes 5,3 and 5,4.');
  // A named size against a different named size is unknown, not an error.
  assert.deepEqual(broadcastShapes(['n', 3], ['m', 3]), [null, 3]);
});

test('convOutputLength and deconvLength mirror tfjs-layers', () => {
  assert.equal(convOutputLength(28, 3, 'valid', 1), 26);
  assert.equal(convOutputLength(28, 3, 'same', 2), 14);
  assert.equal(convOutputLength(1, 3, 'valid', 1), -1);
  assert.equal(convOutputLength(1, 2, 'valid', 2), 0);
  assert.equal(convOutputLength(10, 3, 'valid', 1, 2), 6);
  assert.equal(convOutputLength('batch', 3, 'valid', 1), null);
  assert.equal(deconvLength(7, 2, 3, 'same'), 14);
  assert.equal(deconvLength(7, 2, 3, 'valid'), 15);
});

test('reshape resolves -1, cancels named sizes, and reports tfjs errors', () => {
  assert.deepEqual(reshapeShape([250], [-1, 50]), [5, 50]);
  assert.deepEqual(reshapeShape(['batch', 28, 28, 1], [-1, 784]), ['batch', 784]);
  assert.deepEqual(reshapeShape(['batch', 28, 28], ['batch', -1]), ['batch', 784]);
  assert.deepEqual(reshapeShape(['n', 6], [-1, 4]), [null, 4]);
  assert.throws(() => reshapeShape([250], [-1, 64]), /The implicit shape can't be a fractional number. Got 250 \/ 64/);
  assert.throws(() => reshapeShape([2, 3, 4], [-1, -1, 4]), /Shapes can only have 1 implicit size/);
  assert.throws(() => reshapeShape([224, 224, 3], [1, 224, 224, 1]), /Size\(150528\) must match the product of shape 1,224,224,1/);
});

test('formatShape prints known, named and unknown sizes', () => {
  assert.equal(formatShape([2, 4]), '[2, 4]');
  assert.equal(formatShape(['batch', 10]), '[batch, 10]');
  assert.equal(formatShape([null, 3]), '[?, 3]');
  assert.equal(formatShape(null), '?');
  assert.equal(formatShape([]), '[]');
});

test('parameter counts match tfjs countParams, trainable:false and BatchNormalization included', () => {
  const result = analyze({
    fileName: '/work/params.ml.ts',
    text:
      HEADER +
      `const model = tf.sequential();
model.add(tf.layers.conv2d({inputShape: [28, 28, 3], filters: 8, kernelSize: 3, strides: 2, padding: 'same'}));
model.add(tf.layers.batchNormalization());
model.add(tf.layers.depthwiseConv2d({kernelSize: 3, depthMultiplier: 2}));
model.add(tf.layers.separableConv2d({kernelSize: 3, filters: 12, padding: 'same'}));
model.add(tf.layers.globalMaxPooling2d({}));
model.add(tf.layers.repeatVector({n: 5}));
model.add(tf.layers.simpleRNN({units: 6, returnSequences: true}));
model.add(tf.layers.gru({units: 5, returnSequences: true}));
model.add(tf.layers.lstm({units: 4}));
model.add(tf.layers.dense({units: 2, trainable: false}));
`,
  });
  assert.deepEqual(result.diagnostics, []);
  const [summary] = result.models;
  assert.equal(summary.name, 'model');
  assert.deepEqual(
    summary.layers.map((l) => [l.type, l.outputShape, l.params]),
    [
      ['Conv2D', '[batch, 14, 14, 8]', 224],
      ['BatchNormalization', '[batch, 14, 14, 8]', 32],
      ['DepthwiseConv2D', '[batch, 12, 12, 16]', 160],
      ['SeparableConv2D', '[batch, 12, 12, 12]', 348],
      ['GlobalMaxPooling2D', '[batch, 12]', 0],
      ['RepeatVector', '[batch, 5, 12]', 0],
      ['SimpleRNN', '[batch, 5, 6]', 114],
      ['GRU', '[batch, 5, 5]', 180],
      ['LSTM', '[batch, 4]', 160],
      ['Dense', '[batch, 2]', 10],
    ],
  );
  assert.equal(summary.totalParams, 1228);
  assert.equal(summary.trainableParams, 1228 - 16 - 10);
});

test('shapeAt answers identifiers, calls and symbolic layer outputs', () => {
  const text = `${HEADER}const x = tf.zeros([2, 4]);
const inp = tf.input({shape: [8]});
const h = tf.layers.dense({units: 3}).apply(inp);
`;
  const result = analyze({ fileName: '/work/a.ml.ts', text });
  assert.equal(result.shapeAt({ line: 1, character: 6 })?.text, '[2, 4]');
  assert.equal(result.shapeAt({ line: 1, character: 14 })?.text, '[2, 4]');
  const h = result.shapeAt({ line: 3, character: 6 });
  assert.equal(h?.text, '[batch, 3]');
  assert.equal(h?.kind, 'symbolic');
  assert.equal(result.shapeAt({ line: 40, character: 0 }), undefined);
});

test('CSV headers are read through the host, a prefix only, relative to the analysed file', () => {
  const reads: string[] = [];
  const host: AnalysisHost = {
    readFile: () => {
      throw new Error('the whole file must not be read when readFileHead is available');
    },
    readFileHead: (p, maxBytes) => {
      reads.push(p);
      assert.ok(maxBytes <= 1024 * 1024);
      return p === '/work/data/h.csv' ? 'a,b,c,label\n1,2,3,4\n' : undefined;
    },
  };
  const body = `const ds = tf.data.csv('file://' + 'data/h.csv', {columnConfigs: {lable: {isLabel: true}}});
const names = await ds.columnNames();
`;
  const diags = errorsOf(body, host);
  assert.deepEqual(reads, ['/work/data/h.csv']);
  assert.equal(diags.length, 1);
  assert.equal(diags[0].code, 'data-column');
  assert.equal(diags[0].range.start.line, 2);
  assert.match(diags[0].message, /The key "lable" provided in columnConfigs does not match any of the column names \(a,b,c,label\)\. The closest column is "label"\./);
  assert.equal(resolveDataPath('/a/b/c.ml.ts', 'file://../d.csv'), '/a/d.csv');
  assert.equal(resolveDataPath('/a/b/c.ml.ts', 'file:///abs/d.csv'), '/abs/d.csv');
  assert.equal(resolveDataPath('/a/b/c.ml.ts', 'https://x/d.csv'), undefined);
});

test('unknown values never produce errors', () => {
  const body = `declare const data: any;
const t = tf.tensor(data);
const y = t.matMul(tf.ones([3, 4])).add(tf.ones([7]));
const m = tf.sequential();
m.add(tf.layers.dense({units: 2, inputShape: [data.width]}));
m.predict(tf.ones([5, 9]));
`;
  assert.deepEqual(errorsOf(body), []);
});

test('a loaded or nested model inside a sequential stack silences its checks instead of guessing', () => {
  const body = `const base = await tf.loadLayersModel('https://example.com/model.json');
const model = tf.sequential();
model.add(base);
model.add(tf.layers.dense({units: 2, activation: 'softmax'}));
model.compile({loss: 'categoricalCrossentropy', optimizer: 'adam'});
await model.fit(tf.zeros([4, 224, 224, 3]), tf.zeros([4, 2]));
const stacked = tf.sequential({layers: [base, tf.layers.dense({units: 2})]});
stacked.predict(tf.zeros([4, 224, 224, 3]));
`;
  assert.deepEqual(errorsOf(body), []);
});

test('the first layer of a Sequential model needs an input shape, as tfjs requires in add', () => {
  const [missing] = errorsOf(`const m = tf.sequential();\nm.add(tf.layers.dense({units: 2}));\n`);
  assert.equal(missing?.code, 'layer-input');
  assert.equal(missing.range.start.line, 2);
  assert.deepEqual(errorsOf(`const m = tf.sequential();\nm.add(tf.layers.dense({units: 2, inputDim: 4}));\n`), []);
  assert.deepEqual(errorsOf(`declare const extra: any;\nconst m = tf.sequential();\nm.add(tf.layers.dense({units: 2, ...extra}));\n`), []);
});

test('models and arrays handed to unseen code are no longer trusted; tfjs calls leave them alone', () => {
  const body = `import {addHead, fillRows} from './lib';
const model = tf.sequential();
model.add(tf.layers.dense({units: 8, inputShape: [4]}));
addHead(model);
model.compile({loss: 'meanSquaredError', optimizer: 'sgd'});
await model.fit(tf.zeros([5, 4]), tf.zeros([5, 3]));
const rows: number[][] = [];
fillRows(rows);
tf.tensor2d(rows, [10, 2]);
const kept = [[1, 2], [3, 4]];
tf.print(kept);
tf.tensor2d(kept, [3, 2]);
`;
  assert.deepEqual(errorsOf(body).map((d) => [d.code, d.range.start.line]), [['tensor-ctor', 12]]);
});

test('analyze never throws and stays bounded on hostile input', () => {
  const inputs = [
    '',
    '\u2028\u2029\r\r\n',
    'function f(): any { return f(); } f();',
    `${HEADER}let a: number[] = []; while (true) { a.push(a.length); }`,
    `${HEADER}const f = (n: number): number => n <= 0 ? 0 : f(n - 1) + 1; f(1e9);`,
    `${HEADER}let x = tf.ones([1]); for (let i = 0; i < 1e9; i++) { x = tf.concat([x, x]); }`,
    `${HEADER}const {a: {b: [c = tf.ones([2])] = []} = {}} = {} as any; c.add(tf.ones([3]));`,
    '}}}{{{ tf.tensor([[[',
    `${HEADER}const deep = ${'tf.relu('.repeat(3000)}tf.ones([2])${')'.repeat(3000)};`,
    `${HEADER}const deep = ${'tf.relu('.repeat(400)}tf.ones([2])${')'.repeat(400)};`,
    'let a = [1, 2]; for (let i = 0; i < 100; i++) a = a.concat(a);',
    'let b = [1]; for (let i = 0; i < 100; i++) b = [...b, ...b];',
    'let s = "ab"; for (let i = 0; i < 100; i++) s = s + s; s.split("");',
  ];
  for (const text of inputs) {
    const started = Date.now();
    const result = analyze({ fileName: '/work/h.ml.ts', text });
    assert.ok(Array.isArray(result.diagnostics));
    result.shapeAt({ line: 0, character: 0 });
    assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms: ${text.slice(0, 60)}`);
  }
});

test("tfjs's own null axes (not the analysis's unknowns) make Flatten fail, as in tfjs", () => {
  const flattenAfter = (first: string) => errorsOf(`const m = tf.sequential();\nm.add(${first});\nm.add(tf.layers.flatten());\n`);
  const [noLength] = flattenAfter('tf.layers.embedding({inputDim: 100, outputDim: 8})');
  assert.equal(noLength?.code, 'layer-input');
  assert.match(noLength.message, /The shape of the input to "Flatten" is not fully defined \(got ,8\)/);
  assert.deepEqual(flattenAfter('tf.layers.embedding({inputDim: 100, outputDim: 8, inputLength: 5})'), []);
  assert.equal(flattenAfter('tf.layers.dense({units: 4, inputShape: [null, 3]})').length, 1);
  // A size the analysis cannot see is not tfjs's null: no error.
  assert.deepEqual(flattenAfter('tf.layers.dense({units: 4, inputShape: [JSON.parse("3"), 3]})'), []);
});

test('fitDataset targets only fail where the loss cannot broadcast them against the output', () => {
  const run = (ys: string, loss: string) =>
    errorsOf(`const ds = tf.data.array([{xs: [1, 2], ys: ${ys}}, {xs: [1, 2], ys: ${ys}}]).batch(2);
const m = tf.sequential({layers: [tf.layers.dense({units: 3, inputShape: [2], activation: 'softmax'})]});
m.compile({loss: '${loss}', optimizer: 'sgd'});
await m.fitDataset(ds, {epochs: 1});
`).map((d) => d.message);
  assert.deepEqual(run('[0, 1, 0, 0]', 'categoricalCrossentropy'), ['Operands could not be broadcast together with shapes 2,4 and 2,3.']);
  assert.deepEqual(run('[1]', 'categoricalCrossentropy'), []);
  assert.deepEqual(run('1', 'meanSquaredError'), ['Operands could not be broadcast together with shapes 2,3 and 2.']);
  assert.deepEqual(run('1', 'sparseCategoricalCrossentropy'), []);
});

test('@shape annotations: named dims unify, contradictions are reported where the value comes in', () => {
  const diags = errorsOf(`/** @shape [batch, 3] */
const x = tf.zeros([4, 5]);
function f(/** @shape [n, d] */ a: tf.Tensor, /** @shape [n, d] */ b: tf.Tensor) { return a.add(b); }
f(tf.zeros([2, 3]), tf.zeros([2, 4]));
f(tf.zeros([2, 3]), tf.zeros([2, 3]));
`);
  assert.deepEqual(
    diags.map((d) => [d.code, d.range.start.line, d.range.start.character]),
    [
      ['shape-annotation', 2, 0],
      ['shape-annotation', 4, 20],
    ],
  );
  const text = `${HEADER}function g(/** @shape [batch, 784] */ x: tf.Tensor) {
  const y = x.matMul(tf.ones([784, 10]));
  return y;
}
`;
  assert.equal(analyze({ fileName: '/work/g.ml.ts', text }).shapeAt({ line: 2, character: 8 })?.text, '[batch, 10]');
});
