// Writes test/fixtures/shapes/generated-chains.ml.ts for `scripts/verifyShapeFixtures.mjs --generate SEED`:
// random chains of ops and layers, each statement evaluated on live tfjs as it is written, so every caret in
// the file is tfjs's own answer. Split from the verifier so each script stays one job.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURE_DIR = path.join(ROOT, 'test', 'fixtures', 'shapes');
const NON_SHAPE_ERRORS = new Set(['TypeError', 'ReferenceError', 'SyntaxError']);
const DTYPE_ERROR_RE = /tensor, but got \w+ tensor|dtype/i;
const isShapeError = (e) => !NON_SHAPE_ERRORS.has(e?.name) && !DTYPE_ERROR_RE.test(String(e?.message));

// ------------------------------------------------------------------------------ generated fixture
//
// `--generate` writes GENERATED_FILE: random chains of ops over earlier results, each statement
// evaluated on live tfjs tensors as it is written, so its caret is tfjs's own answer. A statement
// meant to be valid that throws is dropped; one meant to fail must throw, and gets its marker.
// The same seed gives the same file, since no shape here depends on tensor values.

const GENERATED_FILE = path.join(FIXTURE_DIR, 'generated-chains.ml.ts');
const GENERATED_STATEMENTS = 160;
const GENERATED_LAYER_STATEMENTS = 100;
/** How often a builder that can go wrong is asked to. */
const ERROR_RATE = 0.25;

function mulberry32(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  return { next, int, pick: (xs) => xs[int(0, xs.length - 1)] };
}

const list = (xs) => `[${xs.join(', ')}]`;

