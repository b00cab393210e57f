// Shape rules of the tfjs ops that read or write a tensor at index tuples: gatherND, scatterND,
// tensorScatterUpdate, sparseToDense and unsortedSegmentSum, with the checks and messages of
// tfjs-core's gather_nd_util / scatter_nd_util / sparse_to_dense_util. As everywhere, a rule throws
// `ShapeError` only when the shapes involved are known to contradict; unknown dims pass.

import type * as ts from 'typescript';
import { type Dim, type Shape, ShapeError, dimsDiffer, isKnown, sizeOf, tfjsShape } from './shapes';
import { asTensor } from './tensorCreation';
import { type OpFn, related, shapeOf } from './tensorOps';
import { type Value, dimOf, shapeArgOf, tensor } from './values';

/** `tf.gatherND(x, indices)`: indices' last axis indexes the first axes of x. */
function gatherND(args: Value[], node: ts.Node): Value {
  const x = asTensor(args[0]);
  const xs = x?.shape ?? null;
  const indices = shapeOf(args[1]);
  if (xs && xs.length < 1) {
    throw new ShapeError('shape-rank', `tf.gatherND() expects the input to be rank 1 or higher, but the rank was ${xs.length}.`);
  }
  if (indices && indices.length < 1) {
    throw new ShapeError('shape-rank', `tf.gatherND() expects the indices to be rank 1 or higher, but the rank was ${indices.length}.`);
  }
  if (!xs || !indices) return tensor(null, node, x?.dtype);
  const sliceRank = indices[indices.length - 1];
  if (!isKnown(sliceRank)) return tensor(null, node, x?.dtype);
  if (sliceRank > xs.length) {
    throw new ShapeError(
      'shape-axis',
      `index innermost dimension length must be <= tensor rank; saw: ${sliceRank} vs. ${xs.length}`,
      related('indices', args[1]),
    );
  }
  if (sizeOf(xs) === 0) throw new ShapeError('shape-axis', `Requested more than 0 entries, but input is empty. Input shape: ${tfjsShape(xs)}.`);
  return tensor([...indices.slice(0, -1), ...xs.slice(sliceRank)], node, x?.dtype);
}

/**
 * tfjs `scatter_nd_util.validateInput`: updates must be `indices.shape[:batchDim] + shape[sliceDim:]`.
 * tfjs names scatterND in the rank messages for tensorScatterUpdate too.
 */
function checkScatter(updatesValue: Value | undefined, indicesValue: Value | undefined, shape: Dim[]): void {
  const updates = shapeOf(updatesValue);
  const indices = shapeOf(indicesValue);
  if (indices && indices.length < 1) {
    throw new ShapeError('shape-rank', `tf.scatterND() expects the indices to be rank 1 or higher, but the rank was ${indices.length}.`);
  }
  if (updates && updates.length < 1) {
    throw new ShapeError('shape-rank', `tf.scatterND() expects the updates to be rank 1 or higher, but the rank was ${updates.length}.`);
  }
  if (shape.length < 1) throw new ShapeError('shape-rank', `Output rank must be greater or equal to 1, but got shape: ${tfjsShape(shape)}`);
  if (!updates || !indices) return;
  const sliceDim = indices.length > 1 ? indices[indices.length - 1] : 1;
  const batchDim = indices.length > 1 ? indices.length - 1 : 1;
  if (!isKnown(sliceDim)) return;
  const prefix =
    `Must have updates.shape = indices.shape[:batchDim] + shape[sliceDim:], got updates.shape: ${tfjsShape(updates)}` +
    `, indices.shape: ${tfjsShape(indices)}, shape: ${tfjsShape(shape)}, sliceDim: ${sliceDim}, and batchDim: ${batchDim}.`;
  const fail = (detail: string) => new ShapeError('shape-axis', prefix + detail, [...related('updates', updatesValue), ...related('indices', indicesValue)]);
  if (updates.length < batchDim) throw fail(` update.rank < ${batchDim}. `);
  if (shape.length < sliceDim + (updates.length - batchDim)) throw fail(` Output shape length < ${sliceDim + (updates.length - batchDim)}`);
  if (updates.length !== batchDim + shape.length - sliceDim) throw fail(` update.rank != ${batchDim + shape.length - sliceDim}`);
  for (let d = 0; d < batchDim; ++d) {
    if (dimsDiffer(updates[d], indices[d])) throw fail(` updates.shape[${d}] (${updates[d]}) != indices.shape[${d}] (${indices[d]}).`);
  }
  for (let d = 0; d < updates.length - batchDim; ++d) {
    // tfjs prints shape[d + batchDim] while it compares shape[d + sliceDim]; the message is kept as tfjs writes it.
    if (dimsDiffer(updates[d + batchDim], shape[d + sliceDim])) {
      throw fail(` updates.shape[${d + batchDim}] (${updates[d + batchDim]}) != shape[${d + batchDim}] (${shape[d + batchDim]})`);
    }
  }
}

