// Shape rules of the tfjs tensor ops that keep or rearrange axes: elementwise ops with broadcasting,
// reductions, matMul/dot/einsum, reshape, transpose, expandDims/squeeze, concat/stack/unstack,
// softmax, broadcastTo, where (slicing ops are in indexingOps.ts, convolutions in convOps.ts).
// Each rule mirrors tfjs's own checks and throws
// `ShapeError` with tfjs's message only when the contradiction is certain; unknown dims pass.
// Every op takes its arguments as the function form does (`tf.add(a, b)`); tensorMethods.ts maps
// `a.add(b)` onto the same table.

import type * as ts from 'typescript';
import {
  type Dim,
  type Shape,
  ShapeError,
  broadcastShapes,
  dimsDiffer,
  isKnown,
  normalizeAxis,
  productDim,
  sizeOf,
  tfjsJsonShape,
  tfjsShape,
} from './shapes';
import { asTensor } from './tensorCreation';
import {
  type NativeCall,
  type TensorValue,
  type Value,
  arrayOf,
  arrayOfLength,
  dimOf,
  numberListOf,
  numberOf,
  shapeArgOf,
  stringOf,
  tensor,
  truthiness,
} from './values';

/**
 * An op's shape rule over its arguments. `call` is there for the few ops that call back into user
 * code (`tf.multiRNNCell` runs the cell functions it is given); the rest ignore it.
 */
export type OpFn = (args: Value[], node: ts.Node, call?: NativeCall) => Value;

const UNARY_OPS = [
  'abs', 'acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'ceil', 'clone', 'cos', 'cosh', 'elu', 'erf', 'exp',
  'expm1', 'floor', 'isFinite', 'isInf', 'isNaN', 'log', 'log1p', 'logSigmoid', 'neg', 'reciprocal', 'relu', 'relu6',
  'round', 'rsqrt', 'selu', 'sigmoid', 'sign', 'sin', 'sinh', 'softplus', 'sqrt', 'square', 'step', 'tan', 'tanh',
  'toFloat', 'toInt', 'toBool', 'cast', 'leakyRelu', 'clipByValue', 'logicalNot', 'variable', 'dropout', 'reverse',
  'cumsum', 'cumprod', 'batchNorm', 'localResponseNormalization', 'keep', 'asType',
];
const BINARY_OPS = [
  'add', 'sub', 'mul', 'div', 'divNoNan', 'floorDiv', 'pow', 'maximum', 'minimum', 'mod', 'squaredDifference',
  'atan2', 'prelu', 'realDiv',
];
const COMPARISON_OPS = ['greater', 'greaterEqual', 'less', 'lessEqual', 'equal', 'notEqual', 'logicalAnd', 'logicalOr', 'logicalXor'];
const REDUCTIONS = ['sum', 'mean', 'max', 'min', 'prod', 'any', 'all', 'logSumExp', 'euclideanNorm'];

export function shapeOf(v: Value | undefined): Shape {
  return asTensor(v)?.shape ?? null;
}

export function related(label: string, v: Value | undefined): Array<{ message: string; node?: unknown }> {
  const t = v && v.kind === 'tensor' ? v : undefined;
  return t?.origin ? [{ message: `${label} has shape ${tfjsShape(t.shape)} here`, node: t.origin }] : [];
}

/** Axes argument: undefined means all; returns null when the axes are not known. */
function axesOf(v: Value | undefined, rank: number): number[] | null {
  if (!v || v.kind === 'undefined' || v.kind === 'null') return Array.from({ length: rank }, (_, i) => i);
  const n = numberOf(v);
  const list = n !== undefined ? [n] : numberListOf(v);
  if (!list) return null;
  return list.map((a) => normalizeAxis(a, rank));
}

function reduce(args: Value[], node: ts.Node, keepDimsIndex = 2): Value {
  const x = asTensor(args[0]);
  if (!x || !x.shape) return tensor(null, node);
  const axes = axesOf(args[1], x.shape.length);
  if (!axes) return tensor(null, node);
  const keep = args[keepDimsIndex] ? truthiness(args[keepDimsIndex]) === true : false;
  const out: Dim[] = [];
  x.shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keep) out.push(1);
  });
  return tensor(out, node, x.dtype);
}

function argReduce(args: Value[], node: ts.Node): Value {
  const x = asTensor(args[0]);
  if (!x || !x.shape) return tensor(null, node, 'int32');
  const axis = args[1] && args[1].kind !== 'undefined' ? numberOf(args[1]) : 0;
  if (axis === undefined) return tensor(null, node, 'int32');
  const a = normalizeAxis(axis, x.shape.length);
  return tensor(x.shape.filter((_, i) => i !== a), node, 'int32');
}

