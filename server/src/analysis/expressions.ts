// The evaluate phase, expressions half: computes the abstract value of each expression (literals,
// operators, property access, calls, closures, destructuring) and records tensor-valued expressions
// for `shapeAt`. Member lookups on tensors, layers, models and datasets are delegated to members.ts;
// a tfjs rule that finds a contradiction throws `ShapeError`, which is reported here at the call.

import * as ts from 'typescript';
import type { Evaluator } from './evaluator';
import { StatementAborted } from './evaluator';
import { Scope } from './scope';
import { ShapeError } from './shapes';
import { getMember } from './members';
import { createClass } from './classes';
import { thrownBy } from './throwAssertions';
import { assignTrainable } from './nestedModels';
import { arithmetic, compoundToBinary, primitiveText } from './arithmetic';
import { unseenCallResult, withInheritedReason } from './unknownReasons';
import {
  type ArrayValue,
  type NativeCall,
  type Value,
  NULL,
  UNDEFINED,
  UNKNOWN,
  arrayOf,
  arrayOfLength,
  bool,
  joinAll,
  iterableOf,
  joinValues,
  num,
  numberOf,
  str,
  truthiness,
  widen,
} from './values';

export function evaluateExpression(ev: Evaluator, node: ts.Expression, scope: Scope): Value {
  const value = evaluateUnrecorded(ev, node, scope);
  if (
    value.kind === 'tensor' || value.kind === 'layer' || value.kind === 'model'
  ) {
    if (ts.isIdentifier(node) || ts.isCallExpression(node) || ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node) || ts.isNewExpression(node)) {
      ev.recorder.record(node, value, ev.generic);
    }
  }
  return value;
}

