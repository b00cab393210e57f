// Why a value is unknown, carried so that a hover can say it instead of looking clean (issue 11, item 5): a call
// into code the analysis cannot see, a built-in whose result it does not compute, or an argument that was unknown
// for its own reason. Values only; the evaluator decides where these apply.

import type * as ts from 'typescript';
import type { Value } from './values';

/** What a call into code the analysis cannot see gives: nothing, with the reason a hover shows. */
export function unseenCallResult(target: ts.Expression, callee: Value, thisValue: Value | undefined): Value {
  // `x.shape.slice(1)` on an unknown `x`: the reason is why `x` is unknown.
  const inherited = reasonIn([callee, thisValue]);
  if (inherited !== undefined) return { kind: 'unknown', reason: inherited };
  const text = target.getText();
  const name = text.length > 40 || /\s/.test(text) ? 'a function' : `\`${text}(…)\``;
  const known = thisValue !== undefined && thisValue.kind !== 'unknown';
  return { kind: 'unknown', reason: `it depends on ${name}, ${known ? 'which the analysis does not model' : 'code the analysis cannot see'}` };
}

/** The reason an unknown argument carries (an unseen call, an unannotated parameter, a widened loop), if any. */
export function reasonIn(values: Array<Value | undefined>, depth = 0): string | undefined {
  for (const v of values) {
    if (!v) continue;
    if (v.kind === 'unknown' && v.reason) return v.reason;
    if (v.kind === 'tensor' && v.unknownReason) return v.unknownReason;
    if (v.kind === 'array' && v.items && depth < 2) {
      const inner = reasonIn(v.items, depth + 1);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** A tensor an op made with sizes it could not know takes the reason of the argument that hid them. */
export function withInheritedReason(result: Value, thisValue: Value | undefined, args: Value[], callee: string): Value {
  if (result.kind === 'unknown' && !result.bottom && result.reason === undefined) {
    // A tfjs function that gives nothing does so because of its arguments (a callback's result, say); a JavaScript
    // built-in such as `JSON.parse` because the analysis does not compute it.
    const reason = reasonIn([thisValue, ...args]) ?? (callee.startsWith('tf.') ? undefined : `it depends on \`${callee}(…)\`, whose result the analysis does not model`);
    return reason === undefined ? result : { kind: 'unknown', reason };
  }
  if (result.kind !== 'tensor' || result.unknownReason !== undefined || (result.shape !== null && !result.shape.includes(null))) return result;
  if (result === thisValue || args.includes(result)) return result;
  const reason = reasonIn([thisValue, ...args]);
  if (reason !== undefined) result.unknownReason = reason;
  return result;
}