function elementwise(dtype?: string): OpFn {
  return (args, node) => {
    const shapes = args.filter((a) => a && a.kind !== 'undefined').map(shapeOf);
    let out: Shape = shapes[0] ?? null;
    try {
      for (const s of shapes.slice(1)) out = broadcastShapes(out, s);
    } catch (e) {
      if (e instanceof ShapeError) throw new ShapeError(e.code, e.message, [...related('left operand', args[0]), ...related('right operand', args[1])]);
      throw e;
    }
    const a = asTensor(args[0]);
    return tensor(out, node, dtype ?? a?.dtype);
  };
}

function matMul(args: Value[], node: ts.Node): Value {
  const a = shapeOf(args[0]);
  const b = shapeOf(args[1]);
  const tA = args[2] ? truthiness(args[2]) : false;
  const tB = args[3] ? truthiness(args[3]) : false;
  if (!a || !b || tA === undefined || tB === undefined) return tensor(null, node);
  if (a.length < 2 || b.length < 2) {
    throw new ShapeError(
      'shape-rank',
      `Error in matMul: both inputs must have rank at least 2, but got shapes ${tfjsShape(a)} and ${tfjsShape(b)}.`,
      [...related('a', args[0]), ...related('b', args[1])],
    );
  }
  const innerA = tA ? a[a.length - 2] : a[a.length - 1];
  const innerB = tB ? b[b.length - 1] : b[b.length - 2];
  const outerA = tA ? a[a.length - 1] : a[a.length - 2];
  const outerB = tB ? b[b.length - 2] : b[b.length - 1];
  if (dimsDiffer(innerA, innerB)) {
    throw new ShapeError(
      'shape-matmul',
      `Error in matMul: inner shapes (${innerA}) and (${innerB}) of Tensors with shapes ${tfjsShape(a)} and ${tfjsShape(b)} and transposeA=${tA} and transposeB=${tB} must match.`,
      [...related('a', args[0]), ...related('b', args[1])],
    );
  }
  const batch = broadcastShapes(a.slice(0, -2), b.slice(0, -2));
  return tensor(batch ? [...batch, outerA, outerB] : null, node);
}

/** `tf.einsum` for explicit equations (`'bij,bjk->bik'`): every letter names one size. */
function einsum(args: Value[], node: ts.Node): Value {
  const equation = stringOf(args[0]);
  const match = equation ? /^\s*([a-z,\s]+)->\s*([a-z]*)\s*$/.exec(equation) : null;
  if (!match) return tensor(null, node);
  const inputs = match[1].split(',').map((t) => t.trim());
  const sizes = new Map<string, Dim>();
  for (let i = 0; i < inputs.length; i++) {
    const shape = shapeOf(args[i + 1]);
    if (!shape) return tensor(null, node);
    if (shape.length !== inputs[i].length) return tensor(null, node);
    for (let j = 0; j < shape.length; j++) {
      const letter = inputs[i][j];
      const seen = sizes.get(letter);
      if (seen !== undefined && dimsDiffer(seen, shape[j])) {
        throw new ShapeError('shape-matmul', `Expected dimension ${seen} at axis ${j} of input shaped ${tfjsJsonShape(shape)}, but got dimension ${shape[j]}`);
      }
      if (seen === undefined || !isKnown(seen)) sizes.set(letter, shape[j]);
    }
  }
  return tensor([...match[2]].map((l) => sizes.get(l) ?? null), node);
}

function broadcastTo(args: Value[], node: ts.Node): Value {
  const x = shapeOf(args[0]);
  const target = shapeArgOf(args[1]);
  if (!x || !target) return tensor(target, node);
  const padded = [...Array(Math.max(target.length - x.length, 0)).fill(1), ...x];
  const bad = x.length > target.length || padded.some((d, i) => d !== 1 && dimsDiffer(d, target[i]));
  if (bad) {
    throw new ShapeError('shape-broadcast', `broadcastTo(): [${tfjsShape(x)}] cannot be broadcast to [${tfjsShape(target)}].`);
  }
  return tensor(target, node);
}

function dot(args: Value[], node: ts.Node): Value {
  const a = shapeOf(args[0]);
  const b = shapeOf(args[1]);
  if (!a || !b) return tensor(null, node);
  if (a.length > 2 || b.length > 2 || a.length === 0 || b.length === 0) {
    throw new ShapeError('shape-rank', `Error in dot: inputs must all be rank 1 or 2, but got ranks ${a.length} and ${b.length}.`);
  }
  const innerA = a[a.length - 1];
  const innerB = b[0];
  if (dimsDiffer(innerA, innerB)) {
    throw new ShapeError('shape-matmul', `Error in dot: inner dimensions of inputs must match, but got ${innerA} and ${innerB}.`);
  }
  return tensor([...a.slice(0, -1), ...b.slice(1)], node);
}

