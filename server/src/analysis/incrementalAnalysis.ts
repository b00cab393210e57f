// Incremental analysis of one file across its edits: the language server's entry point. Evaluation runs the
// file top to bottom, so the state before a cell depends only on the text above it (and on the data files read
// so far). A snapshot of that state is taken at cell boundaries (`// %%` lines); after an edit, analysis resumes
// from the last snapshot whose text before it is unchanged, and the cells above are not evaluated again:
// their diagnostics and recorded shapes come from the snapshot. The result must equal `analyze` on the same text
// (test/unit/incrementalAnalysis.test.ts checks that over every fixture and example).
//
// A snapshot is not reused when what ran before it depended on text after it: a top-level function called before
// its declaration (hoisting), imports (bound at the start wherever they are), or a data file whose contents changed.
// It is not taken where the state holds something that cannot be copied (stateCopy.ts).
// Files with brackets nested past the parser's reach are analysed whole each time.

import * as ts from 'typescript';
import { CELL_MARKER } from '../../../runtime/src/cells/cellParser';
import type { AnalysisHost, AnalysisResult, AnalyzeInput, ShapeDiagnostic } from './api';
import { Evaluator, type ProgramProgress, type ProgramState } from './evaluator';
import { analyze, parseForAnalysis, resultOf, runEvaluation, skippedResult } from './index';
import { notSourceReason } from './inputLimits';
import { ShapeRecorder, type RecorderSnapshot } from './shapeRecorder';
import { StateCopier, StateNotCopyable, sharedNatives } from './stateCopy';
import { tfModuleFor } from './tfImports';
import type { FunctionValue } from './values';

/** How much evaluation time must pass between two snapshots, as a multiple of the last copy's time. */
const SNAPSHOT_WORK_RATIO = 4;

/** The state before top-level statement `index`, whose text starts at `offset`. */
interface Snapshot {
  index: number;
  offset: number;
  /** A private copy: nothing evaluated later changes it (it is copied again to resume). */
  state: ProgramState;
  progress: ProgramProgress;
  recorder: RecorderSnapshot;
  diagnostics: Array<[string, ShapeDiagnostic]>;
  /** How many data-file reads had been made: they must read the same now. */
  hostReads: number;
}

interface HostRead {
  path: string;
  /** Absent for a whole-file read. */
  maxBytes?: number;
  result: string | undefined;
}

/** How the last analysis ran: from which top-level statement, of how many (0 when it ran whole). */
export interface IncrementalRunInfo {
  resumedAt: number;
  statements: number;
  snapshots: number;
}

/** An analysis in progress: `step` runs it until `until` (a `Date.now()` time) or its end, true once it ended. */
export interface AnalysisRun {
  step(until: number): boolean;
  result(): AnalysisResult;
}

function finishedRun(result: AnalysisResult): AnalysisRun {
  return { step: () => true, result: () => result };
}

export class IncrementalAnalyzer {
  private runs = 0;
  private evaluator: Evaluator | undefined;
  private sourceFile: ts.SourceFile | undefined;
  private shared: WeakSet<object> | undefined;
  private fileName = '';
  private text = '';
  private imports = '';
  /** Parse errors of the last text: their offsets and messages, to check that the prefix parses the same. */
  private syntaxErrors: Array<{ start: number; message: string }> = [];
  private snapshots: Snapshot[] = [];
  private reads: HostRead[] = [];
  lastRun: IncrementalRunInfo = { resumedAt: 0, statements: 0, snapshots: 0 };

  /** Analyses the text to the end, resuming from a snapshot where one is still valid. */
  analyze(input: AnalyzeInput): AnalysisResult {
    const run = this.begin(input);
    while (!run.step(Infinity));
    return run.result();
  }

