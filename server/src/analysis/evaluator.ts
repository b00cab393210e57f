// The evaluate phase, statements half: runs the program's statements over abstract values in order,
// the cells of a notebook file being one program. Known control flow is followed exactly (loops with
// known bounds run their iterations, calls run the callee's body with the arguments bound); unknown
// conditions run both branches from the same state and join them; loops that cannot be followed are
// widened (the variables they assign become unknown). Every statement is guarded so that no user
// program can crash the analysis, and a step budget bounds the time spent on one file.
// Expressions live in expressions.ts; tfjs semantics live in the tf*/tensor*/layers/models modules.

import * as ts from 'typescript';
import type { AnalysisHost } from './api';
import { DiagnosticSink } from './diagnostics';
import { Scope } from './scope';
import { type Dim, ShapeError } from './shapes';
import { evaluateFunctionsGenerically } from './genericPass';
import { ShapeRecorder } from './shapeRecorder';
import { evaluateExpression, bindName } from './expressions';
import { applyVariableAnnotation, checkAgainstAnnotation, returnAnnotationOf } from './annotations';
import { createGlobals } from './jsBuiltins';
import { isStackOverflow } from './inputLimits';
import { nodeRange } from './diagnostics';
import { createClass } from './classes';
import { bindImports } from './tfImports';
import { execFor, execForOf, execWhile } from './loops';
import { execSwitch, execTry } from './switchAndTry';
import {
  type FunctionValue,
  type ModelState,
  type TensorValue,
  type Value,
  UNDEFINED,
  UNKNOWN,
  arrayOf,
  arrayOfLength,
  joinAll,
  truthiness,
} from './values';

export type Completion =
  | { type: 'normal' }
  | { type: 'return'; value: Value }
  | { type: 'throw' }
  | { type: 'break'; label?: string }
  | { type: 'continue'; label?: string };

const NORMAL: Completion = { type: 'normal' };
const CALL_DEPTH_CAP = 40;
/** Work and time allowed per file: a base for small files plus a share per line for long ones. */
const STEP_BUDGET = 4_000_000;
const STEPS_PER_LINE = 400;
const TIME_BUDGET_MS = 800;
const TIME_PER_LINE_MS = 0.1;
/** However long the file, evaluation stops after this long (a 3 MB file would otherwise get 7 s). */
const MAX_TIME_BUDGET_MS = 4000;
/**
 * Expressions nested deeper than this (counting through calls) are not evaluated: the statement holding
 * one is reported as not analysed. It is well below where the JavaScript stack would run out (about 1,500).
 */
export const MAX_EXPRESSION_DEPTH = 500;

export class BudgetExceeded extends Error {}

/** Thrown when expressions nest past MAX_EXPRESSION_DEPTH; the statement holding them is skipped. */
class NestingTooDeep extends Error {}

/** Thrown after a certain error was reported: like the tfjs exception, it ends the statement. */
export class StatementAborted extends Error {}

/** How many yields of a generator the analysis follows where the generator may be endless (see `withYieldLimit`). */
export const GENERATOR_YIELDS_FOLLOWED = 16;

/** Thrown at a generator's last followed yield (see `withYieldLimit`): the generator's call ends there. */
class GeneratorSuspended extends Error {}

export interface EvaluatorOptions {
  sourceFile: ts.SourceFile;
  fileName: string;
  host?: AnalysisHost;
}

/**
 * The state that carries from one top-level statement to the next (besides the diagnostics and recorded shapes):
 * what a cell-boundary snapshot copies (incrementalAnalysis.ts). Between top-level statements, every stack of
 * the evaluator is empty.
 */
export interface ProgramState {
  moduleScope: Scope;
  models: ModelState[];
  functionValues: Map<ts.FunctionLikeDeclaration, FunctionValue>;
  /** How many of the first `functionValues` are the file's top-level functions, hoisted at the start. */
  hoistedCount: number;
  calledFunctions: Set<ts.FunctionLikeDeclaration>;
  layerCounters: Map<string, number>;
  dims: Map<string, Dim>;
  variables: Map<string, TensorValue>;
  liveSources: ShapeRecorder['sources'];
}

