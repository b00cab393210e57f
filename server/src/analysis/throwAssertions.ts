// Recognises the assertions of test frameworks (jasmine, jest, chai, node:assert) that pass only when the function
// they are given throws: `expect(() => tf.concat([a, b])).toThrowError()`, `assert.throws(f)`. Code written that way
// means the exception; the evaluator calls such a function where the assertion calls it and reports nothing inside.
// It is pure syntax: it evaluates nothing.

import * as ts from 'typescript';

/** The assertions of jasmine, jest, chai and node:assert that pass only when the function they are given throws. */
const THROW_MATCHERS = /^(toThrow\w*|toBeRejected\w*|rejects|throws|throw)$/;

/** The function (or the name holding it) an assertion call expects to throw, or undefined when it is no such call. */
export function thrownBy(call: ts.CallExpression): ts.Expression | undefined {
  const subject = call.arguments[0];
  if (!subject) return undefined;
  const callee = call.expression;
  // assert.throws(fn), assert.rejects(fn)
  if (ts.isPropertyAccessExpression(callee)) return /^(throws|rejects)$/.test(callee.name.text) ? subject : undefined;
  // expect(fn).toThrowError(), expectAsync(promise).toBeRejected(); `expect(fn).not.toThrow()` is not one.
  if (!ts.isIdentifier(callee) || !/^expect(Async)?$/.test(callee.text)) return undefined;
  const matcher = call.parent;
  const expects = !!matcher && ts.isPropertyAccessExpression(matcher) && matcher.expression === call && THROW_MATCHERS.test(matcher.name.text);
  return expects ? subject : undefined;
}

/** Per function body (or file), the names that an assertion in it expects to throw: `const f = () => …; expect(f).toThrow()`. */
const namesExpectedToThrow = new WeakMap<ts.Node, Set<string>>();

function expectedToThrowIn(container: ts.Node): Set<string> {
  let names = namesExpectedToThrow.get(container);
  if (names) return names;
  const found = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n)) {
      const subject = thrownBy(n);
      if (subject && ts.isIdentifier(subject)) found.add(subject.text);
    }
    ts.forEachChild(n, visit);
  };
  visit(container);
  names = found;
  namesExpectedToThrow.set(container, names);
  return names;
}

/**
 * True for a function that the code asserts throws: written as the assertion's argument
 * (`expect(() => …).toThrowError()`, `assert.throws(() => …)`), or bound to a name that such an
 * assertion in the same body receives (`const f = () => …; expect(f).toThrowError();`).
 */
export function isExpectedToThrow(node: ts.Node): boolean {
  const parent = node.parent;
  if (parent && ts.isCallExpression(parent) && thrownBy(parent) === node) return true;
  let name: string | undefined;
  if (parent && ts.isVariableDeclaration(parent) && parent.initializer === node && ts.isIdentifier(parent.name)) name = parent.name.text;
  if (parent && ts.isBinaryExpression(parent) && parent.right === node && ts.isIdentifier(parent.left)) name = parent.left.text;
  if (name === undefined) return false;
  let container: ts.Node | undefined = parent;
  while (container && !ts.isFunctionLike(container) && !ts.isSourceFile(container)) container = container.parent;
  return !!container && expectedToThrowIn(container).has(name);
}
