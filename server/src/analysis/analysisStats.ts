// Counts what the analysis really saw in a file, for `AnalysisResult.stats` and `mlts check --stats`:
// models it followed to known output shapes, models it could not follow (with the reason it gives in
// hovers), and shape coverage over the tensor-valued expressions it recorded. It computes no shapes; a
// tool that reports a clean file uses these numbers to tell "checked" from "nothing was known".

import type * as ts from 'typescript';
import type { AnalysisStats, UnknownModel } from './api';
import { nodeRange } from './diagnostics';
import type { ShapeRecorder } from './shapeRecorder';
import type { ModelState } from './values';

/** Why the analysis cannot see a model (loaded from a file, built from values it does not know); not set after an error. */
export function unseenReason(model: ModelState): string | undefined {
  if (model.loadedBy) return `${model.variableName ? `\`${model.variableName}\`` : 'the model'} comes from \`${model.loadedBy}\``;
  return model.unknownReason;
}

/** Why a model's shapes are unknown, or undefined when its every output shape is known. */
export function modelUnknownReason(model: ModelState): string | undefined {
  const unseen = unseenReason(model);
  if (unseen !== undefined) return unseen;
  if (model.broken) return 'the analysis stopped following it (code it cannot see, or an error while building it)';
  if (!model.outputShapes) return model.layers.length === 0 ? 'it has no layers yet' : 'its input shape is not known';
  if (model.outputShapes.some((s) => s === null)) return 'its output shape depends on values the analysis does not know';
  return undefined;
}

/** The name a model is shown with: its variable when it has one, else tfjs's name. */
export function modelDisplayName(model: ModelState): string {
  return model.variableName ?? model.name;
}

export function computeStats(sourceFile: ts.SourceFile, models: ModelState[], recorder: ShapeRecorder): AnalysisStats {
  let modelsAnalysed = 0;
  const modelsUnknown: UnknownModel[] = [];
  for (const model of models) {
    const reason = modelUnknownReason(model);
    if (reason === undefined) modelsAnalysed++;
    else modelsUnknown.push({ name: modelDisplayName(model), reason, range: nodeRange(sourceFile, model.origin) });
  }
  const { tensors, known } = recorder.tensorCoverage();
  return {
    modelsAnalysed,
    modelsUnknown,
    tensorExpressions: tensors,
    knownShapeExpressions: known,
    shapeCoverage: tensors === 0 ? null : known / tensors,
  };
}

export const EMPTY_STATS: AnalysisStats = { modelsAnalysed: 0, modelsUnknown: [], tensorExpressions: 0, knownShapeExpressions: 0, shapeCoverage: null };