function evaluateUnrecorded(ev: Evaluator, node: ts.Expression, scope: Scope): Value {
  switch (node.kind) {
    case ts.SyntaxKind.NumericLiteral:
      return num(Number((node as ts.NumericLiteral).text));
    case ts.SyntaxKind.StringLiteral:
    case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
      return str((node as ts.StringLiteral).text);
    case ts.SyntaxKind.TrueKeyword:
      return bool(true);
    case ts.SyntaxKind.FalseKeyword:
      return bool(false);
    case ts.SyntaxKind.NullKeyword:
      return NULL;
    case ts.SyntaxKind.ThisKeyword:
      return scope.lookup('this') ?? UNKNOWN;
    case ts.SyntaxKind.SuperKeyword:
      return scope.lookup('super') ?? UNKNOWN;
    case ts.SyntaxKind.ClassExpression:
      return createClass(ev, node as ts.ClassExpression, scope);
    case ts.SyntaxKind.Identifier:
      return evaluateIdentifier(ev, node as ts.Identifier, scope);
    case ts.SyntaxKind.TemplateExpression:
      return evaluateTemplate(ev, node as ts.TemplateExpression, scope);
    case ts.SyntaxKind.ArrayLiteralExpression:
      return evaluateArrayLiteral(ev, node as ts.ArrayLiteralExpression, scope);
    case ts.SyntaxKind.ObjectLiteralExpression:
      return evaluateObjectLiteral(ev, node as ts.ObjectLiteralExpression, scope);
    case ts.SyntaxKind.ParenthesizedExpression:
    case ts.SyntaxKind.AsExpression:
    case ts.SyntaxKind.TypeAssertionExpression:
    case ts.SyntaxKind.NonNullExpression:
    case ts.SyntaxKind.SatisfiesExpression:
    case ts.SyntaxKind.AwaitExpression:
      return ev.evalExpr((node as ts.ParenthesizedExpression).expression, scope);
    case ts.SyntaxKind.PropertyAccessExpression: {
      const p = node as ts.PropertyAccessExpression;
      const obj = ev.evalExpr(p.expression, scope);
      if (p.questionDotToken && (obj.kind === 'undefined' || obj.kind === 'null')) return UNDEFINED;
      return getMember(ev, obj, p.name.text, p);
    }
    case ts.SyntaxKind.ElementAccessExpression: {
      const e = node as ts.ElementAccessExpression;
      const obj = ev.evalExpr(e.expression, scope);
      const key = ev.evalExpr(e.argumentExpression, scope);
      return elementOf(ev, obj, key, e);
    }
    case ts.SyntaxKind.CallExpression:
      return evaluateCall(ev, node as ts.CallExpression, scope);
    case ts.SyntaxKind.NewExpression:
      return evaluateNew(ev, node as ts.NewExpression, scope);
    case ts.SyntaxKind.ArrowFunction:
    case ts.SyntaxKind.FunctionExpression:
      return ev.makeFunction(node as ts.ArrowFunction, scope);
    case ts.SyntaxKind.ConditionalExpression: {
      const c = node as ts.ConditionalExpression;
      const cond = truthiness(ev.evalExpr(c.condition, scope));
      if (cond === true) return ev.evalExpr(c.whenTrue, scope);
      if (cond === false) return ev.evalExpr(c.whenFalse, scope);
      ev.uncertainDepth++;
      try {
        return joinValues(ev.evalExpr(c.whenTrue, scope), ev.evalExpr(c.whenFalse, scope));
      } finally {
        ev.uncertainDepth--;
      }
    }
    case ts.SyntaxKind.BinaryExpression:
      return evaluateBinary(ev, node as ts.BinaryExpression, scope);
    case ts.SyntaxKind.PrefixUnaryExpression:
    case ts.SyntaxKind.PostfixUnaryExpression:
      return evaluateUnary(ev, node as ts.PrefixUnaryExpression, scope);
    case ts.SyntaxKind.TypeOfExpression: {
      const v = ev.evalExpr((node as ts.TypeOfExpression).expression, scope);
      const kinds: Record<string, string> = { number: 'number', string: 'string', boolean: 'boolean', undefined: 'undefined', function: 'function', native: 'function' };
      return str(kinds[v.kind] ?? (v.kind === 'unknown' ? undefined : 'object'));
    }
    case ts.SyntaxKind.VoidExpression:
      ev.evalExpr((node as ts.VoidExpression).expression, scope);
      return UNDEFINED;
    case ts.SyntaxKind.YieldExpression: {
      const y = node as ts.YieldExpression;
      const v = y.expression ? ev.evalExpr(y.expression, scope) : UNDEFINED;
      if (y.asteriskToken && v.kind === 'array' && v.items) v.items.forEach((item) => ev.recordYield(item));
      else ev.recordYield(y.asteriskToken ? UNKNOWN : v);
      return UNKNOWN;
    }
    case ts.SyntaxKind.SpreadElement:
      return ev.evalExpr((node as ts.SpreadElement).expression, scope);
    default:
      return UNKNOWN;
  }
}

function evaluateIdentifier(ev: Evaluator, node: ts.Identifier, scope: Scope): Value {
  const v = scope.lookup(node.text);
  if (v !== undefined) {
    if (v.kind === 'function') ev.noteFunctionRead(v);
    return v;
  }
  if (node.text === 'undefined') return UNDEFINED;
  if (node.text === 'NaN') return num();
  if (node.text === 'Infinity') return num(Infinity);
  return UNKNOWN;
}

function evaluateTemplate(ev: Evaluator, node: ts.TemplateExpression, scope: Scope): Value {
  let text: string | undefined = node.head.text;
  for (const span of node.templateSpans) {
    const v = ev.evalExpr(span.expression, scope);
    const s = primitiveText(v);
    text = text !== undefined && s !== undefined ? text + s + span.literal.text : undefined;
  }
  return str(text);
}

function evaluateArrayLiteral(ev: Evaluator, node: ts.ArrayLiteralExpression, scope: Scope): Value {
  const items: Value[] = [];
  let complete = true;
  const extra: Value[] = [];
  for (const el of node.elements) {
    if (ts.isSpreadElement(el)) {
      const v = iterableOf(ev.evalExpr(el.expression, scope));
      if (v.kind === 'array' && v.items) items.push(...v.items);
      else {
        complete = false;
        extra.push(v.kind === 'array' ? v.element : UNKNOWN);
      }
    } else if (ts.isOmittedExpression(el)) items.push(UNDEFINED);
    else items.push(ev.evalExpr(el, scope));
  }
  if (!complete) return arrayOfLength(null, joinAll([...items, ...extra]));
  return arrayOf(items);
}