/** The counters a snapshot keeps besides the state objects. */
export interface ProgramProgress {
  steps: number;
  elapsedMs: number;
  /** The largest offset of a top-level function read before its declaration's statement ran (-1 for none). */
  forwardReadPos: number;
}

export class Evaluator {
  sink!: DiagnosticSink;
  recorder!: ShapeRecorder;
  sourceFile!: ts.SourceFile;
  readonly fileName: string;
  host: AnalysisHost | undefined;
  /** Greater than zero while running code that may or may not execute (unknown branches, widened loops). */
  uncertainDepth = 0;
  /** True while a function body is evaluated over symbolic parameters rather than at a call. */
  generic = false;
  /** True while a generic evaluation only collects shapes for hovers (the function was called). */
  silent = false;
  /** Models created so far, for the summaries. */
  models: ModelState[] = [];
  /** `tf.variable`s created so far, by name, for `variableGrads`. */
  variables = new Map<string, TensorValue>();
  /** The globals (JavaScript builtins); made once, they never change, so later runs of the same evaluator share them. */
  readonly globals: Scope;
  moduleScope!: Scope;
  /** Called before each top-level statement runs, with its index; incremental analysis takes snapshots there. */
  beforeTopLevel: ((index: number) => void) | undefined;
  private steps = 0;
  private started = Date.now();
  private deadline = 0;
  private stepBudget = 0;
  private expressionDepth = 0;
  /** The statement being executed, so that a stop for budget can say where it happened. */
  private currentStatement: ts.Statement | undefined;
  /** Where the top-level statement being run ends; past the last statement, the whole file. */
  private topLevelEnd = 0;
  private forwardReadPos = -1;
  private nextTopLevel = 0;
  private budgetSpent = false;
  private callDepth = 0;
  private readonly returnStack: Value[][] = [];
  private readonly yieldStack: Array<{ values: Value[]; complete: boolean; limit?: number }> = [];
  private nextYieldLimit: number | undefined;
  /** Set when a loop body's exit depended on an unknown condition (loops.ts widens the loop then). */
  loopExitUncertain = false;
  functionValues = new Map<ts.FunctionLikeDeclaration, FunctionValue>();
  private hoistedCount = 0;
  calledFunctions = new Set<ts.FunctionLikeDeclaration>();
  /** Functions a generic evaluation called (a `tf.tidy` callback inside a function evaluated generically). */
  readonly calledGenerically = new Set<ts.FunctionLikeDeclaration>();
  layerCounters = new Map<string, number>();
  /** Named dims of `@shape` annotations, one frame per function call (they unify within a call). */
  private dimFrames: Array<Map<string, Dim>> = [new Map()];

  constructor(options: EvaluatorOptions) {
    this.fileName = options.fileName;
    this.globals = createGlobals(this);
    this.beginRun(options.sourceFile, options.host);
  }

  /** Starts a fresh run over `sourceFile` (the same file's next version, for incremental analysis). */
  beginRun(sourceFile: ts.SourceFile, host: AnalysisHost | undefined, progress?: ProgramProgress): void {
    this.sourceFile = sourceFile;
    this.host = host;
    this.sink = new DiagnosticSink(sourceFile);
    this.recorder = new ShapeRecorder();
    this.models = [];
    this.variables = new Map();
    this.moduleScope = new Scope(this.globals);
    this.functionValues = new Map();
    this.calledFunctions = new Set();
    this.calledGenerically.clear();
    this.layerCounters = new Map();
    this.dimFrames = [new Map()];
    const lines = sourceFile.getLineStarts().length;
    this.started = Date.now() - (progress?.elapsedMs ?? 0);
    this.deadline = this.started + Math.min(MAX_TIME_BUDGET_MS, TIME_BUDGET_MS + lines * TIME_PER_LINE_MS);
    this.stepBudget = STEP_BUDGET + lines * STEPS_PER_LINE;
    this.steps = progress?.steps ?? 0;
    this.forwardReadPos = progress?.forwardReadPos ?? -1;
    this.topLevelEnd = 0;
    this.currentStatement = undefined;
  }