/** Splits dims into the product of the known ones and the list of symbolic names (null if any is unknown). */
function factorDims(dims: Dim[]): { known: number; symbols: string[] } | null {
  let known = 1;
  const symbols: string[] = [];
  for (const d of dims) {
    if (d === null) return null;
    if (typeof d === 'string') symbols.push(d);
    else known *= d;
  }
  return { known, symbols };
}

/**
 * tfjs `inferFromImplicitShape` plus the size check of reshape. Named sizes on both sides cancel,
 * so `[batch, 28, 28, 1]` reshaped to `[-1, 784]` is `[batch, 784]`.
 */
export function reshapeShape(input: Shape, target: Dim[]): Shape {
  const implicit = target.map((d, i) => (d === -1 ? i : -1)).filter((i) => i >= 0);
  if (implicit.length > 1) {
    throw new ShapeError('shape-reshape', `Shapes can only have 1 implicit size. Found -1 at dim ${implicit[0]} and dim ${implicit[1]}`);
  }
  const out = [...target];
  const from = input ? factorDims(input) : null;
  const to = factorDims(target.filter((d) => d !== -1));
  if (!from || !to) {
    if (implicit.length === 1) out[implicit[0]] = null;
    return out;
  }
  const remaining = [...from.symbols];
  const extra: string[] = [];
  for (const s of to.symbols) {
    const i = remaining.indexOf(s);
    if (i >= 0) remaining.splice(i, 1);
    else extra.push(s);
  }
  if (implicit.length === 1) {
    if (extra.length > 0 || remaining.length > 1) out[implicit[0]] = null;
    else if (remaining.length === 1) out[implicit[0]] = from.known === to.known ? remaining[0] : null;
    else {
      if (to.known === 0 || from.known % to.known !== 0) {
        const size = from.symbols.length === 0 ? from.known : null;
        if (size === null) {
          out[implicit[0]] = null;
          return out;
        }
        throw new ShapeError('shape-reshape', `The implicit shape can't be a fractional number. Got ${size} / ${to.known}`);
      }
      out[implicit[0]] = from.known / to.known;
    }
    return out;
  }
  if (remaining.length === 0 && extra.length === 0 && from.known !== to.known) {
    const size = from.symbols.length === 0 ? String(from.known) : tfjsShape(input);
    throw new ShapeError('shape-reshape', `Size(${size}) must match the product of shape ${target.join(',')}`);
  }
  return out;
}

function reshape(args: Value[], node: ts.Node): Value {
  const x = asTensor(args[0]);
  const target = shapeArgOf(args[1]);
  if (!target) return tensor(null, node, x?.dtype);
  try {
    return tensor(reshapeShape(x ? x.shape : null, target), node, x?.dtype);
  } catch (e) {
    if (e instanceof ShapeError) throw new ShapeError(e.code, e.message, related('input', args[0]));
    throw e;
  }
}

function transpose(args: Value[], node: ts.Node): Value {
  const x = shapeOf(args[0]);
  if (!x) return tensor(null, node);
  const perm = args[1] && args[1].kind !== 'undefined' ? numberListOf(args[1]) : x.map((_, i) => x.length - 1 - i);
  if (!perm) return tensor(null, node);
  if (perm.length !== x.length) {
    throw new ShapeError('shape-axis', `Error in transpose: rank of input ${x.length} must match length of perm ${perm.join(',')}.`);
  }
  if (perm.some((p) => p < 0 || p >= x.length)) {
    throw new ShapeError('shape-axis', `All entries in 'perm' must be between 0 and ${x.length - 1} but got ${perm.join(',')}`);
  }
  return tensor(perm.map((p) => x[p]), node);
}

function expandDims(args: Value[], node: ts.Node): Value {
  const x = asTensor(args[0]);
  if (!x || !x.shape) return tensor(null, node, x?.dtype);
  let axis = args[1] && args[1].kind !== 'undefined' ? numberOf(args[1]) : 0;
  if (axis === undefined) return tensor(null, node, x.dtype);
  const rank = x.shape.length;
  if (axis > rank) throw new ShapeError('shape-axis', 'Axis must be <= rank of the tensor');
  if (axis < 0) {
    if (axis < -(rank + 1)) throw new ShapeError('shape-axis', 'Axis must be in the interval [-(x.rank+1), x.rank]');
    axis = rank + axis + 1;
  }
  const out = [...x.shape];
  out.splice(axis, 0, 1);
  return tensor(out, node, x.dtype);
}

