// Shape rules of the tfjs 2-D convolution, pooling and image-resize ops (`tf.conv2d`, `tf.maxPool`,
// `tf.image.resizeBilinear`, ...), with tfjs's rank and channel checks and its messages. Output sizes
// follow tfjs-core's `computeConv2DInfo` ('same' rounds up, 'valid' shrinks; an empty output is not
// an error for the ops). Convolution layers are in layers.ts, 3-D ops in conv3dOps.ts.

import type * as ts from 'typescript';
import { type Dim, type Shape, ShapeError, dimsDiffer, isKnown, opConvOutputLength, tfjsShape } from './shapes';
import { asTensor } from './tensorCreation';
import type { OpFn } from './tensorOps';
import { UNDEFINED, type Value, numberListOf, numberOf, shapeArgOf, stringOf, tensor } from './values';

/** A number or a pair of numbers (strides, sizes); undefined when not known. */
export function pair(v: Value | undefined, fallback: number): [number, number] | undefined {
  if (!v || v.kind === 'undefined') return [fallback, fallback];
  const n = numberOf(v);
  if (n !== undefined) return [n, n];
  const list = numberListOf(v);
  return list && list.length === 2 ? [list[0], list[1]] : undefined;
}

function related(label: string, v: Value | undefined) {
  return v && v.kind === 'tensor' && v.origin ? [{ message: `${label} has shape ${tfjsShape(v.shape)} here`, node: v.origin }] : [];
}

/** Output length along spatial axis `axis` (1-based in NHWC) for a padding string or explicit pads. */
function spatialLength(input: Dim, filter: number, stride: number, pad: Value | undefined, axis: number, dilation = 1): Dim {
  const padding = stringOf(pad);
  if (padding) return opConvOutputLength(input, filter, stride, padding, dilation);
  const explicit = pad && pad.kind === 'array' ? pad.items?.[axis] : undefined;
  const amounts = numberListOf(explicit);
  if (!amounts || amounts.length !== 2 || typeof input !== 'number') return null;
  const effective = (filter - 1) * dilation + 1;
  return Math.floor((input + amounts[0] + amounts[1] - effective) / stride) + 1;
}

/** Checks the input rank of a 2-D op (3 or 4) and returns it as a batch of images. */
function asImageBatch(op: string, x: Shape, what = 'input'): { batch: Dim[]; squeeze: boolean } | undefined {
  if (!x) return undefined;
  if (x.length !== 3 && x.length !== 4) {
    throw new ShapeError('shape-rank', `Error in ${op}: ${what} must be rank 4, but got rank ${x.length}.`);
  }
  return x.length === 3 ? { batch: [1, ...x], squeeze: true } : { batch: [...x], squeeze: false };
}

function conv2d(args: Value[], node: ts.Node): Value {
  const x = asTensor(args[0]);
  const filter = asTensor(args[1]);
  const input = asImageBatch('conv2d', x?.shape ?? null);
  const f = filter?.shape;
  if (f && f.length !== 4) throw new ShapeError('shape-rank', `Error in conv2d: filter must be rank 4, but got rank ${f.length}.`);
  if (!input || !f) return tensor(null, node);
  const channelsFirst = stringOf(args[4]) === 'NCHW';
  const [b, h, w, c] = channelsFirst ? [input.batch[0], input.batch[2], input.batch[3], input.batch[1]] : input.batch;
  if (dimsDiffer(c, f[2])) {
    throw new ShapeError(
      'shape-conv',
      `Error in conv2d: depth of input (${c}) must match input depth for filter ${f[2]}.`,
      [...related('input', args[0]), ...related('filter', args[1])],
    );
  }
  const strides = pair(args[2], 1);
  const dilations = pair(args[5], 1);
  if (!strides || !dilations) return tensor(null, node);
  if (strides.some((st) => st > 1) && dilations.some((d) => d > 1)) {
    throw new ShapeError('shape-conv', `Error in conv2D: Either strides or dilations must be 1. Got strides ${strides[0]} and dilations '${dilations[0]}'`);
  }
  // Explicit pads are listed in the data format's axis order: [[0, 0], [0, 0], [top, bottom], [left, right]] for NCHW.
  const [hAxis, wAxis] = channelsFirst ? [2, 3] : [1, 2];
  const oh = typeof f[0] === 'number' ? spatialLength(h, f[0], strides[0], args[3], hAxis, dilations[0]) : null;
  const ow = typeof f[1] === 'number' ? spatialLength(w, f[1], strides[1], args[3], wAxis, dilations[1]) : null;
  const out: Dim[] = channelsFirst ? [b, f[3], oh, ow] : [b, oh, ow, f[3]];
  return tensor(input.squeeze ? out.slice(1) : out, node);
}

