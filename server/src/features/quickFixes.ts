// Quick fixes for the common shape mistakes. For each error under the cursor it proposes candidate edits from
// the syntax around it — add the batch axis before `predict`/`fit`/`evaluate`, insert a Flatten layer before a
// Dense that receives rank > 2, set `inputShape` to the data's feature count, toggle `transposeB` of a matMul,
// infer one `reshape` dimension with -1 — and keeps only the candidates that, applied to the file and
// analysed again, remove that error without adding another. It never guesses beyond what re-analysis proves.
// Editor-free: the LSP layer wraps the results in CodeActions.
import * as ts from 'typescript';
import { analyze, type AnalysisHost, type AnalysisResult, type Range, type ShapeDiagnostic } from '../analysis/index';
import { isStackOverflow } from '../analysis/inputLimits';

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface QuickFix {
  title: string;
  diagnostic: ShapeDiagnostic;
  edits: TextEdit[];
}

interface Candidate {
  title: string;
  edits: TextEdit[];
}

interface FixContext {
  source: ts.SourceFile;
  result: AnalysisResult;
  /** The innermost call expression that contains the diagnostic's start. */
  call: ts.CallExpression | undefined;
}

const MODEL_DATA_METHODS = new Set(['predict', 'fit', 'evaluate', 'trainOnBatch', 'predictOnBatch']);

function rangeOf(source: ts.SourceFile, start: number, end: number): Range {
  return { start: source.getLineAndCharacterOfPosition(start), end: source.getLineAndCharacterOfPosition(end) };
}

function replaceNode(source: ts.SourceFile, node: ts.Node, newText: string): TextEdit {
  return { range: rangeOf(source, node.getStart(source), node.getEnd()), newText };
}

function calleeName(call: ts.CallExpression): string | undefined {
  const callee = call.expression;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  if (ts.isIdentifier(callee)) return callee.text;
  return undefined;
}

