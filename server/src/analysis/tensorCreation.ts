// Shapes of tensors made from data or sizes: `tf.tensor`/`tensor1d..6d` (shape inferred from nested
// arrays and checked against an explicit shape, with tfjs's messages), scalar, zeros/ones/fill,
// random*, linspace, range, eye, oneHot and the `*Like` functions. Values are never computed, only
// counted. Conversions of array-likes to tensors used by every op (`asTensor`) live here too.

import type * as ts from 'typescript';
import { type Dim, type Shape, ShapeError, allKnown, isKnown, productDim, sizeOf } from './shapes';
import {
  type TensorValue,
  type Value,
  UNKNOWN,
  dimOf,
  numberOf,
  shapeArgOf,
  stringOf,
  tensor,
} from './values';

/** A shape argument with its raw numbers (non-integers kept, so they can be reported). */
function rawShapeArgOf(v: Value | undefined): Shape {
  if (!v || v.kind !== 'array' || !v.items) return null;
  return v.items.map((item) => (item.kind === 'number' && item.value !== undefined ? item.value : dimOf(item)));
}

/** Leading dims of a nested array; `complete` is false when the innermost structure is not known. */
export interface InferredShape {
  dims: Dim[];
  complete: boolean;
}

/** tfjs `inferShape`: the first element decides the structure of the rest. */
export function inferShape(v: Value, depth = 0): InferredShape {
  if (depth > 8) return { dims: [], complete: false };
  switch (v.kind) {
    case 'number':
    case 'boolean':
    case 'string':
      return { dims: [], complete: true };
    case 'tensor':
      return v.shape ? { dims: [...v.shape], complete: true } : { dims: [], complete: false };
    case 'array': {
      if (v.items) {
        if (v.items.length === 0) return { dims: [0], complete: true };
        const inner = inferShape(v.items[0], depth + 1);
        return { dims: [v.items.length, ...inner.dims], complete: inner.complete };
      }
      if (v.typed) return { dims: [v.length], complete: true };
      const inner = inferShape(v.element, depth + 1);
      return { dims: [v.length, ...inner.dims], complete: inner.complete };
    }
    default:
      return { dims: [], complete: false };
  }
}

/** Converts an op argument (tensor, number, nested array) to a tensor value, or undefined when unknown. */
export function asTensor(v: Value | undefined, origin?: ts.Node): TensorValue | undefined {
  if (!v) return undefined;
  if (v.kind === 'tensor') return v;
  if (v.kind === 'number' || v.kind === 'boolean') return tensor([], origin);
  if (v.kind === 'array') {
    const inferred = inferShape(v);
    return tensor(inferred.complete ? inferred.dims : null, origin);
  }
  return undefined;
}

const RANK_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six'];

/** Shared check of `tensor()`'s `makeTensor`: the values must fill the provided shape exactly. */
function checkValuesFitShape(inferred: InferredShape, shape: Dim[]): void {
  if (!inferred.complete || !allKnown(shape)) return;
  const provided = sizeOf(shape);
  const actual = productDim(inferred.dims);
  if (provided === null || !isKnown(actual)) return;
  if (provided !== actual) {
    throw new ShapeError(
      'tensor-ctor',
      `Based on the provided shape, [${shape.join(',')}], the tensor should have ${provided} values but has ${actual}`,
    );
  }
  const dims = inferred.dims as number[];
  for (let i = 0; i < dims.length; i++) {
    const flatDimsDontMatch = i === dims.length - 1 ? dims[i] !== sizeOf(shape.slice(i)) : true;
    if (dims[i] !== shape[i] && flatDimsDontMatch) {
      throw new ShapeError(
        'tensor-ctor',
        `Error creating a new Tensor. Inferred shape (${dims.join(',')}) does not match the provided shape (${shape.join(',')}). `,
      );
    }
  }
}

/** Every number of a small nested array of known numbers, in order; undefined otherwise. */
export function knownNumbers(v: Value | undefined, out: number[] = [], depth = 0): number[] | undefined {
  if (!v || depth > 6 || out.length > 10000) return undefined;
  if (v.kind === 'number') {
    if (v.value === undefined) return undefined;
    out.push(v.value);
    return out;
  }
  if (v.kind === 'tensor') return v.values ? (out.push(...v.values), out) : undefined;
  if (v.kind !== 'array' || !v.items) return undefined;
  for (const item of v.items) if (!knownNumbers(item, out, depth + 1)) return undefined;
  return out;
}

function withValues(t: TensorValue, source: Value): TensorValue {
  const values = knownNumbers(source);
  if (values) t.values = values;
  return t;
}

