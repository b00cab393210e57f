// Shape rules of small tfjs ops whose output shape is one line of arithmetic on their inputs:
// complex/real/imag, bitwiseAnd, diag, ensureShape, meshgrid, movingAverage, rand and the cosine
// windows (cosineWindow, tf.signal.hannWindow, tf.signal.hammingWindow), with tfjs-core's checks and
// messages. Those that need two shapes to be equal throw only when the ranks or known sizes differ.

import type * as ts from 'typescript';
import { type Dim, type Shape, ShapeError, broadcastShapes, dimsDiffer, formatDim, isKnown, productDim } from './shapes';
import { asTensor, fromShapeArgument } from './tensorCreation';
import { type OpFn, related, shapeOf } from './tensorOps';
import { type Value, arrayOf, dimOf, stringOf, tensor } from './values';

/** True when two shapes are known to differ in rank or in a known size. */
function shapesDiffer(a: Shape, b: Shape): boolean {
  return a !== null && b !== null && (a.length !== b.length || a.some((d, i) => dimsDiffer(d, b[i])));
}

/** Two shapes that must be equal, merged: a size either side knows. */
function sameShape(a: Shape, b: Shape): Shape {
  if (a === null || b === null || a.length !== b.length) return a ?? b;
  return a.map((d, i) => (isKnown(d) ? d : isKnown(b[i]) ? b[i] : d));
}

/** tfjs prints shapes in these messages as `${shape}`, the array joined with commas. */
const joined = (s: Shape): string => (s === null ? '?' : s.join(','));

/** `tf.complex(real, imag)`: both parts must have one shape. */
function complex(args: Value[], node: ts.Node): Value {
  const re = shapeOf(args[0]);
  const im = shapeOf(args[1]);
  if (shapesDiffer(re, im)) {
    const shapes = `${joined(re)} and ${joined(im)}`;
    throw new ShapeError('shape-broadcast', `real and imag shapes, ${shapes}, must match in call to tf.complex(). Shapes ${shapes} must match`, [
      ...related('real', args[0]),
      ...related('imag', args[1]),
    ]);
  }
  return tensor(sameShape(re, im), node, 'complex64');
}

/** `tf.bitwiseAnd(x, y)`: int32 tensors of exactly one shape (no broadcasting). */
function bitwiseAnd(args: Value[], node: ts.Node): Value {
  const x = shapeOf(args[0]);
  const y = shapeOf(args[1]);
  if (shapesDiffer(x, y)) {
    throw new ShapeError('shape-broadcast', `BitwiseAnd: Tensors must have the same shape. x: ${joined(x)}, y: ${joined(y)}`, [
      ...related('x', args[0]),
      ...related('y', args[1]),
    ]);
  }
  return tensor(sameShape(x, y), node, 'int32');
}

/** `tf.diag(x)`: x's shape twice, the values on the diagonal. */
function diag(args: Value[], node: ts.Node): Value {
  const x = asTensor(args[0]);
  return tensor(x?.shape ? [...x.shape, ...x.shape] : null, node, x?.dtype);
}

/**
 * `tf.ensureShape(x, shape)`: tfjs's `arraysEqualWithNull` (a `null` entry matches any size). It
 * returns x itself, so the answer is x with the sizes the check has just guaranteed.
 */
function ensureShape(args: Value[], node: ts.Node): Value {
  const x = asTensor(args[0]);
  const list = args[1] && args[1].kind === 'array' ? args[1].items : undefined;
  if (!list) return args[0] ?? tensor(null, node);
  // An explicit `null` is a wildcard; a number the analysis does not know is neither checked nor used.
  const expected: Array<Dim | 'any'> = list.map((item) => (item.kind === 'null' ? 'any' : dimOf(item)));
  const s = x?.shape;
  if (s) {
    const differs = s.length !== expected.length || expected.some((d, i) => d !== 'any' && dimsDiffer(s[i], d));
    if (differs) {
      const shown = expected.map((d) => (d === 'any' ? '' : formatDim(d))).join(',');
      throw new ShapeError('shape-axis', `EnsureShape: Shape of tensor ${joined(s)} is not compatible with expected shape ${shown}`, related('x', args[0]));
    }
  }
  if (args[0]?.kind !== 'tensor') return args[0];
  const checked: Dim[] = expected.map((d, i) => {
    const own = s ? s[i] : null;
    return isKnown(own) || d === 'any' || d === null ? own : d;
  });
  return tensor(checked, node, x?.dtype);
}

/** The number of elements of a tensor as one size (a vector `[n]` keeps a named n). */
function elementCount(s: Shape): Dim {
  if (!s) return null;
  return s.length === 1 ? s[0] : productDim(s);
}

/** `tf.meshgrid(x, y, {indexing})`: two grids of `[y.size, x.size]` ('xy') or `[x.size, y.size]` ('ij'). */
function meshgrid(args: Value[], node: ts.Node): Value {
  // tfjs answers [] when x is undefined, whatever follows.
  if (!args[0] || args[0].kind === 'undefined') return arrayOf([]);
  const x = asTensor(args[0]);
  if (!args[1] || args[1].kind === 'undefined') return arrayOf([tensor(x?.shape ?? null, node, x?.dtype)]);
  const y = asTensor(args[1]);
  const options = args[2];
  const indexingValue = options && options.kind === 'object' ? options.props.get('indexing') : undefined;
  const indexing = indexingValue === undefined || indexingValue.kind === 'undefined' ? 'xy' : stringOf(indexingValue);
  const w = elementCount(x?.shape ?? null);
  const h = elementCount(y?.shape ?? null);
  const grid: Shape = indexing === 'xy' ? [h, w] : indexing === 'ij' ? [w, h] : null;
  return arrayOf([tensor(grid, node, x?.dtype), tensor(grid, node, y?.dtype)]);
}

/** `tf.movingAverage(v, x, decay, step, zeroDebias)`: v and x must have one shape; decay and step broadcast in. */
function movingAverage(args: Value[], node: ts.Node): Value {
  const v = asTensor(args[0]);
  const x = shapeOf(args[1]);
  if (shapesDiffer(v?.shape ?? null, x)) throw new ShapeError('shape-broadcast', 'Shape mismatch in v and x', [...related('v', args[0]), ...related('x', args[1])]);
  let out = sameShape(v?.shape ?? null, x);
  for (const scalarLike of [args[2], args[3]]) {
    if (scalarLike && scalarLike.kind !== 'undefined' && scalarLike.kind !== 'null') out = broadcastShapes(out, shapeOf(scalarLike));
  }
  return tensor(out, node, v?.dtype);
}

/** `cosineWindow(windowLength, a, b)` and the Hann and Hamming windows built on it: a float32 vector. */
const windowOf =
  (lengthIndex: number): OpFn =>
  (args, node) =>
    tensor([dimOf(args[lengthIndex])], node, 'float32');

export const PLAIN_OPS: Record<string, OpFn> = {
  complex,
  real: (args, node) => tensor(shapeOf(args[0]), node, 'float32'),
  imag: (args, node) => tensor(shapeOf(args[0]), node, 'float32'),
  bitwiseAnd,
  diag,
  ensureShape,
  meshgrid,
  movingAverage,
  rand: (args, node) => fromShapeArgument(args, node, 2),
  cosineWindow: windowOf(0),
};

/** `tf.signal.*` windows. */
export const WINDOW_SIGNAL_OPS: Record<string, OpFn> = {
  hannWindow: windowOf(0),
  hammingWindow: windowOf(0),
};
