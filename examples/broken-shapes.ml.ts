// A deliberately broken experiment: each line marked `expect-error` has a shape bug that would throw at run
// time. `mlts check examples` reports exactly these; the tests hold it to that. Open it to see the diagnostics.
import * as tf from '@tensorflow/tfjs';

// %% Features and a model that expects 4 of them
const features = tf.randomNormal([32, 4]);
const model = tf.sequential();
model.add(tf.layers.dense({ units: 8, activation: 'relu', inputShape: [4] }));
model.add(tf.layers.dense({ units: 3, activation: 'softmax' }));

// %% A single example without its batch axis
const one = tf.tensor1d([5.1, 3.5, 1.4, 0.2]);
model.predict(one); // expect-error

// %% Weights whose inner dimension does not match the features
const weights = tf.randomNormal([5, 2]);
const projected = tf.matMul(features, weights); // expect-error
projected.print();

// %% 32 × 4 values cannot become 10 × 10
const grid = features.reshape([10, 10]); // expect-error
grid.print();
