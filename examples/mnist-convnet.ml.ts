// An image classifier on MNIST-shaped data: 28×28 grayscale images, 10 classes.
// The images are generated (each class is a bright stroke at its own position plus noise), so the file runs
// anywhere without downloading a data set, and a small conv net learns them in a few seconds on the CPU.
import * as tf from '@tensorflow/tfjs';

// %% [markdown]
// Run the cells in order (Shift+Enter), or run the whole file: `mlts` checks every shape below while you type.
// `mlts run examples/mnist-convnet.ml.ts --grid filters=4,8 --grid learningRate=0.01,0.003` trains a grid of
// tracked runs; the tagged object below holds the parameters a run may override (plain `node` uses the defaults).

// %% Parameters
/** @mlts-params */
const params = { learningRate: 0.01, epochs: 2, batchSize: 64, filters: 4, hidden: 32, seed: 42 };

// %% Data
const IMAGE_SIZE = 28;
const NUM_CLASSES = 10;
const NUM_TRAIN = 256;
const NUM_TEST = 64;

/** Makes `count` images: class k lights up a vertical band at column 2 + 2k, plus uniform noise. */
function makeImages(count: number, seed: number): { xs: tf.Tensor4D; ys: tf.Tensor2D } {
  return tf.tidy(() => {
    const labels = tf.randomUniform([count], 0, NUM_CLASSES, 'int32', seed);
    const columns = tf.range(0, IMAGE_SIZE).reshape([1, 1, IMAGE_SIZE]);
    const centre = labels.mul(2).add(2).reshape([count, 1, 1]);
    const band = columns.sub(centre).abs().lessEqual(1).cast('float32');
    const images = band.tile([1, IMAGE_SIZE, 1]).add(tf.randomUniform([count, IMAGE_SIZE, IMAGE_SIZE], 0, 0.3, 'float32', seed));
    const xs = images.reshape([count, IMAGE_SIZE, IMAGE_SIZE, 1]) as tf.Tensor4D;
    const ys = tf.oneHot(labels, NUM_CLASSES).cast('float32') as tf.Tensor2D;
    return { xs, ys };
  });
}

const train = makeImages(NUM_TRAIN, params.seed);
const test = makeImages(NUM_TEST, params.seed + 1);
console.log('train images', train.xs.shape, 'labels', train.ys.shape);

// %% Model
const model = tf.sequential();
model.add(tf.layers.conv2d({ inputShape: [IMAGE_SIZE, IMAGE_SIZE, 1], filters: params.filters, kernelSize: 3, activation: 'relu' }));
model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
model.add(tf.layers.conv2d({ filters: params.filters * 2, kernelSize: 3, activation: 'relu' }));
model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
model.add(tf.layers.flatten());
model.add(tf.layers.dense({ units: params.hidden, activation: 'relu' }));
model.add(tf.layers.dense({ units: NUM_CLASSES, activation: 'softmax' }));
model.compile({ optimizer: tf.train.adam(params.learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
model.summary();

// %% Train
const history = await model.fit(train.xs, train.ys, { epochs: params.epochs, batchSize: params.batchSize, validationSplit: 0.1, verbose: 0 });
console.log('final loss', history.history.loss.at(-1));

// %% Evaluate
const [testLoss, testAccuracy] = model.evaluate(test.xs, test.ys) as tf.Scalar[];
console.log('test loss', (await testLoss.data())[0].toFixed(3), 'accuracy', (await testAccuracy.data())[0].toFixed(3));
// Recorded with the run's metrics when this file runs under `mlts run`; a no-op under plain `node`.
globalThis.mlts?.log({ testLoss: testLoss, testAccuracy: testAccuracy });

// %% Predict one image
const first = test.xs.slice([0, 0, 0, 0], [1, IMAGE_SIZE, IMAGE_SIZE, 1]);
const probabilities = model.predict(first) as tf.Tensor2D;
console.log('predicted class', (await probabilities.argMax(-1).data())[0], 'true class', (await test.ys.slice([0, 0], [1, NUM_CLASSES]).argMax(-1).data())[0]);