function conv1d(args: Value[], node: ts.Node): Value {
  const x = asTensor(args[0])?.shape ?? null;
  const f = asTensor(args[1])?.shape ?? null;
  if (x && x.length !== 2 && x.length !== 3) throw new ShapeError('shape-rank', `Error in conv1d: input must be rank 3, but got rank ${x.length}.`);
  if (f && f.length !== 3) throw new ShapeError('shape-rank', `Error in conv1d: filter must be rank 3, but got rank ${f.length}.`);
  if (!x || !f) return tensor(null, node);
  const batch = x.length === 2 ? [1, ...x] : x;
  if (dimsDiffer(batch[2], f[1])) {
    throw new ShapeError('shape-conv', `Error in conv1d: depth of input (${batch[2]}) must match input depth for filter ${f[1]}.`);
  }
  const stride = numberOf(args[2]) ?? 1;
  const padding = stringOf(args[3]);
  const dilation = args[5] ? numberOf(args[5]) ?? 1 : 1;
  const ow = padding && typeof f[0] === 'number' ? opConvOutputLength(batch[1], f[0], stride, padding, dilation) : null;
  const out: Dim[] = [batch[0], ow, f[2]];
  return tensor(x.length === 2 ? out.slice(1) : out, node);
}

function conv2dTranspose(args: Value[], node: ts.Node): Value {
  const x = asTensor(args[0])?.shape ?? null;
  const f = asTensor(args[1])?.shape ?? null;
  const outputShape = shapeArgOf(args[2]);
  if (x && f && f.length === 4 && (x.length === 3 || x.length === 4)) {
    const c = x[x.length - 1];
    if (dimsDiffer(c, f[3])) {
      throw new ShapeError('shape-conv', `Error in conv2dDerInput: depth of input (${c}) must match input depth for filter ${f[3]}.`);
    }
  }
  return tensor(outputShape, node);
}

function depthwiseConv2d(args: Value[], node: ts.Node): Value {
  const x = asTensor(args[0]);
  const input = asImageBatch('depthwiseConv2d', x?.shape ?? null);
  const f = asTensor(args[1])?.shape;
  if (!input || !f || f.length !== 4) return tensor(null, node);
  const [b, h, w, c] = input.batch;
  if (dimsDiffer(c, f[2])) {
    throw new ShapeError(
      'shape-conv',
      `Error in depthwiseConv2d: number of input channels (${c}) must match the inChannels dimension in filter ${f[2]}.`,
    );
  }
  // tf.depthwiseConv2d(x, filter, strides, pad, dataFormat, dilations): pad is a string or explicit pads.
  const strides = pair(args[2], 1);
  const dilations = pair(args[5], 1);
  if (!strides || !dilations || !args[3]) return tensor(null, node);
  const oh = typeof f[0] === 'number' ? spatialLength(h, f[0], strides[0], args[3], 1, dilations[0]) : null;
  const ow = typeof f[1] === 'number' ? spatialLength(w, f[1], strides[1], args[3], 2, dilations[1]) : null;
  const oc = typeof c === 'number' && typeof f[3] === 'number' ? c * f[3] : null;
  const out: Dim[] = [b, oh, ow, oc];
  return tensor(input.squeeze ? out.slice(1) : out, node);
}