function squeeze(args: Value[], node: ts.Node): Value {
  const x = asTensor(args[0]);
  if (!x || !x.shape) return tensor(null, node, x?.dtype);
  const shape = x.shape;
  if (!args[1] || args[1].kind === 'undefined') {
    if (shape.some((d) => !isKnown(d))) return tensor(null, node, x.dtype);
    return tensor(shape.filter((d) => d !== 1), node, x.dtype);
  }
  const axes = axesOf(args[1], shape.length);
  if (!axes) return tensor(null, node, x.dtype);
  for (const a of axes) {
    if (isKnown(shape[a]) && shape[a] !== 1) throw new ShapeError('shape-axis', `Can't squeeze axis ${a} since its dim '${shape[a]}' is not 1`);
  }
  return tensor(shape.filter((_, i) => !axes.includes(i)), node, x.dtype);
}

function tensorList(v: Value | undefined): Array<TensorValue | undefined> | undefined {
  if (!v || v.kind !== 'array' || !v.items) return undefined;
  return v.items.map((item) => asTensor(item));
}

function concat(args: Value[], node: ts.Node): Value {
  const list = tensorList(args[0]);
  if (!list || list.length === 0 || list.some((t) => !t || !t.shape)) return tensor(null, node);
  const shapes = list.map((t) => t!.shape!) as Dim[][];
  const rank = shapes[0].length;
  const axisArg = args[1] && args[1].kind !== 'undefined' ? numberOf(args[1]) : 0;
  if (axisArg === undefined) return tensor(null, node);
  const axis = normalizeAxis(axisArg, Math.max(rank, 1));
  const out = [...shapes[0]];
  for (let i = 1; i < shapes.length; i++) {
    const s = shapes[i];
    if (s.length !== rank) {
      throw new ShapeError('shape-concat', `Error in concat${rank}D: rank of tensors[${i}] must be the same as the rank of the rest (${rank})`);
    }
    for (let r = 0; r < rank; r++) {
      if (r === axis) continue;
      if (dimsDiffer(s[r], shapes[0][r])) {
        // tfjs's concat_util names the tensor's index where its message says "axis"; kept as tfjs writes it.
        throw new ShapeError(
          'shape-concat',
          `Error in concat${rank}D: Shape of tensors[${i}] (${tfjsShape(s)}) does not match the shape of the rest (${tfjsShape(shapes[0])}) along the non-concatenated axis ${i}.`,
          related(`tensors[${i}]`, list[i]).concat(related('tensors[0]', list[0])),
        );
      }
      if (out[r] !== s[r]) out[r] = isKnown(out[r]) ? out[r] : isKnown(s[r]) ? s[r] : null;
    }
    const a = out[axis];
    const b = s[axis];
    out[axis] = isKnown(a) && isKnown(b) ? a + b : null;
  }
  return tensor(out, node, list[0]!.dtype);
}

function stack(args: Value[], node: ts.Node): Value {
  const list = tensorList(args[0]);
  if (!list || list.length === 0 || list.some((t) => !t || !t.shape)) return tensor(null, node);
  const shapes = list.map((t) => t!.shape!) as Dim[][];
  const first = shapes[0];
  for (let i = 1; i < shapes.length; i++) {
    const s = shapes[i];
    const differs = s.length !== first.length || s.some((d, j) => dimsDiffer(d, first[j]));
    if (differs) {
      throw new ShapeError(
        'shape-concat',
        `All tensors passed to stack must have matching shapes Shapes ${tfjsShape(first)} and ${tfjsShape(s)} must match`,
        related('tensors[0]', list[0]).concat(related(`tensors[${i}]`, list[i])),
      );
    }
  }
  const axisArg = args[1] && args[1].kind !== 'undefined' ? numberOf(args[1]) : 0;
  if (axisArg === undefined) return tensor(null, node);
  const axis = axisArg < 0 ? axisArg + first.length + 1 : axisArg;
  const out = [...first];
  out.splice(axis, 0, list.length);
  return tensor(out, node, list[0]!.dtype);
}

function unstack(args: Value[], node: ts.Node): Value {
  const x = asTensor(args[0]);
  if (!x || !x.shape) return arrayOfLength(null, tensor(null, node));
  const axisArg = args[1] && args[1].kind !== 'undefined' ? numberOf(args[1]) : 0;
  if (axisArg === undefined) return arrayOfLength(null, tensor(null, node));
  const axis = normalizeAxis(axisArg, x.shape.length);
  const piece = tensor(x.shape.filter((_, i) => i !== axis), node, x.dtype);
  const n = x.shape[axis];
  return isKnown(n) && n <= 5000 ? arrayOf(Array.from({ length: n }, () => piece)) : arrayOfLength(n, piece);
}

