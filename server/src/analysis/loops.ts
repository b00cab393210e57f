// The evaluate phase, loops: `for`, `while`/`do` and `for…of`/`for…in`. A loop with known bounds runs its
// iterations (up to LOOP_ITERATION_CAP); one whose condition or exit is unknown is widened: what it assigns becomes
// unknown and its body runs once as maybe-executed. Statements and calls stay in evaluator.ts.

import * as ts from 'typescript';
import { assignedNames } from './assignedNames';
import type { Completion, Evaluator } from './evaluator';
import { assignPattern, bindName } from './expressions';
import { Scope } from './scope';
import { type Value, UNKNOWN, iterableOf, truthiness, widen } from './values';

const NORMAL: Completion = { type: 'normal' };
const LOOP_ITERATION_CAP = 3000;

export function execFor(ev: Evaluator, node: ts.ForStatement, scope: Scope): Completion {
  const loopScope = new Scope(scope);
  if (node.initializer) {
    if (ts.isVariableDeclarationList(node.initializer)) ev.execVariableList(node.initializer, loopScope);
    else ev.evalExpr(node.initializer, loopScope);
  }
  for (let i = 0; ; i++) {
    if (node.condition) {
      const cond = truthiness(ev.evalExpr(node.condition, loopScope));
      if (cond === false) return NORMAL;
      if (cond === undefined || i >= LOOP_ITERATION_CAP) return widenLoop(ev, node, loopScope, () => undefined);
    } else if (i >= LOOP_ITERATION_CAP) return widenLoop(ev, node, loopScope, () => undefined);
    const outcome = runIteration(ev, node.statement, loopScope);
    if (outcome === 'break') return NORMAL;
    if (outcome === 'widen') return widenLoop(ev, node, loopScope, () => undefined);
    if (typeof outcome === 'object') return outcome;
    if (node.incrementor) ev.evalExpr(node.incrementor, loopScope);
  }
}

export function execWhile(ev: Evaluator, node: ts.WhileStatement | ts.DoStatement, scope: Scope): Completion {
  for (let i = 0; ; i++) {
    if (ts.isWhileStatement(node) || i > 0) {
      const cond = truthiness(ev.evalExpr(node.expression, scope));
      if (cond === false) return NORMAL;
      if (cond === undefined || i >= LOOP_ITERATION_CAP) return widenLoop(ev, node, scope, () => undefined);
    }
    const outcome = runIteration(ev, node.statement, scope);
    if (outcome === 'break') return NORMAL;
    if (outcome === 'widen') return widenLoop(ev, node, scope, () => undefined);
    if (typeof outcome === 'object') return outcome;
  }
}

export function execForOf(ev: Evaluator, node: ts.ForOfStatement | ts.ForInStatement, scope: Scope): Completion {
  const iterable = iterableOf(ev.evalExpr(node.expression, scope));
  let items: Value[] | undefined;
  let summary: Value = UNKNOWN;
  if (ts.isForInStatement(node)) {
    if (iterable.kind === 'object' && !iterable.open) items = [...iterable.props.keys()].map((k) => ({ kind: 'string', value: k }));
    else if (iterable.kind === 'array' && iterable.items) items = iterable.items.map((_, i) => ({ kind: 'string', value: String(i) }));
  } else if (iterable.kind === 'array') {
    items = iterable.items;
    summary = iterable.element;
  } else if (iterable.kind === 'dataset') {
    // `for await (const batch of dataset)` sees elements of the pipeline's shape.
    summary = iterable.dataset.element;
  } else if (iterable.kind === 'string' && iterable.value !== undefined) {
    items = [...iterable.value].map((ch) => ({ kind: 'string', value: ch }));
  }
  const bindLoopVariable = (loopScope: Scope, value: Value) => {
    const init = node.initializer;
    if (ts.isVariableDeclarationList(init)) {
      for (const d of init.declarations) bindName(ev, d.name, value, loopScope);
    } else assignPattern(ev, init, value, loopScope);
  };
  if (!items || items.length > LOOP_ITERATION_CAP) {
    return widenLoop(ev, node, scope, (s) => bindLoopVariable(s, summary));
  }
  for (const item of items) {
    const loopScope = new Scope(scope);
    bindLoopVariable(loopScope, item);
    const outcome = runIteration(ev, node.statement, loopScope);
    if (outcome === 'break') return NORMAL;
    if (outcome === 'widen') return widenLoop(ev, node, scope, (s) => bindLoopVariable(s, summary));
    if (typeof outcome === 'object') return outcome;
  }
  return NORMAL;
}

/** Runs one loop iteration: 'next', 'break', 'widen' (exit became uncertain), or an abrupt completion. */
function runIteration(ev: Evaluator, body: ts.Statement, scope: Scope): 'next' | 'break' | 'widen' | Completion {
  const saved = ev.loopExitUncertain;
  ev.loopExitUncertain = false;
  const c = ev.execStatement(body, new Scope(scope));
  const exitUncertain = ev.loopExitUncertain;
  ev.loopExitUncertain = saved;
  if (c.type === 'break' && !c.label) return 'break';
  if (c.type === 'return' || c.type === 'throw' || c.type === 'break') return c;
  if (exitUncertain) return 'widen';
  return 'next';
}

/** Gives up following a loop exactly: what it assigns becomes unknown, and the body runs once as maybe-executed. */
function widenLoop(ev: Evaluator, loop: ts.Node, scope: Scope, bind: (s: Scope) => void): Completion {
  const assigned = assignedNames(loop);
  const havoc = () => {
    for (const name of assigned) scope.update(name, widen);
  };
  havoc();
  ev.uncertainDepth++;
  try {
    const bodyScope = new Scope(scope);
    bind(bodyScope);
    const body = (loop as ts.IterationStatement).statement;
    if (ts.isForStatement(loop) && loop.incrementor) {
      ev.execStatement(body, bodyScope);
      ev.evalExpr(loop.incrementor, bodyScope);
    } else ev.execStatement(body, bodyScope);
  } finally {
    ev.uncertainDepth--;
  }
  havoc();
  return NORMAL;
}

