// Shape rules of the tfjs ops that count, search or compare values: bincount, denseBincount,
// broadcastArgs, searchSorted (with lowerBound and upperBound), inTopKAsync and setdiff1dAsync, with
// tfjs-core's checks and messages. Where the output length depends on the values (setdiff1d keeps
// what y does not hold) the length is unknown and the rank is kept. The async ops answer the tensor
// itself: `await` of a non-promise is the value, so `await tf.inTopKAsync(...)` reads the same.

import type * as ts from 'typescript';
import { type Shape, ShapeError, broadcastShapes, dimsDiffer, isKnown, productDim, sizeOf, tfjsShape } from './shapes';
import { asTensor, knownNumbers } from './tensorCreation';
import { type OpFn, related, shapeOf } from './tensorOps';
import { type Value, arrayOf, dimOf, numberOf, tensor } from './values';

/** The checks bincount and denseBincount share: a non-negative size and weights of x's size or empty. */
function checkBincount(op: string, sameWhat: string, xWord: string, args: Value[]): void {
  const size = numberOf(args[2]);
  if (size !== undefined && !(size >= 0)) throw new ShapeError('shape-axis', `size must be non-negative, but got ${size}.`);
  const x = shapeOf(args[0]);
  const weights = shapeOf(args[1]);
  const xSize = sizeOf(x);
  const wSize = sizeOf(weights);
  if (xSize !== null && wSize !== null && wSize !== xSize && wSize !== 0) {
    // tfjs joins these two strings without a space ("or0-length" in bincount).
    throw new ShapeError(
      'shape-axis',
      `Error in ${op}: weights must have the same ${sameWhat} as ${xWord} or` +
        `${op === 'bincount' ? '' : ' '}0-length, but got ${xWord} shape: ${tfjsShape(x)}, weights shape: ${tfjsShape(weights)}.`,
      related('weights', args[1]),
    );
  }
}

/** `tf.bincount(x, weights, size)`: `[size]` counts over every value of x, whatever its rank. */
function bincount(args: Value[], node: ts.Node): Value {
  checkBincount('bincount', 'size', 'input', args);
  return tensor([dimOf(args[2])], node, asTensor(args[1])?.dtype);
}

/** `tf.denseBincount(x, weights, size, binaryOutput)`: `[size]` for a vector, one row of counts per row of a matrix. */
function denseBincount(args: Value[], node: ts.Node): Value {
  const x = shapeOf(args[0]);
  if (x && x.length > 2) {
    throw new ShapeError('shape-rank', `Error in denseBincount: input must be at most rank 2, but got rank ${x.length}.`, related('x', args[0]));
  }
  checkBincount('denseBincount', 'shape', 'x', args);
  const size = dimOf(args[2]);
  const dtype = asTensor(args[1])?.dtype;
  if (x && x.length === 0) {
    // The op lets a scalar through; the cpu kernel refuses it, with no space before the rank.
    throw new ShapeError('shape-rank', 'Error in denseBincount: input must be at most rank 2, but got rank0.', related('x', args[0]));
  }
  return tensor(x ? (x.length === 1 ? [size] : [x[0], size]) : null, node, dtype);
}

/** `tf.broadcastArgs(s0, s1)`: the broadcast of two shape vectors, as long as the longer one. */
function broadcastArgs(args: Value[], node: ts.Node): Value {
  const s0 = shapeOf(args[0]);
  const s1 = shapeOf(args[1]);
  for (const [which, s] of [['first', s0], ['second', s1]] as const) {
    if (s && s.length !== 1) throw new ShapeError('shape-rank', `broadcastArgs(): ${which} input must be a vector (rank=1). Has rank ${s.length}`);
  }
  // Shape vectors written as literals are known values: the kernel broadcasts them, with its message.
  const v0 = knownNumbers(args[0]);
  const v1 = knownNumbers(args[1]);
  if (v0 && v1) broadcastShapes(v0, v1);
  const n0 = s0 ? s0[0] : null;
  const n1 = s1 ? s1[0] : null;
  return tensor([isKnown(n0) && isKnown(n1) ? Math.max(n0, n1) : null], node, 'int32');
}

