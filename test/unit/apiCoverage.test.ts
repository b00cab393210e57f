// Holds the shape analysis to its export coverage of @tensorflow/tfjs (scripts/apiCoverage.ts):
// the enumeration of the package's real exports must find the API as it is, and the share of ops
// that the analysis models must not fall below its floor. The floors only go up: raise them when
// more of the API is modelled, never lower them to make a change pass.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type CoverageReport, coverageOf, measureCoverage } from '../../scripts/apiCoverage';
import { enumerateTfjsExports } from '../../scripts/tfjsExports';

/** Lowest share of tfjs-core ops (with tf.image, tf.linalg, ..., tf.metrics) the analysis may model. */
const OPS_FLOOR_PERCENT = 100;

const exportsOfTfjs = enumerateTfjsExports();
const report: CoverageReport = measureCoverage(exportsOfTfjs);

test('the enumeration finds the real API of @tensorflow/tfjs', () => {
  const byName = new Map(exportsOfTfjs.map((e) => [e.path.join('.'), e.category]));
  for (const op of ['matMul', 'conv2d', 'image.resizeBilinear', 'linalg.qr', 'signal.stft', 'spectral.rfft', 'losses.logLoss', 'metrics.precision', 'gatherND', 'einsum']) {
    assert.equal(byName.get(op), 'op', `tf.${op} is an op`);
  }
  for (const layer of ['layers.dense', 'layers.lstm', 'layers.conv3d', 'layers.rnn']) assert.equal(byName.get(layer), 'layer', `tf.${layer} is a layer`);
  for (const fn of ['data.array', 'data.csv', 'data.generator']) assert.equal(byName.get(fn), 'data', `tf.${fn} is data`);
  for (const other of ['setBackend', 'tidy', 'sequential', 'Tensor', 'io.browserFiles', 'util.sizeFromShape']) {
    assert.equal(byName.get(other), 'other', `tf.${other} is not counted`);
  }
  assert.ok(coverageOf(report, 'op').total > 250, `only ${coverageOf(report, 'op').total} ops found`);
});

test(`ops coverage is at least ${OPS_FLOOR_PERCENT}%`, () => {
  const ops = coverageOf(report, 'op');
  assert.ok(ops.percent >= OPS_FLOOR_PERCENT, `ops ${ops.percent.toFixed(1)}% < ${OPS_FLOOR_PERCENT}%; missing: ${ops.missing.join(', ')}`);
});

test('every tf.data function is modelled (100% of data)', () => {
  const data = coverageOf(report, 'data');
  // 4.22 exports array, csv, func, generator, microphone, webcam and zip.
  assert.ok(data.total >= 7, `only ${data.total} tf.data functions found`);
  assert.deepEqual(data.missing, [], 'tf.data functions without a model');
  assert.equal(data.percent, 100);
});

test('every tf.layers factory has a shape rule (100% of layers)', () => {
  const layers = coverageOf(report, 'layer');
  // 4.22 exports 76 factories plus tf.layers.input; a smaller count means the enumeration lost some.
  assert.ok(layers.total >= 77, `only ${layers.total} layer factories found`);
  assert.deepEqual(layers.missing, [], 'layer factories without a shape rule');
  assert.equal(layers.percent, 100);
});