  /** The state between top-level statements (live objects: a snapshot copies them). */
  programState(): ProgramState {
    return {
      moduleScope: this.moduleScope,
      models: this.models,
      functionValues: this.functionValues,
      hoistedCount: this.hoistedCount,
      calledFunctions: this.calledFunctions,
      layerCounters: this.layerCounters,
      dims: this.dimFrames[0],
      variables: this.variables,
      liveSources: this.recorder.sources,
    };
  }

  /** Leaves time spent outside evaluation (taking snapshots) out of the file's time budget. */
  excludeTime(ms: number): void {
    this.started += ms;
    this.deadline += ms;
  }

  progress(): ProgramProgress {
    return { steps: this.steps, elapsedMs: Date.now() - this.started, forwardReadPos: this.forwardReadPos };
  }

  /** Takes over a copied state; the recorder and sink must have been resumed by the caller. */
  adoptState(state: ProgramState): void {
    this.moduleScope = state.moduleScope;
    this.models = state.models;
    this.functionValues = state.functionValues;
    this.hoistedCount = state.hoistedCount;
    this.calledFunctions = state.calledFunctions;
    this.layerCounters = state.layerCounters;
    this.dimFrames = [state.dims];
    this.variables = state.variables;
  }

  /**
   * Notes that a top-level function was read before its declaration's statement ran (hoisting): what ran so far
   * then depends on code further down, so no snapshot before that declaration may be reused.
   */
  noteFunctionRead(fn: FunctionValue): void {
    const node = fn.node;
    if (node.pos >= this.topLevelEnd && ts.isFunctionDeclaration(node) && node.parent && ts.isSourceFile(node.parent)) {
      this.forwardReadPos = Math.max(this.forwardReadPos, node.pos);
    }
  }

  dimBinding(name: string): Dim | undefined {
    return this.dimFrames[this.dimFrames.length - 1].get(name);
  }

  bindDim(name: string, dim: Dim): void {
    this.dimFrames[this.dimFrames.length - 1].set(name, dim);
  }

  get uncertain(): boolean {
    return this.uncertainDepth > 0;
  }

  /** Runs the whole program, then every function over symbolic parameters. */
  runProgram(): void {
    this.startProgram();
    this.continueProgram(Infinity);
    this.finishProgram();
  }

  /** Binds the imports and hoists the top-level functions; top-level statements then run from the first. */
  startProgram(): void {
    bindImports(this, this.sourceFile, this.moduleScope);
    this.hoistFunctions(this.sourceFile.statements, this.moduleScope);
    this.hoistedCount = this.functionValues.size;
    this.resumeProgramAt(0);
  }

  /** Top-level statements run from `index` on next, the state before it being in place. */
  resumeProgramAt(index: number): void {
    this.nextTopLevel = index;
    this.budgetSpent = false;
  }

  /**
   * Runs top-level statements until they have all run or the clock passes `until` (checked between statements, so
   * that a caller can run a long file in slices). True when none is left to run.
   */
  continueProgram(until: number): boolean {
    const statements = this.sourceFile.statements;
    try {
      for (; this.nextTopLevel < statements.length; this.nextTopLevel++) {
        if (Date.now() >= until) return false;
        this.beforeTopLevel?.(this.nextTopLevel);
        this.topLevelEnd = statements[this.nextTopLevel].end;
        this.execStatement(statements[this.nextTopLevel], this.moduleScope);
      }
    } catch (e) {
      if (!(e instanceof BudgetExceeded)) throw e;
      this.noteBudgetStop(e.message);
      this.budgetSpent = true;
    }
    return true;
  }

  /** After the top-level statements: every function once more over symbolic parameters (unless the budget ran out). */
  finishProgram(): void {
    if (this.budgetSpent) return;
    this.topLevelEnd = this.sourceFile.end + 1;
    try {
      evaluateFunctionsGenerically(this);
    } catch (e) {
      if (!(e instanceof BudgetExceeded)) throw e;
      this.noteBudgetStop(e.message);
    }
  }

