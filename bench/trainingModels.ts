// The two models the training benchmarks train, in tfjs, matching bench/trainingTorchPeer.py layer for layer: an MLP
// 784-128-10 and a small conv net on 28×28×1 (conv 8 3×3 relu, max-pool 2, conv 16 3×3 relu, max-pool 2, dense
// 64 relu, dense 10), Adam 1e-3, softmax cross-entropy, shuffled mini-batches, synthetic data.
// Also the source of the experiment file the overhead benchmark runs under `mlts run` and under plain node.
import type * as tfjs from '@tensorflow/tfjs';

export type ModelKind = 'mlp' | 'conv';

export function buildModel(tf: typeof tfjs, kind: ModelKind): tfjs.Sequential {
  const layers =
    kind === 'mlp'
      ? [tf.layers.flatten({ inputShape: [28, 28, 1] }), tf.layers.dense({ units: 128, activation: 'relu' }), tf.layers.dense({ units: 10, activation: 'softmax' })]
      : [
          tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, activation: 'relu' }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu' }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 64, activation: 'relu' }),
          tf.layers.dense({ units: 10, activation: 'softmax' }),
        ];
  const model = tf.sequential({ layers });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  return model;
}

export function syntheticData(tf: typeof tfjs, samples: number): { xs: tfjs.Tensor4D; ys: tfjs.Tensor2D } {
  const xs = tf.randomUniform([samples, 28, 28, 1], 0, 1, 'float32', 1) as tfjs.Tensor4D;
  const ys = tf.oneHot(tf.randomUniform([samples], 0, 10, 'int32', 2) as tfjs.Tensor1D, 10).cast('float32') as tfjs.Tensor2D;
  return { xs, ys };
}

/** Trains one warm-up epoch, then `epochs` timed epochs; returns samples per second over the timed ones. */
export async function timedFit(tf: typeof tfjs, kind: ModelKind, samples: number, batchSize: number, epochs: number): Promise<number> {
  const model = buildModel(tf, kind);
  const { xs, ys } = syntheticData(tf, samples);
  await model.fit(xs, ys, { epochs: 1, batchSize, verbose: 0 });
  const started = performance.now();
  await model.fit(xs, ys, { epochs, batchSize, verbose: 0 });
  const seconds = (performance.now() - started) / 1000;
  tf.dispose([xs, ys]);
  model.dispose();
  return (samples * epochs) / seconds;
}

/**
 * An experiment file for the overhead benchmark: the MLP on wasm, timed inside the file (so process start-up is not
 * counted), printing `THROUGHPUT <samples per wall second> <samples per CPU second of this process>`. It selects wasm itself, so plain `node` and `mlts run --backend
 * wasm` train on the same backend.
 */
export function overheadExperiment(samples: number, batchSize: number, epochs: number): string {
  return `import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

/** @mlts-params */
const params = { samples: ${samples}, batchSize: ${batchSize}, epochs: ${epochs} };

const require = createRequire(import.meta.url);
setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/');
await tf.setBackend('wasm');
const model = tf.sequential({
  layers: [tf.layers.flatten({ inputShape: [28, 28, 1] }), tf.layers.dense({ units: 128, activation: 'relu' }), tf.layers.dense({ units: 10, activation: 'softmax' })],
});
model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
const xs = tf.randomUniform([params.samples, 28, 28, 1], 0, 1, 'float32', 1);
const ys = tf.oneHot(tf.randomUniform([params.samples], 0, 10, 'int32', 2) as tf.Tensor1D, 10).cast('float32');
await model.fit(xs, ys, { epochs: 1, batchSize: params.batchSize, verbose: 0 });
const started = performance.now();
const cpu = process.cpuUsage();
await model.fit(xs, ys, { epochs: params.epochs, batchSize: params.batchSize, verbose: 0 });
const used = process.cpuUsage(cpu);
const trained = params.samples * params.epochs;
console.log('THROUGHPUT', trained / ((performance.now() - started) / 1000), trained / ((used.user + used.system) / 1e6));
`;
}
