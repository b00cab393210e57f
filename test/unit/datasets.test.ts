// Unit tests of `tf.data` pipelines that the shape fixtures cannot state because tfjs cannot run them under
// Node (the webcam and microphone iterators need a browser) or because tfjs fails there with a TypeError
// rather than a shape error (a fitDataset call without a config, a batched `[xs, ys]` array). The webcam and
// microphone shapes are read from tfjs-data 4.22's sources (webcam_iterator.js, microphone_iterator.js); the
// fitDataset messages were checked by running the same programs with tfjs 4.22 on the cpu backend.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, type AnalysisHost } from '../../server/src/analysis/index';
import { hoverMarkdown } from '../../server/src/features/hoverContent';

const HEADER = "import * as tf from '@tensorflow/tfjs';\n";

/** Analyses `body` and answers the hover text of each `const name` it declares, and the error diagnostics. */
function analyzeBody(body: string, host?: AnalysisHost) {
  const text = HEADER + body;
  const result = analyze(host ? { fileName: '/work/x.ml.ts', text, host } : { fileName: '/work/x.ml.ts', text });
  const lines = text.split('\n');
  const shapes = new Map<string, string>();
  lines.forEach((line, i) => {
    const m = /^(?:const|let) (\w+)/.exec(line);
    if (!m) return;
    const info = result.shapeAt({ line: i, character: line.indexOf(m[1]) });
    if (info) shapes.set(m[1], info.text);
  });
  const errors = result.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.range.start.line}: ${d.code}: ${d.message}`);
  return { result, shapes, errors };
}

test('tf.data.microphone: the spectrogram is [numFramesPerSpectrogram, columnTruncateLength || fftSize, 1]', () => {
  const { shapes, errors } = analyzeBody(`const mic = await tf.data.microphone();
const audio = await mic.capture();
const spectrogram = audio.spectrogram;
const tuned = await tf.data.microphone({fftSize: 512, numFramesPerSpectrogram: 20, columnTruncateLength: 232, includeWaveform: true});
const next = await tuned.next();
const waveform = next.value.waveform;
const waveOnly = await tf.data.microphone({includeSpectrogram: false, includeWaveform: true, fftSize: 256});
`);
  assert.deepEqual(errors, []);
  assert.equal(shapes.get('mic'), '{spectrogram: [43, 1024, 1], waveform: undefined}');
  assert.equal(shapes.get('spectrogram'), '[43, 1024, 1]');
  assert.equal(shapes.get('tuned'), '{spectrogram: [20, 232, 1], waveform: [10240, 1]}');
  assert.equal(shapes.get('waveform'), '[10240, 1]');
  assert.equal(shapes.get('waveOnly'), '{spectrogram: undefined, waveform: [11008, 1]}');
});

test('tf.data.microphone: the config errors tfjs raises when the iterator is created', () => {
  const { errors } = analyzeBody(`const a = await tf.data.microphone({fftSize: 1000});
const b = await tf.data.microphone({includeSpectrogram: false});
const c = await tf.data.microphone({fftSize: 8});
`);
  assert.deepEqual(errors, [
    '1: data-config: Invalid fftSize: it must be a power of 2 between 2 to 4 and 2 to 14, but got 1000',
    '2: data-config: Both includeSpectrogram and includeWaveform are false. At least one type of data should be returned.',
    '3: data-config: Invalid fftSize: it must be a power of 2 between 2 to 4 and 2 to 14, but got 8',
  ]);
});

test('tf.data.webcam: [resizeHeight, resizeWidth, 3] when both sizes are given, else the video size', () => {
  const { shapes, errors } = analyzeBody(`declare const video: any;
