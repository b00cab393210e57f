// Shape rules of `tf.linalg`: bandPart (keeps the shape), gramSchmidt (keeps a matrix's shape or a list
// of vectors) and qr (a [q, r] pair, reduced or full). The checks and messages are tfjs-core's; where
// tfjs fails for a reason of its own making (qr of a batch of non-square matrices stacks pieces that
// do not fit the input's shape), the rule reports tfjs's reshape message, as that is what users see.

import type * as ts from 'typescript';
import { type Dim, type Shape, ShapeError, dimsDiffer, isKnown, productDim, tfjsShape } from './shapes';
import { asTensor } from './tensorCreation';
import type { OpFn } from './tensorOps';
import { type Value, arrayItems, arrayOf, numberOf, tensor, truthiness } from './values';

/** bandPart's checks of one band width when it is a plain number (a tensor is clamped at run time). */
function checkBandWidth(name: 'numLower' | 'numUpper', width: number | undefined, limit: Dim): void {
  if (width === undefined) return;
  if (width % 1 !== 0) throw new ShapeError('shape-axis', `bandPart(): ${name} must be an integer, got ${width}.`);
  const side = name === 'numLower' ? 'rows' : 'columns';
  if (isKnown(limit) && width > limit) {
    throw new ShapeError('shape-axis', `bandPart(): ${name} (${width}) must not be greater than the number of ${side} (${limit}).`);
  }
}

/** `tf.linalg.bandPart(a, numLower, numUpper)`: zeroes outside a band of the inner matrices. */
function bandPart(args: Value[], node: ts.Node): Value {
  const a = asTensor(args[0]);
  const s = a?.shape ?? null;
  if (s && s.length < 2) throw new ShapeError('shape-rank', `bandPart(): Rank must be at least 2, got ${s.length}.`);
  checkBandWidth('numLower', numberOf(args[1]), s ? s[s.length - 2] : null);
  checkBandWidth('numUpper', numberOf(args[2]), s ? s[s.length - 1] : null);
  return tensor(s, node, a?.dtype);
}

/**
 * `tf.linalg.gramSchmidt(xs)`: orthonormal vectors in the input's form. A matrix [n, d] (or a higher
 * rank tensor, split along its first axis) needs n <= d; a list of vectors needs one length d >= n.
 */
function gramSchmidt(args: Value[], node: ts.Node): Value {
  const list = args[0]?.kind === 'array' ? arrayItems(args[0]) : undefined;
  if (list) {
    const vectors = list.map((v) => asTensor(v)?.shape ?? null);
    const dim = vectors[0]?.[0] ?? null;
    for (const v of vectors.slice(1)) {
      const d = v?.[0] ?? null;
      if (dimsDiffer(d, dim)) throw new ShapeError('shape-axis', `Gram-Schmidt: Non-unique lengths found in the input vectors: (${d} vs. ${dim})`);
    }
    if (isKnown(dim) && list.length > dim) {
      throw new ShapeError('shape-axis', `Gram-Schmidt: Number of vectors (${list.length}) exceeds number of dimensions (${dim}).`);
    }
    return arrayOf(list.map(() => tensor([dim], node, 'float32')));
  }
  const x = asTensor(args[0]);
  const s = x?.shape ?? null;
  if (s && s.length === 1 && isKnown(s[0])) {
    // Split into scalars, the vectors have no length: tfjs compares the count against undefined.
    throw new ShapeError('shape-rank', `Gram-Schmidt: Number of vectors (${s[0]}) exceeds number of dimensions (undefined).`);
  }
  if (s && s.length >= 2 && isKnown(s[0]) && isKnown(s[1]) && s[0] > s[1]) {
    throw new ShapeError('shape-axis', `Gram-Schmidt: Number of vectors (${s[0]}) exceeds number of dimensions (${s[1]}).`);
  }
  return tensor(s, node, 'float32');
}

/**
 * The [q, r] shapes of one m x n matrix: reduced (q [m, n], r [n, n]) only when m > n and not full;
 * `full` is undefined when the flag is not known.
 */
function qrShapes(m: Dim, n: Dim, full: boolean | undefined): [Dim[], Dim[]] {
  if (full === true) return [[m, m], [m, n]];
  if (full === false && isKnown(m) && isKnown(n)) return m > n ? [[m, n], [n, n]] : [[m, m], [m, n]];
  return [[m, null], [null, n]];
}

/**
 * `tf.linalg.qr(x, fullMatrices?)`. A batch is decomposed matrix by matrix and each stack is reshaped
 * to x's shape, which only fits square matrices: tfjs throws reshape's error for any other.
 */
function qr(args: Value[], node: ts.Node): Value {
  const x = args[0]?.kind === 'tensor' ? args[0] : undefined;
  const s: Shape = x?.shape ?? null;
  const unknownPair = () => arrayOf([tensor(null, node, 'float32'), tensor(null, node, 'float32')]);
  if (!s) return unknownPair();
  if (s.length < 2) throw new ShapeError('shape-rank', `qr() requires input tensor to have a rank >= 2, but got rank ${s.length}`);
  const full = args[1] === undefined ? false : truthiness(args[1]);
  const [m, n] = s.slice(-2);
  const [q, r] = qrShapes(m, n, full);
  if (s.length === 2) return arrayOf([tensor(q, node, 'float32'), tensor(r, node, 'float32')]);
  if (dimsDiffer(m, n)) {
    const outer = productDim(s.slice(0, -2));
    if (full === undefined) return unknownPair();
    const wrong = isKnown(m) && isKnown(n) && !full && m > n ? r : q;
    const size = productDim([outer, ...wrong]);
    if (!isKnown(size)) return unknownPair();
    throw new ShapeError('shape-reshape', `Size(${size}) must match the product of shape ${tfjsShape(s)}`);
  }
  return arrayOf([tensor(s, node, 'float32'), tensor(s, node, 'float32')]);
}

export const LINALG_OPS: Record<string, OpFn> = { bandPart, gramSchmidt, qr };