function unaryOp(args: Value[], node: ts.Node): Value {
  const x = asTensor(args[0]);
  return tensor(x ? x.shape : null, node, x?.dtype);
}

function moments(args: Value[], node: ts.Node): Value {
  const m = reduce([args[0], args[1], args[2]], node);
  return { kind: 'object', props: new Map([['mean', m], ['variance', m]]), open: false };
}

function topk(args: Value[], node: ts.Node): Value {
  const x = shapeOf(args[0]);
  const k = args[1] && args[1].kind !== 'undefined' ? dimOf(args[1]) : 1;
  const shape = x ? [...x.slice(0, -1), k] : null;
  return { kind: 'object', props: new Map<string, Value>([['values', tensor(shape, node)], ['indices', tensor(shape, node, 'int32')]]), open: false };
}

function flattenOp(args: Value[], node: ts.Node): Value {
  const x = asTensor(args[0]);
  return tensor(x && x.shape ? [productDim(x.shape)] : [null], node, x?.dtype);
}

/** `tf.math.confusionMatrix(labels, predictions, numClasses)`: two vectors give [n, n]. */
export function confusionMatrix(args: Value[], node: ts.Node): Value {
  for (const [what, v] of [['labels', args[0]], ['predictions', args[1]]] as const) {
    const s = shapeOf(v);
    if (s && s.length !== 1) throw new ShapeError('shape-rank', `Error in confusionMatrix: ${what} must be rank 1, but got rank ${s.length}.`);
  }
  const n = dimOf(args[2]);
  return tensor([n, n], node, 'int32');
}

/** softmax / logSoftmax: tfjs 4.22 only supports the last axis. */
function softmaxOver(label: string, axisWord: string): OpFn {
  return (args, node) => {
    const x = asTensor(args[0]);
    const dim = args[1] && args[1].kind !== 'undefined' ? numberOf(args[1]) : -1;
    const rank = x?.shape?.length;
    if (rank !== undefined && dim !== undefined && dim !== -1 && dim !== rank - 1) {
      throw new ShapeError('shape-axis', `${label} along a non-last dimension is not yet supported. Logits was rank ${rank} and ${axisWord} was ${dim}`);
    }
    return tensor(x ? x.shape : null, node, x?.dtype);
  };
}

export const TENSOR_OPS: Record<string, OpFn> = {
  softmax: softmaxOver('Softmax', 'dim'),
  logSoftmax: softmaxOver('Log Softmax', 'axis'),
  matMul,
  dot,
  reshape,
  transpose,
  expandDims,
  squeeze,
  concat,
  stack,
  unstack,
  moments,
  topk,
  argMax: argReduce,
  argMin: argReduce,
  where: elementwise(),
  norm: (args, node) => reduce([args[0], args[2], args[3]], node),
  flatten: flattenOp,
  as1D: flattenOp,
  outerProduct: (args, node) => {
    const a = shapeOf(args[0]);
    const b = shapeOf(args[1]);
    if (a && b && (a.length !== 1 || b.length !== 1)) {
      throw new ShapeError('shape-rank', `Error in outerProduct: inputs must be rank 1, but got ranks ${a.length} and ${b.length}.`);
    }
    return tensor([a?.[0] ?? null, b?.[0] ?? null], node);
  },
  einsum,
  broadcastTo,
  addN: (args, node) => {
    const list = args[0] && args[0].kind === 'array' ? args[0].items : undefined;
    return list && list.length > 0 ? elementwise()(list, node) : tensor(null, node);
  },
  concat1d: concat,
  concat2d: concat,
  concat3d: concat,
  concat4d: concat,
  asScalar: (args, node) => {
    const x = asTensor(args[0]);
    const size = x ? sizeOf(x.shape) : null;
    if (size !== null && size !== 1) throw new ShapeError('shape-reshape', 'The array must have only 1 element.');
    return tensor([], node, x?.dtype);
  },
};
for (const name of UNARY_OPS) TENSOR_OPS[name] = unaryOp;
for (const name of BINARY_OPS) TENSOR_OPS[name] = elementwise();
for (const name of COMPARISON_OPS) TENSOR_OPS[name] = elementwise('bool');
for (const name of REDUCTIONS) TENSOR_OPS[name] = (args, node) => reduce(args, node);
TENSOR_OPS.cast = (args, node) => tensor(shapeOf(args[0]), node, stringOf(args[1]));