  /** Says where the budget ran out: the user must see that the rest of the file was not checked. */
  private noteBudgetStop(why: string): void {
    const at = this.currentStatement ?? this.sourceFile.statements[0];
    const range = at ? nodeRange(this.sourceFile, at) : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    this.sink.notice(
      'analysis-stopped',
      `analysis stopped here: ${why}; what follows was not checked`,
      { start: range.start, end: range.start },
    );
  }

  /** Counts one unit of work; throws when the file's budget is spent. */
  tick(): void {
    this.steps++;
    if (this.steps > this.stepBudget) throw new BudgetExceeded(`the ${this.stepBudget.toLocaleString('en-US')}-step budget for a file of this length was spent`);
    if ((this.steps & 255) === 0 && Date.now() > this.deadline) {
      throw new BudgetExceeded(`the ${Math.round(this.deadline - this.started)} ms time budget for a file of this length was spent`);
    }
  }

  evalExpr(node: ts.Expression, scope: Scope): Value {
    this.tick();
    if (this.expressionDepth >= MAX_EXPRESSION_DEPTH) throw new NestingTooDeep();
    this.expressionDepth++;
    try {
      return evaluateExpression(this, node, scope);
    } finally {
      this.expressionDepth--;
    }
  }

  /** Reports a shape contradiction found by a tfjs rule at `node`. */
  reportShapeError(error: ShapeError, node: ts.Node): void {
    if (this.silent) return;
    const related = error.related
      .filter((r) => r.node && typeof r.node === 'object')
      .map((r) => ({ message: r.message, node: r.node as ts.Node }));
    this.sink.report(error.code, error.message, node, related, error.severity);
  }

  execStatement(node: ts.Statement, scope: Scope): Completion {
    this.tick();
    this.currentStatement = node;
    try {
      return this.execStatementUnguarded(node, scope);
    } catch (e) {
      if (e instanceof BudgetExceeded || e instanceof GeneratorSuspended) throw e;
      if (e instanceof StatementAborted) return { type: 'throw' };
      if (e instanceof NestingTooDeep || isStackOverflow(e)) {
        this.skipTooDeep(node, scope);
        return NORMAL;
      }
      if (e instanceof ShapeError) {
        this.reportShapeError(e, node);
        return { type: 'throw' };
      }
      // An internal problem: the statement's effects are unknown, the analysis goes on.
      return NORMAL;
    }
  }

  /** Reports a statement whose expressions nest too deeply to evaluate; what it declares becomes unknown. */
  private skipTooDeep(node: ts.Statement, scope: Scope): void {
    this.sink.notice(
      'analysis-incomplete',
      `not analysed: this statement nests expressions more than ${MAX_EXPRESSION_DEPTH} levels deep`,
      nodeRange(this.sourceFile, node),
    );
    if (!ts.isVariableStatement(node)) return;
    try {
      for (const d of node.declarationList.declarations) bindName(this, d.name, UNKNOWN, scope);
    } catch {
      // A pattern too deep to bind leaves its names undeclared, which reads as unknown too.
    }
  }