function propertyKey(ev: Evaluator, name: ts.PropertyName, scope: Scope): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isComputedPropertyName(name)) {
    const v = ev.evalExpr(name.expression, scope);
    return primitiveText(v);
  }
  return undefined;
}

function evaluateObjectLiteral(ev: Evaluator, node: ts.ObjectLiteralExpression, scope: Scope): Value {
  const props = new Map<string, Value>();
  let open = false;
  for (const p of node.properties) {
    if (ts.isPropertyAssignment(p)) {
      const key = propertyKey(ev, p.name, scope);
      const v = ev.evalExpr(p.initializer, scope);
      if (key === undefined) open = true;
      else props.set(key, v);
    } else if (ts.isShorthandPropertyAssignment(p)) {
      props.set(p.name.text, ev.evalExpr(p.name, scope));
    } else if (ts.isSpreadAssignment(p)) {
      const v = ev.evalExpr(p.expression, scope);
      if (v.kind === 'object') {
        for (const [k, pv] of v.props) props.set(k, pv);
        open = open || v.open;
      } else if (v.kind !== 'undefined' && v.kind !== 'null') open = true;
    } else if (ts.isMethodDeclaration(p)) {
      const key = propertyKey(ev, p.name, scope);
      if (key !== undefined) props.set(key, ev.makeFunction(p, scope));
    } else open = true;
  }
  return { kind: 'object', props, open };
}

export function elementOf(ev: Evaluator, obj: Value, key: Value, node: ts.Node): Value {
  if (key.kind === 'number' && key.value !== undefined) return getMember(ev, obj, key.value, node);
  if (key.kind === 'string' && key.value !== undefined) return getMember(ev, obj, key.value, node);
  if (obj.kind === 'array') return obj.element;
  return UNKNOWN;
}

function evaluateArguments(ev: Evaluator, args: readonly ts.Expression[] | undefined, scope: Scope): { values: Value[]; complete: boolean } {
  const values: Value[] = [];
  let complete = true;
  for (const a of args ?? []) {
    if (ts.isSpreadElement(a)) {
      const v = iterableOf(ev.evalExpr(a.expression, scope));
      if (v.kind === 'array' && v.items) values.push(...v.items);
      else complete = false;
    } else values.push(ev.evalExpr(a, scope));
  }
  return { values, complete };
}

function evaluateCall(ev: Evaluator, node: ts.CallExpression, scope: Scope): Value {
  let callee: Value;
  let thisValue: Value | undefined;
  const target = skipOuter(node.expression);
  if (ts.isPropertyAccessExpression(target)) {
    thisValue = ev.evalExpr(target.expression, scope);
    if (target.questionDotToken && (thisValue.kind === 'undefined' || thisValue.kind === 'null')) return UNDEFINED;
    callee = getMember(ev, thisValue, target.name.text, target);
  } else if (ts.isElementAccessExpression(target)) {
    thisValue = ev.evalExpr(target.expression, scope);
    callee = elementOf(ev, thisValue, ev.evalExpr(target.argumentExpression, scope), target);
  } else {
    callee = ev.evalExpr(target, scope);
  }
  const expected = thrownBy(node);
  // `expectAsync(run(bad)).toBeRejected()`: the argument itself is the call the code expects to fail.
  const { values, complete } = expected && !ts.isFunctionLike(skipOuter(expected))
    ? expectingThrow(ev, () => evaluateArguments(ev, node.arguments, scope), { values: [UNKNOWN], complete: false })
    : evaluateArguments(ev, node.arguments, scope);
  if (callee.kind === 'function' && callee.node.body) return complete ? ev.callFunction(callee, values, thisValue, node) : UNKNOWN;
  if (callee.kind === 'native') return callNative(ev, callee, values, complete, thisValue, node);
  const fn = values[0];
  if (fn?.kind === 'function' && expected === node.arguments[0]) expectingThrow(ev, () => ev.callFunction(fn, []), UNKNOWN);
  // A declared function without a body is unseen code too. tfjs functions and tensor methods the analysis does not model still leave the caller's values alone.
  const tfjsReceiver = thisValue && (thisValue.kind === 'native' || thisValue.kind === 'tensor' || thisValue.kind === 'layer' || thisValue.kind === 'dataset');
  // A model's other methods (`execute`, `getWeights`, `setWeights`, `resetStates`) leave its layers as they are; only
  // `pop` removes one. Breaking the model there would also blank every earlier hover of it, read at the end.
  const modelMethodKeepsLayers = thisValue?.kind === 'model' && ts.isPropertyAccessExpression(target) && target.name.text !== 'pop';
  if (!tfjsReceiver && !modelMethodKeepsLayers) escapeToUnknownCode([...values, ...(thisValue ? [thisValue] : [])]);
  return tfjsReceiver ? UNKNOWN : unseenCallResult(target, callee, thisValue);
}