/** `tf.tensor(values, shape?, dtype?)` and, with `rank`, `tf.tensor1d..6d`. */
export function makeTensor(args: Value[], node: ts.Node, rank?: number): Value {
  const values = args[0];
  if (!values) return UNKNOWN;
  const shapeArg = args[rank === 1 ? -1 : 1];
  const dtype = stringOf(args[rank === 1 ? 1 : 2]);
  const inferred = inferShape(values);
  const name = rank === undefined ? 'tensor' : `tensor${rank}d`;
  if (rank !== undefined && rank !== 1 && shapeArg && shapeArg.kind === 'array' && shapeArg.items && shapeArg.items.length !== rank) {
    throw new ShapeError('tensor-ctor', `${name}() requires shape to have ${RANK_WORDS[rank]} numbers`);
  }
  if (rank !== undefined && rank > 1 && inferred.complete && inferred.dims.length !== rank && inferred.dims.length !== 1 && values.kind === 'array') {
    const nested = `number${'[]'.repeat(rank)}`;
    throw new ShapeError('tensor-ctor', `${name}() requires values to be ${nested} or flat/TypedArray`);
  }
  if (rank === 1 && inferred.complete && inferred.dims.length !== 1 && values.kind === 'array') {
    throw new ShapeError('tensor-ctor', 'tensor1d() requires values to be a flat/TypedArray');
  }
  const explicit = shapeArg && shapeArg.kind === 'array' ? rawShapeArgOf(shapeArg) : null;
  checkShapeDims(explicit);
  if (explicit) {
    checkValuesFitShape(inferred, explicit);
    return withValues(tensor(explicit, node, dtype), values);
  }
  if (rank !== undefined && rank > 1 && inferred.complete && inferred.dims.length === 1 && (!shapeArg || shapeArg.kind === 'undefined')) {
    throw new ShapeError('tensor-ctor', `${name}() requires shape to be provided when \`values\` are a flat/TypedArray`);
  }
  if (inferred.complete) return withValues(tensor(inferred.dims, node, dtype), values);
  if (rank !== undefined) {
    const dims: Dim[] = inferred.dims.slice(0, rank);
    while (dims.length < rank) dims.push(null);
    return tensor(dims, node, dtype);
  }
  return tensor(null, node, dtype);
}

/** tfjs `assertNonNegativeIntegerDimensions`. */
function checkShapeDims(shape: Shape): void {
  if (shape && shape.some((d) => isKnown(d) && (d < 0 || !Number.isInteger(d)))) {
    throw new ShapeError('tensor-ctor', `Tensor must have a shape comprised of positive integers but got shape [${shape.join(',')}].`);
  }
}

/** zeros/ones/randomNormal/...: the first argument is the shape; `dtypeIndex` says where dtype goes. */
export function fromShapeArgument(args: Value[], node: ts.Node, dtypeIndex: number): Value {
  const shape = rawShapeArgOf(args[0]);
  checkShapeDims(shape);
  const dtype = stringOf(args[dtypeIndex]);
  return tensor(shape, node, dtype);
}

export function likeTensor(args: Value[], node: ts.Node): Value {
  const x = asTensor(args[0]);
  return tensor(x ? x.shape : null, node, x?.dtype);
}

export function linspace(args: Value[], node: ts.Node): Value {
  const n = numberOf(args[2]);
  if (n !== undefined && n <= 0) throw new ShapeError('tensor-ctor', 'The number of values should be positive.');
  return tensor([dimOf(args[2])], node);
}

/** `tf.multinomial(logits, numSamples)`: one row of samples per row of logits. */
export function multinomial(args: Value[], node: ts.Node): Value {
  const logits = asTensor(args[0])?.shape;
  const n = dimOf(args[1]);
  if (!logits) return tensor(null, node, 'int32');
  return tensor(logits.length === 1 ? [n] : [logits[0], n], node, 'int32');
}

export function range(args: Value[], node: ts.Node): Value {
  const start = numberOf(args[0]);
  let stop = numberOf(args[1]);
  let begin = start;
  if (args[1] === undefined || args[1].kind === 'undefined') {
    stop = start;
    begin = 0;
  }
  const step = args[2] && args[2].kind !== 'undefined' ? numberOf(args[2]) : 1;
  if (begin === undefined || stop === undefined || step === undefined || step === 0) return tensor([null], node);
  // The cpu kernel's rangeImpl: empty when the step points away from stop (a step of 1 counts down, though).
  const empty = begin === stop || (begin < stop && step < 0) || (stop < begin && step > 1);
  return tensor([empty ? 0 : Math.abs(Math.ceil((stop - begin) / step))], node, stringOf(args[3]));
}

export function eye(args: Value[], node: ts.Node): Value {
  const n = dimOf(args[0]);
  const m = args[1] && args[1].kind !== 'undefined' ? dimOf(args[1]) : n;
  const batch = args[2] && args[2].kind === 'array' ? shapeArgOf(args[2]) : [];
  if (batch === null) return tensor(null, node);
  return tensor([...batch, n, m], node);
}

export function oneHot(args: Value[], node: ts.Node): Value {
  const indices = asTensor(args[0]);
  const depth = dimOf(args[1]);
  if (isKnown(depth) && depth < 2) throw new ShapeError('shape-rank', `Error in oneHot: depth must be >=2, but it is ${depth}`);
  const shape: Shape = indices && indices.shape ? [...indices.shape, depth] : null;
  return tensor(shape, node, 'int32');
}

export function scalar(args: Value[], node: ts.Node): Value {
  if (args[0] && args[0].kind === 'array') {
    throw new ShapeError('tensor-ctor', 'Error creating a new Scalar: value must be a primitive (number|boolean|string)');
  }
  return tensor([], node, stringOf(args[1]));
}
