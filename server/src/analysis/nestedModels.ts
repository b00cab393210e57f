// Models as values: a model used as a layer of another model (`model.add(backbone)`,
// `tf.sequential({layers: [backbone, ...]})`, `backbone.apply(x)`), parameter counts as tfjs's
// `model.summary()` prints them (a nested model is one row; frozen weights count as non-trainable),
// and `trainable` set on layers and models after construction (`for (const l of backbone.layers)
// l.trainable = false`, `backbone.trainable = false`). The model contracts (add, fit, predict) stay in
// models.ts; this module only decides what a model looks like from outside.
//
// tfjs's rules, from tfjs-layers 4.22 `topology.ts` and `container.ts`: a layer's trainable weights are
// those whose own flag is set, and none while the layer's `trainable` is false; `layer.trainable = v`
// sets both. A model's `trainable = v` sets the flag of every weight of its direct layers (not the
// layers' own flags) and its own flag; a model whose flag is false has no trainable weights. A
// functional model's summary counts the trainable weights it collected at `compile` (and adds the
// non-trainable ones counted when printed); a Sequential's summary counts them when printed.

import type { Evaluator } from './evaluator';
import { type LayerState, type ModelState, type Value, truthiness } from './values';
import { affineCount } from './layerShapes';

/** The layer that stands for `model` inside another model; the same object every time. */
export function modelAsLayer(model: ModelState): LayerState {
  if (!model.asLayer) {
    model.asLayer = {
      className: model.kind === 'sequential' ? 'Sequential' : 'Model',
      name: model.name,
      config: { kind: 'object', props: new Map(), open: false },
      params: null,
      trainable: model.trainable,
      origin: model.origin,
      model,
    };
  }
  const layer = model.asLayer;
  layer.trainable = model.trainable;
  layer.params = totalParams(model);
  layer.builtInputShape = model.inputShapes?.[0] ?? undefined;
  layer.outputShape = model.outputShapes?.[0] ?? undefined;
  return layer;
}

/** The value a model's layer list shows for `layer`: nested models are models again (`model.layers[0].layers`). */
export function layerAsValue(layer: LayerState): Value {
  return layer.model ? { kind: 'model', model: layer.model } : { kind: 'layer', layer };
}

/** `countParams()`: every weight of the layer, of every layer for a nested model. */
export function layerParams(layer: LayerState): number {
  return layer.model ? totalParams(layer.model) : (layer.params ?? 0);
}

export function totalParams(model: ModelState): number {
  let total = 0;
  for (const layer of model.layers) total += layerParams(layer);
  return total;
}

/** The parameters in a layer's `trainableWeights` now. */
export function layerTrainableParams(layer: LayerState): number {
  if (layer.model) return liveTrainableParams(layer.model);
  if (!layer.trainable || layer.weightsFrozen) return 0;
  if (layer.className !== 'BatchNormalization') return layer.params ?? 0;
  // BatchNormalization's moving mean and variance never train; gamma and beta do unless `scale`/`center` turn them off.
  const affine = affineCount(layer.config) ?? 2;
  return ((layer.params ?? 0) * affine) / (2 + affine);
}

function liveTrainableParams(model: ModelState): number {
  if (!model.trainable) return 0;
  let trainable = 0;
  for (const layer of model.layers) trainable += layerTrainableParams(layer);
  return trainable;
}

/** "Trainable params" of `model.summary()`. */
export function summaryTrainableParams(model: ModelState): number {
  return model.compiledTrainableParams ?? liveTrainableParams(model);
}

/**
 * "Total params" of `model.summary()`: tfjs adds the trainable count above to the non-trainable weights
 * counted now, so a functional model frozen after compile shows more parameters than it has.
 */
export function summaryTotalParams(model: ModelState): number {
  return summaryTrainableParams(model) + totalParams(model) - liveTrainableParams(model);
}

/** Called by `compile`: a functional model keeps the count it collected then. */
export function collectTrainableWeights(model: ModelState): void {
  if (model.kind === 'functional') model.compiledTrainableParams = liveTrainableParams(model);
}

/**
 * `target.trainable = value` on a layer or a model. The generic pass over function bodies must not
 * change what the program built, and a value the analysis does not know leaves the flags alone.
 */
export function assignTrainable(ev: Evaluator, target: Value, value: Value): void {
  if (ev.generic) return;
  const flag = truthiness(value);
  if (flag === undefined) return;
  if (target.kind === 'layer') {
    target.layer.trainable = flag;
    target.layer.weightsFrozen = !flag;
  } else if (target.kind === 'model') {
    const model = target.model;
    model.trainable = flag;
    for (const layer of model.layers) if (!layer.model) layer.weightsFrozen = !flag;
    if (model.asLayer) model.asLayer.trainable = flag;
  }
}