const cam = await tf.data.webcam(video, {resizeWidth: 224, resizeHeight: 160});
const frame = await cam.capture();
const batched = frame.expandDims(0);
const raw = await tf.data.webcam(video);
const rawFrame = await raw.capture();
const model = tf.sequential({layers: [tf.layers.conv2d({filters: 4, kernelSize: 3, inputShape: [224, 224, 3]})]});
const out = model.predict(batched);
`);
  assert.equal(shapes.get('cam'), '[160, 224, 3]');
  assert.equal(shapes.get('frame'), '[160, 224, 3]');
  assert.equal(shapes.get('raw'), '[?, ?, 3]');
  assert.equal(shapes.get('rawFrame'), '[?, ?, 3]');
  assert.equal(errors.length, 1);
  assert.match(errors[0], /^8: predict-input: Error when checking : expected conv2d_Conv2D1_input to have shape \[null,224,224,3\] but got array with shape \[1,160,224,3\]/);
});

test('a dataset hover shows its element; iterators and size follow tfjs', () => {
  const { result, shapes } = analyzeBody(`const ds = tf.data.array([{xs: tf.zeros([4]), ys: tf.zeros([3])}, {xs: tf.zeros([4]), ys: tf.zeros([3])}]).batch(2);
const it = await ds.iterator();
const first = (await it.next()).value.xs;
const size = ds.size;
const count = tf.data.array([1, 2, 3]).repeat(2).size;
`);
  assert.equal(shapes.get('ds'), '{xs: [2, 4], ys: [2, 3]}');
  assert.equal(shapes.get('first'), '[2, 4]');
  const info = result.shapeAt({ line: 1, character: 6 });
  assert.ok(info);
  assert.equal(info.kind, 'dataset');
  assert.match(hoverMarkdown(info), /^\*\*Dataset element\*\* `\{xs: \[2, 4\], ys: \[2, 3\]\}`/);
  const analysed = analyze({ fileName: '/work/y.ml.ts', text: `${HEADER}const n = tf.data.array([1, 2, 3]).repeat(2).size;\nconst t = tf.zeros([n]);\n` });
  assert.equal(analysed.shapeAt({ line: 2, character: 6 })?.text, '[6]');
});

test('fitDataset: a missing config, and [xs, ys] arrays, which tfjs cannot train on', () => {
  const { errors } = analyzeBody(`const model = tf.sequential({layers: [tf.layers.dense({units: 3, inputShape: [4]})]});
model.compile({loss: 'meanSquaredError', optimizer: 'sgd'});
const pairs = tf.data.array([[tf.zeros([4]), tf.zeros([3])], [tf.zeros([4]), tf.zeros([3])]]);
await model.fitDataset(tf.data.array([{xs: tf.zeros([4]), ys: tf.zeros([3])}]).batch(1));
await model.fitDataset(pairs.batch(2), {epochs: 1});
await model.fitDataset(pairs, {epochs: 1});
await model.fitDataset(tf.data.zip({xs: pairs.map((p) => p[0]), ys: pairs.map((p) => p[1])}).batch(2), {epochs: 1});
`);
  const formOf = 'fit-input: A Dataset iterator for fitDataset() is expected to generate objects of the form `{xs: xVal, ys: yVal}`, where the two values may be `tf.Tensor`, an array of Tensors, or a map of string to Tensor.  The provided Dataset instead generates Tensor';
  assert.deepEqual(errors, [
    `4: fit-config: fitDataset() needs a config with epochs (its 2nd argument); without one tfjs fails with "Cannot read properties of undefined (reading 'batchesPerEpoch')".`,
    `5: ${formOf}`,
    `6: ${formOf}`,
  ]);
});

test('fitDataset: multi-input models count the inputs the dataset gives; a webcam iterator is not a dataset', () => {
  const { errors } = analyzeBody(`const a = tf.input({shape: [4], name: 'a'});
