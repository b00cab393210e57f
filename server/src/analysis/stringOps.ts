// Shape rules of `tf.string`: staticRegexReplace and stringToHashBucketFast map each string in place;
// stringSplit and stringNGrams return ragged results as named maps whose token counts depend on the
// text, so those sizes are unknown. Checks and messages are tfjs-core's (the shape checks only: a
// tensor of another dtype is tfjs's dtype complaint, which is not a shape error).

import type * as ts from 'typescript';
import { ShapeError, tfjsShape } from './shapes';
import { type OpFn, related, shapeOf } from './tensorOps';
import { type Value, numberOf, objectOf, tensor } from './values';

/** `tf.string.staticRegexReplace(input, pattern, rewrite)`: the same shape of strings. */
function staticRegexReplace(args: Value[], node: ts.Node): Value {
  return tensor(shapeOf(args[0]), node, 'string');
}

/** `tf.string.stringToHashBucketFast(input, numBuckets)`: one int32 bucket per string. */
function stringToHashBucketFast(args: Value[], node: ts.Node): Value {
  const buckets = numberOf(args[1]);
  if (buckets !== undefined && buckets <= 0) throw new ShapeError('shape-axis', 'Number of buckets must be at least 1');
  return tensor(shapeOf(args[0]), node, 'int32');
}

/** `tf.string.stringSplit(input, delimiter)`: `{indices, values, shape}` of a sparse [rows, tokens] result. */
function stringSplit(args: Value[], node: ts.Node): Value {
  const input = shapeOf(args[0]);
  const delimiter = shapeOf(args[1]);
  if (input && input.length !== 1) throw new ShapeError('shape-rank', `Input should be Tensor1D but received shape ${tfjsShape(input)}`, related('input', args[0]));
  if (delimiter && delimiter.length !== 0) {
    throw new ShapeError('shape-rank', `Delimiter should be a scalar but received shape ${tfjsShape(delimiter)}`, related('delimiter', args[1]));
  }
  return objectOf({ indices: tensor([null, 2], node, 'int32'), values: tensor([null], node, 'string'), shape: tensor([2], node, 'int32') });
}

/** `tf.string.stringNGrams(data, dataSplits, ...)`: `{nGrams, nGramsSplits}`, one split per data split. */
function stringNGrams(args: Value[], node: ts.Node): Value {
  const data = shapeOf(args[0]);
  if (data && data.length !== 1) throw new ShapeError('shape-rank', `Data must be a vector, saw: ${tfjsShape(data)}`, related('data', args[0]));
  return objectOf({ nGrams: tensor([null], node, 'string'), nGramsSplits: tensor(shapeOf(args[1]), node, 'int32') });
}

export const STRING_OPS: Record<string, OpFn> = { staticRegexReplace, stringToHashBucketFast, stringSplit, stringNGrams };
