// Shape rules of the tfjs ops that cut or grow tensors along axes: slice (and slice1d..4d),
// stridedSlice, gather (with batchDims and literal indices range-checked), split, tile, pad,
// mirrorPad, booleanMask/where/unique (sizes that depend on values) and tf.signal.frame, with
// tfjs's checks and messages. Like tensorOps.ts, a rule throws `ShapeError` only for certain contradictions.

import type * as ts from 'typescript';
import { type Dim, ShapeError, dimsDiffer, isKnown, normalizeAxis, tfjsShape } from './shapes';
import { asTensor, knownNumbers } from './tensorCreation';
import { type OpFn, related, shapeOf } from './tensorOps';
import {
  type Value,
  arrayOf,
  arrayOfLength,
  dimOf,
  numberListOf,
  numberOf,
  objectOf,
  shapeArgOf,
  stringOf,
  tensor,
} from './values';

function split(args: Value[], node: ts.Node): Value {
  const x = asTensor(args[0]);
  const axisArg = args[2] && args[2].kind !== 'undefined' ? numberOf(args[2]) : 0;
  if (!x || !x.shape || axisArg === undefined) return arrayOfLength(null, tensor(null, node));
  const axis = normalizeAxis(axisArg, x.shape.length);
  const dim = x.shape[axis];
  const piece = (d: Dim) => {
    const s = [...x.shape!];
    s[axis] = d;
    return tensor(s, node, x.dtype);
  };
  const count = numberOf(args[1]);
  if (count !== undefined) {
    if (isKnown(dim) && dim % count !== 0) {
      throw new ShapeError('shape-axis', 'Number of splits must evenly divide the axis.', related('input', args[0]));
    }
    const each = isKnown(dim) ? dim / count : null;
    return arrayOf(Array.from({ length: count }, () => piece(each)));
  }
  const sizes = numberListOf(args[1]);
  if (!sizes) return arrayOfLength(null, tensor(null, node));
  if (sizes.filter((s) => s === -1).length > 1) {
    throw new ShapeError('shape-axis', 'There should be only one negative value in split array.');
  }
  if (!isKnown(dim)) return arrayOf(sizes.map((s) => piece(s === -1 ? null : s)));
  // tfjs 4.22 fills the first -1 from a sum that starts at the first entry (so a leading -1 counts).
  const resolved = [...sizes];
  const negIndex = resolved.indexOf(-1);
  if (negIndex !== -1) {
    const total = resolved.reduce((a, b) => (b > 0 ? a + b : a));
    resolved[negIndex] = dim - total;
  }
  if (resolved.reduce((a, b) => a + b, 0) !== dim) {
    throw new ShapeError('shape-axis', 'The sum of sizes must match the size of the axis dimension.', related('input', args[0]));
  }
  return arrayOf(resolved.map((s) => piece(s)));
}

/** `begin`/`size` as tfjs's `parseSliceParams` completes them. */
function sliceParams(rank: number, beginArg: Value | undefined, sizeArg: Value | undefined): { begin: Dim[]; size: Dim[] } | undefined {
  const beginNum = numberOf(beginArg);
  const begin: Dim[] | null = beginNum !== undefined ? [beginNum, ...Array(Math.max(rank - 1, 0)).fill(0)] : shapeArgOf(beginArg);
  let size: Dim[] | null;
  if (!sizeArg || sizeArg.kind === 'undefined') size = Array(rank).fill(-1);
  else if (sizeArg.kind === 'number') size = [dimOf(sizeArg), ...Array(Math.max(rank - 1, 0)).fill(-1)];
  else size = shapeArgOf(sizeArg);
  if (!begin || !size) return undefined;
  const padded = (list: Dim[], fill: number) => (list.length < rank ? [...list, ...Array(rank - list.length).fill(fill)] : list);
  return { begin: padded(begin, 0), size: padded(size, -1) };
}

function slice(args: Value[], node: ts.Node): Value {
  const x = asTensor(args[0]);
  if (!x || !x.shape) return tensor(null, node, x?.dtype);
  const shape = x.shape;
  const rank = shape.length;
  const params = sliceParams(rank, args[1], args[2]);
  if (!params) return tensor(null, node, x.dtype);
  const { begin, size } = params;
  if (begin.length !== rank) {
    throw new ShapeError('shape-rank', `Error in slice${rank}D: Length of begin ${begin.join(',')} must match the rank of the array (${rank}).`);
  }
  if (size.length !== rank) {
    throw new ShapeError('shape-rank', `Error in slice${rank}D: Length of size ${size.join(',')} must match the rank of the array (${rank}).`);
  }
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const b = begin[i];
    const d = shape[i];
    const s = size[i] === -1 ? (isKnown(d) && isKnown(b) ? d - b : null) : size[i];
    out.push(s);
    if (isKnown(b) && isKnown(s) && isKnown(d) && b + s > d) {
      throw new ShapeError(
        'shape-axis',
        `Error in slice${rank}D: begin[${i}] + size[${i}] (${b + s}) would overflow input.shape[${i}] (${d})`,
        related('input', args[0]),
      );
    }
  }
  return tensor(out, node, x.dtype);
}

