// Generates realistic `.ml.ts` experiment files of a given length for the shape-check benchmark: cells that
// make data, build sequential and functional models with helper functions, train, and transform tensors,
// each block with its own names so the file is one long, valid program (it type-checks under tsc --strict).
const BLOCK = (i: number) => `// %% Block ${i}: data
const rows${i} = ${16 + (i % 5) * 8};
const features${i} = ${4 + (i % 7)};
const xs${i} = tf.randomNormal([rows${i}, features${i}]);
const ys${i} = tf.oneHot(tf.randomUniform([rows${i}], 0, 3, 'int32'), 3);
const scaled${i} = xs${i}.sub(xs${i}.mean(0)).div(xs${i}.sub(xs${i}.mean(0)).square().mean(0).sqrt().add(1e-6));

// %% Block ${i}: model
function buildModel${i}(inputDim: number, hidden: number): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: hidden, activation: 'relu', inputShape: [inputDim] }));
  model.add(tf.layers.dropout({ rate: 0.1 }));
  model.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}
const model${i} = buildModel${i}(features${i}, ${8 + (i % 4) * 8});
const logits${i} = model${i}.predict(scaled${i}) as tf.Tensor;

// %% Block ${i}: functional branch
const input${i} = tf.input({ shape: [features${i}] });
const left${i} = tf.layers.dense({ units: 8 }).apply(input${i}) as tf.SymbolicTensor;
const right${i} = tf.layers.dense({ units: 8 }).apply(input${i}) as tf.SymbolicTensor;
const merged${i} = tf.layers.concatenate().apply([left${i}, right${i}]) as tf.SymbolicTensor;
const out${i} = tf.layers.dense({ units: 3, activation: 'softmax' }).apply(merged${i}) as tf.SymbolicTensor;
const functional${i} = tf.model({ inputs: input${i}, outputs: out${i} });

// %% Block ${i}: tensor work
const w${i} = tf.randomNormal([features${i}, 16]);
const h${i} = tf.matMul(scaled${i}, w${i}).relu();
const pooled${i} = h${i}.reshape([rows${i}, 4, 4]).mean(1);
const stacked${i} = tf.stack([pooled${i}, pooled${i}], 0).transpose([1, 0, 2]);
const images${i} = tf.zeros([2, 8, 8, 1]);
const conv${i} = tf.conv2d(images${i} as tf.Tensor4D, tf.ones([3, 3, 1, 4]) as tf.Tensor4D, 1, 'same');
console.log(logits${i}.shape, ys${i}.shape, functional${i}.outputs[0].shape, stacked${i}.shape, conv${i}.shape);
`;

export const HEADER = "import * as tf from '@tensorflow/tfjs';\n\n";

/** Lines in one generated block (counted, so sizes stay right if the template changes). */
export const BLOCK_LINES = BLOCK(0).split('\n').length - 1;

export function generateExperiment(targetLines: number): string {
  const blocks: string[] = [HEADER];
  let lines = HEADER.split('\n').length - 1;
  for (let i = 0; lines < targetLines; i++) {
    blocks.push(BLOCK(i));
    lines += BLOCK_LINES;
  }
  return blocks.join('');
}