/** Innermost call whose span contains `offset` (the diagnostic's start). */
function callAt(source: ts.SourceFile, offset: number): ts.CallExpression | undefined {
  let found: ts.CallExpression | undefined;
  const visit = (node: ts.Node): void => {
    if (offset < node.getFullStart() || offset > node.getEnd()) return;
    if (ts.isCallExpression(node) && offset >= node.getStart(source)) found = node;
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function needsParens(expression: ts.Expression): boolean {
  return !(
    ts.isIdentifier(expression) ||
    ts.isCallExpression(expression) ||
    ts.isPropertyAccessExpression(expression) ||
    ts.isElementAccessExpression(expression) ||
    ts.isParenthesizedExpression(expression)
  );
}

/** The known integer dims of a formatted shape like `[32, 5]`, or undefined if any is symbolic/unknown. */
function knownDims(shapeText: string | undefined): number[] | undefined {
  const inner = shapeText && /^\[(.*)\]$/.exec(shapeText);
  if (!inner) return undefined;
  if (inner[1]!.trim() === '') return [];
  const dims = inner[1]!.split(',').map((d) => Number(d.trim()));
  return dims.every((d) => Number.isInteger(d)) ? dims : undefined;
}

function shapeTextOf(ctx: FixContext, node: ts.Node): string | undefined {
  const info = ctx.result.shapeAt(ctx.source.getLineAndCharacterOfPosition(node.getEnd() - 1));
  // A dataset's text describes its element, not a shape to rewrite code with.
  return info?.kind === 'dataset' ? undefined : info?.text;
}

/** Adds `.expandDims(0)` to the data argument of predict/fit/evaluate. */
function batchAxisCandidates(ctx: FixContext): Candidate[] {
  const call = ctx.call;
  const arg = call?.arguments[0];
  if (!call || !arg || !MODEL_DATA_METHODS.has(calleeName(call) ?? '')) return [];
  const text = arg.getText(ctx.source);
  const wrapped = needsParens(arg) ? `(${text})` : text;
  return [{ title: `Add a batch axis: ${wrapped}.expandDims(0)`, edits: [replaceNode(ctx.source, arg, `${wrapped}.expandDims(0)`)] }];
}

/** Sets every `inputShape: [...]` literal in the file to the data's per-sample shape. */
function inputShapeCandidates(ctx: FixContext): Candidate[] {
  const call = ctx.call;
  const arg = call?.arguments[0];
  if (!call || !arg || !MODEL_DATA_METHODS.has(calleeName(call) ?? '')) return [];
  const dims = knownDims(shapeTextOf(ctx, arg));
  if (!dims || dims.length < 2) return [];
  const perSample = `[${dims.slice(1).join(', ')}]`;
  const candidates: Candidate[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isPropertyAssignment(node) &&
      ts.isIdentifier(node.name) &&
      node.name.text === 'inputShape' &&
      ts.isArrayLiteralExpression(node.initializer) &&
      node.initializer.getText(ctx.source).replace(/\s/g, '') !== perSample.replace(/\s/g, '')
    ) {
      candidates.push({ title: `Set inputShape to the data's ${perSample}`, edits: [replaceNode(ctx.source, node.initializer, perSample)] });
    }
    ts.forEachChild(node, visit);
  };
  visit(ctx.source);
  return candidates;
}

/** The edit that inserts a Flatten layer before `layerCall`, in `model.add(layer)` or in a layer array. */
function insertFlattenBefore(ctx: FixContext, layerCall: ts.CallExpression): Candidate | undefined {
  if (!ts.isPropertyAccessExpression(layerCall.expression)) return undefined;
  const flatten = `${layerCall.expression.expression.getText(ctx.source)}.flatten()`;
  const title = `Insert ${flatten} before this ${calleeName(layerCall)} layer`;
  const parent = layerCall.parent;
  if (ts.isCallExpression(parent) && calleeName(parent) === 'add' && ts.isPropertyAccessExpression(parent.expression) && ts.isExpressionStatement(parent.parent)) {
    const statement = parent.parent;
    const at = ctx.source.getLineAndCharacterOfPosition(statement.getStart(ctx.source));
    const indent = ctx.source.text.slice(ctx.source.getPositionOfLineAndCharacter(at.line, 0), statement.getStart(ctx.source));
    const target = parent.expression.expression.getText(ctx.source);
    return { title, edits: [{ range: { start: at, end: at }, newText: `${target}.add(${flatten});\n${indent}` }] };
  }
  if (ts.isArrayLiteralExpression(parent)) {
    const at = ctx.source.getLineAndCharacterOfPosition(layerCall.getStart(ctx.source));
    return { title, edits: [{ range: { start: at, end: at }, newText: `${flatten}, ` }] };
  }
  return undefined;
}

/** The Dense-layer call `node` is, if it is one. */
function asDenseCall(node: ts.Node): ts.CallExpression | undefined {
  return ts.isCallExpression(node) && calleeName(node) === 'dense' ? node : undefined;
}

/**
 * A Dense layer after a conv or recurrent layer keeps the extra axes, which surfaces later as a layer-input,
 * predict or fit-target error. Candidates insert a Flatten before each Dense layer of the model involved (the
 * receiver of the failing call, or the layer the error is on); re-analysis keeps the one that works.
 */
function flattenCandidates(ctx: FixContext): Candidate[] {
  const call = ctx.call;
  if (!call) return [];
  const layerCalls: ts.CallExpression[] = [];
  const argumentLayer = calleeName(call) === 'add' && call.arguments[0] ? asDenseCall(call.arguments[0]) : undefined;
  if (asDenseCall(call)) layerCalls.push(call);
  else if (argumentLayer) layerCalls.push(argumentLayer);
  else if (ts.isPropertyAccessExpression(call.expression) && ts.isIdentifier(call.expression.expression)) {
    const model = call.expression.expression.text;
    const visit = (node: ts.Node): void => {
      const addsToModel =
        ts.isCallExpression(node) && calleeName(node) === 'add' && ts.isPropertyAccessExpression(node.expression) && node.expression.expression.getText(ctx.source) === model;
      const added = addsToModel && node.arguments[0] ? asDenseCall(node.arguments[0]) : undefined;
      if (added) layerCalls.push(added);
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === model && node.initializer) {
        const collect = (n: ts.Node): void => {
          const dense = asDenseCall(n);
          if (dense && ts.isArrayLiteralExpression(dense.parent)) layerCalls.push(dense);
          ts.forEachChild(n, collect);
        };
        collect(node.initializer);
      }
      ts.forEachChild(node, visit);
    };
    visit(ctx.source);
  }
  return layerCalls.map((layer) => insertFlattenBefore(ctx, layer)).filter((c): c is Candidate => c !== undefined);
}