/** The bits of a mask argument, or undefined when it is not a known number. */
function maskBits(v: Value | undefined): number | undefined {
  return !v || v.kind === 'undefined' ? 0 : numberOf(v);
}

function stridedSlice(args: Value[], node: ts.Node): Value {
  const x = asTensor(args[0]);
  const begin = numberListOf(args[1]);
  const end = numberListOf(args[2]);
  const strides = args[3] && args[3].kind !== 'undefined' ? numberListOf(args[3]) : begin?.map(() => 1);
  const [beginMask, endMask, ellipsisMask, newAxisMask, shrinkMask] = [4, 5, 6, 7, 8].map((i) => maskBits(args[i]));
  if (!x || !x.shape || !begin || !end || !strides || [beginMask, endMask, shrinkMask].some((m) => m === undefined) || ellipsisMask || newAxisMask) {
    return tensor(null, node, x?.dtype);
  }
  const out: Dim[] = [];
  x.shape.forEach((d, i) => {
    if (shrinkMask! & (1 << i)) return;
    if (!isKnown(d) || i >= begin.length) {
      out.push(i >= begin.length ? d : null);
      return;
    }
    // tfjs's slice_util (sliceInfo, canonical): indices clamp to [0, d] going forward and to [-1, d - 1] going
    // backward, and a masked index takes the end it iterates from.
    const stride = strides[i] ?? 1;
    const valid: [number, number] = stride > 0 ? [0, d] : [-1, d - 1];
    const canonical = (x: number, which: 0 | 1, masked: boolean) => {
      if (masked) return stride > 0 ? valid[which] : valid[1 - which];
      const fwd = x < 0 ? d + x : x;
      return Math.min(Math.max(fwd, valid[0]), valid[1]);
    };
    const b = canonical(begin[i], 0, (beginMask! & (1 << i)) !== 0);
    const e = canonical(end[i] ?? d, 1, (endMask! & (1 << i)) !== 0);
    const interval = e - b;
    out.push(interval === 0 || interval < 0 !== stride < 0 ? 0 : Math.trunc(interval / stride) + (interval % stride !== 0 ? 1 : 0));
  });
  return tensor(out, node, x.dtype);
}

function gather(args: Value[], node: ts.Node): Value {
  const x = asTensor(args[0]);
  const indices = asTensor(args[1]);
  const axisArg = args[2] && args[2].kind !== 'undefined' ? numberOf(args[2]) : 0;
  const batchDims = args[3] && args[3].kind !== 'undefined' ? numberOf(args[3]) : 0;
  if (!x || !x.shape || axisArg === undefined || batchDims === undefined) return tensor(null, node, x?.dtype);
  const axis = normalizeAxis(axisArg, x.shape.length);
  if (!indices || !indices.shape) return tensor(null, node, x.dtype);
  const dim = x.shape[axis];
  const bad = isKnown(dim) && batchDims === 0 ? knownNumbers(args[1])?.find((i) => i < 0 || i >= dim) : undefined;
  if (bad !== undefined && isKnown(dim)) {
    // The cpu and wasm kernels check every index; webgl and webgpu fill zeros (they check only in DEBUG mode),
    // so this is a bug on every backend but an exception on only some of them.
    throw new ShapeError(
      'shape-axis',
      `GatherV2: the index value ${bad} is not in [0, ${dim - 1}] (the cpu and wasm backends throw this; webgl and webgpu return zeros for it)`,
      related('input', args[0]),
      'warning',
    );
  }
  return tensor([...x.shape.slice(0, axis), ...indices.shape.slice(batchDims), ...x.shape.slice(axis + 1)], node, x.dtype);
}

function tile(args: Value[], node: ts.Node): Value {
  const x = shapeOf(args[0]);
  const reps = shapeArgOf(args[1]);
  if (!x || !reps) return tensor(null, node);
  if (reps.length !== x.length) {
    throw new ShapeError('shape-rank', `Error in transpose: rank of input ${x.length} must match length of reps ${reps.join(',')}.`);
  }
  const out = x.map((d, i) => (isKnown(d) && isKnown(reps[i]) ? d * (reps[i] as number) : null));
  if (out.some((d) => isKnown(d) && d < 0)) {
    throw new ShapeError('tensor-ctor', `Tensor must have a shape comprised of positive integers but got shape [${out.join(',')}].`);
  }
  return tensor(out, node);
}

