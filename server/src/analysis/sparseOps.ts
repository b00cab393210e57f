// Shape rules of `tf.sparse`: sparseFillEmptyRows, sparseReshape, sparseSegmentSum and sparseSegmentMean,
// with the rank checks and messages of tfjs-core's ops and the cpu kernels. How many entries a sparse
// result holds depends on the index values, so those sizes are unknown unless the values are literals
// the analysis can read (a dense shape given as `[5, 6]`, segment ids from `tf.tensor1d([0, 0, 2])`).

import type * as ts from 'typescript';
import { type Dim, type Shape, ShapeError, dimsDiffer, tfjsShape } from './shapes';
import { asTensor, knownNumbers } from './tensorCreation';
import { type OpFn, related, shapeOf } from './tensorOps';
import { type Value, objectOf, tensor } from './values';

/** tfjs's rank complaint; some messages break the line and indent the shape as tfjs's source does. */
function requireRank(v: Value | undefined, label: string, what: string, ok: (rank: number) => boolean, indent?: number): void {
  const s = shapeOf(v);
  if (!s || ok(s.length)) return;
  const gap = indent === undefined ? ' ' : `\n${' '.repeat(indent)}`;
  throw new ShapeError('shape-rank', `${label} should be ${what} but received shape${gap}${tfjsShape(s)}`, related(label, v));
}

const isMatrix = (r: number) => r === 2;
const isVector = (r: number) => r === 1;
const isScalar = (r: number) => r === 0;

/**
 * `tf.sparse.sparseFillEmptyRows(indices, values, denseShape, defaultValue)`: every empty row gets one
 * entry, so the entry count is known only from the index values; the row indicator has denseShape[0].
 */
function sparseFillEmptyRows(args: Value[], node: ts.Node): Value {
  requireRank(args[0], 'Indices', 'Tensor2D', isMatrix, 8);
  requireRank(args[1], 'Values', 'Tensor1D', isVector);
  requireRank(args[2], 'Dense shape', 'Tensor1D', isVector);
  requireRank(args[3], 'Default value', 'a scalar', isScalar);
  const indices = shapeOf(args[0]);
  const denseRows: Dim = knownNumbers(args[2])?.[0] ?? null;
  const count: Dim = indices ? indices[0] : null;
  if (denseRows === 0 && typeof count === 'number' && count !== 0) {
    throw new ShapeError('shape-axis', `Received SparseTensor with denseShape[0] = 0 but\n  indices.shape[0] = ${count}`, related('indices', args[0]));
  }
  return objectOf({
    outputIndices: tensor([null, indices ? indices[1] : null], node, 'int32'),
    outputValues: tensor([null], node, asTensor(args[1])?.dtype),
    emptyRowIndicator: tensor([denseRows], node, 'bool'),
    reverseIndexMap: tensor([count], node, 'int32'),
  });
}

/** The cpu kernel's resolution of newShape against the dense size, with its messages; null when not known. */
function resolveSparseShape(inputShape: number[], target: number[]): number[] {
  const denseSize = inputShape.reduce((a, b) => a * b, 1);
  const out: number[] = [];
  let product = 1;
  let unknownIndex = -1;
  target.forEach((size, d) => {
    if (size === -1) {
      if (unknownIndex !== -1) throw new ShapeError('shape-reshape', `only one output dimension may be -1, not both ${unknownIndex} and ${d}`);
      unknownIndex = d;
      out.push(1);
      return;
    }
    if (size < 0) throw new ShapeError('shape-reshape', `size ${d} must be non-negative, not ${size}`);
    product *= size;
    out.push(size);
  });
  if (unknownIndex !== -1) {
    if (product <= 0) {
      throw new ShapeError('shape-reshape', 'reshape cannot infer the missing input size for an empty tensor unless all specified input sizes are non-zero');
    }
    const missing = Math.trunc(denseSize / product);
    if (product * missing !== denseSize) {
      throw new ShapeError(
        'shape-reshape',
        `Input to reshape is a SparseTensor with ${denseSize}\n  dense values, but the requested shape requires a multiple of ${product}. inputShape=${inputShape} outputShape= ${out}`,
      );
    }
    out[unknownIndex] = missing;
  }
  const outSize = out.reduce((a, b) => a * b, 1);
  if (outSize !== denseSize) {
    throw new ShapeError(
      'shape-reshape',
      `Input to reshape is a tensor with ${denseSize} dense values, but the requested shape has ${outSize}. inputShape=${inputShape} outputShape=${out}`,
    );
  }
  return out;
}

/** `tf.sparse.sparseReshape(inputIndices, inputShape, newShape)`: `{outputIndices, outputShape}`. */
function sparseReshape(args: Value[], node: ts.Node): Value {
  requireRank(args[0], 'Input indices', 'Tensor2D', isMatrix, 8);
  requireRank(args[1], 'Input shape', 'Tensor1D', isVector);
  requireRank(args[2], 'New shape', 'Tensor1D', isVector);
  const indices = shapeOf(args[0]);
  const inputShape = knownNumbers(args[1]);
  const target = knownNumbers(args[2]);
  const resolved = inputShape && target ? resolveSparseShape(inputShape, target) : undefined;
  const rank: Dim = target ? target.length : (shapeOf(args[2])?.[0] ?? null);
  const outputShape = tensor([rank], node, 'int32');
  if (resolved) outputShape.values = resolved;
  return objectOf({ outputIndices: tensor([indices ? indices[0] : null, rank], node, 'int32'), outputShape });
}

/**
 * sparseSegmentSum/Mean(data, indices, segmentIds): one row per segment up to the last id (ids are
 * sorted), the rest of data's shape kept. tfjs indents the shape in its messages by 9 or 10 spaces.
 */
function sparseSegmentReduction(indent: number): OpFn {
  return (args, node) => {
    const data = asTensor(args[0]);
    if (data?.shape && data.shape.length < 1) throw new ShapeError('shape-rank', 'Data should be at least 1 dimensional but received scalar');
    requireRank(args[1], 'Indices', 'Tensor1D', isVector, indent);
    requireRank(args[2], 'Segment ids', 'Tensor1D', isVector, indent);
    const indices = shapeOf(args[1]);
    const ids = shapeOf(args[2]);
    if (indices && ids && dimsDiffer(indices[0], ids[0])) {
      throw new ShapeError('shape-axis', 'segmentIds and indices should have same size.', related('segmentIds', args[2]));
    }
    const idValues = knownNumbers(args[2]);
    const rows: Dim = idValues ? (idValues.length > 0 ? idValues[idValues.length - 1] + 1 : 0) : null;
    const rest: Shape = data?.shape ? data.shape.slice(1) : null;
    return tensor(rest ? [rows, ...rest] : null, node, data?.dtype);
  };
}

export const SPARSE_OPS: Record<string, OpFn> = {
  sparseFillEmptyRows,
  sparseReshape,
  sparseSegmentSum: sparseSegmentReduction(9),
  sparseSegmentMean: sparseSegmentReduction(10),
};