/** Toggles matMul's transposeB: the fourth argument of `tf.matMul(a, b, ...)`, the third of `a.matMul(b, ...)`. */
function transposeCandidates(ctx: FixContext): Candidate[] {
  const call = ctx.call;
  if (!call || calleeName(call) !== 'matMul') return [];
  const flagB = isTensorMethodCall(call, ctx) ? 2 : 3;
  const args = call.arguments.map((a) => a.getText(ctx.source));
  const current = args[flagB] === 'true';
  while (args.length <= flagB) args.push('false');
  args[flagB] = current ? 'false' : 'true';
  return [
    {
      title: `${current ? 'Clear' : 'Set'} transposeB`,
      edits: [{ range: rangeOf(ctx.source, call.arguments.pos, call.arguments.end), newText: args.join(', ') }],
    },
  ];
}

/** `x.matMul(y)` on a tensor receiver, as opposed to `tf.matMul(x, y)` or a named import `matMul(x, y)`. */
function isTensorMethodCall(call: ts.CallExpression, ctx: FixContext): boolean {
  if (!ts.isPropertyAccessExpression(call.expression)) return false;
  return shapeTextOf(ctx, call.expression.expression) !== undefined;
}

/** Replaces one literal dimension of a reshape target with -1, letting tfjs infer it. */
function reshapeCandidates(ctx: FixContext): Candidate[] {
  const call = ctx.call;
  if (!call || calleeName(call) !== 'reshape') return [];
  const target = call.arguments.find(ts.isArrayLiteralExpression);
  if (!target || target.elements.some((e) => e.getText(ctx.source) === '-1')) return [];
  return target.elements.map((_, i) => {
    const dims = target.elements.map((e, j) => (j === i ? '-1' : e.getText(ctx.source)));
    const text = `[${dims.join(', ')}]`;
    return { title: `Infer dimension ${i} with -1: ${text}`, edits: [replaceNode(ctx.source, target, text)] };
  });
}

const CANDIDATES_BY_CODE: Record<string, ((ctx: FixContext) => Candidate[])[]> = {
  'predict-input': [batchAxisCandidates, inputShapeCandidates, flattenCandidates],
  'fit-input': [inputShapeCandidates, batchAxisCandidates],
  'fit-target': [flattenCandidates],
  'layer-input': [flattenCandidates],
  'shape-matmul': [transposeCandidates],
  'shape-reshape': [reshapeCandidates],
};

/** Applies non-overlapping edits to text. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const source = ts.createSourceFile('edit.ts', text, ts.ScriptTarget.Latest, false);
  const offsets = edits
    .map((e) => ({ start: source.getPositionOfLineAndCharacter(e.range.start.line, e.range.start.character), end: source.getPositionOfLineAndCharacter(e.range.end.line, e.range.end.character), text: e.newText }))
    .sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of offsets) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

function errorCount(result: AnalysisResult): number {
  return result.diagnostics.filter((d) => d.severity === 'error').length;
}

function overlaps(a: Range, b: Range): boolean {
  const before = (x: { line: number; character: number }, y: { line: number; character: number }) => x.line < y.line || (x.line === y.line && x.character < y.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

export interface QuickFixInput {
  fileName: string;
  text: string;
  host?: AnalysisHost;
  result: AnalysisResult;
  /** Only diagnostics overlapping this range get fixes. */
  range: Range;
}

export function quickFixes(input: QuickFixInput): QuickFix[] {
  try {
    return findQuickFixes(input);
  } catch (e) {
    // Code nested deeper than the parser can follow gets no fixes rather than a failed request.
    if (isStackOverflow(e)) return [];
    throw e;
  }
}

function findQuickFixes(input: QuickFixInput): QuickFix[] {
  const source = ts.createSourceFile(input.fileName, input.text, ts.ScriptTarget.Latest, true);
  const errorsBefore = errorCount(input.result);
  const fixes: QuickFix[] = [];
  for (const diagnostic of input.result.diagnostics) {
    if (diagnostic.severity !== 'error' || !overlaps(diagnostic.range, input.range)) continue;
    const makers = CANDIDATES_BY_CODE[diagnostic.code];
    if (!makers) continue;
    const offset = source.getPositionOfLineAndCharacter(diagnostic.range.start.line, diagnostic.range.start.character);
    const ctx: FixContext = { source, result: input.result, call: callAt(source, offset) };
    for (const make of makers) {
      for (const candidate of make(ctx)) {
        const fixed = analyze({ fileName: input.fileName, text: applyEdits(input.text, candidate.edits), ...(input.host ? { host: input.host } : {}) });
        if (errorCount(fixed) < errorsBefore) fixes.push({ title: candidate.title, diagnostic, edits: candidate.edits });
      }
    }
  }
  return fixes;
}