/** pad and mirrorPad: every axis grows by its before/after amounts. */
function padding(mirror: boolean): OpFn {
  return (args, node) => {
    const x = shapeOf(args[0]);
    const paddings = args[1] && args[1].kind === 'array' ? args[1].items : undefined;
    if (x && x.length === 0) throw new ShapeError('shape-rank', 'pad(scalar) is not defined. Pass non-scalar to pad');
    if (!x || !paddings || paddings.length !== x.length) return tensor(null, node);
    const reflect = stringOf(args[2]) === 'reflect';
    return tensor(
      x.map((d, i) => {
        const p = numberListOf(paddings[i]);
        // A named axis padded by nothing keeps its name (known sizes go through the checks below).
        if (p && p[0] === 0 && p[1] === 0 && !isKnown(d)) return d;
        if (!p || !isKnown(d)) return null;
        if (mirror) {
          const limit = reflect ? d - 1 : d;
          if (p.some((q) => q > limit || q < 0)) {
            throw new ShapeError(
              'shape-axis',
              `Padding in dimension ${i} cannot be greater than or equal to ${limit} or less than 0 for input of shape ${tfjsShape(x)}`,
            );
          }
        }
        return d + p[0] + p[1];
      }),
      node,
    );
  };
}

/** `tf.booleanMaskAsync(x, mask, axis)`: the masked axes collapse into one of unknown length. */
function booleanMask(args: Value[], node: ts.Node): Value {
  const x = shapeOf(args[0]);
  const mask = shapeOf(args[1]);
  const axisArg = args[2] && args[2].kind !== 'undefined' ? numberOf(args[2]) : 0;
  if (!x || !mask || axisArg === undefined) return tensor(null, node);
  const axis = axisArg < 0 ? axisArg + x.length : axisArg;
  for (let i = 0; i < mask.length; i++) {
    if (dimsDiffer(mask[i], x[axis + i])) {
      throw new ShapeError(
        'shape-axis',
        `mask's shape must match the first K dimensions of tensor's shape, Shapes ${tfjsShape(x.slice(axis, axis + mask.length))} and ${tfjsShape(mask)} must match`,
      );
    }
  }
  return tensor([...x.slice(0, axis), null, ...x.slice(axis + mask.length)], node);
}

/** `tf.signal.frame(signal, frameLength, frameStep, padEnd)`: overlapping windows of a 1-D signal. */
function frame(args: Value[], node: ts.Node): Value {
  const x = shapeOf(args[0]);
  const length = numberOf(args[1]);
  const step = numberOf(args[2]);
  const padEnd = args[3] && args[3].kind === 'boolean' ? args[3].value : false;
  const n = x && x.length === 1 ? x[0] : null;
  if (!isKnown(n) || length === undefined || step === undefined || step <= 0 || padEnd === undefined) return tensor([null, length ?? null], node);
  const frames = padEnd ? Math.ceil(n / step) : Math.max(Math.floor((n - length) / step) + 1, 0);
  return tensor([frames, length], node);
}

export const SIGNAL_OPS: Record<string, OpFn> = { frame };

export const INDEXING_OPS: Record<string, OpFn> = {
  booleanMaskAsync: booleanMask,
  whereAsync: (args, node) => {
    const c = shapeOf(args[0]);
    return tensor([null, c ? c.length : null], node, 'int32');
  },
  // tfjs's unique(x, axis = 0): values keep x's shape with an unknown count along the axis; indices has one entry per
  // slice along it.
  unique: (args, node) => {
    const x = shapeOf(args[0]);
    const axisArg = args[1] && args[1].kind !== 'undefined' ? numberOf(args[1]) : 0;
    if (!x || axisArg === undefined || x.length === 0) return objectOf({ values: tensor(null, node), indices: tensor(null, node, 'int32') });
    const axis = axisArg < 0 ? axisArg + x.length : axisArg;
    const values = x.map((d, i) => (i === axis ? null : d));
    return objectOf({ values: tensor(values, node, asTensor(args[0])?.dtype), indices: tensor([x[axis] ?? null], node, 'int32') });
  },
  split,
  slice,
  slice1d: slice,
  slice2d: slice,
  slice3d: slice,
  slice4d: slice,
  stridedSlice,
  gather,
  tile,
  pad: padding(false),
  mirrorPad: padding(true),
};
