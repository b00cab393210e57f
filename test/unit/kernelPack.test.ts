// Every kernel of mlts's kernel pack (runtime/src/backends/kernels) agrees with tfjs's own kernel on the same backend,
// values and gradients, on random shapes and attributes; where tfjs has no kernel (Conv2DBackpropFilter on wasm) the
// reference is tfjs's cpu kernel. Each comparison runs the same computation twice, with the pack registered and
// with tfjs's kernels put back (unregisterKernelPack), and checks that the pack's kernels free their intermediates.
// Registration itself (what is reported, registering twice, MLTS_KERNEL_PACK=0's replace: false) is tested at the end.
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { conv2DBackpropFilterLimits } from '../../runtime/src/backends/kernels/conv2DBackpropFilter';
import { conv2DBackpropInputLimits } from '../../runtime/src/backends/kernels/conv2DBackpropInput';
import { describeKernelPack, registerKernelPack, unregisterKernelPack } from '../../runtime/src/backends/kernels/kernelPack';

type Backend = 'cpu' | 'wasm';
const BACKENDS: Backend[] = ['cpu', 'wasm'];

before(async () => {
  setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/');
  // Registered before wasm initialises, as a user's code may do: tfjs's replaced kernels must still be set up.
  registerKernelPack(tf, 'wasm');
  registerKernelPack(tf, 'cpu');
  await tf.setBackend('wasm');
});

/** A small seeded generator, so a failing case can be rerun exactly. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const between = (next: () => number, lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
const values = (next: () => number, shape: number[]) => Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => next() * 2 - 1);

const numDataIds = () => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();

/** Runs `compute` on `backend` and returns every output's values; checks nothing is left allocated. */
async function evaluate(backend: Backend, compute: () => tf.Tensor[]): Promise<{ shapes: number[][]; values: Float32Array[] }> {
  await tf.setBackend(backend);
  const before = numDataIds();
  const outputs = tf.tidy(compute);
  const result = { shapes: outputs.map((t) => t.shape), values: await Promise.all(outputs.map(async (t) => Float32Array.from(await t.data()))) };
  tf.dispose(outputs);
  assert.equal(numDataIds(), before, `${backend}: the computation leaves no tensors behind`);
  return result;
}

/** `compute` with the pack against `compute` with tfjs's own kernels (on `reference`, default the same backend). */
async function matchesTfjs(backend: Backend, compute: () => tf.Tensor[], reference: Backend = backend, tolerance = 1e-4): Promise<void> {
  const pack = await evaluate(backend, compute);
  unregisterKernelPack(tf, reference);
  const expected = await evaluate(reference, compute).finally(() => registerKernelPack(tf, reference));
  assert.deepEqual(pack.shapes, expected.shapes);
  pack.values.forEach((got, t) => {
    const want = expected.values[t]!;
    for (let i = 0; i < want.length; i++) {
      assert.ok(Math.abs(got[i]! - want[i]!) <= tolerance * Math.max(1, Math.abs(want[i]!)), `output ${t} element ${i}: mlts ${got[i]} vs tfjs ${want[i]}`);
    }
  });
}

/** f's value and its gradients with respect to every input, as a list for matchesTfjs. */
function withGradients(inputs: tf.Tensor[], f: (...xs: tf.Tensor[]) => tf.Tensor): tf.Tensor[] {
  // Weighting the output by fixed values makes every output element's gradient different.
  const loss = (...xs: tf.Tensor[]) => {
    const y = f(...xs);
    if (y.size === 0) return y.sum();
    return y.mul(tf.linspace(-1, 1, y.size).reshape(y.shape)).sum();
  };
  return [f(...inputs), ...tf.grads(loss)(inputs)];
}

