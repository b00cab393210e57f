// The shape domain: a dimension is a known integer, a named symbolic size, or unknown; a shape is a
// list of dimensions or an unknown rank. This module holds the pure rules over that domain
// (formatting, equality that is certain, broadcasting, sizes, axis normalisation, convolution
// arithmetic). It knows nothing about syntax, values or diagnostics; rules that find a certain
// contradiction throw `ShapeError`, which the evaluator turns into a diagnostic.

/** A known size (number), a named symbolic size (string, e.g. `batch`, `inputDim`), or unknown (null). */
export type Dim = number | string | null;
/** Dimensions in order, or null when even the rank is unknown. */
export type Shape = Dim[] | null;

/** The symbolic name of the layers' `null` batch axis. */
export const BATCH_DIM = 'batch';

/**
 * A non-batch axis that tfjs itself holds as `null` on a symbolic tensor (an `inputShape` entry
 * written as `null`, an Embedding without `inputLength`, a Reshape layer's `-1`). It prints as `?`
 * and never contradicts a size, but tfjs's Flatten refuses it, so it is kept apart from "unknown to
 * the analysis" (plain null), which must never cause an error.
 */
export const NONE_DIM = '?none';

/** A certain shape contradiction; `code` is the diagnostic code and `message` uses tfjs's wording. */
export class ShapeError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** Where each side's shape came from: syntax nodes (typed loosely to keep this module syntax-free). */
    readonly related: Array<{ message: string; node?: unknown }> = [],
    /** 'warning' where only some backends throw (cpu and wasm check what webgl and webgpu let through). */
    readonly severity: 'error' | 'warning' = 'error',
  ) {
    super(message);
  }
}

export function isKnown(d: Dim): d is number {
  return typeof d === 'number';
}

export function allKnown(shape: Shape): shape is number[] {
  return shape !== null && shape.every(isKnown);
}

/** True only when both dimensions are known to differ. Symbolic or unknown sizes never differ for certain. */
export function dimsDiffer(a: Dim, b: Dim): boolean {
  return isKnown(a) && isKnown(b) && a !== b;
}

/** Joins two dims seen on different paths: equal stays, anything else becomes unknown. */
export function joinDim(a: Dim, b: Dim): Dim {
  return a === b ? a : null;
}

export function joinShape(a: Shape, b: Shape): Shape {
  if (a === null || b === null || a.length !== b.length) return null;
  return a.map((d, i) => joinDim(d, b[i]));
}

export function formatDim(d: Dim): string {
  return d === null || d === NONE_DIM ? '?' : String(d);
}

/** `[2, 4]`, `[batch, 10]`, `[?, 3]`, or `?` for unknown rank. */
export function formatShape(shape: Shape): string {
  if (shape === null) return '?';
  return '[' + shape.map(formatDim).join(', ') + ']';
}

/** The way tfjs prints a shape inside messages: `5,3` (null batch prints as empty). */
export function tfjsShape(shape: Shape): string {
  if (shape === null) return '?';
  return shape.map((d) => (d === BATCH_DIM || d === NONE_DIM ? '' : formatDim(d))).join(',');
}

/** The JSON form tfjs uses in `checkInputData` messages: `[null,3]`. */
export function tfjsJsonShape(shape: Shape): string {
  if (shape === null) return '?';
  return '[' + shape.map((d) => (isKnown(d) ? String(d) : 'null')).join(',') + ']';
}

/** Product of the dims, or null when any is not known. */
export function sizeOf(shape: Shape): number | null {
  if (!allKnown(shape)) return null;
  return shape.reduce((a, b) => a * b, 1);
}

/** Product of a dims list where symbolic dims make the result unknown. */
export function productDim(dims: Dim[]): Dim {
  let p = 1;
  for (const d of dims) {
    if (!isKnown(d)) return null;
    p *= d;
  }
  return p;
}

/**
 * Normalises an axis for a tensor of `rank`, throwing tfjs's range error when it is certainly out
 * of range (`All values in axis param must be in range [-2, 2) but got axis 2`).
 */
export function normalizeAxis(axis: number, rank: number): number {
  if (axis < -rank || axis >= rank) {
    throw new ShapeError(
      'shape-axis',
      `All values in axis param must be in range [-${rank}, ${rank}) but got axis ${axis}`,
    );
  }
  return axis < 0 ? axis + rank : axis;
}

/** tfjs `assertAndGetBroadcastShape`, answering unknown where the dims are not all known. */
export function broadcastShapes(a: Shape, b: Shape): Shape {
  if (a === null || b === null) return null;
  const rank = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
    const db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
    if (da === 1) out.push(db);
    else if (db === 1) out.push(da);
    else if (da === db) out.push(da);
    else if (isKnown(da) && isKnown(db)) {
      throw new ShapeError(
        'shape-broadcast',
        `Operands could not be broadcast together with shapes ${tfjsShape(a)} and ${tfjsShape(b)}.`,
      );
    } else if (isKnown(da)) out.push(da); // the other side must be da or 1 for the op to succeed
    else if (isKnown(db)) out.push(db);
    else out.push(null);
  }
  return out;
}

/** tfjs-layers `convOutputLength`. */
export function convOutputLength(input: Dim, filterSize: number, padding: string, stride: number, dilation = 1): Dim {
  if (input === NONE_DIM) return NONE_DIM;
  if (!isKnown(input)) return null;
  const dilated = filterSize + (filterSize - 1) * (dilation - 1);
  const length = padding === 'same' || padding === 'causal' ? input : input - dilated + 1;
  return Math.floor((length + stride - 1) / stride);
}

/** tfjs-layers `deconvLength` for transposed convolutions. */
export function deconvLength(input: Dim, stride: number, kernel: number, padding: string): Dim {
  if (input === NONE_DIM) return NONE_DIM;
  if (!isKnown(input)) return null;
  if (padding === 'valid') return input * stride + Math.max(kernel - stride, 0);
  return input * stride;
}

/** tfjs-core conv output size for the ops (`computeConv2DInfo`), with 'same' rounding up. */
export function opConvOutputLength(input: Dim, filterSize: number, stride: number, padding: string, dilation = 1): Dim {
  if (!isKnown(input)) return null;
  const effective = (filterSize - 1) * dilation + 1;
  if (padding === 'same') return Math.ceil(input / stride);
  if (padding === 'valid') return Math.ceil((input - effective + 1) / stride);
  return null;
}
