// Which names a piece of code may assign or mutate, read from its syntax alone: a loop the evaluator cannot follow
// (or a switch on an unknown value) forgets exactly those. It evaluates nothing.

import * as ts from 'typescript';

const MUTATING_METHODS = new Set(['push', 'pop', 'shift', 'unshift', 'splice', 'set', 'add', 'fill', 'sort', 'reverse', 'delete', 'clear']);

/** Names a piece of code may assign or mutate, so that a widened loop can forget them. */
export function assignedNames(node: ts.Node): Set<string> {
  const names = new Set<string>();
  const baseName = (e: ts.Expression): string | undefined => {
    while (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e) || ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e)) e = e.expression;
    return ts.isIdentifier(e) ? e.text : undefined;
  };
  const addPattern = (e: ts.Node) => {
    if (ts.isIdentifier(e)) names.add(e.text);
    else if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
      const b = baseName(e);
      if (b) names.add(b);
    } else ts.forEachChild(e, addPattern);
  };
  const visit = (n: ts.Node) => {
    if (ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment) {
      addPattern(n.left);
    } else if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken)) {
      addPattern(n.operand);
    } else if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && MUTATING_METHODS.has(n.expression.name.text)) {
      const b = baseName(n.expression.expression);
      if (b) names.add(b);
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return names;
}