/**
 * Runs code the program asserts will throw: `expect(f).toThrowError()` calls `f` right there, with the variables it
 * closes over as they are now, and so does the analysis, reporting nothing inside (the exception is what the code
 * asserts). Left to the generic pass, `f` would see those variables at their final values (a `let` reassigned for the
 * next case) and record the wrong shapes. When the code throws as expected, `otherwise` stands for its result.
 */
function expectingThrow<T>(ev: Evaluator, run: () => T, otherwise: T): T {
  const silent = ev.silent;
  ev.silent = true;
  ev.uncertainDepth++;
  try {
    return run();
  } catch (e) {
    if (!(e instanceof StatementAborted)) throw e;
    return otherwise;
  } finally {
    ev.silent = silent;
    ev.uncertainDepth--;
  }
}

/**
 * Values handed to code the analysis cannot see (an imported helper) may be changed there: models
 * stop being checked, arrays and objects forget what they hold.
 */
function escapeToUnknownCode(values: Value[], depth = 0): void {
  for (const v of values) {
    if (v.kind === 'model') v.model.broken = true;
    else if ((v.kind === 'array' || v.kind === 'object') && depth < 3) {
      // Models inside (`helper({model})`) escape too; then what the container holds is forgotten.
      escapeToUnknownCode(v.kind === 'array' ? v.items ?? [v.element] : [...v.props.values()], depth + 1);
      widen(v);
    }
  }
}

function skipOuter(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e) || ts.isAsExpression(e)) e = e.expression;
  return e;
}

export function callNative(
  ev: Evaluator,
  callee: Extract<Value, { kind: 'native' }>,
  args: Value[],
  argsComplete: boolean,
  thisValue: Value | undefined,
  node: ts.CallExpression | ts.NewExpression,
): Value {
  const call: NativeCall = {
    args,
    argsComplete,
    node,
    invoke: (fn, fnArgs) => callValue(ev, fn, fnArgs, undefined),
  };
  if (thisValue) call.thisValue = thisValue;
  try {
    return withInheritedReason(callee.call(call), thisValue, args, callee.name);
  } catch (e) {
    if (e instanceof ShapeError) {
      ev.reportShapeError(e, node);
      // tfjs throws here: the rest of the statement (and of the enclosing block) does not run.
      throw new StatementAborted();
    }
    throw e;
  }
}

/** Calls any callable value from the analysis itself (callbacks of array methods, tf.tidy, dataset.map). */
export function callValue(ev: Evaluator, fn: Value, args: Value[], thisValue: Value | undefined, node?: ts.CallExpression): Value {
  if (fn.kind === 'function') return ev.callFunction(fn, args, thisValue);
  if (fn.kind === 'native' && node) return callNative(ev, fn, args, true, thisValue, node);
  return UNKNOWN;
}

function evaluateNew(ev: Evaluator, node: ts.NewExpression, scope: Scope): Value {
  const callee = ev.evalExpr(node.expression, scope);
  const { values, complete } = evaluateArguments(ev, node.arguments, scope);
  if (callee.kind === 'native') return callNative(ev, callee, values, complete, undefined, node);
  escapeToUnknownCode(values);
  return { kind: 'object', props: new Map(), open: true };
}

