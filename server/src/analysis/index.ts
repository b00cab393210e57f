// Entry point of the shape analysis: parse → evaluate (bind lazily, check while evaluating) →
// report. `analyze` never throws: a file that cannot be parsed or evaluated yields what was found
// up to that point. The CLI, the language server and the tests use only this module and api.ts.

import * as ts from 'typescript';
import type { AnalysisResult, AnalyzeInput, LayerSummary, ModelSummary, Position } from './api';
import { nodeRange, positionAt } from './diagnostics';
import { Evaluator } from './evaluator';
import { EMPTY_STATS, computeStats, unseenReason } from './analysisStats';
import { isStackOverflow, notSourceReason, parseBounded, PARSER_CUT_DEPTH } from './inputLimits';
import { formatShape } from './shapes';
import { layerParams, layerTrainableParams, summaryTotalParams, summaryTrainableParams } from './nestedModels';
import type { LayerState, ModelState } from './values';

export type {
  AnalysisHost,
  AnalysisResult,
  AnalysisStats,
  AnalyzeInput,
  LayerSummary,
  ModelSummary,
  Position,
  Range,
  RecordedShape,
  RelatedInfo,
  Severity,
  ShapeDiagnostic,
  ShapeInfo,
  UnknownModel,
} from './api';

function scriptKindOf(fileName: string): ts.ScriptKind {
  if (/\.jsx$/.test(fileName)) return ts.ScriptKind.JSX;
  if (/\.(m|c)?js$/.test(fileName)) return ts.ScriptKind.JS;
  if (/\.tsx$/.test(fileName)) return ts.ScriptKind.TSX;
  return ts.ScriptKind.TS;
}

function layerSummary(layer: LayerState): LayerSummary {
  const summary: LayerSummary = {
    name: layer.name,
    type: layer.className,
    outputShape: formatShape(layer.model ? (layer.model.outputShapes?.[0] ?? null) : (layer.outputShape ?? null)),
    params: layerParams(layer),
    trainable: layer.model ? layer.model.trainable : layer.trainable,
    trainableParams: layerTrainableParams(layer),
  };
  // A nested model is one row, as `model.summary()` prints it; its own layers come with it for the table.
  if (layer.model) summary.layers = layer.model.layers.map(layerSummary);
  return summary;
}

function summarize(sourceFile: ts.SourceFile, model: ModelState): ModelSummary {
  const summary: ModelSummary = {
    name: model.variableName ?? model.name,
    range: nodeRange(sourceFile, model.origin),
    layers: model.layers.map(layerSummary),
    totalParams: summaryTotalParams(model),
    trainableParams: summaryTrainableParams(model),
  };
  const unseen = unseenReason(model);
  if (unseen !== undefined) summary.unknownReason = unseen;
  return summary;
}

/** The result for a file that is not analysed at all: one notice at its start saying why. */
export function skippedResult(reason: string): AnalysisResult {
  const start = { line: 0, character: 0 };
  return {
    diagnostics: [{ code: 'input-skipped', severity: 'warning', message: reason, range: { start, end: start }, related: [] }],
    shapeAt: () => undefined,
    recordedShapes: () => [],
    models: [],
    stats: EMPTY_STATS,
    skipped: reason,
  };
}

export function analyze(input: AnalyzeInput): AnalysisResult {
  const notSource = notSourceReason(input.text);
  if (notSource) return skippedResult(notSource);
  const parsed = parseBounded(input.fileName, input.text, scriptKindOf(input.fileName));
  if (parsed.kind === 'skipped') return skippedResult(parsed.reason);
  const sourceFile = parsed.sourceFile;
  const options = input.host ? { sourceFile, fileName: input.fileName, host: input.host } : { sourceFile, fileName: input.fileName };
  const evaluator = new Evaluator(options);
  for (const cut of parsed.cuts) {
    evaluator.sink.notice(
      'analysis-incomplete',
      `not analysed: brackets nested ${cut.depth} deep, past the parser's reach; what lies deeper than ${PARSER_CUT_DEPTH} levels is unknown`,
      { start: positionAt(sourceFile, cut.start), end: positionAt(sourceFile, cut.end) },
    );
  }
  runEvaluation(evaluator, () => evaluator.runProgram());
  return resultOf(evaluator);
}

/** Parses a file as `analyze` does: the tree, and the brackets cut out because they nest too deep. */
export function parseForAnalysis(input: AnalyzeInput): ReturnType<typeof parseBounded> {
  return parseBounded(input.fileName, input.text, scriptKindOf(input.fileName));
}

/** Runs (part of) the program; a crash outside any statement keeps what was found and says so. */
export function runEvaluation(evaluator: Evaluator, run: () => void): void {
  try {
    run();
  } catch (e) {
    // Evaluation problems outside any statement are the analysis's own; what was found up to that point
    // still stands, and the user learns that the rest was not checked.
    const why = isStackOverflow(e) ? 'the code nests too deeply' : 'an internal error';
    evaluator.sink.notice('analysis-incomplete', `analysis stopped early (${why}); parts of the file were not checked`, {
      start: { line: 0, character: 0 },
      end: { line: 0, character: 0 },
    });
  }
}

/** The result of an evaluation that has run: summaries and stats are computed now, shapes on demand. */
export function resultOf(evaluator: Evaluator): AnalysisResult {
  const { sourceFile, recorder, sink } = evaluator;
  let models: ModelSummary[] = [];
  let stats = EMPTY_STATS;
  try {
    // A builder function called twice makes two models at one place; the last call's model stands for it.
    const byOrigin = new Map<ts.Node, ModelState>();
    for (const m of evaluator.models) byOrigin.set(m.origin, m);
    // A model the analysis cannot see gets a summary too, so that its CodeLens says why there is none.
    models = [...byOrigin.values()].filter((m) => m.layers.length > 0 || unseenReason(m) !== undefined).map((m) => summarize(sourceFile, m));
    stats = computeStats(sourceFile, [...byOrigin.values()], recorder);
  } catch {
    models = [];
  }
  return {
    diagnostics: sink.all(),
    shapeAt(pos: Position) {
      try {
        return recorder.shapeAt(sourceFile, pos);
      } catch {
        return undefined;
      }
    },
    recordedShapes() {
      try {
        return recorder.all(sourceFile);
      } catch {
        return [];
      }
    },
    models,
    stats,
  };
}