/** Each builder gets the PRNG and one live tensor `{name, t}`; it returns `{expr, error?}` or null. */
const BUILDERS = [
  (r, v) => ({ expr: `tf.${r.pick(['relu', 'sigmoid', 'tanh', 'exp', 'abs', 'square', 'neg'])}(${v.name})` }),
  (r, v) => {
    const other = v.t.shape.map((d) => (r.next() < 0.4 ? 1 : d)).slice(r.int(0, v.t.rank));
    const bad = other.findIndex((d) => d > 1);
    if (r.next() < ERROR_RATE && bad >= 0) other[bad] += 1;
    const op = r.pick(['add', 'sub', 'mul', 'maximum']);
    return { expr: `${v.name}.${op}(tf.ones(${list(other)}))`, error: 'shape-broadcast' };
  },
  (r, v) => {
    if (v.t.rank < 2) return null;
    const k = v.t.shape[v.t.rank - 1];
    const wrong = r.next() < ERROR_RATE ? 1 : 0;
    return r.next() < 0.5
      ? { expr: `tf.matMul(${v.name}, tf.ones([${k + wrong}, ${r.int(1, 6)}]))`, error: 'shape-matmul' }
      : { expr: `tf.matMul(${v.name}, tf.ones([${r.int(1, 6)}, ${k + wrong}]), false, true)`, error: 'shape-matmul' };
  },
  (r, v) => {
    const size = v.t.size;
    const divisors = Array.from({ length: size }, (_, i) => i + 1).filter((d) => size % d === 0);
    const a = r.pick(divisors);
    const target = r.pick([[a, -1], [-1, a], [size], [a, size / a], [1, -1, a]]);
    if (target.includes(-1) && target.filter((d) => d !== -1).reduce((x, y) => x * y, 1) === 0) return null;
    if (r.next() < ERROR_RATE) return { expr: `${v.name}.reshape(${list([a + (size % (a + 1) === 0 ? 2 : 1), -1])})`, error: 'shape-reshape' };
    return { expr: `tf.reshape(${v.name}, ${list(target)})` };
  },
  (r, v) => {
    if (v.t.rank < 2) return null;
    const perm = v.t.shape.map((_, i) => i).sort(() => r.next() - 0.5);
    return { expr: r.next() < 0.3 ? `${v.name}.transpose()` : `tf.transpose(${v.name}, ${list(perm)})` };
  },
  (r, v) => {
    if (v.t.rank >= 5) return null;
    if (r.next() < ERROR_RATE) return { expr: `${v.name}.expandDims(${v.t.rank + 1})`, error: 'shape-axis' };
    return { expr: `tf.expandDims(${v.name}, ${r.int(-(v.t.rank + 1), v.t.rank)})` };
  },
  (r, v) => {
    const ones = v.t.shape.flatMap((d, i) => (d === 1 ? [i] : []));
    const others = v.t.shape.flatMap((d, i) => (d !== 1 ? [i] : []));
    if (r.next() < ERROR_RATE && others.length > 0) return { expr: `tf.squeeze(${v.name}, [${r.pick(others)}])`, error: 'shape-axis' };
    return ones.length > 0 ? { expr: `${v.name}.squeeze([${r.pick(ones)}])` } : null;
  },
  (r, v) => {
    if (v.t.rank < 1) return null;
    const axis = r.int(0, v.t.rank - 1);
    const other = [...v.t.shape];
    other[axis] = r.int(1, 4);
    const off = other.findIndex((_, i) => i !== axis);
    if (r.next() < ERROR_RATE && off >= 0) {
      other[off] += 1;
      return { expr: `tf.concat([${v.name}, tf.zeros(${list(other)})], ${axis})`, error: 'shape-concat' };
    }
    return { expr: `tf.concat([${v.name}, tf.zeros(${list(other)})], ${r.next() < 0.5 ? axis : axis - v.t.rank})` };
  },
  (r, v) => ({ expr: `tf.stack([${v.name}, ${v.name}], ${r.int(0, v.t.rank)})` }),
  (r, v) => {
    if (v.t.rank < 1) return null;
    const op = r.pick(['sum', 'mean', 'max', 'min']);
    if (r.next() < ERROR_RATE) return { expr: `${v.name}.${op}(${v.t.rank})`, error: 'shape-axis' };
    return { expr: `tf.${op}(${v.name}, ${r.int(-v.t.rank, v.t.rank - 1)}, ${r.next() < 0.5})` };
  },
  (r, v) => {
    if (v.t.rank < 1) return null;
    const begin = v.t.shape.map((d) => r.int(0, d - 1));
    const size = v.t.shape.map((d, i) => (r.next() < 0.3 ? -1 : r.int(1, d - begin[i])));
    if (r.next() < ERROR_RATE) size[0] = v.t.shape[0] - begin[0] + 1;
    return { expr: `tf.slice(${v.name}, ${list(begin)}, ${list(size)})`, error: 'shape-axis' };
  },
  (r, v) => (v.t.rank >= 2 ? { expr: `tf.layers.dense({ units: ${r.int(1, 8)} }).apply(${v.name}) as tf.Tensor` } : null),
  (r, v) => {
    if (v.t.rank !== 4) return null;
    const [h, w, c] = v.t.shape.slice(1);
    const k = r.int(1, 3);
    const pad = k <= Math.min(h, w) && r.next() < 0.5 ? 'valid' : 'same';
    const inC = r.next() < ERROR_RATE ? c + 1 : c;
    return { expr: `tf.conv2d(${v.name}, tf.ones([${k}, ${k}, ${inC}, ${r.int(1, 4)}]), ${r.int(1, 2)}, '${pad}')`, error: 'shape-conv' };
  },
  (r, v) => (v.t.rank === 4 ? { expr: `tf.maxPool(${v.name}, ${r.int(1, 2)}, ${r.int(1, 2)}, 'same')` } : null),
  (r, v) => (v.t.rank >= 1 ? { expr: `tf.gather(${v.name}, [${r.int(0, v.t.shape[0] - 1)}, 0])` } : null),
  (r, v) => ({ expr: `tf.tile(${v.name}, ${list(v.t.shape.map(() => r.int(1, 2)))})` }),
  (r, v) => ({ expr: `tf.pad(${v.name}, ${list(v.t.shape.map(() => `[${r.int(0, 1)}, ${r.int(0, 1)}]`))})` }),
  (r, v) => (v.t.rank >= 1 ? { expr: `tf.softmax(${v.name})` } : null),
  (r, v) => {
    if (v.t.rank < 1) return null;
    const axis = r.int(0, v.t.rank - 1);
    const parts = r.next() < ERROR_RATE ? v.t.shape[axis] + 1 : r.pick([1, v.t.shape[axis]]);
    return { expr: `tf.split(${v.name}, ${parts}, ${axis})[${r.int(0, Math.max(0, parts - 2))}]`, error: 'shape-axis' };
  },
  (r, v) => (v.t.rank >= 2 ? { expr: `tf.unstack(${v.name}, ${r.int(0, v.t.rank - 1)})[0]` } : null),
  (r, v) => (v.t.rank >= 1 ? { expr: `tf.${r.pick(['argMax', 'argMin'])}(${v.name}, ${r.int(-v.t.rank, v.t.rank - 1)})` } : null),
  (r, v) => (v.t.rank >= 1 ? { expr: `tf.oneHot(tf.argMax(${v.name}, -1), ${r.int(2, 5)})` } : null),
  (r, v) => (v.t.rank >= 1 ? { expr: `tf.${r.pick(['reverse', 'cumsum'])}(${v.name}, ${r.int(0, v.t.rank - 1)})` } : null),
  (r, v) => (v.t.rank >= 1 ? { expr: `tf.topk(${v.name}, ${r.int(1, v.t.shape[v.t.rank - 1])}).values` } : null),
  (r, v) => ({ expr: `tf.where(tf.greater(${v.name}, 0), ${v.name}, tf.zeros(${list(v.t.shape.slice(r.int(0, v.t.rank)))}))` }),
  (r, v) => {
    if (v.t.rank !== 4) return null;
    const k = Math.min(2, ...v.t.shape.slice(1, 3));
    return { expr: `tf.${r.pick(['avgPool', 'maxPool'])}(${v.name}, ${k}, ${r.int(1, 2)}, 'valid')` };
  },
  (r, v) => (v.t.rank === 4 ? { expr: `tf.depthwiseConv2d(${v.name}, tf.ones([2, 2, ${v.t.shape[3]}, ${r.int(1, 2)}]), 1, 'same')` } : null),
  (r, v) => {
    if (v.t.rank !== 3) return null;
    const inC = r.next() < ERROR_RATE ? v.t.shape[2] + 1 : v.t.shape[2];
    return { expr: `tf.conv1d(${v.name}, tf.ones([2, ${inC}, ${r.int(1, 4)}]), 1, 'same')`, error: 'shape-conv' };
  },
  (r, v) => (v.t.rank === 3 || v.t.rank === 4 ? { expr: `tf.image.resizeBilinear(${v.name}, [${r.int(1, 6)}, ${r.int(1, 6)}])` } : null),
];