function separableConv2d(args: Value[], node: ts.Node): Value {
  // tf.separableConv2d(x, depthwiseFilter, pointwiseFilter, strides, pad, dilation, dataFormat)
  const depthwise = depthwiseConv2d([args[0], args[1], args[3], args[4], args[6] ?? UNDEFINED, args[5] ?? UNDEFINED], node);
  const pointwise = asTensor(args[2])?.shape;
  if (depthwise.kind !== 'tensor' || !depthwise.shape || !pointwise || pointwise.length !== 4) return tensor(null, node);
  const out = [...depthwise.shape];
  out[out.length - 1] = pointwise[3];
  return tensor(out, node);
}

function pool(op: string): OpFn {
  return (args, node) => {
    const x = asTensor(args[0]);
    if (x?.shape && x.shape.length !== 3 && x.shape.length !== 4) {
      throw new ShapeError('shape-rank', `Error in ${op}: x must be rank 4 but got rank ${x.shape.length}.`);
    }
    const input = x?.shape ? { batch: x.shape.length === 3 ? [1, ...x.shape] : [...x.shape], squeeze: x.shape.length === 3 } : undefined;
    const size = pair(args[1], 1);
    const strides = pair(args[2], 1);
    const padding = stringOf(args[3]);
    if (!input || !size || !strides || !padding) return tensor(null, node, x?.dtype);
    const [b, h, w, c] = input.batch;
    const out: Dim[] = [b, opConvOutputLength(h, size[0], strides[0], padding), opConvOutputLength(w, size[1], strides[1], padding), c];
    return tensor(input.squeeze ? out.slice(1) : out, node, x?.dtype);
  };
}

function resize(args: Value[], node: ts.Node): Value {
  const x = asTensor(args[0]);
  const size = shapeArgOf(args[1]);
  if (!x || !x.shape) return tensor(null, node);
  if (x.shape.length !== 3 && x.shape.length !== 4) {
    throw new ShapeError('shape-rank', `Error in resizeBilinear: x must be rank 3 or 4, but got rank ${x.shape.length}.`);
  }
  if (!size || size.length !== 2) return tensor(null, node);
  const out = [...x.shape];
  out[out.length - 3] = size[0];
  out[out.length - 2] = size[1];
  return tensor(out, node);
}

export const CONV_OPS: Record<string, OpFn> = {
  conv1d,
  conv2d,
  conv2dTranspose,
  depthwiseConv2d,
  separableConv2d,
  maxPool: pool('maxPool'),
  avgPool: pool('avgPool'),
};

/** Images decoded from pixels or files: rank 3, height and width unknown, channels when given. */
export function decodedImage(channelsIndex: number, fallback: number | null): OpFn {
  return (args, node) => {
    const given = args[channelsIndex] && args[channelsIndex].kind !== 'undefined' ? numberOf(args[channelsIndex]) : fallback;
    const channels = given === undefined || given === 0 ? null : given;
    return tensor([null, null, channels], node, 'int32');
  };
}

export const IMAGE_OPS: Record<string, OpFn> = {
  resizeBilinear: resize,
  resizeNearestNeighbor: resize,
  nonMaxSuppression: (_args, node) => tensor([null], node, 'int32'),
  nonMaxSuppressionAsync: (_args, node) => tensor([null], node, 'int32'),
  grayscaleToRGB: (args, node) => {
    const s = asTensor(args[0])?.shape;
    const last = s ? s[s.length - 1] : null;
    if (isKnown(last) && last !== 1) {
      throw new ShapeError('shape-rank', `Error in grayscaleToRGB: last dimension of a grayscale image should be size 1, but got size ${last}.`);
    }
    return tensor(s ? [...s.slice(0, -1), 3] : null, node);
  },
  flipLeftRight: (args, node) => tensor(asTensor(args[0])?.shape ?? null, node),
  rgbToGrayscale: (args, node) => {
    const s = asTensor(args[0])?.shape;
    return tensor(s ? [...s.slice(0, -1), 1] : null, node);
  },
};