for (const backend of BACKENDS) {
  test(`BatchMatMul on ${backend} matches tfjs for every transpose, rank 2 and 3, values and gradients`, async () => {
    const next = random(1);
    for (let round = 0; round < 6; round++) {
      const [m, k, n] = [between(next, 1, 40), between(next, 1, 40), between(next, 1, 40)];
      const batch = round < 3 ? [] : [between(next, 1, 3)];
      for (const [transposeA, transposeB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
        const aShape = [...batch, ...(transposeA ? [k, m] : [m, k])];
        const bShape = [...(round === 5 ? [1] : batch), ...(transposeB ? [n, k] : [k, n])];
        const [av, bv] = [values(next, aShape), values(next, bShape)];
        const product = (a: tf.Tensor, b: tf.Tensor) => tf.matMul(a, b, transposeA, transposeB);
        // tfjs's own matMul gradient fails when one batch broadcasts against the other, so that case checks values.
        await matchesTfjs(backend, () =>
          round === 5 ? [product(tf.tensor(av, aShape), tf.tensor(bv, bShape))] : withGradients([tf.tensor(av, aShape), tf.tensor(bv, bShape)], (a, b) => product(a!, b!)),
        );
      }
    }
  });

  // tfjs-backend-wasm's own _FusedMatMul adds the bias to the wrong elements when both operands are transposed
  // ([[3.1, 0]] comes out as [[2.8, 0]]), so on wasm the reference is tfjs's cpu kernel.
  test(`_FusedMatMul on ${backend} matches tfjs with and without bias, with activations, values and gradients`, async () => {
    const next = random(2);
    const activations = ['relu', 'linear', 'sigmoid', 'elu'] as const;
    for (const [round, [transposeA, transposeB]] of ([[false, false], [true, false], [false, true], [true, true]] as const).entries()) {
      const [m, k, n] = [between(next, 2, 30), between(next, 2, 300), between(next, 2, 30)];
      const aShape = transposeA ? [k, m] : [m, k];
      const bShape = transposeB ? [n, k] : [k, n];
      const [av, bv, biasv] = [values(next, aShape), values(next, bShape), values(next, [n])];
      await matchesTfjs(backend, () =>
        // Round 1 has no bias (and so one input fewer to differentiate).
        withGradients([tf.tensor(av, aShape), tf.tensor(bv, bShape), ...(round === 1 ? [] : [tf.tensor(biasv, [n])])], (a, b, bias) =>
          tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, transposeA, transposeB, bias, activation: activations[round] }),
        ),
        'cpu',
      );
    }
  });

  test(`GatherV2 on ${backend} matches tfjs on every axis, float32 and int32, values and gradients`, async () => {
    const next = random(3);
    for (let round = 0; round < 8; round++) {
      const rank = between(next, 1, 4);
      const shape = Array.from({ length: rank }, () => between(next, 1, round % 2 ? 40 : 5));
      const axis = between(next, 0, rank - 1);
      const indexShape = round % 3 === 2 ? [between(next, 1, 4), between(next, 1, 4)] : [between(next, 0, 12)];
      const index = Int32Array.from({ length: indexShape.reduce((a, b) => a * b, 1) }, () => between(next, 0, shape[axis]! - 1));
      const xv = values(next, shape);
      // The gradient is UnsortedSegmentSum, which tfjs-backend-wasm lacks: on wasm the reference is tfjs's cpu kernel.
      await matchesTfjs(backend, () => withGradients([tf.tensor(xv, shape)], (x) => tf.gather(x!, tf.tensor(index, indexShape, 'int32'), axis)), 'cpu');
      await matchesTfjs(backend, () => [tf.gather(tf.tensor(xv, shape).mul(100).cast('int32'), tf.tensor(index, indexShape, 'int32'), axis).cast('float32')]);
    }
  });

  test(`UnsortedSegmentSum on ${backend} matches tfjs, ids out of range included`, async () => {
    const next = random(6);
    for (let round = 0; round < 4; round++) {
      const idsShape: [number] = [between(next, 1, 12)];
      const shape = [...idsShape, ...Array.from({ length: round % 4 }, () => between(next, 1, 6))];
      const numSegments = between(next, 1, 8);
      const ids = Int32Array.from({ length: idsShape.reduce((a, b) => a * b, 1) }, () => between(next, -1, numSegments));
      const xv = values(next, shape);
      await matchesTfjs(backend, () => [tf.unsortedSegmentSum(tf.tensor(xv, shape), tf.tensor(ids, idsShape, 'int32'), numSegments)], 'cpu');
    }
  });

  test(`GatherV2 on ${backend} rejects an index out of range with tfjs's message`, async () => {
    await tf.setBackend(backend);
    assert.throws(() => tf.gather(tf.zeros([3, 2]), tf.tensor1d([0, 3], 'int32')), { message: 'GatherV2: the index value 3 is not in [0, 2]' });
  });
}

interface ConvCase {
  name: string;
  /** Lowers the patches limit: chunks of a few images, or (when one image is over it) the JavaScript path. */
  maxPatchFloats?: number;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: [number, number];
  pad: 'valid' | 'same' | number;
  dataFormat: 'NHWC' | 'NCHW';
}

