// Shape rules of the tfjs 3-D convolution and pooling ops over NDHWC volumes ([batch, depth,
// height, width, channels], or one unbatched rank-4 volume): conv3d, conv3dTranspose, maxPool3d
// and avgPool3d, with tfjs-core's checks and messages. Output sizes follow tfjs's
// `computeConv3DInfo`: 'same' rounds up, 'valid' (and a numeric pad) keeps only whole windows and
// gives 0 where the window does not fit. 2-D convolutions are in convOps.ts.

import type * as ts from 'typescript';
import { type Dim, type Shape, ShapeError, dimsDiffer, isKnown } from './shapes';
import { asTensor } from './tensorCreation';
import { type OpFn, related } from './tensorOps';
import { type Value, numberListOf, numberOf, shapeArgOf, stringOf, tensor } from './values';

/** A number or a 3-list of numbers (tfjs `parse3TupleParam`); undefined when not known. */
function triple(v: Value | undefined, fallback: number): [number, number, number] | undefined {
  if (!v || v.kind === 'undefined') return [fallback, fallback, fallback];
  const n = numberOf(v);
  if (n !== undefined) return [n, n, n];
  const list = numberListOf(v);
  return list && list.length === 3 ? [list[0], list[1], list[2]] : undefined;
}

/** A pad: 'same', 'valid' or a number; undefined when not known. */
function padOf(v: Value | undefined): string | number | undefined {
  return stringOf(v) ?? numberOf(v);
}

const ROUNDING: Record<string, (v: number) => number> = { round: Math.round, ceil: Math.ceil, floor: Math.floor };

/** One spatial output length of tfjs's `get3DPadAndOutInfo` (without a rounding mode it truncates). */
function outLength(input: Dim, filter: Dim, stride: number, dilation: number, pad: string | number, rounding = Math.trunc): Dim {
  if (!isKnown(input)) return null;
  if (pad === 'same') return Math.ceil(input / stride);
  if (!isKnown(filter)) return null;
  const zeroPad = pad === 'valid' ? 0 : typeof pad === 'number' ? pad : null;
  if (zeroPad === null) return null;
  const effective = filter + (filter - 1) * (dilation - 1);
  return input + 2 * zeroPad >= effective ? rounding((input - effective + 2 * zeroPad) / stride + 1) : 0;
}

/** A rank-4 input is one volume: it is batched for the rule and unbatched again after. */
function asVolumeBatch(x: Shape): { batch: Dim[]; squeeze: boolean } | undefined {
  if (!x) return undefined;
  return x.length === 4 ? { batch: [1, ...x], squeeze: true } : { batch: [...x], squeeze: false };
}

function unbatch(out: Dim[], squeeze: boolean): Dim[] {
  return squeeze ? out.slice(1) : out;
}

/** tfjs's `eitherStridesOrDilationsAreOne` check, shared with pool2dOps.ts. */
export function checkStridesOrDilations(op: string, strides: number[], dilations: number[], stridesArg: Value | undefined, dilationsArg: Value | undefined, defaults: [string, string]): void {
  if (!strides.every((s) => s === 1) && !dilations.every((d) => d === 1)) {
    // tfjs prints the arguments as given (`2` or `2,2`), with its defaults where none was passed.
    const shown = (v: Value | undefined, fallback: string) => String(numberOf(v) ?? numberListOf(v)?.join(',') ?? fallback);
    throw new ShapeError(
      'shape-conv',
      `Error in ${op}: Either strides or dilations must be 1. Got strides ${shown(stridesArg, defaults[0])} and dilations '${shown(dilationsArg, defaults[1])}'`,
    );
  }
}

