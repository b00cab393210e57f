// A tabular classifier: four flower measurements in a small CSV, three species.
// The CSV is read with tf.data.csv, so mlts can check its header against the code that reads it.
// Run with the examples folder as the working directory (code-server and `npm start` open it that way).
import * as tf from '@tensorflow/tfjs';

// %% Parameters (a tracked run overrides them: `mlts run flowers-tabular.ml.ts --grid hidden=8,16,32`)
/** @mlts-params */
const params = { learningRate: 0.05, epochs: 20, hidden: 16, batchSize: 16, seed: 42 };

// %% Data
/** @data-contract { sepal_length: number 0..10, sepal_width: number 0..10, petal_length: number 0..10, petal_width: number 0..10, species: int in [0, 1, 2] } */
const csvPath = 'data/flowers.csv';
const NUM_SPECIES = 3;
const dataset = tf.data.csv('file://' + csvPath, {
  columnConfigs: { species: { isLabel: true } },
});
const columnNames = await dataset.columnNames();
const numFeatures = columnNames.length - 1;
console.log('features', numFeatures, 'columns', columnNames.join(', '));

// %% Pipeline
const batches = dataset
  .map(({ xs, ys }: any) => ({
    xs: Object.values(xs) as number[],
    ys: tf.oneHot((Object.values(ys) as number[])[0], NUM_SPECIES),
  }))
  .shuffle(150, String(params.seed))
  .batch(params.batchSize);

// %% Model
const model = tf.sequential();
model.add(tf.layers.dense({ units: params.hidden, activation: 'relu', inputShape: [numFeatures] }));
model.add(tf.layers.dense({ units: NUM_SPECIES, activation: 'softmax' }));
model.compile({ optimizer: tf.train.adam(params.learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });

// %% Train
await model.fitDataset(batches, { epochs: params.epochs, verbose: 0 });

// %% Predict
const sample = tf.tensor2d([[5.0, 3.4, 1.5, 0.2], [6.7, 3.0, 5.6, 2.1]]);
const predicted = (model.predict(sample) as tf.Tensor2D).argMax(-1);
console.log('predicted species', Array.from(await predicted.data()));