function evaluateBinary(ev: Evaluator, node: ts.BinaryExpression, scope: Scope): Value {
  const op = node.operatorToken.kind;
  if (op === ts.SyntaxKind.EqualsToken) {
    const v = ev.evalExpr(node.right, scope);
    assignPattern(ev, node.left, v, scope);
    return v;
  }
  if (op >= ts.SyntaxKind.FirstCompoundAssignment && op <= ts.SyntaxKind.LastCompoundAssignment) {
    const current = ev.evalExpr(node.left, scope);
    let v: Value;
    if (op === ts.SyntaxKind.QuestionQuestionEqualsToken) v = current.kind === 'undefined' || current.kind === 'null' ? ev.evalExpr(node.right, scope) : current;
    else if (op === ts.SyntaxKind.BarBarEqualsToken || op === ts.SyntaxKind.AmpersandAmpersandEqualsToken) v = logical(ev, op === ts.SyntaxKind.BarBarEqualsToken ? ts.SyntaxKind.BarBarToken : ts.SyntaxKind.AmpersandAmpersandToken, current, node.right, scope);
    else v = arithmetic(compoundToBinary(op), current, ev.evalExpr(node.right, scope));
    assignPattern(ev, node.left, v, scope);
    return v;
  }
  if (op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken) {
    return logical(ev, op, ev.evalExpr(node.left, scope), node.right, scope);
  }
  const left = ev.evalExpr(node.left, scope);
  const right = ev.evalExpr(node.right, scope);
  if (op === ts.SyntaxKind.CommaToken) return right;
  return arithmetic(op, left, right);
}

function logical(ev: Evaluator, op: ts.SyntaxKind, left: Value, rightNode: ts.Expression, scope: Scope): Value {
  if (op === ts.SyntaxKind.QuestionQuestionToken) {
    if (left.kind === 'undefined' || left.kind === 'null') return ev.evalExpr(rightNode, scope);
    if (left.kind !== 'unknown') return left;
  } else {
    const t = truthiness(left);
    if (t !== undefined) {
      const takeLeft = op === ts.SyntaxKind.BarBarToken ? t : !t;
      return takeLeft ? left : ev.evalExpr(rightNode, scope);
    }
  }
  ev.uncertainDepth++;
  try {
    return joinValues(left, ev.evalExpr(rightNode, scope));
  } finally {
    ev.uncertainDepth--;
  }
}

function evaluateUnary(ev: Evaluator, node: ts.PrefixUnaryExpression | ts.PostfixUnaryExpression, scope: Scope): Value {
  const K = ts.SyntaxKind;
  const operand = ev.evalExpr(node.operand, scope);
  if (node.operator === K.PlusPlusToken || node.operator === K.MinusMinusToken) {
    const n = numberOf(operand);
    const next = num(n === undefined ? undefined : node.operator === K.PlusPlusToken ? n + 1 : n - 1);
    assignPattern(ev, node.operand, next, scope);
    return ts.isPrefixUnaryExpression(node) ? next : num(n);
  }
  switch (node.operator) {
    case K.ExclamationToken: {
      const t = truthiness(operand);
      return bool(t === undefined ? undefined : !t);
    }
    case K.MinusToken: {
      const n = numberOf(operand);
      return num(n === undefined ? undefined : -n);
    }
    case K.PlusToken:
      return operand.kind === 'number' ? operand : operand.kind === 'string' && operand.value !== undefined ? num(Number(operand.value)) : num();
    case K.TildeToken: {
      const n = numberOf(operand);
      return num(n === undefined ? undefined : ~n);
    }
    default:
      return UNKNOWN;
  }
}