const CONV_CASES: ConvCase[] = [
  { name: '3×3 valid, stride 1', x: [2, 7, 6, 3], filter: [3, 3, 3, 4], strides: [1, 1], pad: 'valid', dataFormat: 'NHWC' },
  { name: '3×3 same, stride 2', x: [3, 9, 8, 2], filter: [3, 3, 2, 5], strides: [2, 2], pad: 'same', dataFormat: 'NHWC' },
  { name: '2×4 explicit pad 1, strides 2×1', x: [1, 6, 7, 3], filter: [2, 4, 3, 2], strides: [2, 1], pad: 1, dataFormat: 'NHWC' },
  { name: '5×5 same, 1 channel in', x: [4, 12, 12, 1], filter: [5, 5, 1, 8], strides: [1, 1], pad: 'same', dataFormat: 'NHWC' },
  { name: 'in chunks of 2 images', x: [5, 7, 6, 3], filter: [3, 3, 3, 4], strides: [1, 1], pad: 'same', dataFormat: 'NHWC', maxPatchFloats: 2 * 42 * 27 },
  { name: 'one image over the limit (JavaScript path)', x: [2, 7, 6, 3], filter: [3, 3, 3, 4], strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', maxPatchFloats: 10 },
  { name: 'NCHW 3×3 valid', x: [2, 3, 7, 6], filter: [3, 3, 3, 4], strides: [1, 1], pad: 'valid', dataFormat: 'NCHW' },
];

function convOutputShape(c: ConvCase): number[] {
  const channelsLast = c.dataFormat === 'NHWC';
  const inShape = (channelsLast ? c.x : [c.x[0], c.x[2], c.x[3], c.x[1]]) as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(inShape, c.filter, c.strides, 1, c.pad);
  return channelsLast ? info.outShape : [info.outShape[0], info.outShape[3], info.outShape[1], info.outShape[2]];
}

for (const backend of BACKENDS) {
  // tfjs-backend-wasm has no Conv2DBackpropFilter, so on wasm the reference is tfjs's cpu kernel.
  const reference: Backend = 'cpu';
  for (const c of CONV_CASES) {
    test(`Conv2DBackpropFilter on ${backend} matches tfjs: ${c.name}`, async () => {
      const next = random(4);
      const [xv, dyv] = [values(next, c.x), values(next, convOutputShape(c))];
      const limit = conv2DBackpropFilterLimits.maxPatchFloats;
      conv2DBackpropFilterLimits.maxPatchFloats = c.maxPatchFloats ?? limit;
      const kernel = () => [
        tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.tensor(xv, c.x), dy: tf.tensor(dyv, convOutputShape(c)) }, { strides: c.strides, pad: c.pad, dataFormat: c.dataFormat, filterShape: c.filter }) as tf.Tensor,
      ];
      await matchesTfjs(backend, kernel, reference).finally(() => (conv2DBackpropFilterLimits.maxPatchFloats = limit));
    });
  }

  test(`conv2d's gradients on ${backend} match tfjs on random shapes`, async () => {
    const next = random(5);
    for (let round = 0; round < 4; round++) {
      const [fh, fw, inC, outC] = [between(next, 1, 4), between(next, 1, 4), between(next, 1, 5), between(next, 1, 6)];
      const xShape = [between(next, 1, 3), between(next, fh, 10), between(next, fw, 10), inC];
      const strides = between(next, 1, 2);
      const pad = round % 2 ? 'same' : 'valid';
      const [xv, wv] = [values(next, xShape), values(next, [fh, fw, inC, outC])];
      await matchesTfjs(
        backend,
        () => withGradients([tf.tensor(xv, xShape), tf.tensor(wv, [fh, fw, inC, outC])], (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, strides, pad)),
        backend === 'wasm' ? reference : backend,
      );
    }
  });

  test(`Conv2DBackpropInput on ${backend} matches tfjs, in one piece and in chunks of images`, async () => {
    const next = random(7);
    for (let round = 0; round < 6; round++) {
      const [fh, fw, inC, outC] = [between(next, 1, 4), between(next, 1, 4), between(next, 1, 5), between(next, 1, 6)];
      const inputShape: [number, number, number, number] = [between(next, 1, 4), between(next, fh, 10), between(next, fw, 10), inC];
      const strides: [number, number] = [between(next, 1, 2), between(next, 1, 3)];
      const pad = (['valid', 'same', 1] as const)[round % 3]!;
      const c: ConvCase = { name: '', x: inputShape, filter: [fh, fw, inC, outC], strides, pad, dataFormat: 'NHWC' };
      const [dyv, wv] = [values(next, convOutputShape(c)), values(next, c.filter)];
      const limit = conv2DBackpropInputLimits.maxColFloats;
      // Odd rounds go one image at a time.
      conv2DBackpropInputLimits.maxColFloats = round % 2 ? 1 : limit;
      const kernel = () => [
        tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.tensor(dyv, convOutputShape(c)), filter: tf.tensor(wv, c.filter) }, { strides, pad, dataFormat: 'NHWC', inputShape }) as tf.Tensor,
      ];
      await matchesTfjs(backend, kernel).finally(() => (conv2DBackpropInputLimits.maxColFloats = limit));
    }
  });

  test(`maxPool and avgPool gradients on ${backend} match tfjs on random shapes, windows, strides and paddings`, async () => {
    const next = random(8);
    for (let round = 0; round < 8; round++) {
      const filterSize: [number, number] = [between(next, 1, 3), between(next, 1, 3)];
      const shape = [between(next, 1, 3), between(next, filterSize[0], 9), between(next, filterSize[1], 9), between(next, 1, 4)];
      const strides: [number, number] = [between(next, 1, 3), between(next, 1, 2)];
      const pad = round % 2 ? 'same' : 'valid';
      // Distinct values, so that no window has a tie for its maximum.
      const xv = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i).sort(() => next() - 0.5);
      const pool = (x: tf.Tensor) => (round < 4 ? tf.maxPool : tf.avgPool)(x as tf.Tensor4D, filterSize, strides, pad);
      await matchesTfjs(backend, () => withGradients([tf.tensor(xv, shape)], pool));
    }
  });

  // tfjs-backend-wasm's own kernel is inconsistent on ties (poolGrad.ts), so the reference is tfjs's cpu kernel.
  test(`maxPool's gradient on ${backend} sends a tie (zeros after a relu) where tfjs-backend-cpu does`, async () => {
    const xv = Float32Array.from([0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
    await matchesTfjs(backend, () => withGradients([tf.tensor(xv, [1, 4, 4, 1])], (x) => tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid')), 'cpu');
  });

  test(`an MLP and a conv net train on ${backend} with the pack to the losses tfjs's own kernels give`, async () => {
    const train = async () => {
      const model = tf.sequential({
        layers: [
          tf.layers.conv2d({ inputShape: [8, 8, 2], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 8, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
          tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
        ],
      });
      model.compile({ optimizer: tf.train.adam(0.02), loss: 'categoricalCrossentropy' });
      const labels = tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2], 'int32');
      const xs = tf.tidy(() => tf.randomUniform([12, 8, 8, 2], 0, 0.3, 'float32', 3).add(labels.reshape([12, 1, 1, 1]).cast('float32')));
      const ys = tf.oneHot(labels, 3);
      // Not shuffled, so both runs see the same batches; batches of 4 make fit gather rows.
      const history = await model.fit(xs, ys, { epochs: 8, batchSize: 4, shuffle: false, verbose: 0 });
      tf.dispose([labels, xs, ys]);
      model.dispose();
      return history.history.loss as number[];
    };
    await tf.setBackend(backend);
    const withPack = await train();
    unregisterKernelPack(tf, backend);
    const own = await (backend === 'wasm' ? tf.setBackend('cpu').then(train) : train()).finally(() => registerKernelPack(tf, backend));
    assert.ok(withPack.at(-1)! < withPack[0]! * 0.7, `loss should fall: ${withPack.join(', ')}`);
    withPack.forEach((loss, i) => assert.ok(Math.abs(loss - own[i]!) <= 1e-4 * Math.max(1, own[i]!), `epoch ${i}: ${loss} with mlts's kernels vs ${own[i]} with tfjs's`));
  });
}

test('registration reports what is in place, is idempotent, and replace: false keeps only the kernels tfjs lacks', () => {
  const wasm = registerKernelPack(tf, 'wasm');
  assert.deepEqual(wasm.added, ['UnsortedSegmentSum', 'Conv2DBackpropFilter']);
  assert.ok(wasm.replaced.includes('BatchMatMul') && wasm.replaced.includes('GatherV2'));
  assert.deepEqual(registerKernelPack(tf, 'wasm'), wasm, 'registering twice changes nothing');
  assert.ok(!registerKernelPack(tf, 'cpu').added.length, 'tfjs-backend-cpu has every kernel of the pack');
  assert.match(describeKernelPack(wasm), /^mlts added UnsortedSegmentSum, Conv2DBackpropFilter; mlts replaced BatchMatMul, /);
  const own = tf.getKernel('BatchMatMul', 'wasm');
  assert.deepEqual(registerKernelPack(tf, 'wasm', { replace: false }), { added: wasm.added, replaced: [] });
  assert.notEqual(tf.getKernel('BatchMatMul', 'wasm'), own, "tfjs's own BatchMatMul is back");
  assert.equal(registerKernelPack(tf, 'wasm').replaced.length, wasm.replaced.length);
});
