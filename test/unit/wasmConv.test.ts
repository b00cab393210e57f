// The Conv2DBackpropFilter kernel mlts registers for tfjs-backend-wasm agrees with tfjs-backend-cpu's on random
// inputs across strides, paddings and both data layouts, and a small conv net trains on wasm with it.
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerMissingWasmKernels, wasmKernelLimits } from '../../runtime/src/backends/wasmKernels';

before(async () => {
  setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/');
  assert.deepEqual(registerMissingWasmKernels(tf), ['Conv2DBackpropFilter']);
  assert.deepEqual(registerMissingWasmKernels(tf), [], 'registering twice is a no-op');
});

interface Case {
  name: string;
  /** Lowers the patches limit: chunks of a few images, or (when one image is over it) the JavaScript path. */
  maxPatchFloats?: number;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: [number, number];
  pad: 'valid' | 'same' | number;
  dataFormat: 'NHWC' | 'NCHW';
}

const CASES: Case[] = [
  { name: '3×3 valid, stride 1', x: [2, 7, 6, 3], filter: [3, 3, 3, 4], strides: [1, 1], pad: 'valid', dataFormat: 'NHWC' },
  { name: '3×3 same, stride 2', x: [3, 9, 8, 2], filter: [3, 3, 2, 5], strides: [2, 2], pad: 'same', dataFormat: 'NHWC' },
  { name: '2×4 explicit pad 1, strides 2×1', x: [1, 6, 7, 3], filter: [2, 4, 3, 2], strides: [2, 1], pad: 1, dataFormat: 'NHWC' },
  { name: '5×5 same, 1 channel in', x: [4, 12, 12, 1], filter: [5, 5, 1, 8], strides: [1, 1], pad: 'same', dataFormat: 'NHWC' },
  { name: 'NHWC in chunks of 2 images', x: [5, 7, 6, 3], filter: [3, 3, 3, 4], strides: [1, 1], pad: 'same', dataFormat: 'NHWC', maxPatchFloats: 2 * 42 * 27 },
  { name: 'NHWC with one image over the limit (JavaScript path)', x: [2, 7, 6, 3], filter: [3, 3, 3, 4], strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', maxPatchFloats: 10 },
  { name: 'NCHW 3×3 valid', x: [2, 3, 7, 6], filter: [3, 3, 3, 4], strides: [1, 1], pad: 'valid', dataFormat: 'NCHW' },
];

function outputShape(c: Case): number[] {
  const channelsLast = c.dataFormat === 'NHWC';
  const inShape = (channelsLast ? c.x : [c.x[0], c.x[2], c.x[3], c.x[1]]) as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(inShape, c.filter, c.strides, 1, c.pad);
  return channelsLast ? info.outShape : [info.outShape[0], info.outShape[3], info.outShape[1], info.outShape[2]];
}

async function backpropFilter(backend: string, c: Case, xValues: Float32Array, dyValues: Float32Array): Promise<Float32Array> {
  await tf.setBackend(backend);
  const x = tf.tensor4d(xValues, c.x);
  const dy = tf.tensor(dyValues, outputShape(c));
  const dW = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: c.strides, pad: c.pad, dataFormat: c.dataFormat, filterShape: c.filter }) as tf.Tensor;
  const values = (await dW.data()) as Float32Array;
  assert.deepEqual(dW.shape, c.filter);
  tf.dispose([x, dy, dW]);
  return values;
}

for (const c of CASES) {
  test(`Conv2DBackpropFilter on wasm matches cpu: ${c.name}`, async () => {
    const xValues = Float32Array.from({ length: c.x.reduce((a, b) => a * b) }, (_, i) => Math.sin(i * 1.7) * 2);
    const dyValues = Float32Array.from({ length: outputShape(c).reduce((a, b) => a * b) }, (_, i) => Math.cos(i * 0.9));
    const cpu = await backpropFilter('cpu', c, xValues, dyValues);
    const limit = wasmKernelLimits.maxPatchFloats;
    wasmKernelLimits.maxPatchFloats = c.maxPatchFloats ?? limit;
    await tf.setBackend('wasm');
    const dataIds = () => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
    const before = dataIds();
    const wasm = await backpropFilter('wasm', c, xValues, dyValues).finally(() => (wasmKernelLimits.maxPatchFloats = limit));
    assert.equal(dataIds(), before, 'the kernel frees its patches, chunks and partial products');
    assert.equal(wasm.length, cpu.length);
    for (let i = 0; i < cpu.length; i++) {
      assert.ok(Math.abs(wasm[i]! - cpu[i]!) <= 1e-4 * Math.max(1, Math.abs(cpu[i]!)), `element ${i}: wasm ${wasm[i]} vs cpu ${cpu[i]}`);
    }
  });
}

test('a conv net trains on wasm and its loss falls', async () => {
  await tf.setBackend('wasm');
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.05), loss: 'categoricalCrossentropy' });
  const labels = tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 1], 'int32');
  const xs = tf.tidy(() => tf.randomUniform([8, 8, 8, 1], 0, 0.2, 'float32', 3).add(labels.reshape([8, 1, 1, 1]).cast('float32')));
  const history = await model.fit(xs, tf.oneHot(labels, 2), { epochs: 15, batchSize: 8, verbose: 0 });
  const loss = history.history.loss as number[];
  assert.ok(loss.at(-1)! < loss[0]! * 0.5, `loss should fall: ${loss.join(', ')}`);
});
