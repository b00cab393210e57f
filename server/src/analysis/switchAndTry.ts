// The evaluate phase, `switch` and `try`: a switch whose subject and cases are known runs the matching clauses (an
// unknown match widens what the switch assigns); a try block runs, and an exception it ends with does not end the
// statement after it. Statements and calls stay in evaluator.ts, loops in loops.ts.

import * as ts from 'typescript';
import { assignedNames } from './assignedNames';
import type { Completion, Evaluator } from './evaluator';
import { Scope } from './scope';
import { tryExpectsThrow } from './throwAssertions';
import { strictEquals, widen } from './values';

const NORMAL: Completion = { type: 'normal' };

export function execTry(ev: Evaluator, node: ts.TryStatement, scope: Scope): Completion {
  // A try block the code asserts throws (its catch checks the error's message) means the exception: run it, report nothing.
  const silent = ev.silent;
  if (tryExpectsThrow(node)) ev.silent = true;
  let c: Completion;
  try {
    c = ev.execBlock(node.tryBlock.statements, new Scope(scope));
  } finally {
    ev.silent = silent;
  }
  if (node.finallyBlock) {
    const f = ev.execBlock(node.finallyBlock.statements, new Scope(scope));
    if (f.type !== 'normal') return f;
  }
  return c.type === 'throw' ? NORMAL : c;
}

export function execSwitch(ev: Evaluator, node: ts.SwitchStatement, scope: Scope): Completion {
  const subject = ev.evalExpr(node.expression, scope);
  const inner = new Scope(scope);
  let matched = -1;
  const clauses = node.caseBlock.clauses;
  for (let i = 0; i < clauses.length && matched < 0; i++) {
    const clause = clauses[i];
    if (ts.isDefaultClause(clause)) continue;
    const v = ev.evalExpr(clause.expression, inner);
    const same = strictEquals(subject, v);
    if (same === undefined) return widenStatement(node, scope);
    if (same) matched = i;
  }
  if (matched < 0) matched = clauses.findIndex((c) => ts.isDefaultClause(c));
  if (matched < 0) return NORMAL;
  for (let i = matched; i < clauses.length; i++) {
    const c = ev.execBlock(clauses[i].statements, inner);
    if (c.type === 'break' && !c.label) return NORMAL;
    if (c.type !== 'normal') return c;
  }
  return NORMAL;
}

function widenStatement(node: ts.Node, scope: Scope): Completion {
  for (const name of assignedNames(node)) scope.update(name, widen);
  return NORMAL;
}