/** Declares the names of a binding pattern (`const {xs, ys} = ...`, `const [a, b] = ...`). */
export function bindName(ev: Evaluator, name: ts.BindingName, value: Value, scope: Scope): void {
  if (ts.isIdentifier(name)) {
    scope.declare(name.text, value);
    ev.recorder.record(name, value, ev.generic);
    if (value.kind === 'model' && !value.model.variableName) value.model.variableName = name.text;
    return;
  }
  if (ts.isObjectBindingPattern(name)) {
    const used: string[] = [];
    for (const el of name.elements) {
      if (el.dotDotDotToken) {
        const rest = new Map<string, Value>();
        if (value.kind === 'object') for (const [k, v] of value.props) if (!used.includes(k)) rest.set(k, v);
        bindName(ev, el.name, { kind: 'object', props: rest, open: value.kind !== 'object' || value.open }, scope);
        continue;
      }
      const keyNode = el.propertyName ?? (ts.isIdentifier(el.name) ? el.name : undefined);
      const key = keyNode ? propertyKey(ev, keyNode, scope) : undefined;
      let v = key === undefined ? UNKNOWN : getMember(ev, value, key, el);
      if (key !== undefined) used.push(key);
      if (v.kind === 'undefined' && el.initializer) v = ev.evalExpr(el.initializer, scope);
      bindName(ev, el.name, v, scope);
    }
    return;
  }
  name.elements.forEach((el, i) => {
    if (ts.isOmittedExpression(el)) return;
    let v: Value;
    if (el.dotDotDotToken) v = value.kind === 'array' && value.items ? arrayOf(value.items.slice(i)) : arrayOfLength(null, value.kind === 'array' ? value.element : UNKNOWN);
    else v = getMember(ev, value, i, el);
    if (v.kind === 'undefined' && el.initializer) v = ev.evalExpr(el.initializer, scope);
    bindName(ev, el.name, v, scope);
  });
}

/** Assigns to an assignment target: a name, a property, an element, or a destructuring literal. */
export function assignPattern(ev: Evaluator, target: ts.Expression, value: Value, scope: Scope): void {
  target = skipOuter(target);
  if (ts.isIdentifier(target)) {
    scope.assign(target.text, value);
    ev.recorder.record(target, value, ev.generic);
    return;
  }
  if (ts.isPropertyAccessExpression(target)) {
    const obj = ev.evalExpr(target.expression, scope);
    if (obj.kind === 'object') setProperty(ev, obj, target.name.text, value);
    else if (target.name.text === 'trainable') assignTrainable(ev, obj, value);
    return;
  }
  if (ts.isElementAccessExpression(target)) {
    const obj = ev.evalExpr(target.expression, scope);
    const key = ev.evalExpr(target.argumentExpression, scope);
    if (obj.kind === 'array') setElement(ev, obj, key, value);
    else if (obj.kind === 'object') {
      const k = primitiveText(key);
      if (k !== undefined) setProperty(ev, obj, k, value);
      else obj.open = true;
    }
    return;
  }
  if (ts.isArrayLiteralExpression(target)) {
    target.elements.forEach((el, i) => {
      if (ts.isOmittedExpression(el)) return;
      assignPattern(ev, ts.isSpreadElement(el) ? el.expression : el, getMember(ev, value, i, el), scope);
    });
    return;
  }
  if (ts.isObjectLiteralExpression(target)) {
    for (const p of target.properties) {
      if (ts.isShorthandPropertyAssignment(p)) assignPattern(ev, p.name, getMember(ev, value, p.name.text, p), scope);
      else if (ts.isPropertyAssignment(p)) {
        const key = propertyKey(ev, p.name, scope);
        assignPattern(ev, p.initializer, key === undefined ? UNKNOWN : getMember(ev, value, key, p), scope);
      }
    }
  }
}

function setProperty(ev: Evaluator, obj: Extract<Value, { kind: 'object' }>, key: string, value: Value): void {
  const old = obj.props.get(key);
  obj.props.set(key, ev.uncertain && old ? joinValues(old, value) : ev.uncertain ? UNKNOWN : value);
}

function setElement(ev: Evaluator, arr: ArrayValue, key: Value, value: Value): void {
  const index = numberOf(key);
  if (arr.items && index !== undefined && Number.isInteger(index) && index >= 0 && !ev.uncertain) {
    if (index < arr.items.length) arr.items[index] = value;
    else if (index === arr.items.length && !arr.typed) arr.items.push(value);
    else if (!arr.typed) {
      delete arr.items;
      arr.length = null;
    }
  } else if (!arr.typed) {
    delete arr.items;
    arr.length = ev.uncertain || index === undefined ? null : arr.length;
  } else if (arr.items) delete arr.items;
  if (arr.items) arr.length = arr.items.length;
  arr.element = joinValues(arr.element, value);
}
