// The evaluate phase's last pass: every function once more over symbolic parameters (a `number` parameter is a
// named size, an `@shape` parameter a tensor of that shape), so that hovers inside a function show named sizes and
// functions no call reached still get their checks. For a function a call already checked with real arguments the
// pass is silent.

import * as ts from 'typescript';
import { BudgetExceeded, GENERATOR_YIELDS_FOLLOWED, type Evaluator } from './evaluator';
import { callValue } from './expressions';
import { annotationShapeOf } from './annotations';
import { isExpectedToThrow } from './throwAssertions';
import { type FunctionValue, type Value, UNKNOWN, num, tensor } from './values';

/**
 * Evaluates every function once more over symbolic parameters (a `number` parameter is a named
 * size, an `@shape` parameter a tensor of that shape), so that hovers inside show named sizes.
 * Functions that no call reached get their checks from this pass; for the others it is silent,
 * since their calls already checked them with the real arguments.
 */
export function evaluateFunctionsGenerically(ev: Evaluator): void {
  // A worklist, not one pass over a snapshot: a callback written inside another function (a test's `it`
  // inside its `describe`, a handler inside a setup function) only becomes a value while its enclosing
  // function runs, and it must be checked too.
  const done = new Set<ts.FunctionLikeDeclaration>();
  for (let progressed = true; progressed; ) {
    progressed = false;
    for (const [node, fn] of [...ev.functionValues]) {
      if (done.has(node)) continue;
      done.add(node);
      progressed = true;
      evaluateGenerically(ev, node, fn);
    }
  }
}

function evaluateGenerically(ev: Evaluator, node: ts.FunctionLikeDeclaration, fn: FunctionValue): void {
  // A closure that its enclosing function's generic evaluation already ran saw that function's named sizes;
  // running it again over the closure a real call left behind would join those names with that call's numbers.
  if (ev.calledGenerically.has(node) && isNestedFunction(node)) return;
  const args = node.parameters.map((p) => symbolicParameter(p));
  ev.generic = true;
  // A function the code itself expects to throw (`expect(() => …).toThrow()`) is checked for shapes, not errors.
  ev.silent = ev.calledFunctions.has(node) || isExpectedToThrow(node);
  ev.uncertainDepth++;
  try {
    // Hovers need a generator's first yields, not the end of a `while (true)` that a dataset reads lazily.
    ev.withYieldLimit(GENERATOR_YIELDS_FOLLOWED, () => callValue(ev, fn, args, undefined));
  } catch (e) {
    if (e instanceof BudgetExceeded) throw e;
  } finally {
    ev.generic = false;
    ev.silent = false;
    ev.uncertainDepth--;
  }
}

function isNestedFunction(node: ts.Node): boolean {
  for (let p = node.parent; p && !ts.isSourceFile(p); p = p.parent) if (ts.isFunctionLike(p)) return true;
  return false;
}

function symbolicParameter(p: ts.ParameterDeclaration): Value {
  const annotated = annotationShapeOf(p);
  if (annotated !== undefined) return tensor(annotated, p, undefined, false);
  if (p.type && p.type.kind === ts.SyntaxKind.NumberKeyword && ts.isIdentifier(p.name)) {
    return { kind: 'number', symbol: p.name.text };
  }
  const typeText = p.type ? p.type.getText() : '';
  if (/Tensor/.test(typeText)) {
    const t = tensor(null, p);
    const name = ts.isIdentifier(p.name) ? `\`${p.name.text}\`` : 'this parameter';
    t.unknownReason = `it depends on the parameter ${name}, which has no \`@shape\` annotation, and no call the analysis saw gives its shape`;
    return t;
  }
  if (p.initializer && ts.isNumericLiteral(p.initializer)) return num(Number(p.initializer.text));
  return UNKNOWN;
}