  private execStatementUnguarded(node: ts.Statement, scope: Scope): Completion {
    if (ts.isVariableStatement(node)) {
      // `declare const x: T` exists at run time with a value the analysis cannot see.
      if (node.modifiers?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword)) {
        for (const d of node.declarationList.declarations) bindName(this, d.name, UNKNOWN, scope);
        return NORMAL;
      }
      this.execVariableList(node.declarationList, scope, node);
      return NORMAL;
    }
    if (ts.isExpressionStatement(node)) {
      this.evalExpr(node.expression, scope);
      return NORMAL;
    }
    if (ts.isFunctionDeclaration(node)) return NORMAL; // hoisted
    if (ts.isReturnStatement(node)) return { type: 'return', value: node.expression ? this.evalExpr(node.expression, scope) : UNDEFINED };
    if (ts.isIfStatement(node)) return this.execIf(node, scope);
    if (ts.isBlock(node)) return this.execBlock(node.statements, new Scope(scope));
    if (ts.isForStatement(node)) return execFor(this, node, scope);
    if (ts.isForOfStatement(node) || ts.isForInStatement(node)) return execForOf(this, node, scope);
    if (ts.isWhileStatement(node) || ts.isDoStatement(node)) return execWhile(this, node, scope);
    if (ts.isBreakStatement(node)) return node.label ? { type: 'break', label: node.label.text } : { type: 'break' };
    if (ts.isContinueStatement(node)) return node.label ? { type: 'continue', label: node.label.text } : { type: 'continue' };
    if (ts.isThrowStatement(node)) {
      this.evalExpr(node.expression, scope);
      return { type: 'throw' };
    }
    if (ts.isTryStatement(node)) return execTry(this, node, scope);
    if (ts.isSwitchStatement(node)) return execSwitch(this, node, scope);
    if (ts.isLabeledStatement(node)) {
      const c = this.execStatement(node.statement, scope);
      if ((c.type === 'break' || c.type === 'continue') && c.label === node.label.text) return NORMAL;
      return c;
    }
    if (ts.isClassDeclaration(node) && node.name) scope.declare(node.name.text, createClass(this, node, scope));
    if (ts.isEnumDeclaration(node)) scope.declare(node.name.text, UNKNOWN);
    return NORMAL;
  }

  execVariableList(list: ts.VariableDeclarationList, scope: Scope, statement?: ts.Node): void {
    const isVar = (list.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const)) === 0;
    for (const decl of list.declarations) {
      // `var x;` again (or after an assignment that ran first) keeps the value: var is hoisted.
      if (isVar && !decl.initializer && ts.isIdentifier(decl.name) && scope.lookup(decl.name.text) !== undefined) continue;
      let value: Value = decl.initializer ? this.evalExpr(decl.initializer, scope) : UNDEFINED;
      value = applyVariableAnnotation(this, statement ?? decl, decl, value).value;
      bindName(this, decl.name, value, scope);
    }
  }

  hoistFunctions(statements: readonly ts.Statement[], scope: Scope): void {
    for (const s of statements) {
      if (ts.isFunctionDeclaration(s) && s.name) scope.declare(s.name.text, this.makeFunction(s, scope));
    }
  }

  makeFunction(node: ts.FunctionLikeDeclaration, scope: Scope): FunctionValue {
    const fn: FunctionValue = { kind: 'function', node, closure: scope };
    this.functionValues.set(node, fn);
    return fn;
  }

  execBlock(statements: readonly ts.Statement[], scope: Scope): Completion {
    this.hoistFunctions(statements, scope);
    for (const s of statements) {
      const c = this.execStatement(s, scope);
      if (c.type !== 'normal') return c;
    }
    return NORMAL;
  }

  private execIf(node: ts.IfStatement, scope: Scope): Completion {
    const cond = truthiness(this.evalExpr(node.expression, scope));
    if (cond === true) return this.execStatement(node.thenStatement, scope);
    if (cond === false) return node.elseStatement ? this.execStatement(node.elseStatement, scope) : NORMAL;
    return this.branch(
      scope,
      () => this.execStatement(node.thenStatement, scope),
      () => (node.elseStatement ? this.execStatement(node.elseStatement, scope) : NORMAL),
    );
  }

  /** Runs two alternatives from the same state and joins what they leave behind. */
  branch(scope: Scope, first: () => Completion, second: () => Completion): Completion {
    const before = scope.snapshot();
    this.uncertainDepth++;
    let c1: Completion;
    let c2: Completion;
    let after1;
    try {
      c1 = first();
      after1 = scope.snapshot();
      Scope.restore(before);
      c2 = second();
    } finally {
      this.uncertainDepth--;
    }
    const after2 = scope.snapshot();
    const abrupt1 = c1.type === 'return' || c1.type === 'throw';
    const abrupt2 = c2.type === 'return' || c2.type === 'throw';
    if (abrupt1 && !abrupt2) {
      if (c1.type === 'return') this.pendingReturn(c1.value);
      Scope.restore(after2);
      return c2;
    }
    if (abrupt2 && !abrupt1) {
      if (c2.type === 'return') this.pendingReturn(c2.value);
      Scope.restore(after1);
      return c1;
    }
    Scope.joinInto(after1, after2);
    if (abrupt1 && abrupt2) {
      if (c1.type === 'return' && c2.type === 'return') return { type: 'return', value: joinAll([c1.value, c2.value]) };
      return c1.type === 'return' ? c1 : c2;
    }
    if (c1.type !== c2.type) {
      this.loopExitUncertain = true;
      return NORMAL;
    }
    return c1;
  }

  private pendingReturn(value: Value): void {
    const top = this.returnStack[this.returnStack.length - 1];
    if (top) top.push(value);
  }

  /** Calls a user function: binds the arguments in a fresh scope over its closure and runs its body. */
  callFunction(fn: FunctionValue, args: Value[], thisValue?: Value, callNode?: ts.CallExpression): Value {
    const node = fn.node;
    if (this.callDepth >= CALL_DEPTH_CAP || !node.body) return UNKNOWN;
    if (!this.generic) this.calledFunctions.add(node);
    else this.calledGenerically.add(node);
    const scope = new Scope(fn.closure as Scope);
    // Arrow functions see `this` of where they were written; other functions get their receiver.
    const self = fn.thisValue ?? thisValue;
    if (!ts.isArrowFunction(node)) scope.declare('this', self ?? UNKNOWN);
    this.dimFrames.push(new Map());
    let contradicted = false;
    node.parameters.forEach((param, i) => {
      let value: Value;
      if (param.dotDotDotToken) value = arrayOf(args.slice(i));
      else {
        value = args[i] ?? UNDEFINED;
        if (value.kind === 'undefined' && param.initializer) value = this.evalExpr(param.initializer, scope);
      }
      // A contradicted parameter annotation is the caller's mistake: report it on the argument, and
      // like a failed assertion it ends the call there.
      const checked = applyVariableAnnotation(this, callNode?.arguments[i] ?? param, param, value);
      if (checked.contradicted) contradicted = true;
      bindName(this, param.name, checked.value, scope);
    });
    if (contradicted) {
      this.dimFrames.pop();
      throw new StatementAborted();
    }
    const isGenerator = !!(node as ts.FunctionDeclaration).asteriskToken;
    this.callDepth++;
    this.returnStack.push([]);
    if (isGenerator) {
      this.yieldStack.push({ values: [], complete: true, limit: this.nextYieldLimit });
      this.nextYieldLimit = undefined;
    }
    try {
      let result: Value;
      if (ts.isBlock(node.body)) {
        const c = this.execBlock(node.body.statements, scope);
        const returns = this.returnStack[this.returnStack.length - 1];
        if (c.type === 'return') returns.push(c.value);
        else if (c.type !== 'throw') returns.push(UNDEFINED);
        result = returns.length > 0 ? joinAll(returns) : UNKNOWN;
      } else {
        result = this.evalExpr(node.body, scope);
      }
      if (isGenerator) {
        const y = this.yieldStack[this.yieldStack.length - 1];
        result = y.complete ? arrayOf(y.values) : arrayOfLength(null, joinAll(y.values));
      }
      const annotated = returnAnnotationOf(node);
      if (annotated) result = checkAgainstAnnotation(this, node.body, annotated, result).value;
      return result;
    } catch (e) {
      if (!(isGenerator && e instanceof GeneratorSuspended)) throw e;
      return arrayOfLength(null, joinAll(this.yieldStack[this.yieldStack.length - 1].values));
    } finally {
      this.dimFrames.pop();
      this.callDepth--;
      this.returnStack.pop();
      if (isGenerator) this.yieldStack.pop();
    }
  }

  recordYield(value: Value): void {
    const top = this.yieldStack[this.yieldStack.length - 1];
    if (!top) return;
    top.values.push(value);
    if (this.uncertain) top.complete = false;
    if (top.limit !== undefined && top.values.length >= top.limit) throw new GeneratorSuspended();
  }

  /**
   * Runs `call` so that the generator function it calls first is followed only to its `limit`-th yield, and its
   * call gives an array of unknown length of those values: enough for an endless `while (true) yield` that
   * `tf.data.generator` reads lazily, which would otherwise spend the file's budget on a loop.
   */
  withYieldLimit(limit: number, call: () => Value): Value {
    this.nextYieldLimit = limit;
    try {
      return call();
    } finally {
      this.nextYieldLimit = undefined;
    }
  }
}
