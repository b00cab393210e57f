// Members of a tensor value: `shape`, `rank`, `dtype`, `size`, and the chainable methods
// (`x.add(y)`, `x.reshape([...])`, `x.mean(1)`), which call the same op rules as the `tf.*`
// functions with the tensor as first argument. Readback methods (`dataSync`, `arraySync`) give
// arrays of the right length where the shape is known.

import { isKnown, productDim, sizeOf } from './shapes';
import { CONV_OPS } from './convOps';
import { TENSOR_OPS } from './tensorOps';
import { INDEXING_OPS } from './indexingOps';
import { FAMILY_METHODS } from './opFamilies';
import { assignToVariable } from './gradients';
import {
  type TensorValue,
  type Value,
  UNDEFINED,
  UNKNOWN,
  arrayOf,
  arrayOfLength,
  dimValue,
  native,
  num,
  str,
} from './values';

/** A nested array of unknown numbers with the given shape, kept small. */
function nestedArray(shape: TensorValue['shape'], depth = 0): Value {
  if (!shape) return arrayOfLength(null, UNKNOWN);
  if (depth === shape.length) return num();
  const d = shape[depth];
  const inner = nestedArray(shape, depth + 1);
  if (isKnown(d) && d <= 1000) return arrayOf(Array.from({ length: d }, () => inner));
  return arrayOfLength(d, inner);
}

/** The list a chained concat or stack passes on: the tensor itself, then its argument, spread when it is an array. */
function chainedList(t: TensorValue, x: Value | undefined): Value {
  if (!x) return arrayOf([t]);
  if (x.kind !== 'array') return arrayOf([t, x]);
  return x.items ? arrayOf([t, ...x.items]) : arrayOfLength(null, UNKNOWN);
}

const VOID_METHODS = new Set(['print', 'dispose']);

export function tensorMember(t: TensorValue, key: string): Value {
  switch (key) {
    case 'shape':
      return t.shape ? arrayOf(t.shape.map(dimValue)) : arrayOfLength(null, num());
    case 'rank':
      return num(t.shape ? t.shape.length : undefined);
    case 'size': {
      const s = t.shape ? productDim(t.shape) : null;
      return dimValue(s);
    }
    case 'dtype':
      return str(t.dtype);
    case 'name':
      return str(t.variableName);
    case 'assign':
      return native(key, (c) => (t.variableName !== undefined ? assignToVariable(t, c.args[0]) : UNDEFINED));
    case 'dataSync':
    case 'data': {
      const n = sizeOf(t.shape);
      return native(key, () => {
        const a = arrayOfLength(n, num());
        a.typed = true;
        return a;
      });
    }
    case 'arraySync':
    case 'array':
      return native(key, () => nestedArray(t.shape));
    case 'reshapeAs':
      return native(key, (c) => {
        const other = c.args[0];
        return TENSOR_OPS.reshape([t, other && other.kind === 'tensor' && other.shape ? arrayOf(other.shape.map(dimValue)) : UNKNOWN], c.node);
      });
    case 'concat':
      // tfjs's chained concat and stack spread an array argument (`a.concat([b, c])` is `tf.concat([a, b, c])`).
      return native(key, (c) => TENSOR_OPS.concat([chainedList(t, c.args[0]), c.args[1] ?? UNDEFINED], c.node));
    case 'stack':
      return native(key, (c) => TENSOR_OPS.stack([chainedList(t, c.args[0]), c.args[1] ?? UNDEFINED], c.node));
    case 'as2D':
    case 'as3D':
    case 'as4D':
      return native(key, (c) => TENSOR_OPS.reshape([t, arrayOf(c.args)], c.node));
  }
  if (VOID_METHODS.has(key)) return native(key, () => UNDEFINED);
  const op = TENSOR_OPS[key] ?? INDEXING_OPS[key] ?? CONV_OPS[key] ?? FAMILY_METHODS[key];
  if (op) return native(key, (c) => op([t, ...c.args], c.node));
  return UNKNOWN;
}
