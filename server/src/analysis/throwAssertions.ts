// Recognises the assertions of test frameworks (jasmine, jest, chai, node:assert) that pass only when the function
// they are given throws: `expect(() => tf.concat([a, b])).toThrowError()`, `assert.throws(f)`, and the older form
// `try { … } catch (e) { expect(e.message).toBe('…') }`. Code written that way means the exception; the evaluator
// calls such a function where the assertion calls it (or runs such a try block) and reports nothing inside.
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

/** An assertion call: jasmine/jest/chai `expect(…)…`, node:assert's `assert(…)`/`assert.equal(…)`, `assertEquals(…)`. */
function isAssertionCall(call: ts.CallExpression): boolean {
  let callee: ts.Expression = call.expression;
  while (ts.isPropertyAccessExpression(callee) || ts.isCallExpression(callee)) callee = callee.expression;
  return ts.isIdentifier(callee) && /^(expect(Async)?|assert\w*)$/.test(callee.text);
}

function mentionsAny(node: ts.Node, names: ReadonlySet<string>): boolean {
  if (ts.isIdentifier(node) && names.has(node.text)) return true;
  return ts.forEachChild(node, (child) => mentionsAny(child, names) || undefined) ?? false;
}

function containsAssertionOn(node: ts.Node, names: ReadonlySet<string>): boolean {
  if (ts.isCallExpression(node) && isAssertionCall(node) && node.arguments.some((a) => mentionsAny(a, names))) return true;
  return ts.forEachChild(node, (child) => containsAssertionOn(child, names) || undefined) ?? false;
}

/**
 * True for a try statement that tests that its block throws: its catch clause asserts on the caught error, directly
 * (`catch (ex) { expect(ex.message).toBe('…') }`) or through a variable it copies the error into and an assertion
 * after the try statement reads (`catch (e) { message = e.message } expect(message).toBe('…')`). An ordinary
 * handler (`catch (e) { console.error(e) }`) is not one: a shape bug there is still a bug.
 */
export function tryExpectsThrow(node: ts.TryStatement): boolean {
  const clause = node.catchClause;
  const declared = clause?.variableDeclaration?.name;
  if (!clause || !declared || !ts.isIdentifier(declared)) return false;
  const errorNames = new Set([declared.text]);
  if (containsAssertionOn(clause.block, errorNames)) return true;
  const copies = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(n.left) && mentionsAny(n.right, errorNames)) {
      copies.add(n.left.text);
    }
    ts.forEachChild(n, visit);
  };
  visit(clause.block);
  if (copies.size === 0) return false;
  const block = node.parent;
  if (!ts.isBlock(block) && !ts.isSourceFile(block)) return false;
  const after = block.statements.slice(block.statements.indexOf(node as ts.Statement) + 1);
  return after.some((statement) => containsAssertionOn(statement, copies));
}
