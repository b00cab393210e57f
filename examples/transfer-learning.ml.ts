// Transfer learning: a convolutional backbone trained on one task is frozen, nested in a new model with a
// small head, and the head trained on a second task; then the backbone's last block is unfrozen to fine-tune.
// The images are generated (bright strokes at positions that depend on the class, plus noise), so the file
// runs anywhere in a few seconds on the CPU. docs/transfer-learning.md walks through it and shows what mlts
// checks at each step (the backbone's output shape in hovers, the frozen block in the summary CodeLens).
import * as tf from '@tensorflow/tfjs';

// %% Parameters
/** @mlts-params */
const params = { epochs: 2, fineTuneEpochs: 1, batchSize: 32, learningRate: 0.005, seed: 7 };

// %% Data: 24×24 RGB images; the source task has 6 classes, the target task 3.
const IMAGE_SIZE = 24;

/** `count` images whose class k is a vertical band at column 2 + 3k, in channel k % 3, plus noise. */
function makeImages(count: number, classes: number, seed: number): { xs: tf.Tensor4D; ys: tf.Tensor2D } {
  return tf.tidy(() => {
    const labels = tf.randomUniform([count], 0, classes, 'int32', seed);
    const columns = tf.range(0, IMAGE_SIZE).reshape([1, 1, IMAGE_SIZE, 1]);
    const centre = labels.mul(3).add(2).reshape([count, 1, 1, 1]);
    const band = columns.sub(centre).abs().lessEqual(1).cast('float32');
    const channel = tf.oneHot(labels.mod(3).cast('int32'), 3).reshape([count, 1, 1, 3]);
    const noise = tf.randomUniform([count, IMAGE_SIZE, IMAGE_SIZE, 3], 0, 0.3, 'float32', seed);
    const xs = band.mul(channel).tile([1, IMAGE_SIZE, 1, 1]).add(noise) as tf.Tensor4D;
    const ys = tf.oneHot(labels, classes).cast('float32') as tf.Tensor2D;
    return { xs, ys };
  });
}

const source = makeImages(256, 6, params.seed);
const target = makeImages(128, 3, params.seed + 1);

// %% The backbone, trained on the source task (in practice, a pretrained model).
function buildBackbone(): tf.Sequential {
  const net = tf.sequential();
  net.add(tf.layers.conv2d({ inputShape: [IMAGE_SIZE, IMAGE_SIZE, 3], filters: 8, kernelSize: 3, activation: 'relu' }));
  net.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  net.add(tf.layers.batchNormalization());
  net.add(tf.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu' }));
  net.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  return net;
}

const backbone = buildBackbone();
const pretrain = tf.sequential();
pretrain.add(backbone);
pretrain.add(tf.layers.globalAveragePooling2d({}));
pretrain.add(tf.layers.dense({ units: 6, activation: 'softmax' }));
pretrain.compile({ optimizer: tf.train.adam(params.learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await pretrain.fit(source.xs, source.ys, { epochs: params.epochs, batchSize: params.batchSize, verbose: 0 });

// %% A new head on the frozen backbone. Hover `classifier` for its output shape; the CodeLens above it
// shows the backbone as one block, frozen.
for (const layer of backbone.layers) layer.trainable = false;
const classifier = tf.sequential();
classifier.add(backbone);
classifier.add(tf.layers.flatten());
classifier.add(tf.layers.dropout({ rate: 0.25 }));
classifier.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
classifier.compile({ optimizer: tf.train.adam(params.learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
classifier.summary();
const head = await classifier.fit(target.xs, target.ys, { epochs: params.epochs, batchSize: params.batchSize, validationSplit: 0.25, verbose: 0 });
console.log('head only: accuracy', head.history.acc?.at(-1));

// %% Fine-tuning: unfreeze the backbone's last convolution and train everything with a smaller step.
backbone.layers.slice(-2).forEach((layer) => (layer.trainable = true));
classifier.compile({ optimizer: tf.train.adam(params.learningRate / 10), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
const tuned = await classifier.fit(target.xs, target.ys, { epochs: params.fineTuneEpochs, batchSize: params.batchSize, verbose: 0 });
console.log('fine-tuned: accuracy', tuned.history.acc?.at(-1));

// %% Predictions for a few target images.
const probabilities = classifier.predict(target.xs.slice([0, 0, 0, 0], [4, -1, -1, -1])) as tf.Tensor2D;
probabilities.argMax(-1).print();