  /**
   * Starts analysing the text, to be run in slices (`step`), so that a caller can yield between them and drop the
   * run when a newer text arrives. Beginning another run abandons this one; the snapshots it took stay valid.
   */
  begin(input: AnalyzeInput): AnalysisRun {
    const runId = ++this.runs;
    const notSource = notSourceReason(input.text);
    if (notSource) return finishedRun(this.forgetAll(skippedResult(notSource)));
    const reparsed = this.reparse(input);
    const parsed = reparsed ? { kind: 'parsed' as const, sourceFile: reparsed, cuts: [] } : parseForAnalysis(input);
    if (parsed.kind === 'skipped') return finishedRun(this.forgetAll(skippedResult(parsed.reason)));
    if (parsed.cuts.length > 0) return finishedRun(this.forgetAll(analyze(input)));
    const sourceFile = parsed.sourceFile;
    const imports = importsText(sourceFile);
    const syntaxErrors = syntaxErrorsOf(sourceFile);
    const snapshot = this.reusable(input, sourceFile, imports, syntaxErrors);
    const editedFrom = this.evaluator && input.fileName === this.fileName ? commonPrefixLength(this.text, input.text) : undefined;
    const reads = snapshot ? this.reads.slice(0, snapshot.hostReads) : [];
    const host = input.host ? recordingHost(input.host, reads) : undefined;
    let ev = this.evaluator;
    if (snapshot && ev) {
      this.snapshots = this.snapshots.filter((s) => s.index <= snapshot.index);
      this.resume(ev, snapshot, sourceFile, host);
    } else {
      ev = new Evaluator(host ? { sourceFile, fileName: input.fileName, host } : { sourceFile, fileName: input.fileName });
      this.evaluator = ev;
      this.shared = undefined;
      this.snapshots = [];
    }
    this.fileName = input.fileName;
    this.sourceFile = sourceFile;
    this.text = input.text;
    this.imports = imports;
    this.syntaxErrors = syntaxErrors;
    this.reads = reads;
    const resumedAt = snapshot?.index ?? 0;
    const evaluator = ev;
    const hot = editedCellStart(sourceFile, editedFrom);
    let workSince = Date.now();
    let allowance = 0;
    const beforeTopLevel = (index: number) => {
      if (index <= resumedAt || !startsCell(sourceFile, index)) return;
      // Copies cost time in proportion to the state, so they are spread out: one is taken once evaluation since
      // the last has taken SNAPSHOT_WORK_RATIO times as long as that copy did; and always at the edited cell,
      // which is where the next edit most likely lands.
      if (index !== hot && Date.now() - workSince < allowance) return;
      const started = Date.now();
      this.takeSnapshot(evaluator, index);
      const spent = Date.now() - started;
      evaluator.excludeTime(spent);
      workSince = Date.now();
      allowance = SNAPSHOT_WORK_RATIO * spent;
    };
    let started = false;
    let finished: AnalysisResult | undefined;
    let pausedAt: number | undefined;
    return {
      step: (until) => {
        if (finished) return true;
        if (runId !== this.runs) throw new Error('this analysis run was abandoned: a newer one began');
        if (pausedAt !== undefined) {
          // Time between slices is not the file's: the time budget counts evaluation only.
          const paused = Date.now() - pausedAt;
          evaluator.excludeTime(paused);
          workSince += paused;
        }
        evaluator.beforeTopLevel = beforeTopLevel;
        let done = true;
        runEvaluation(evaluator, () => {
          if (!started) {
            started = true;
            if (snapshot) evaluator.resumeProgramAt(snapshot.index);
            else evaluator.startProgram();
          }
          done = evaluator.continueProgram(until);
          if (done) evaluator.finishProgram();
        });
        evaluator.beforeTopLevel = undefined;
        pausedAt = Date.now();
        if (!done) return false;
        this.lastRun = { resumedAt, statements: sourceFile.statements.length, snapshots: this.snapshots.length };
        finished = resultOf(evaluator);
        return true;
      },
      result: () => {
        if (!finished) throw new Error('the analysis run has not finished');
        return finished;
      },
    };
  }

