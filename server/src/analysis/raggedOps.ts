// Shape rules of tfjs's ragged-tensor ops: raggedRange, raggedGather and raggedTensorToTensor. A ragged
// tensor is a flat values tensor plus row splits, so most sizes come from the values of the splits and
// are unknown to a static analysis unless they are literals; ranks, the number of splits and the dense
// shape requested from raggedTensorToTensor are known. Checks and messages are those of tfjs-core's
// ragged_to_dense_util and the cpu kernels, including their quirks (noted where they matter).

import type * as ts from 'typescript';
import { type Dim, type Shape, ShapeError, dimsDiffer, isKnown, productDim } from './shapes';
import { asTensor, knownNumbers } from './tensorCreation';
import { type OpFn, related, shapeOf } from './tensorOps';
import { type Value, arrayItems, arrayOf, arrayOfLength, objectOf, stringOf, tensor } from './values';

/** The number of values `start, start + delta, ...` below limit, as the kernel counts them. */
function rangeSize(start: number, limit: number, delta: number): number {
  if ((delta > 0 && limit < start) || (delta < 0 && limit > start)) return 0;
  return Math.ceil(Math.abs((limit - start) / delta));
}

/** `tf.raggedRange(starts, limits, deltas)`: `{rtNestedSplits, rtDenseValues}`, one row per range. */
function raggedRange(args: Value[], node: ts.Node): Value {
  const names = ['starts', 'limits', 'deltas'];
  const shapes = args.slice(0, 3).map((a) => shapeOf(a));
  shapes.forEach((s, i) => {
    if (s && s.length > 1) throw new ShapeError('shape-rank', `${names[i]} must be a scalar or vector`, related(names[i], args[i]));
  });
  const sizes: Dim[] = shapes.filter((s) => !s || s.length === 1).map((s) => (s ? s[0] : null));
  for (let i = 1; i < sizes.length; i++) {
    if (dimsDiffer(sizes[i], sizes[i - 1])) throw new ShapeError('shape-axis', 'starts, limits, and deltas must have the same shape');
  }
  const rows: Dim = shapes.some((s) => !s) ? null : sizes.length === 0 ? 1 : sizes[0];
  const [starts, limits, deltas] = args.slice(0, 3).map((a) => knownNumbers(a));
  let total: Dim = null;
  if (isKnown(rows) && starts?.length && limits?.length && deltas?.length) {
    // A scalar argument applies to every row.
    const at = (v: number[], row: number): number => (v.length === 1 ? v[0] : v[row]);
    const steps = Array.from({ length: rows }, (_, row) => at(deltas, row));
    if (steps.every((d) => d !== 0)) {
      total = 0;
      for (let row = 0; row < rows; row++) total += rangeSize(at(starts, row), at(limits, row), steps[row]);
    }
  }
  const dtype = args[0]?.kind === 'tensor' ? args[0].dtype : 'float32';
  return objectOf({
    rtNestedSplits: tensor([isKnown(rows) ? rows + 1 : null], node, 'int32'),
    rtDenseValues: tensor([total], node, dtype),
  });
}

/**
 * `tf.raggedGather(paramsNestedSplits, paramsDenseValues, indices, outputRaggedRank)`:
 * `{outputNestedSplits, outputDenseValues}`. There is one split per axis of the indices but the last,
 * then one per params split but the first; the first few have sizes the indices' shape fixes.
 */
function raggedGather(args: Value[], node: ts.Node): Value {
  const splits = arrayItems(args[0]);
  const dense = asTensor(args[1]);
  const indices = shapeOf(args[2]);
  if (splits && splits.length === 0) throw new ShapeError('shape-axis', 'paramsNestedSplits must be non empty');
  const firstSplit = splits ? shapeOf(splits[0]) : null;
  if (firstSplit && firstSplit.length === 0) throw new ShapeError('shape-rank', 'Split tensors must not be scalars');
  if (dense?.shape && dense.shape.length === 0) throw new ShapeError('shape-rank', 'params.rank must be nonzero', related('paramsDenseValues', args[1]));
  if (!splits || !indices) {
    return objectOf({ outputNestedSplits: arrayOfLength(null, tensor([null], node, 'int32')), outputDenseValues: tensor(null, node, dense?.dtype) });
  }
  const sizes: Dim[] = [];
  for (let k = 0; k < indices.length; k++) {
    const rows = productDim(indices.slice(0, k + 1));
    sizes.push(isKnown(rows) ? rows + 1 : null);
  }
  while (sizes.length < indices.length - 1 + splits.length) sizes.push(null);
  const outSplits = sizes.slice(0, Math.max(0, indices.length - 1 + splits.length)).map((d) => tensor([d], node, 'int32'));
  const rest: Shape = dense?.shape ? dense.shape.slice(1) : null;
  return objectOf({ outputNestedSplits: arrayOf(outSplits), outputDenseValues: tensor(rest ? [null, ...rest] : null, node, dense?.dtype) });
}