const b = tf.input({shape: [2], name: 'b'});
const out = tf.layers.dense({units: 1}).apply(tf.layers.concatenate().apply([a, b]));
const model = tf.model({inputs: [a, b], outputs: out});
model.compile({loss: 'meanSquaredError', optimizer: 'sgd'});
await model.fitDataset(tf.data.array([{xs: tf.zeros([4]), ys: tf.zeros([1])}]).batch(1), {epochs: 1});
await model.fitDataset(tf.data.array([{xs: [tf.zeros([4]), tf.zeros([2]), tf.zeros([1])], ys: tf.zeros([1])}]).batch(1), {epochs: 1});
await model.fitDataset(tf.data.array([{xs: [tf.zeros([1, 4]), tf.zeros([1, 2]), tf.zeros([1, 1])], ys: tf.zeros([1, 1])}]), {epochs: 1});
await model.fitDataset(tf.data.array([{xs: {a: tf.zeros([4]), c: tf.zeros([2])}, ys: tf.zeros([1])}]).batch(1), {epochs: 1});
await model.fitDataset(tf.data.array([{xs: {a: tf.zeros([4]), b: tf.zeros([2])}, ys: tf.zeros([1])}]).batch(1), {epochs: 1});
declare const video: any;
await model.fitDataset(await tf.data.webcam(video), {epochs: 1});
`);
  assert.deepEqual(errors, [
    '6: fit-input: LayersModel has 2 inputs, but the dataset provides 1 inputs.  (Expected input keys: ["a","b"])',
    // Batching stacks an array leaf with tf.tensor, so the three tensors become one (as tfjs reports).
    '7: fit-input: LayersModel has 2 inputs, but the dataset provides 1 inputs.  (Expected input keys: ["a","b"])',
    '8: fit-input: Received an array of 3 Tensors, but expected 2 to match the input keys a,b.',
    "9: fit-input: The feature data generated by the dataset lacks the required input key 'b'.",
  ]);
});

test('tf.data.csv: columnConfigs labels give {xs, ys} maps that must be mapped to tensors before fitDataset', () => {
  const host: AnalysisHost = { readFile: (p) => (p === '/work/data/iris.csv' ? 'a,b,c,d,species\n1,2,3,4,0\n' : undefined) };
  const { shapes, errors } = analyzeBody(`const csv = tf.data.csv('file://data/iris.csv', {columnConfigs: {species: {isLabel: true}}});
const flat = csv.map(({xs, ys}) => ({xs: Object.values(xs), ys: tf.oneHot(ys.species, 3)})).batch(10);
const model = tf.sequential({layers: [tf.layers.dense({units: 3, inputShape: [4], activation: 'softmax'})]});
model.compile({loss: 'categoricalCrossentropy', optimizer: 'sgd'});
await model.fitDataset(flat, {epochs: 1});
await model.fitDataset(csv.batch(10), {epochs: 1});
`, host);
  assert.equal(shapes.get('csv'), '{xs: {a: number, b: number, c: number, d: number}, ys: {species: number}}');
  assert.equal(shapes.get('flat'), '{xs: [batch, 4], ys: [batch, 3]}');
  assert.deepEqual(errors, ["6: fit-input: The feature data generated by the dataset lacks the required input key 'dense_Dense1_input'."]);
});

test('an endless generator is followed to its first yields, not through the file budget', () => {
  const { result, shapes } = analyzeBody(`function* endless() {
  while (true) {
    const img = tf.randomNormal([28, 28, 1]).div(255);
    yield {xs: img, ys: tf.oneHot(Math.floor(Math.random() * 10), 10)};
  }
}
const ds = tf.data.generator(endless).shuffle(100).batch(32);
const after = tf.zeros([2, 3]);
`);
  assert.deepEqual(result.diagnostics.map((d) => d.code), []);
  assert.equal(shapes.get('ds'), '{xs: [batch, 28, 28, 1], ys: [batch, 10]}');
  assert.equal(shapes.get('after'), '[2, 3]');
  // The generic pass follows the generator the same way, so hovers inside it work.
  assert.equal(result.shapeAt({ line: 3, character: 10 })?.text, '[28, 28, 1]');
});
