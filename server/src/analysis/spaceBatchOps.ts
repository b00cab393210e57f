// Shape rules of the tfjs ops that move blocks of a tensor between its batch or depth axis and its
// spatial axes: spaceToBatchND, batchToSpaceND and depthToSpace, with tfjs-core's checks and
// messages. A rule throws `ShapeError` only when the shapes involved are known to contradict.

import type * as ts from 'typescript';
import { type Dim, ShapeError, isKnown, tfjsShape } from './shapes';
import { asTensor } from './tensorCreation';
import { type OpFn, related } from './tensorOps';
import { type Value, numberListOf, numberOf, stringOf, tensor } from './values';

/** `[[before, after], ...]` as known numbers, or undefined. */
function pairsOf(v: Value | undefined): Array<[number, number]> | undefined {
  if (!v || v.kind !== 'array' || !v.items) return undefined;
  const out: Array<[number, number]> = [];
  for (const item of v.items) {
    const p = numberListOf(item);
    if (!p || p.length !== 2) return undefined;
    out.push([p[0], p[1]]);
  }
  return out;
}

const times = (d: Dim, k: number): Dim => (isKnown(d) ? d * k : null);

/** `tf.spaceToBatchND(x, blockShape, paddings)`: padded spatial blocks move into the batch. */
function spaceToBatchND(args: Value[], node: ts.Node): Value {
  const x = asTensor(args[0]);
  const block = numberListOf(args[1]);
  const paddings = pairsOf(args[2]);
  if (!x?.shape || !block || !paddings) return tensor(null, node, x?.dtype);
  const s = x.shape;
  if (s.length < 1 + block.length) {
    throw new ShapeError('shape-rank', `input rank ${s.length} should be > than [blockShape] ${block.length}`);
  }
  if (paddings.length !== block.length) {
    throw new ShapeError('shape-rank', `paddings.shape[0] ${paddings.length} must be equal to [blockShape] ${block.length}`);
  }
  const spatial = block.map((_, i) => {
    const d = s[i + 1];
    return isKnown(d) ? d + paddings[i][0] + paddings[i][1] : null;
  });
  if (spatial.some((d, i) => isKnown(d) && d % block[i] !== 0)) {
    throw new ShapeError(
      'shape-axis',
      `input spatial dimensions ${tfjsShape(s.slice(1))} with paddings ${paddings.flat().join(',')} must be divisible by blockShapes ${block.join(',')}`,
      related('x', args[0]),
    );
  }
  const prod = block.reduce((a, b) => a * b, 1);
  const out: Dim[] = [times(s[0], prod), ...spatial.map((d, i) => (isKnown(d) ? d / block[i] : null)), ...s.slice(1 + block.length)];
  return tensor(out, node, x.dtype);
}

/** `tf.batchToSpaceND(x, blockShape, crops)`: the inverse, cropping the spatial axes. */
function batchToSpaceND(args: Value[], node: ts.Node): Value {
  const x = asTensor(args[0]);
  const block = numberListOf(args[1]);
  const crops = pairsOf(args[2]);
  if (!x?.shape || !block || !crops) return tensor(null, node, x?.dtype);
  const s = x.shape;
  const prod = block.reduce((a, b) => a * b, 1);
  if (s.length < 1 + block.length) {
    throw new ShapeError('shape-rank', `input rank is ${s.length} but should be > than blockShape.length ${block.length}`);
  }
  if (crops.length !== block.length) {
    throw new ShapeError('shape-rank', `crops.length is ${crops.length} but should be equal to blockShape.length  ${block.length}`);
  }
  const batch = s[0];
  if (isKnown(batch) && batch % prod !== 0) {
    throw new ShapeError(
      'shape-axis',
      `input tensor batch is ${batch} but is not divisible by the product of the elements of blockShape ${block.join(' * ')} === ${prod}`,
      related('x', args[0]),
    );
  }
  const spatial = block.map((b, i) => {
    const d = s[i + 1];
    return isKnown(d) ? d * b - crops[i][0] - crops[i][1] : null;
  });
  return tensor([isKnown(batch) ? batch / prod : null, ...spatial, ...s.slice(1 + block.length)], node, x.dtype);
}

/** `tf.depthToSpace(x, blockSize, dataFormat)`: NHWC depth blocks become spatial blocks. */
function depthToSpace(args: Value[], node: ts.Node): Value {
  const x = asTensor(args[0]);
  const blockSize = numberOf(args[1]);
  const format = args[2] && args[2].kind !== 'undefined' ? stringOf(args[2]) : 'NHWC';
  if (blockSize !== undefined && blockSize <= 1) {
    throw new ShapeError('shape-axis', `blockSize should be > 1 for depthToSpace, but was: ${blockSize}`);
  }
  const s = x?.shape;
  if (!s || blockSize === undefined || format === undefined) return tensor(null, node, x?.dtype);
  const [h, w, depth]: Dim[] = format === 'NHWC' ? [s[1], s[2], s[3]] : [s[2], s[3], s[1]];
  const area = blockSize * blockSize;
  // A rank-3 NHWC input has no depth axis: tfjs reads `undefined` there and fails its divisibility check.
  const missingDepth = s.length === 3 && format === 'NHWC';
  if (missingDepth || (s.length === 4 && isKnown(depth) && depth % area !== 0)) {
    const shown = missingDepth ? 'undefined' : String(depth);
    throw new ShapeError(
      'shape-axis',
      `Dimension size must be evenly divisible by ${area} but is ${shown} for depthToSpace with input shape ${tfjsShape(s)}`,
      related('x', args[0]),
    );
  }
  if (s.length !== 4 || format !== 'NHWC') return tensor(null, node, x.dtype);
  return tensor([s[0], times(h, blockSize), times(w, blockSize), isKnown(depth) ? depth / area : null], node, x.dtype);
}

export const SPACE_BATCH_OPS: Record<string, OpFn> = { spaceToBatchND, batchToSpaceND, depthToSpace };
