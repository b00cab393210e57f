// Parameter counts and output shapes of every layer family, with real tfjs 4.22 as the oracle: each
// case is a small program that applies one layer to a `tf.input` and makes a model of it; the test
// runs the program through the analysis (the model summary's row) and through tfjs on the cpu
// backend (`layer.countParams()` and the output's shape), and the two must agree. A second table
// does the same for whole Sequential stacks, totals and trainable counts as `model.summary()`
// prints them.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { analyze } from '../../server/src/analysis/index';

before(async () => {
  await tf.setBackend('cpu');
});

interface LayerCase {
  /** A `tf.layers.*` expression (JavaScript that also reads as TypeScript). */
  layer: string;
  /** The input shape without the batch axis. */
  input: Array<number | null>;
}

const LAYER_CASES: LayerCase[] = [
  { layer: 'tf.layers.dense({units: 7})', input: [5] },
  { layer: 'tf.layers.dense({units: 7, useBias: false})', input: [3, 5] },
  { layer: 'tf.layers.conv1d({filters: 4, kernelSize: 3})', input: [10, 3] },
  { layer: "tf.layers.conv1d({filters: 2, kernelSize: 3, dataFormat: 'channelsFirst'})", input: [3, 9] },
  { layer: 'tf.layers.conv2d({filters: 4, kernelSize: 3, strides: 2})', input: [9, 9, 3] },
  { layer: "tf.layers.conv2d({filters: 4, kernelSize: [3, 2], dataFormat: 'channelsFirst'})", input: [3, 9, 9] },
  { layer: 'tf.layers.conv3d({filters: 4, kernelSize: 3})', input: [8, 8, 8, 2] },
  { layer: "tf.layers.conv3d({filters: 4, kernelSize: [3, 2, 1], strides: 2, padding: 'same'})", input: [8, 9, 7, 2] },
  { layer: "tf.layers.conv3d({filters: 4, kernelSize: 3, dataFormat: 'channelsFirst'})", input: [2, 8, 8, 8] },
  { layer: 'tf.layers.conv2dTranspose({filters: 4, kernelSize: 3, strides: 2})', input: [5, 5, 2] },
  { layer: "tf.layers.conv2dTranspose({filters: 4, kernelSize: 3, strides: 2, dataFormat: 'channelsFirst'})", input: [2, 5, 5] },
  { layer: "tf.layers.conv3dTranspose({filters: 4, kernelSize: 3, strides: 2, padding: 'same'})", input: [5, 5, 5, 2] },
  { layer: 'tf.layers.conv3dTranspose({filters: 4, kernelSize: 3, strides: 2, useBias: false})', input: [5, 5, 5, 2] },
  { layer: 'tf.layers.depthwiseConv2d({kernelSize: 3, depthMultiplier: 2})', input: [8, 8, 3] },
  { layer: "tf.layers.depthwiseConv2d({kernelSize: 3, dataFormat: 'channelsFirst'})", input: [2, 8, 8] },
  { layer: 'tf.layers.separableConv2d({filters: 4, kernelSize: 3, dilationRate: 2})', input: [9, 9, 2] },
  { layer: "tf.layers.separableConv2d({filters: 4, kernelSize: 3, dataFormat: 'channelsFirst'})", input: [2, 8, 8] },
  { layer: 'tf.layers.maxPooling3d({poolSize: 2})', input: [8, 8, 8, 2] },
  { layer: 'tf.layers.averagePooling3d({poolSize: [2, 2, 2], strides: 1})', input: [8, 8, 8, 2] },
  { layer: "tf.layers.avgPooling3d({poolSize: 2, padding: 'same'})", input: [7, 7, 7, 2] },
  { layer: "tf.layers.globalAveragePooling2d({dataFormat: 'channelsFirst'})", input: [2, 4, 5] },
  { layer: "tf.layers.upSampling2d({size: [2, 3], dataFormat: 'channelsFirst'})", input: [2, 4, 5] },
  { layer: "tf.layers.zeroPadding2d({padding: 1, dataFormat: 'channelsFirst'})", input: [2, 4, 5] },
  { layer: "tf.layers.cropping2D({cropping: 1, dataFormat: 'channelsFirst'})", input: [2, 4, 5] },
  { layer: 'tf.layers.simpleRNN({units: 6, returnSequences: true})', input: [5, 4] },
  { layer: 'tf.layers.lstm({units: 5, useBias: false})', input: [5, 4] },
  { layer: 'tf.layers.gru({units: 5, returnState: true})', input: [5, 4] },
  { layer: 'tf.layers.rnn({cell: tf.layers.simpleRNNCell({units: 5})})', input: [7, 4] },
  { layer: 'tf.layers.rnn({cell: tf.layers.lstmCell({units: 5}), returnSequences: true})', input: [7, 4] },
  { layer: 'tf.layers.rnn({cell: [tf.layers.lstmCell({units: 5}), tf.layers.gruCell({units: 3})], returnState: true})', input: [7, 4] },
  { layer: 'tf.layers.rnn({cell: tf.layers.stackedRNNCells({cells: [tf.layers.lstmCell({units: 5}), tf.layers.simpleRNNCell({units: 3})]})})', input: [7, 4] },
  { layer: 'tf.layers.simpleRNNCell({units: 5})', input: [4] },
  { layer: 'tf.layers.lstmCell({units: 3})', input: [4] },
  { layer: 'tf.layers.gruCell({units: 3})', input: [4] },
  { layer: 'tf.layers.stackedRNNCells({cells: [tf.layers.lstmCell({units: 3}), tf.layers.gruCell({units: 2})]})', input: [4] },
  { layer: 'tf.layers.convLstm2d({filters: 3, kernelSize: 3})', input: [4, 8, 8, 2] },
  { layer: "tf.layers.convLstm2d({filters: 3, kernelSize: 3, padding: 'same', returnSequences: true, returnState: true})", input: [4, 8, 8, 2] },
  { layer: "tf.layers.convLstm2d({filters: 3, kernelSize: 3, dataFormat: 'channelsFirst'})", input: [4, 2, 8, 8] },
  { layer: 'tf.layers.convLstm2dCell({filters: 3, kernelSize: 3})', input: [8, 8, 2] },
  { layer: 'tf.layers.convLstm2dCell({filters: 2, kernelSize: [3, 1], useBias: false})', input: [8, 8, 4] },
  { layer: "tf.layers.convLstm2d({filters: 3, kernelSize: 3, strides: 2, padding: 'same'})", input: [4, 8, 8, 2] },
  { layer: 'tf.layers.bidirectional({layer: tf.layers.lstm({units: 4})})', input: [7, 3] },
  { layer: "tf.layers.bidirectional({layer: tf.layers.gru({units: 4, returnSequences: true}), mergeMode: 'ave'})", input: [7, 3] },
  { layer: 'tf.layers.bidirectional({layer: tf.layers.lstm({units: 4}), mergeMode: null})', input: [7, 3] },
  { layer: 'tf.layers.bidirectional({layer: tf.layers.lstm({units: 4, returnState: true})})', input: [7, 3] },
  { layer: 'tf.layers.bidirectional({layer: tf.layers.dense({units: 4})})', input: [7, 3] },
  { layer: 'tf.layers.timeDistributed({layer: tf.layers.conv2d({filters: 3, kernelSize: 3})})', input: [4, 8, 8, 2] },
  { layer: 'tf.layers.embedding({inputDim: 10, outputDim: 3})', input: [4, 2] },
  { layer: 'tf.layers.batchNormalization({axis: 1})', input: [3, 4] },
  { layer: 'tf.layers.batchNormalization({center: false, scale: false})', input: [3, 4] },
  { layer: 'tf.layers.layerNormalization()', input: [5, 6] },
  { layer: 'tf.layers.layerNormalization({axis: 1})', input: [5, 6] },
  { layer: 'tf.layers.layerNormalization({center: false})', input: [5, 6] },
  { layer: 'tf.layers.prelu()', input: [5, 6] },
  { layer: 'tf.layers.prelu({sharedAxes: [1]})', input: [5, 6] },
  { layer: 'tf.layers.prelu({sharedAxes: 2})', input: [5, 6, 2] },
  { layer: 'tf.layers.reLU()', input: [5, 6] },
  { layer: 'tf.layers.leakyReLU({alpha: 0.1})', input: [5, 6] },
  { layer: 'tf.layers.elu()', input: [5, 6] },
  { layer: 'tf.layers.softmax()', input: [5, 6] },
  { layer: 'tf.layers.thresholdedReLU()', input: [5, 6] },
  { layer: 'tf.layers.masking({maskValue: 0})', input: [5, 6] },
  { layer: 'tf.layers.alphaDropout({rate: 0.1})', input: [5, 6] },
  { layer: 'tf.layers.gaussianNoise({stddev: 0.1})', input: [5, 6] },
  { layer: 'tf.layers.gaussianDropout({rate: 0.1})', input: [5, 6] },
  { layer: 'tf.layers.spatialDropout1d({rate: 0.1})', input: [5, 6] },
  { layer: 'tf.layers.rescaling({scale: 1 / 255})', input: [8, 8, 3] },
  { layer: 'tf.layers.centerCrop({height: 4, width: 5})', input: [8, 8, 3] },
  { layer: 'tf.layers.resizing({height: 4, width: 5})', input: [8, 8, 3] },
  { layer: 'tf.layers.categoryEncoding({numTokens: 6})', input: [3] },
  { layer: "tf.layers.categoryEncoding({numTokens: 6, outputMode: 'oneHot'})", input: [3] },
  { layer: "tf.layers.categoryEncoding({numTokens: 6, outputMode: 'oneHot'})", input: [1] },
  { layer: 'tf.layers.randomWidth({factor: 0.2})', input: [8, 8, 3] },
  { layer: 'tf.layers.permute({dims: [2, 1]})', input: [3, 4] },
  { layer: 'tf.layers.repeatVector({n: 3})', input: [4] },
];

