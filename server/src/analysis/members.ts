// Property lookup on abstract values: `arr.length`, `x.shape`, `model.fit`, `tf.layers.dense`, ...
// It only dispatches on the kind of the receiver; what each member means lives with that kind
// (jsBuiltins.ts for arrays and strings, tensorMethods.ts, layers.ts, models.ts, datasets.ts).

import type * as ts from 'typescript';
import type { Evaluator } from './evaluator';
import { arrayMember, stringMember } from './jsBuiltins';
import { tensorMember } from './tensorMethods';
import { layerMember } from './layers';
import { modelMember } from './models';
import { datasetMember } from './datasets';
import { type ArrayValue, type Value, UNDEFINED, UNKNOWN, dimValue, num } from './values';

/** The summary of an array's elements as a usable value (an empty array's bottom becomes unknown). */
export function elementSummary(arr: ArrayValue): Value {
  return arr.element.kind === 'unknown' ? UNKNOWN : arr.element;
}

export function getMember(ev: Evaluator, obj: Value, key: string | number, _site: ts.Node): Value {
  switch (obj.kind) {
    case 'unknown':
      // What is read from an unknown value is unknown for the same reason (`x.shape[0]` of an unseen `x`).
      return obj.reason === undefined ? UNKNOWN : { kind: 'unknown', reason: obj.reason };
    case 'array': {
      if (key === 'length') return dimValue(obj.length);
      const index = typeof key === 'number' ? key : /^\d+$/.test(key) ? Number(key) : undefined;
      if (index !== undefined) {
        if (obj.items) return index < obj.items.length ? obj.items[index] : UNDEFINED;
        return elementSummary(obj);
      }
      return arrayMember(ev, obj, String(key));
    }
    case 'string': {
      if (key === 'length') return num(obj.value?.length);
      if (typeof key === 'number') return obj.value !== undefined ? { kind: 'string', value: obj.value[key] } : { kind: 'string' };
      return stringMember(obj, key);
    }
    case 'object': {
      const v = obj.props.get(String(key));
      if (v !== undefined) return v;
      return obj.open ? UNKNOWN : UNDEFINED;
    }
    case 'native':
      return obj.props?.get(String(key)) ?? UNKNOWN;
    case 'tensor':
      return tensorMember(obj, String(key));
    case 'layer':
      return layerMember(ev, obj.layer, String(key));
    case 'model':
      return modelMember(ev, obj.model, String(key));
    case 'dataset':
      return datasetMember(obj.dataset, String(key));
    default:
      return UNKNOWN;
  }
}
