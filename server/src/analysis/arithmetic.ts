// JavaScript's operators on the analysis's abstract values: arithmetic, comparisons and equality on known
// primitives, an unknown of the right kind otherwise. Pure: no syntax is evaluated here.

import * as ts from 'typescript';
import { type Value, UNKNOWN, bool, num, numberOf, str, strictEquals } from './values';

/** The text a primitive gives in `+` and template strings, or undefined when it is not known. */
export function primitiveText(v: Value): string | undefined {
  if (v.kind === 'string') return v.value;
  if (v.kind === 'number' && v.value !== undefined) return String(v.value);
  if (v.kind === 'boolean' && v.value !== undefined) return String(v.value);
  if (v.kind === 'undefined') return 'undefined';
  if (v.kind === 'null') return 'null';
  return undefined;
}

export function compoundToBinary(op: ts.SyntaxKind): ts.SyntaxKind {
  const table: Partial<Record<ts.SyntaxKind, ts.SyntaxKind>> = {
    [ts.SyntaxKind.PlusEqualsToken]: ts.SyntaxKind.PlusToken,
    [ts.SyntaxKind.MinusEqualsToken]: ts.SyntaxKind.MinusToken,
    [ts.SyntaxKind.AsteriskEqualsToken]: ts.SyntaxKind.AsteriskToken,
    [ts.SyntaxKind.SlashEqualsToken]: ts.SyntaxKind.SlashToken,
    [ts.SyntaxKind.PercentEqualsToken]: ts.SyntaxKind.PercentToken,
    [ts.SyntaxKind.AsteriskAsteriskEqualsToken]: ts.SyntaxKind.AsteriskAsteriskToken,
  };
  return table[op] ?? ts.SyntaxKind.Unknown;
}

/** `==`: null and undefined equal each other and nothing else; mixed primitive kinds are not followed. */
function looseEquals(a: Value, b: Value): boolean | undefined {
  const nullish = (v: Value) => v.kind === 'null' || v.kind === 'undefined';
  if (nullish(a) || nullish(b)) {
    if (nullish(a) && nullish(b)) return true;
    const other = nullish(a) ? b : a;
    return other.kind === 'unknown' ? undefined : false;
  }
  if (a.kind !== b.kind) return undefined;
  return strictEquals(a, b);
}

/** Arithmetic and comparisons on known primitives; anything else is an unknown of the right kind. */
export function arithmetic(op: ts.SyntaxKind, left: Value, right: Value): Value {
  const K = ts.SyntaxKind;
  switch (op) {
    case K.EqualsEqualsEqualsToken:
      return bool(strictEquals(left, right));
    case K.ExclamationEqualsEqualsToken: {
      const eq = strictEquals(left, right);
      return bool(eq === undefined ? undefined : !eq);
    }
    case K.EqualsEqualsToken:
      return bool(looseEquals(left, right));
    case K.ExclamationEqualsToken: {
      const eq = looseEquals(left, right);
      return bool(eq === undefined ? undefined : !eq);
    }
    case K.InstanceOfKeyword:
    case K.InKeyword:
      return bool();
  }
  if (op === K.PlusToken && (left.kind === 'string' || right.kind === 'string')) {
    const a = primitiveText(left);
    const b = primitiveText(right);
    // Long strings are not shapes' business; dropping them keeps doubling loops cheap.
    return str(a !== undefined && b !== undefined && a.length + b.length <= 100_000 ? a + b : undefined);
  }
  const a = numberOf(left);
  const b = numberOf(right);
  const isComparison = op === K.LessThanToken || op === K.GreaterThanToken || op === K.LessThanEqualsToken || op === K.GreaterThanEqualsToken;
  if (a === undefined || b === undefined) {
    if (isComparison && left.kind === 'number' && right.kind === 'number' && left.symbol !== undefined && left.symbol === right.symbol) {
      return bool(op === K.LessThanEqualsToken || op === K.GreaterThanEqualsToken);
    }
    return isComparison ? bool() : num();
  }
  switch (op) {
    case K.PlusToken: return num(a + b);
    case K.MinusToken: return num(a - b);
    case K.AsteriskToken: return num(a * b);
    case K.SlashToken: return num(a / b);
    case K.PercentToken: return num(a % b);
    case K.AsteriskAsteriskToken: return num(a ** b);
    case K.LessThanToken: return bool(a < b);
    case K.GreaterThanToken: return bool(a > b);
    case K.LessThanEqualsToken: return bool(a <= b);
    case K.GreaterThanEqualsToken: return bool(a >= b);
    case K.BarToken: return num(a | b);
    case K.AmpersandToken: return num(a & b);
    case K.CaretToken: return num(a ^ b);
    case K.LessThanLessThanToken: return num(a << b);
    case K.GreaterThanGreaterThanToken: return num(a >> b);
    case K.GreaterThanGreaterThanGreaterThanToken: return num(a >>> b);
    default: return UNKNOWN;
  }
}