/** Layer builders get a live symbolic tensor `{name, t}` (batch axis null) and work the same way. */
const LAYER_BUILDERS = [
  (r, v) => ({ expr: `tf.layers.dense({ units: ${r.int(1, 16)} }).apply(${v.name})`, error: 'layer-input' }),
  (r, v) => {
    const rank = v.t.shape.length;
    if (rank !== 4 && r.next() >= ERROR_RATE) return null;
    const [h, w] = v.t.shape.slice(1);
    const k = r.int(1, 3);
    const padding = rank === 4 && k <= Math.min(h, w) && r.next() < 0.5 ? 'valid' : 'same';
    return { expr: `tf.layers.conv2d({ filters: ${r.int(1, 8)}, kernelSize: ${k}, strides: ${r.int(1, 2)}, padding: '${padding}' }).apply(${v.name})`, error: 'layer-input' };
  },
  (r, v) => (v.t.shape.length === 4 ? { expr: `tf.layers.maxPooling2d({ poolSize: 2, padding: 'same' }).apply(${v.name})` } : null),
  (r, v) => (v.t.shape.length === 4 ? { expr: `tf.layers.globalAveragePooling2d({}).apply(${v.name})` } : null),
  (r, v) => ({ expr: `tf.layers.flatten().apply(${v.name})`, error: 'layer-input' }),
  (r, v) => {
    const size = v.t.shape.slice(1).reduce((a, b) => a * b, 1);
    const a = r.pick(Array.from({ length: size }, (_, i) => i + 1).filter((d) => size % d === 0));
    // No wrong sizes here: tfjs checks a reshape layer's size only when data flows through it.
    return { expr: `tf.layers.reshape({ targetShape: ${list([a, size / a])} }).apply(${v.name})` };
  },
  (r, v) => ({ expr: `tf.layers.${r.pick(['dropout({ rate: 0.5 })', 'batchNormalization()', 'activation({ activation: "relu" })'])}.apply(${v.name})` }),
  (r, v) => {
    if (v.t.shape.length !== 3 && r.next() >= ERROR_RATE) return null;
    const kind = r.pick(['lstm', 'gru', 'simpleRNN']);
    return { expr: `tf.layers.${kind}({ units: ${r.int(1, 8)}, returnSequences: ${r.next() < 0.5} }).apply(${v.name})`, error: 'layer-input' };
  },
  (r, v) => (v.t.shape.length === 3 ? { expr: `tf.layers.conv1d({ filters: ${r.int(1, 8)}, kernelSize: ${r.int(1, 2)}, padding: 'same' }).apply(${v.name})` } : null),
  (r, v) => (v.t.shape.length === 2 ? { expr: `tf.layers.repeatVector({ n: ${r.int(2, 5)} }).apply(${v.name})` } : null),
  (r, v) => (v.t.shape.length === 3 ? { expr: `tf.layers.permute({ dims: [2, 1] }).apply(${v.name})` } : null),
  (r, v) => (v.t.shape.length === 4 ? { expr: `tf.layers.upSampling2d({ size: [2, ${r.int(1, 2)}] }).apply(${v.name})` } : null),
  (r, v) => (v.t.shape.length === 4 ? { expr: `tf.layers.zeroPadding2d({ padding: ${r.int(1, 2)} }).apply(${v.name})` } : null),
  (r, v) => {
    const other = v.t.shape.slice(1);
    const last = other.length - 1;
    if (r.next() < ERROR_RATE && last > 0) other[0] += 1;
    else other[last] = r.int(1, 8);
    return { expr: `tf.layers.concatenate().apply([${v.name}, tf.input({ shape: ${list(other)} })])`, error: 'layer-input' };
  },
  (r, v) => {
    const other = v.t.shape.slice(1);
    if (r.next() < ERROR_RATE) other[other.length - 1] += 1;
    return { expr: `tf.layers.${r.pick(['add', 'multiply', 'average'])}().apply([${v.name}, tf.input({ shape: ${list(other)} })])`, error: 'layer-input' };
  },
];

