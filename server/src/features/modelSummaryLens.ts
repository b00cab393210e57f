// The title of the model-summary CodeLens shown above each model definition, like
// `Summary · 3 layers · 14,949 params (13,525 trainable, 1,424 non-trainable) · sequential_1 frozen`: the counts
// tfjs's `model.summary()` prints, and the state of each nested model (one row of the summary, as in tfjs).
// For a model the analysis cannot follow it says why instead (`summary unavailable: …`). The table it opens
// is drawn by the extension from the same ModelSummary. Editor-free.
import type { LayerSummary, ModelSummary } from '../analysis/index';

const count = new Intl.NumberFormat('en-US');

/** `sequential_1 frozen` / `partly frozen` for a nested model that does not train fully; nothing otherwise. */
function nestedState(layer: LayerSummary): string | undefined {
  if (!layer.layers || layer.params === 0 || layer.trainableParams === layer.params) return undefined;
  return layer.trainableParams === 0 ? `${layer.name} frozen` : `${layer.name} partly frozen`;
}

export function summaryLensTitle(model: ModelSummary): string {
  if (model.unknownReason !== undefined) return `Summary unavailable: ${model.unknownReason}`;
  const layers = `${model.layers.length} layer${model.layers.length === 1 ? '' : 's'}`;
  const frozen = model.totalParams - model.trainableParams;
  const trainable = `${count.format(model.trainableParams)} trainable${frozen > 0 ? `, ${count.format(frozen)} non-trainable` : ''}`;
  const nested = model.layers.map(nestedState).filter((s) => s !== undefined);
  return [`Summary · ${layers} · ${count.format(model.totalParams)} params (${trainable})`, ...nested].join(' · ');
}
