// Shape rules of the tfjs 2-D window ops beyond maxPool/avgPool (convOps.ts): tf.pool (max or avg
// with dilations), dilation2d (grayscale morphology with a [fh, fw, depth] filter) and
// maxPoolWithArgmax ({result, indexes}), with tfjs-core's checks and messages. Sizes follow tfjs's
// `computeConv2DInfo`: 'same' rounds up, 'valid' keeps whole (dilated) windows.

import type * as ts from 'typescript';
import { type Dim, ShapeError, dimsDiffer, isKnown } from './shapes';
import { asTensor } from './tensorCreation';
import { checkStridesOrDilations } from './conv3dOps';
import { pair } from './convOps';
import { type OpFn, related } from './tensorOps';
import { type Value, numberOf, objectOf, stringOf, tensor } from './values';

/** One output length for 'same' or 'valid' padding (other pads give unknown). */
function windowLength(input: Dim, filter: Dim, stride: number, dilation: number, pad: string | undefined): Dim {
  if (!isKnown(input)) return null;
  if (pad === 'same') return Math.ceil(input / stride);
  if (pad !== 'valid' || !isKnown(filter)) return null;
  const effective = filter + (filter - 1) * (dilation - 1);
  return Math.ceil((input - effective + 1) / stride);
}

/** `tf.pool(input, windowShape, poolingType, pad, dilations, strides)`. */
function pool(args: Value[], node: ts.Node): Value {
  const x = asTensor(args[0]);
  const s = x?.shape;
  const window = pair(args[1], 1);
  const dilations = pair(args[4], 1);
  const strides = pair(args[5], 1);
  if (window && dilations && strides) checkStridesOrDilations('pool', strides, dilations, args[5], args[4], ['1', '1,1']);
  const pad = numberOf(args[3]) === 0 ? 'valid' : stringOf(args[3]);
  if (!s || (s.length !== 3 && s.length !== 4) || !window || !dilations || !strides) return tensor(null, node, x?.dtype);
  const b = s.length === 3 ? [1, ...s] : s;
  const out: Dim[] = [b[0], windowLength(b[1], window[0], strides[0], dilations[0], pad), windowLength(b[2], window[1], strides[1], dilations[1], pad), b[3]];
  return tensor(s.length === 3 ? out.slice(1) : out, node, x?.dtype);
}

/** `tf.dilation2d(x, filter, strides, pad, dilations, dataFormat)`: filter [fh, fw, depth]. */
function dilation2d(args: Value[], node: ts.Node): Value {
  const x = asTensor(args[0]);
  const s = x?.shape ?? null;
  const f = asTensor(args[1])?.shape ?? null;
  if (s && s.length !== 3 && s.length !== 4) throw new ShapeError('shape-rank', `Error in dilation2d: input must be rank 3 or 4, but got rank ${s.length}.`);
  if (f && f.length !== 3) throw new ShapeError('shape-rank', `Error in dilation2d: filter must be rank 3, but got rank ${f.length}.`);
  if (!s) return tensor(null, node, x?.dtype);
  const b = s.length === 3 ? [1, ...s] : s;
  if (f && dimsDiffer(b[3], f[2])) {
    throw new ShapeError('shape-conv', `Error in dilation2d:  input and filter must have the same depth: ${b[3]} vs ${f[2]}`, [
      ...related('x', args[0]),
      ...related('filter', args[1]),
    ]);
  }
  const strides = pair(args[2], 1);
  const dilations = pair(args[4], 1);
  const pad = stringOf(args[3]);
  if (!strides || !dilations || !f) return tensor(null, node, x?.dtype);
  const out: Dim[] = [b[0], windowLength(b[1], f[0], strides[0], dilations[0], pad), windowLength(b[2], f[1], strides[1], dilations[1], pad), b[3]];
  return tensor(s.length === 3 ? out.slice(1) : out, node, x?.dtype);
}

/** `tf.maxPoolWithArgmax(x, filterSize, strides, pad)`: the pooled values and their flat indexes. */
function maxPoolWithArgmax(args: Value[], node: ts.Node): Value {
  const x = asTensor(args[0]);
  const s = x?.shape;
  const size = pair(args[1], 1);
  const strides = pair(args[2], 1);
  const pad = stringOf(args[3]);
  const shape = s && s.length === 4 && size && strides ? [s[0], windowLength(s[1], size[0], strides[0], 1, pad), windowLength(s[2], size[1], strides[1], 1, pad), s[3]] : null;
  return objectOf({ result: tensor(shape, node, x?.dtype), indexes: tensor(shape, node, 'int32') });
}

export const POOL2D_OPS: Record<string, OpFn> = { pool, dilation2d, maxPoolWithArgmax };