/** `tf.conv3d(x, filter, strides, pad, dataFormat, dilations)`; filter is [fd, fh, fw, in, out]. */
function conv3d(args: Value[], node: ts.Node): Value {
  const x = asTensor(args[0]);
  const input = asVolumeBatch(x?.shape ?? null);
  const f = asTensor(args[1])?.shape ?? null;
  if (input && input.batch.length !== 5) throw new ShapeError('shape-rank', `Error in conv3d: input must be rank 5, but got rank ${input.batch.length}.`);
  if (f && f.length !== 5) throw new ShapeError('shape-rank', `Error in conv3d: filter must be rank 5, but got rank ${f.length}.`);
  if (input && f && dimsDiffer(input.batch[4], f[3])) {
    throw new ShapeError('shape-conv', `Error in conv3d: depth of input (${input.batch[4]}) must match input depth for filter ${f[3]}.`, [
      ...related('x', args[0]),
      ...related('filter', args[1]),
    ]);
  }
  const strides = triple(args[2], 1);
  const dilations = triple(args[5], 1);
  if (strides && dilations) checkStridesOrDilations('conv3D', strides, dilations, args[2], args[5], ['1', '1,1,1']);
  const pad = padOf(args[3]);
  const format = args[4] && args[4].kind !== 'undefined' ? stringOf(args[4]) : 'NDHWC';
  if (!input || !strides || !dilations || pad === undefined || format !== 'NDHWC') return tensor(null, node, x?.dtype);
  const b = input.batch;
  const spatial = [0, 1, 2].map((i) => outLength(b[i + 1], f ? f[i] : null, strides[i], dilations[i], pad));
  return tensor(unbatch([b[0], ...spatial, f ? f[4] : null], input.squeeze), node, x?.dtype);
}

/** `tf.conv3dTranspose(x, filter, outputShape, strides, pad)`: tfjs's conv3DBackpropInput checks. */
function conv3dTranspose(args: Value[], node: ts.Node): Value {
  const dy = asTensor(args[0])?.shape ?? null;
  const f = asTensor(args[1])?.shape ?? null;
  const outputShape = shapeArgOf(args[2]);
  if (dy && outputShape && outputShape.length !== dy.length) {
    throw new ShapeError('shape-rank', `Length of inShape (${outputShape.length}) and rank of dy (${dy.length}) must match`);
  }
  const dy5 = dy && dy.length === 4 ? [1, ...dy] : dy;
  const out5 = outputShape && dy && dy.length === 4 ? [1, ...outputShape] : outputShape;
  if (out5 && out5.length !== 5) throw new ShapeError('shape-rank', `Error in conv3dDerInput: inShape must be length 5, but got length ${out5.length}.`);
  if (dy5 && dy5.length !== 5) throw new ShapeError('shape-rank', `Error in conv3dDerInput: dy must be rank 5, but got rank ${dy5.length}`);
  if (f && f.length !== 5) throw new ShapeError('shape-rank', `Error in conv3dDerInput: filter must be rank 5, but got rank ${f.length}`);
  if (out5 && f && dimsDiffer(out5[4], f[3])) {
    throw new ShapeError('shape-conv', `Error in conv3dDerInput: depth of input (${out5[4]}) must match input depth for filter ${f[3]}.`);
  }
  if (dy5 && f && dimsDiffer(dy5[4], f[4])) {
    throw new ShapeError('shape-conv', `Error in conv3dDerInput: depth of output (${dy5[4]}) must match output depth for filter ${f[4]}.`, related('x', args[0]));
  }
  return tensor(outputShape, node);
}

/** maxPool3d / avgPool3d(x, filterSize, strides, pad, dimRoundingMode, dataFormat). */
function pool3d(op: 'maxPool3d' | 'avgPool3d'): OpFn {
  return (args, node) => {
    const x = asTensor(args[0]);
    const input = asVolumeBatch(x?.shape ?? null);
    if (input && input.batch.length !== 5) throw new ShapeError('shape-rank', `Error in ${op}: x must be rank 5 but got rank ${input.batch.length}.`);
    const size = triple(args[1], 1);
    const strides = triple(args[2], 1);
    const pad = padOf(args[3]);
    const roundingName = args[4] && args[4].kind !== 'undefined' ? stringOf(args[4]) : undefined;
    const rounding = roundingName === undefined ? Math.trunc : ROUNDING[roundingName];
    const format = args[5] && args[5].kind !== 'undefined' ? stringOf(args[5]) : 'NDHWC';
    if (!input || !size || !strides || pad === undefined || format !== 'NDHWC' || !rounding || (args[4] && args[4].kind !== 'undefined' && !roundingName)) {
      return tensor(null, node, x?.dtype);
    }
    const b = input.batch;
    // tfjs applies a rounding mode to a numeric pad only ('same' always rounds up).
    const spatial = [0, 1, 2].map((i) => outLength(b[i + 1], size[i], strides[i], 1, pad, rounding));
    return tensor(unbatch([b[0], ...spatial, b[4]], input.squeeze), node, x?.dtype);
  };
}

export const CONV3D_OPS: Record<string, OpFn> = {
  conv3d,
  conv3dTranspose,
  maxPool3d: pool3d('maxPool3d'),
  avgPool3d: pool3d('avgPool3d'),
};