  /**
   * The new text parsed incrementally from the last tree (TypeScript reuses the unchanged nodes, as tsserver does),
   * or undefined to parse it whole. The old tree is spent afterwards: TypeScript moves the nodes after the change;
   * the snapshots that are kept hold only nodes before it.
   */
  private reparse(input: AnalyzeInput): ts.SourceFile | undefined {
    const old = this.sourceFile;
    if (!old || !this.evaluator || input.fileName !== this.fileName) return undefined;
    const start = commonPrefixLength(this.text, input.text);
    const end = commonSuffixLength(this.text, input.text, start);
    const change = ts.createTextChangeRange(ts.createTextSpan(start, this.text.length - start - end), input.text.length - start - end);
    this.sourceFile = undefined;
    try {
      return ts.updateSourceFile(old, input.text, change);
    } catch {
      // Nesting too deep for the parser, say: parsed whole, as `analyze` does, which cuts it.
      return undefined;
    }
  }

  private forgetAll(result: AnalysisResult): AnalysisResult {
    this.evaluator = undefined;
    this.sourceFile = undefined;
    this.snapshots = [];
    this.text = '';
    this.lastRun = { resumedAt: 0, statements: 0, snapshots: 0 };
    return result;
  }

  /** The last snapshot whose prefix is unchanged in `sourceFile` and parses the same, if any. */
  private reusable(input: AnalyzeInput, sourceFile: ts.SourceFile, imports: string, syntaxErrors: SyntaxErrorList): Snapshot | undefined {
    if (!this.evaluator || input.fileName !== this.fileName || imports !== this.imports) return undefined;
    const same = commonPrefixLength(this.text, input.text);
    const statements = sourceFile.statements;
    for (let i = this.snapshots.length - 1; i >= 0; i--) {
      const s = this.snapshots[i];
      if (s.offset > same || statements[s.index]?.pos !== s.offset) continue;
      if (!sameErrorsBefore(this.syntaxErrors, syntaxErrors, s.offset)) continue;
      if (s.hostReads > 0 && !(input.host && readsAgain(input.host, this.reads.slice(0, s.hostReads)))) continue;
      return s;
    }
    return undefined;
  }

  private takeSnapshot(ev: Evaluator, index: number): void {
    const offset = ev.sourceFile.statements[index].pos;
    const progress = ev.progress();
    // What ran so far read a function declared further down: the prefix alone does not determine this state.
    if (progress.forwardReadPos >= offset) return;
    this.shared ??= sharedNatives([ev.globals, tfModuleFor(ev, '@tensorflow/tfjs')]);
    let state: ProgramState;
    try {
      state = new StateCopier(this.shared).copy(ev.programState());
    } catch (e) {
      if (e instanceof StateNotCopyable) return;
      throw e;
    }
    this.snapshots.push({
      index,
      offset,
      state,
      progress,
      recorder: ev.recorder.snapshot(),
      diagnostics: ev.sink.entries(),
      hostReads: this.reads.length,
    });
  }

  /** Puts a copy of the snapshot's state in place over the new text, ready to run from its statement. */
  private resume(ev: Evaluator, snapshot: Snapshot, sourceFile: ts.SourceFile, host: AnalysisHost | undefined): void {
    const state = new StateCopier(this.shared ?? new WeakSet()).copy(snapshot.state);
    ev.beginRun(sourceFile, host, snapshot.progress);
    ev.recorder = ShapeRecorder.resume(snapshot.recorder, state.liveSources);
    ev.sink.resume(snapshot.diagnostics);
    rehoistFunctionsAfter(ev, state, snapshot.offset);
    ev.adoptState(state);
  }
}

type SyntaxErrorList = Array<{ start: number; message: string }>;

/**
 * The state holds the top-level functions of the old text hoisted; those declared after the snapshot are replaced
 * by the new text's, in the place hoisting gives them (first in `functionValues`, in source order). Names bound to
 * something else kept that value: the prefix assigned them, as it would have over the new text too.
 */