/**
 * `tf.searchSorted(sortedSequence, values, side)`: both are read as matrices of their last axis,
 * `[-1, last]`, whose rows must pair up; the answer has the values' matrix shape, so a vector of
 * values comes back as one row.
 */
function searchSorted(args: Value[], node: ts.Node): Value {
  const sorted = shapeOf(args[0]);
  const values = shapeOf(args[1]);
  // A scalar has no last axis; tfjs's reshape then fails with a message about NaN elements (left unknown here).
  if (!sorted || !values || sorted.length === 0 || values.length === 0) return tensor(null, node, 'int32');
  const sortedRows = productDim(sorted.slice(0, -1));
  const valueRows = productDim(values.slice(0, -1));
  if (dimsDiffer(sortedRows, valueRows)) {
    throw new ShapeError('shape-axis', "Leading dimension of 'sortedSequence' and 'values' must match.", [
      ...related('sortedSequence', args[0]),
      ...related('values', args[1]),
    ]);
  }
  return tensor([valueRows, values[values.length - 1]], node, 'int32');
}

/** `tf.inTopKAsync(predictions, targets, k)`: one boolean per target. */
function inTopKAsync(args: Value[], node: ts.Node): Value {
  const p = shapeOf(args[0]);
  const t = shapeOf(args[1]);
  const related2 = () => [...related('predictions', args[0]), ...related('targets', args[1])];
  if (p && p.length <= 1) {
    throw new ShapeError('shape-rank', `inTopK() expects the predictions to be of rank 2 or higher, but got ${p.length}`, related('predictions', args[0]));
  }
  if (p && t) {
    if (p.length - 1 !== t.length) {
      throw new ShapeError(
        'shape-rank',
        `predictions rank should be 1 larger than targets rank, but got predictions rank ${p.length} and targets rank ${t.length}`,
        related2(),
      );
    }
    const leading = p.slice(0, -1);
    if (leading.some((d, i) => dimsDiffer(d, t[i]))) {
      throw new ShapeError(
        'shape-axis',
        `predictions's shape should be align with the targets' shape, except the last dimension. Shapes ${tfjsShape(leading)} and ${tfjsShape(t)} must match`,
        related2(),
      );
    }
  }
  const last = p ? p[p.length - 1] : null;
  const k = args[2] && args[2].kind !== 'undefined' ? numberOf(args[2]) : 1;
  if (k !== undefined && isKnown(last) && !(k > 0 && k <= last)) {
    throw new ShapeError('shape-axis', `'k' passed to inTopK() must be > 0 && <= the predictions last dimension (${last}), but got ${k}`);
  }
  const shape: Shape = t ?? (p ? p.slice(0, -1) : null);
  return tensor(shape, node, 'bool');
}

/** `tf.setdiff1dAsync(x, y)`: `[values, indices]` of the entries of x that y lacks, a number known only at run time. */
function setdiff1dAsync(args: Value[], node: ts.Node): Value {
  for (const [what, v] of [['x', args[0]], ['y', args[1]]] as const) {
    const s = shapeOf(v);
    if (s && s.length !== 1) throw new ShapeError('shape-rank', `${what} should be 1D tensor, but got ${what} (${tfjsShape(s)}).`, related(what, v));
  }
  return arrayOf([tensor([null], node, asTensor(args[0])?.dtype), tensor([null], node, 'int32')]);
}

export const COUNTING_SEARCH_OPS: Record<string, OpFn> = {
  bincount,
  denseBincount,
  broadcastArgs,
  searchSorted,
  lowerBound: (args, node) => searchSorted([args[0], args[1]], node),
  upperBound: (args, node) => searchSorted([args[0], args[1]], node),
  inTopKAsync,
  setdiff1dAsync,
};