interface StackCase {
  name: string;
  /** Layers of a `tf.sequential`, the first with its input shape. */
  layers: string[];
  /** Code run after the model is built (freezing layers). */
  after?: string;
}

const STACK_CASES: StackCase[] = [
  {
    name: 'a 3-D conv net',
    layers: [
      'tf.layers.conv3d({filters: 4, kernelSize: 3, inputShape: [8, 8, 8, 1]})',
      'tf.layers.maxPooling3d({poolSize: 2})',
      'tf.layers.conv3dTranspose({filters: 2, kernelSize: 2, strides: 2})',
      'tf.layers.flatten()',
      'tf.layers.dense({units: 3})',
    ],
  },
  {
    name: 'stacked recurrent cells and a frozen bidirectional layer',
    layers: [
      'tf.layers.embedding({inputDim: 50, outputDim: 8, inputLength: 6})',
      'tf.layers.rnn({cell: [tf.layers.gruCell({units: 6}), tf.layers.lstmCell({units: 5})], returnSequences: true})',
      "tf.layers.bidirectional({layer: tf.layers.simpleRNN({units: 4}), mergeMode: 'concat', trainable: false})",
      'tf.layers.repeatVector({n: 3})',
      'tf.layers.timeDistributed({layer: tf.layers.dense({units: 3, trainable: false}), trainable: true})',
      'tf.layers.layerNormalization()',
      'tf.layers.flatten()',
      'tf.layers.dense({units: 2})',
    ],
  },
  {
    name: 'preprocessing, normalization and a convolutional LSTM',
    layers: [
      'tf.layers.rescaling({scale: 1 / 255, inputShape: [3, 10, 10, 2]})',
      "tf.layers.convLstm2d({filters: 4, kernelSize: 3, padding: 'same'})",
      'tf.layers.batchNormalization()',
      'tf.layers.globalAveragePooling2d({})',
      'tf.layers.dense({units: 2})',
    ],
  },
];

