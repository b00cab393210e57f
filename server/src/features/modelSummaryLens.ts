// The title of the model-summary CodeLens shown above each model definition, like
// `Summary · 7 layers · 1,234,567 params (3,843 trainable)`. The table it opens is drawn by the extension
// from the same ModelSummary. Editor-free.
import type { ModelSummary } from '../analysis/index';

const count = new Intl.NumberFormat('en-US');

export function summaryLensTitle(model: ModelSummary): string {
  const layers = `${model.layers.length} layer${model.layers.length === 1 ? '' : 's'}`;
  const params = `${count.format(model.totalParams)} params`;
  return `Summary · ${layers} · ${params} (${count.format(model.trainableParams)} trainable)`;
}
