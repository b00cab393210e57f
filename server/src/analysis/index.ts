// Entry point of the shape analysis: parse → evaluate (bind lazily, check while evaluating) →
// report. `analyze` never throws: a file that cannot be parsed or evaluated yields what was found
// up to that point. The CLI, the language server and the tests use only this module and api.ts.

import * as ts from 'typescript';
import type { AnalysisResult, AnalyzeInput, LayerSummary, ModelSummary, Position } from './api';
import { nodeRange } from './diagnostics';
import { Evaluator } from './evaluator';
import { EMPTY_STATS, computeStats } from './analysisStats';
import { formatShape } from './shapes';
import type { ModelState } from './values';

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

function summarize(sourceFile: ts.SourceFile, model: ModelState): ModelSummary {
  const layers: LayerSummary[] = model.layers.map((layer) => {
    const params = layer.params ?? 0;
    return { name: layer.name, type: layer.className, outputShape: formatShape(layer.outputShape ?? null), params, trainable: layer.trainable };
  });
  let total = 0;
  let trainable = 0;
  for (const layer of model.layers) {
    const params = layer.params ?? 0;
    total += params;
    if (!layer.trainable) continue;
    // BatchNormalization's moving mean and variance are not trainable.
    trainable += layer.className === 'BatchNormalization' ? params / 2 : params;
  }
  return {
    name: model.variableName ?? model.name,
    range: nodeRange(sourceFile, model.origin),
    layers,
    totalParams: total,
    trainableParams: trainable,
  };
}

const EMPTY_RESULT: AnalysisResult = { diagnostics: [], shapeAt: () => undefined, recordedShapes: () => [], models: [], stats: EMPTY_STATS };

export function analyze(input: AnalyzeInput): AnalysisResult {
  let sourceFile: ts.SourceFile;
  try {
    sourceFile = ts.createSourceFile(input.fileName, input.text, ts.ScriptTarget.Latest, true, scriptKindOf(input.fileName));
  } catch {
    // TypeScript's parser itself can overflow the stack on absurdly deep nesting; nothing to analyse then.
    return EMPTY_RESULT;
  }
  const options = input.host ? { sourceFile, fileName: input.fileName, host: input.host } : { sourceFile, fileName: input.fileName };
  const evaluator = new Evaluator(options);
  try {
    evaluator.runProgram();
  } catch {
    // Evaluation problems (a stack overflow on deep nesting) are the analysis's own; what was found
    // up to that point still stands.
  }
  let models: ModelSummary[] = [];
  let stats = EMPTY_STATS;
  try {
    // A builder function called twice makes two models at one place; the last call's model stands for it.
    const byOrigin = new Map<ts.Node, ModelState>();
    for (const m of evaluator.models) byOrigin.set(m.origin, m);
    models = [...byOrigin.values()].filter((m) => m.layers.length > 0).map((m) => summarize(sourceFile, m));
    stats = computeStats(sourceFile, [...byOrigin.values()], evaluator.recorder);
  } catch {
    models = [];
  }
  return {
    diagnostics: evaluator.sink.all(),
    shapeAt(pos: Position) {
      try {
        return evaluator.recorder.shapeAt(sourceFile, pos);
      } catch {
        return undefined;
      }
    },
    recordedShapes() {
      try {
        return evaluator.recorder.all(sourceFile);
      } catch {
        return [];
      }
    },
    models,
    stats,
  };
}