/** tfjs's `validateDefaultValueShape`: the default must broadcast to one element of the values. */
function checkDefaultValue(defaults: Shape, values: Shape): void {
  if (!defaults || !values) return;
  const dn = defaults.length;
  const vn = values.length;
  const show = (s: Dim[]) => s.join(',');
  if (dn >= vn) {
    throw new ShapeError(
      'shape-rank',
      `defaultValue.shape=${show(defaults)} and ragged tensor flatValues.shape=${show(values)}, are incompatible: defaultValue.rank = ${dn} must be less than ragged tensor input flatValues.rank = ${vn})`,
    );
  }
  for (let i = 0; i < Math.min(dn, vn - 1); i++) {
    const d = defaults[i];
    const v = values[i + 1];
    if (isKnown(d) && isKnown(v) && d !== 1 && d !== v) {
      throw new ShapeError(
        'shape-axis',
        `defaultValue.shape=${show(defaults)}, and ragged tensor input flatValues.shape=${show(values)} are incompatible: defaultValue.shape[${i - dn}] = ${d} but ragged tensor input.flatValues.shape[${i - dn}] = ${v}`,
      );
    }
  }
}

/**
 * tfjs's `combineRaggedTensorToTensorShapes` on known numbers. Its loop reads a size of the requested
 * shape as an index into that shape (so `[3, 4, 3]` over [5, 2] values becomes [3, 4, 3, 2]); the
 * rule repeats that, because it is what tfjs returns.
 */
function combineShapes(raggedRank: number, shape: number[], values: number[]): number[] | undefined {
  const out = shape.slice();
  if (raggedRank + values.length !== out.length) {
    throw new ShapeError(
      'shape-rank',
      `rt input.shape and shape=${shape} are incompatible: rt input.rank = ${raggedRank + values.length}, but shape.rank = ${out.length}`,
    );
  }
  for (let i = 1; i < values.length; i++) {
    const valueDim = values[i];
    const index = out[out.length - values.length + i];
    const outDim = out[index];
    if (valueDim < 0) continue;
    if (outDim >= 0) {
      if (outDim !== valueDim) {
        throw new ShapeError(
          'shape-axis',
          `rt input.shape and shape=${shape} are incompatible: rt input.shape[${i + raggedRank}] = ${valueDim} but shape[${i + raggedRank}] = ${outDim}`,
        );
      }
    } else if (Number.isInteger(index) && index >= 0) {
      // Past the end tfjs leaves holes that no shape can hold; the result is then not known.
      if (index > out.length) return undefined;
      out[index] = valueDim;
    }
  }
  return out;
}

const PARTITION_TYPES = new Set(['FIRST_DIM_SIZE', 'VALUE_ROWIDS', 'ROW_LENGTHS', 'ROW_SPLITS', 'ROW_LIMITS', 'ROW_STARTS']);

/**
 * `tf.raggedTensorToTensor(shape, values, defaultValue, rowPartitionTensors, rowPartitionTypes)`: a
 * dense tensor of `shape`, where a -1 size is filled from the data (the first one from the partitions).
 */
function raggedTensorToTensor(args: Value[], node: ts.Node): Value {
  const values = asTensor(args[1]);
  const dtype = values?.dtype;
  checkDefaultValue(shapeOf(args[2]), values?.shape ?? null);
  const typeNames = arrayItems(args[4])?.map((v) => stringOf(v));
  const partitions = arrayItems(args[3]);
  const shapeShape = shapeOf(args[0]);
  const requested = knownNumbers(args[0]);
  if (!typeNames || typeNames.some((t) => t === undefined) || !values?.shape || !requested || !shapeShape) return tensor(null, node, dtype);
  // tfjs reads the type names up to the first it does not know.
  const firstUnknown = typeNames.findIndex((t) => t === undefined || !PARTITION_TYPES.has(t));
  const known = firstUnknown === -1 ? typeNames : typeNames.slice(0, firstUnknown);
  const raggedRank = known.length === 0 ? 0 : known[0] === 'FIRST_DIM_SIZE' ? known.length - 1 : known.length;
  if (shapeShape.length === 0 && requested[0] !== -1) {
    throw new ShapeError('shape-rank', 'The only valid scalar shape tensor is the fully unknown shape specified as -1.');
  }
  const shape = shapeShape.length === 0 ? [] : requested;
  const below = shape.find((d) => d < -1);
  if (below !== undefined) throw new ShapeError('shape-axis', `Dimension ${below} must be >= -1`);
  if (!values.shape.every(isKnown)) return tensor(null, node, dtype);
  const combinedSizes = combineShapes(raggedRank, shape, values.shape as number[]);
  if (!combinedSizes) return tensor(null, node, dtype);
  const combined: Dim[] = combinedSizes.map((d) => (d < 0 ? null : d));
  if (combined[0] === null && partitions) {
    // The first size comes from the first partition: a FIRST_DIM_SIZE value, or the rows of ROW_SPLITS.
    if (known[0] === 'FIRST_DIM_SIZE') combined[0] = knownNumbers(partitions[0])?.[0] ?? null;
    else if (known[0] === 'ROW_SPLITS') {
      const rows = shapeOf(partitions[0])?.[0];
      combined[0] = isKnown(rows ?? null) ? (rows as number) - 1 : null;
    }
  }
  return tensor(combined, node, dtype);
}

export const RAGGED_OPS: Record<string, OpFn> = { raggedRange, raggedGather, raggedTensorToTensor };