/** Runs one built statement on the live values of `pool`: `{value}` or `{thrown}`. */
function evaluateBuilt(built, pool) {
  try {
    const js = built.expr.replace(/ as tf\.Tensor$/, '');
    return { value: new Function('tf', ...pool.map((p) => p.name), `return ${js};`)(tf, ...pool.map((p) => p.t)) };
  } catch (thrown) {
    return { thrown };
  }
}

function showShape(shape) {
  return list(shape.map((d) => (d === null ? 'batch' : d)));
}

export async function generateFixture(seed) {
  const r = mulberry32(seed);
  const pool = [];
  const lines = [
    "import * as tf from '@tensorflow/tfjs';",
    '',
    '// Generated by `node --import tsx scripts/verifyShapeFixtures.mjs --generate` (seed ' + seed + '); do not edit.',
    '// Random chains of ops over earlier results. Every caret is the shape tfjs gave when the file was',
    '// generated, and every line marked as an error threw there. Regenerate after changing the generator.',
  ];
  const fresh = () => {
    const shape = Array.from({ length: r.int(1, 4) }, () => r.pick([1, 2, 3, 4, 5, 6]));
    return { expr: `tf.${r.pick(['ones', 'zeros', 'randomNormal'])}(${list(shape)})` };
  };
  let n = 0;
  while (n < GENERATED_STATEMENTS) {
    if (n % 20 === 0) lines.push('', `// %% Cell ${n / 20 + 1}.`);
    const v = pool.length > 0 && r.next() < 0.85 ? r.pick(pool.slice(-12)) : undefined;
    const built = v ? r.pick(BUILDERS)(r, v) : fresh();
    if (!built) continue;
    const { value, thrown } = evaluateBuilt(built, pool);
    const name = `t${n}`;
    if (thrown && built.error && isShapeError(thrown)) {
      lines.push(`const ${name} = ${built.expr}; // expect-error ${built.error}`);
    } else if (!thrown && value instanceof tf.Tensor && value.size > 0 && value.size <= 4096 && value.rank <= 5) {
      lines.push(`const ${name} = ${built.expr};`, `//    ^ ${list(value.shape)}`);
      // Integer results (argMax) are recorded but not built on: most ops want float32.
      if (value.dtype === 'float32') pool.push({ name, t: value });
    } else {
      continue;
    }
    n++;
  }
  // Then layer chains over symbolic tensors, whose batch axis stays null.
  const layerPool = [];
  let m = 0;
  while (m < GENERATED_LAYER_STATEMENTS) {
    if (m % 20 === 0) lines.push('', `// %% Layers ${m / 20 + 1}.`);
    const name = `s${m}`;
    if (layerPool.length === 0 || r.next() < 0.1) {
      const shape = Array.from({ length: r.int(1, 3) }, () => r.pick([2, 3, 4, 6, 8]));
      lines.push(`const ${name} = tf.input({ shape: ${list(shape)} });`, `//    ^ ${showShape([null, ...shape])}`);
      layerPool.push({ name, t: tf.input({ shape }) });
      m++;
      continue;
    }
    const v = r.pick(layerPool.slice(-10));
    const built = r.pick(LAYER_BUILDERS)(r, v);
    if (!built) continue;
    const { value, thrown } = evaluateBuilt(built, layerPool);
    if (thrown && built.error && isShapeError(thrown)) {
      lines.push(`const ${name} = ${built.expr}; // expect-error ${built.error}`);
    } else if (!thrown && value instanceof tf.SymbolicTensor && value.shape.every((d, i) => (i === 0 ? d === null : d > 0))) {
      lines.push(`const ${name} = ${built.expr} as tf.SymbolicTensor;`, `//    ^ ${showShape(value.shape)}`);
      layerPool.push({ name, t: value });
    } else {
      continue;
    }
    m++;
  }
  fs.writeFileSync(GENERATED_FILE, lines.join('\n') + '\n');
  console.log(`wrote ${path.relative(ROOT, GENERATED_FILE)} (${n} op and ${m} layer statements, seed ${seed})`);
}