function rehoistFunctionsAfter(ev: Evaluator, state: ProgramState, offset: number): void {
  const scope = state.moduleScope;
  const before: Array<[ts.FunctionLikeDeclaration, FunctionValue]> = [];
  const others: Array<[ts.FunctionLikeDeclaration, FunctionValue]> = [];
  let i = 0;
  for (const [node, fn] of state.functionValues) {
    // Hoisted declarations come first. Their nodes are told by place, not by parent: the incremental parser may
    // have reused an old top-level node inside a new function.
    if (i++ >= state.hoistedCount) others.push([node, fn]);
    else if (node.pos < offset) before.push([node, fn]);
    else if (ts.isFunctionDeclaration(node) && node.name && scope.ownValue(node.name.text) === fn) scope.forget(node.name.text);
  }
  // Hoisting binds every declaration in order, so a later one wins over an earlier function of the same name.
  const hoisted = new Set<unknown>(before.map(([, fn]) => fn));
  const after: Array<[ts.FunctionLikeDeclaration, FunctionValue]> = [];
  for (const statement of ev.sourceFile.statements) {
    if (statement.pos < offset || !ts.isFunctionDeclaration(statement) || !statement.name) continue;
    const name = statement.name.text;
    const fn: FunctionValue = { kind: 'function', node: statement, closure: scope };
    const current = scope.ownValue(name);
    if (current === undefined || hoisted.has(current)) scope.declare(name, fn);
    hoisted.add(fn);
    after.push([statement, fn]);
  }
  state.functionValues = new Map([...before, ...after, ...others]);
  state.hoistedCount = before.length + after.length;
}

/** The index of the statement starting the cell where an edit at `offset` lies (-1 when none or no edit). */
function editedCellStart(sourceFile: ts.SourceFile, offset: number | undefined): number {
  if (offset === undefined) return -1;
  let found = -1;
  sourceFile.statements.forEach((s, i) => {
    if (s.pos <= offset && startsCell(sourceFile, i)) found = i;
  });
  return found;
}

/** True when a `// %%` line lies between statement `index` and the one before it. */
function startsCell(sourceFile: ts.SourceFile, index: number): boolean {
  const statement = sourceFile.statements[index];
  if (index === 0) return false;
  const trivia = sourceFile.text.slice(statement.pos, statement.getStart(sourceFile));
  return trivia.split(/\r\n|\r|\n/).some((line) => CELL_MARKER.test(line));
}

function importsText(sourceFile: ts.SourceFile): string {
  return sourceFile.statements
    .filter((s) => ts.isImportDeclaration(s))
    .map((s) => s.getText(sourceFile))
    .join('\n');
}

function syntaxErrorsOf(sourceFile: ts.SourceFile): SyntaxErrorList {
  const parsed = sourceFile as unknown as { parseDiagnostics?: readonly ts.Diagnostic[] };
  return (parsed.parseDiagnostics ?? []).map((d) => ({ start: d.start ?? 0, message: ts.flattenDiagnosticMessageText(d.messageText, '\n') }));
}

function sameErrorsBefore(a: SyntaxErrorList, b: SyntaxErrorList, offset: number): boolean {
  const before = (errors: SyntaxErrorList) => errors.filter((e) => e.start <= offset);
  const x = before(a);
  const y = before(b);
  return x.length === y.length && x.every((e, i) => e.start === y[i].start && e.message === y[i].message);
}

function commonPrefixLength(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** How many characters at the ends of `a` and `b` agree, not counting into the first `prefix` of either. */
function commonSuffixLength(a: string, b: string, prefix: number): number {
  const n = Math.min(a.length, b.length) - prefix;
  let i = 0;
  while (i < n && a.charCodeAt(a.length - 1 - i) === b.charCodeAt(b.length - 1 - i)) i++;
  return i;
}

/** A host that logs each read, so that a snapshot can tell whether the data it depended on changed. */
function recordingHost(host: AnalysisHost, log: HostRead[]): AnalysisHost {
  const recording: AnalysisHost = {
    readFile(path) {
      const result = host.readFile(path);
      log.push({ path, result });
      return result;
    },
  };
  if (host.readFileHead) {
    const readHead = host.readFileHead.bind(host);
    recording.readFileHead = (path, maxBytes) => {
      const result = readHead(path, maxBytes);
      log.push({ path, maxBytes, result });
      return result;
    };
  }
  return recording;
}

function readsAgain(host: AnalysisHost, reads: HostRead[]): boolean {
  return reads.every((r) => (r.maxBytes === undefined ? host.readFile(r.path) : host.readFileHead?.(r.path, r.maxBytes)) === r.result);
}