/** `tf.scatterND(indices, updates, shape)`: a tensor of `shape`. */
function scatterND(args: Value[], node: ts.Node): Value {
  const shape = shapeArgOf(args[2]);
  if (shape && shape.some((d) => isKnown(d) && (d < 0 || !Number.isInteger(d)))) {
    throw new ShapeError('tensor-ctor', `Tensor must have a shape comprised of positive integers but got shape [${shape.join(',')}].`);
  }
  if (shape) checkScatter(args[1], args[0], shape);
  return tensor(shape, node, asTensor(args[1])?.dtype);
}

/** `tf.tensorScatterUpdate(tensor, indices, updates)`: the tensor's shape. */
function tensorScatterUpdate(args: Value[], node: ts.Node): Value {
  const t = asTensor(args[0]);
  if (t?.shape) checkScatter(args[2], args[1], t.shape);
  return tensor(t?.shape ?? null, node, t?.dtype);
}

/** `tf.sparseToDense(sparseIndices, sparseValues, outputShape, defaultValue)`. */
function sparseToDense(args: Value[], node: ts.Node): Value {
  const outputShape = shapeArgOf(args[2]);
  const indices = shapeOf(args[0]);
  const values = shapeOf(args[1]);
  if (indices && indices.length > 2) {
    throw new ShapeError('shape-rank', `sparseIndices should be a scalar, vector, or matrix, but got shape ${tfjsShape(indices)}.`);
  }
  if (indices && outputShape) {
    const numDims: Dim = indices.length > 1 ? indices[1] : 1;
    if (dimsDiffer(outputShape.length, numDims)) {
      throw new ShapeError('shape-rank', `outputShape has incorrect number of elements:, ${outputShape.length}, should be: ${numDims}.`);
    }
  }
  if (indices && values) {
    const numElems: Dim = indices.length > 0 ? indices[0] : 1;
    const numValues = sizeOf(values);
    const bad = values.length > 1 || (values.length === 1 && numValues !== null && dimsDiffer(numValues, numElems));
    if (bad) throw new ShapeError('shape-axis', `sparseValues has incorrect shape ${tfjsShape(values)}, should be [] or [${numElems ?? ''}]`);
  }
  return tensor(outputShape, node, asTensor(args[1])?.dtype);
}

/** `tf.unsortedSegmentSum(x, segmentIds, numSegments)`: one row per segment. */
function unsortedSegmentSum(args: Value[], node: ts.Node): Value {
  const x = asTensor(args[0]);
  const xs = x?.shape ?? null;
  const ids = shapeOf(args[1]);
  const segments = dimOf(args[2]);
  if (!xs || xs.length === 0) return tensor(null, node, x?.dtype);
  if (ids && ids.length === 1 && dimsDiffer(ids[0], xs[0])) {
    // The cpu kernel compares each segment id against x by broadcasting [n, 1, ...] with x.
    const padded: Shape = [ids[0], ...Array(xs.length - 1).fill(1)];
    throw new ShapeError('shape-broadcast', `Operands could not be broadcast together with shapes ${tfjsShape(padded)} and ${tfjsShape(xs)}.`, related('segmentIds', args[1]));
  }
  return tensor([segments, ...xs.slice(1)], node, x?.dtype);
}

export const SCATTER_GATHER_OPS: Record<string, OpFn> = {
  gatherND,
  scatterND,
  tensorScatterUpdate,
  sparseToDense,
  unsortedSegmentSum,
};

