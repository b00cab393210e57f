// Shape rules of the rank-specific spellings of three tfjs ops: batchNorm2d..4d, pad1d..4d and
// reverse1d..4d. Each checks its argument ranks with tfjs-core's own messages and then does what the
// general op does (batchNorm keeps x's shape, pad grows each axis, reverse keeps the shape), so the
// general rules (tensorOps.ts, indexingOps.ts) stay the single place for that part.

import { type Shape, ShapeError, normalizeAxis } from './shapes';
import { asTensor } from './tensorCreation';
import { INDEXING_OPS } from './indexingOps';
import { type OpFn, related, shapeOf } from './tensorOps';
import { type Value, arrayOf, numberListOf, numberOf, tensor } from './values';

const given = (v: Value | undefined): v is Value => v !== undefined && v.kind !== 'undefined' && v.kind !== 'null';

/** tfjs's batchNorm asserts that mean, variance, offset and scale all have one rank. */
function checkEqualStatRanks(mean: Shape, others: Array<[string, Value | undefined]>): void {
  if (!mean) return;
  for (const [what, v] of others) {
    const s = given(v) ? shapeOf(v) : null;
    if (s && s.length !== mean.length) {
      throw new ShapeError('shape-rank', `Batch normalization gradient requires mean and ${what} to have equal ranks.`);
    }
  }
}

/** `tf.batchNorm{n}d(x, mean, variance, offset?, scale?, varianceEpsilon?)`: x must be rank n, the statistics rank n or 1. */
function batchNormOfRank(n: number): OpFn {
  return (args, node) => {
    const x = asTensor(args[0]);
    const label = `Error in batchNorm${n}D:`;
    if (x?.shape && x.shape.length !== n) {
      throw new ShapeError('shape-rank', `${label} x must be rank ${n} but got rank ${x.shape.length}.`, related('x', args[0]));
    }
    // tfjs checks mean and variance always, then scale before offset, each only when given.
    const stats: Array<[string, Value | undefined]> = [['mean', args[1]], ['variance', args[2]], ['scale', args[4]], ['offset', args[3]]];
    for (const [what, v] of stats) {
      const s = given(v) ? shapeOf(v) : null;
      if (s && s.length !== n && s.length !== 1) {
        throw new ShapeError('shape-rank', `${label} ${what} must be rank ${n} or rank 1 but got rank ${s.length}.`, related(what, v));
      }
    }
    checkEqualStatRanks(shapeOf(args[1]), [['variance', args[2]], ['offset', args[3]], ['scale', args[4]]]);
    return tensor(x?.shape ?? null, node, x?.dtype);
  };
}

/** The length of an array value whose items are known, or undefined. */
function lengthOf(v: Value | undefined): number | undefined {
  return v && v.kind === 'array' && v.items ? v.items.length : undefined;
}

/** `tf.pad1d(x, [before, after])` and `tf.pad{n}d(x, [[before, after], ...])`: tfjs checks the pair counts, then pads. */
function padOfRank(n: number): OpFn {
  return (args, node) => {
    const paddings = args[1];
    if (n === 1) {
      const count = lengthOf(paddings);
      if (count !== undefined && count !== 2) throw new ShapeError('shape-rank', 'Invalid number of paddings. Must be length of 2.');
      return INDEXING_OPS.pad([args[0], arrayOf(paddings ? [paddings] : []), args[2]], node);
    }
    const pairs = paddings && paddings.kind === 'array' ? paddings.items : undefined;
    const pairLengths = pairs?.map(lengthOf);
    const bad = pairs !== undefined && (pairs.length !== n || pairLengths!.some((len) => len !== undefined && len !== 2));
    if (bad) throw new ShapeError('shape-rank', 'Invalid number of paddings. Must be length of 2 each.');
    return INDEXING_OPS.pad(args, node);
  };
}

/** `tf.reverse{n}d(x, axis?)`: x must be rank n; the axes are checked as tfjs's kernel parses them. */
function reverseOfRank(n: number): OpFn {
  return (args, node) => {
    const x = asTensor(args[0]);
    const rank = x?.shape?.length;
    if (rank !== undefined && rank !== n) {
      throw new ShapeError('shape-rank', `Error in reverse${n}D: x must be rank ${n} but got rank ${rank}.`, related('x', args[0]));
    }
    // reverse1d always reverses axis 0 and ignores any axis argument.
    const axisArg = n === 1 ? undefined : args[1];
    if (rank !== undefined && given(axisArg)) {
      const single = numberOf(axisArg);
      const axes = single !== undefined ? [single] : numberListOf(axisArg);
      for (const a of axes ?? []) normalizeAxis(a, rank);
    }
    return tensor(x?.shape ?? null, node, x?.dtype);
  };
}

export const RANK_VARIANT_OPS: Record<string, OpFn> = {};
for (const n of [2, 3, 4]) RANK_VARIANT_OPS[`batchNorm${n}d`] = batchNormOfRank(n);
for (const n of [1, 2, 3, 4]) {
  RANK_VARIANT_OPS[`pad${n}d`] = padOfRank(n);
  RANK_VARIANT_OPS[`reverse${n}d`] = reverseOfRank(n);
}