function formatTfjsShape(shape: Array<number | null | undefined>): string {
  // RandomWidth's symbolic shape starts with `undefined` rather than a null batch axis.
  return '[' + shape.map((d, i) => (d === null ? (i === 0 ? 'batch' : '?') : d === undefined ? '?' : String(d))).join(', ') + ']';
}

/** Runs a program's body (without its import line) against real tfjs. */
function runReal<T>(body: string): T {
  return new Function('tf', body)(tf) as T;
}

function analysedModel(body: string) {
  const result = analyze({ fileName: '/work/params.ml.ts', text: `import * as tf from '@tensorflow/tfjs';\n${body}` });
  assert.deepEqual(result.diagnostics.map((d) => d.message), [], 'the analysis reports no problem');
  assert.equal(result.models.length, 1, 'the analysis summarises one model');
  return result.models[0];
}

for (const c of LAYER_CASES) {
  test(`${c.layer} on [batch, ${c.input.join(', ')}]: params and output shape as tfjs`, () => {
    const program = `const x = tf.input({shape: ${JSON.stringify(c.input)}});
const layer = ${c.layer};
const y = layer.apply(x);
const model = tf.model({inputs: x, outputs: y});
`;
    const real = runReal<{ params: number; shape: Array<number | null> }>(
      `${program}const first = Array.isArray(y) ? y[0] : y; return { params: layer.countParams(), shape: first.shape };`,
    );
    const summary = analysedModel(program);
    assert.equal(summary.layers.length, 1);
    const [row] = summary.layers;
    assert.equal(row.params, real.params, 'countParams()');
    assert.equal(row.outputShape, formatTfjsShape(real.shape), 'output shape');
  });
}

for (const c of STACK_CASES) {
  test(`sequential stack, ${c.name}: every row, the total and the trainable count as model.summary()`, () => {
    const program = `const model = tf.sequential({layers: [\n  ${c.layers.join(',\n  ')},\n]});\n${c.after ?? ''}`;
    const real = runReal<{ rows: Array<[string, string, number]>; total: number; trainable: number }>(
      `${program}
const size = (ws) => ws.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
return {
  rows: model.layers.map((l) => [l.getClassName(), JSON.stringify(l.outputShape), l.countParams()]),
  total: model.countParams(),
  trainable: size(model.trainableWeights),
};`,
    );
    const summary = analysedModel(program);
    assert.deepEqual(
      summary.layers.map((l) => [l.type, l.outputShape, l.params]),
      real.rows.map(([type, shape, params]) => [type, formatTfjsShape(JSON.parse(shape)), params]),
    );
    assert.equal(summary.totalParams, real.total, 'total params');
    assert.equal(summary.trainableParams, real.trainable, 'trainable params');
  });
}
