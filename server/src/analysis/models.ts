// Model values and their contracts: `tf.sequential` (layers given or added; tfjs's checks on add:
// the first layer needs an input shape, no axis may shrink below zero), the functional API
// (`tf.input`, `tf.model`), `compile`, and the data checks of `predict`, `fit` (with validationData),
// `evaluate` and `trainOnBatch` with tfjs's messages (1-D inputs expanded to [n, 1],
// batch axis skipped, tensor counts, targets against outputs and loss, equal sample counts). A model
// that meets code the analysis cannot see is no longer checked. Layer rules are in layers.ts; `fitDataset` and
// `evaluateDataset` against a dataset's element in datasetTraining.ts.

import type * as ts from 'typescript';
import type { Evaluator } from './evaluator';
import { checkLayerInput, layerOutputShape, uniqueName } from './layers';
import { LAYER_RULES, cfg, declaredInputShape, noneFromNulls } from './layerShapes';
import { type Dim, type Shape, BATCH_DIM, ShapeError, dimsDiffer, formatShape, isKnown, tfjsJsonShape, tfjsShape } from './shapes';
import { asTensor } from './tensorCreation';
import { checkDatasetAgainstModel, validationDatasetOf } from './datasetTraining';
import { modelDisplayName, modelUnknownReason, unseenReason } from './analysisStats';
import { collectTrainableWeights, layerAsValue, layerParams, modelAsLayer } from './nestedModels';
import {
  type LayerState,
  type ModelState,
  type NativeCall,
  type TensorValue,
  type Value,
  UNDEFINED,
  UNKNOWN,
  arrayOf,
  arrayOfLength,
  bool,
  dimValue,
  native,
  num,
  str,
  shapeArgOf,
  stringOf,
  tensor,
} from './values';
import { sideSet, sideTable } from './stateCopy';

function newModel(ev: Evaluator, kind: ModelState['kind'], node: ts.Node): ModelState {
  const model: ModelState = {
    kind,
    name: uniqueName(ev, kind === 'sequential' ? 'sequential_' : 'model'),
    origin: node,
    layers: [],
    inputs: [],
    inputShapes: null,
    outputShapes: null,
    broken: false,
    trainable: true,
  };
  if (ev.generic) model.generic = true;
  if (!ev.silent) ev.models.push(model);
  return model;
}

export function createSequential(ev: Evaluator, c: NativeCall): Value {
  const model = newModel(ev, 'sequential', c.node);
  const config = c.args[0];
  const layers = config && config.kind === 'object' ? config.props.get('layers') : undefined;
  if (layers && layers.kind === 'array' && layers.items) {
    for (const l of layers.items) {
      // Anything the analysis cannot see makes the whole stack unknown.
      if (l.kind === 'layer') addLayer(ev, model, l.layer);
      else if (l.kind === 'model') addModel(ev, model, l.model);
      else markUnseen(model, 'a layer in its list is not one the analysis knows');
    }
  } else if (layers && layers.kind !== 'undefined') markUnseen(model, 'its layer list is not known');
  return { kind: 'model', model };
}

/**
 * `tf.loadLayersModel(url)` / `tf.loadGraphModel(url)`: a model whose layers live in a file the analysis
 * does not read. It is a model value (so `model.add(loaded)` and hovers know what it is) that is never
 * checked, and that says where it comes from.
 */
export function createLoadedModel(ev: Evaluator, c: NativeCall, loadedBy: string): Value {
  const model = newModel(ev, 'loaded', c.node);
  model.broken = true;
  model.loadedBy = loadedBy;
  return { kind: 'model', model };
}

/** `tf.input({shape})` / `tf.layers.input`: a symbolic tensor with the batch axis first. */
export function createInput(ev: Evaluator, c: NativeCall): Value {
  const config = c.args[0];
  let shape: Shape = null;
  if (config && config.kind === 'object') {
    const batchShape = cfg(config, 'batchShape');
    const s = cfg(config, 'shape');
    if (batchShape) shape = noneFromNulls(batchShape, shapeArgOf(batchShape)?.map((d, i) => (i === 0 && d === null ? BATCH_DIM : d)) ?? null, 1);
    else if (s) {
      const dims = noneFromNulls(s, shapeArgOf(s), 0);
      shape = dims ? [BATCH_DIM, ...dims] : null;
    }
  }
  const t = tensor(shape, c.node, undefined, true);
  t.inputName = (config && config.kind === 'object' ? stringOf(cfg(config, 'name')) : undefined) ?? uniqueName(ev, 'input');
  return t;
}

function tensorsOf(v: Value | undefined): TensorValue[] | undefined {
  if (!v) return undefined;
  if (v.kind === 'tensor') return [v];
  if (v.kind === 'array' && v.items) {
    const ts = v.items.map((i) => (i.kind === 'tensor' ? i : undefined));
    return ts.every((t) => t) ? (ts as TensorValue[]) : undefined;
  }
  return undefined;
}

/** The InputLayer tfjs makes for each `tf.input` tensor, made once per tensor so that two models over it share it. */
const INPUT_LAYERS = sideSet<LayerState>();
const inputLayerByTensor = sideTable<TensorValue, LayerState>();

function inputLayerOf(t: TensorValue): LayerState | undefined {
  if (!t.origin) return undefined;
  let layer = inputLayerByTensor.get(t);
  if (!layer) {
    const config = { kind: 'object' as const, props: new Map<string, Value>(), open: false };
    layer = { className: 'InputLayer', name: t.inputName ?? 'input', config, params: 0, trainable: true, origin: t.origin, outputShape: t.shape, builtInputShape: t.shape, outputTensor: t };
    inputLayerByTensor.set(t, layer);
    INPUT_LAYERS.add(layer);
  }
  return layer;
}

/** `tf.model({inputs, outputs})`: input and output shapes, and the layers between them in order. */
export function createFunctional(ev: Evaluator, c: NativeCall): Value {
  const model = newModel(ev, 'functional', c.node);
  const config = c.args[0];
  const inputs = config && config.kind === 'object' ? tensorsOf(cfg(config, 'inputs')) : undefined;
  const outputs = config && config.kind === 'object' ? tensorsOf(cfg(config, 'outputs')) : undefined;
  if (inputs) {
    model.inputs = inputs;
    model.inputShapes = inputs.map((t) => t.shape);
  }
  if (outputs) {
    model.outputShapes = outputs.map((t) => t.shape);
    // tfjs lists a functional model's layers by depth (distance to the outputs, largest first),
    // ties in the order they are reached; a layer's depth is its longest path to an output.
    // Its `layers` include an InputLayer for each input tensor (`model.layers[0]` is one), which summaries and
    // parameter counts here leave out: those read `model.layers`, the list without them.
    const depthOf = new Map<LayerState, number>();
    const visit = (t: TensorValue, depth: number) => {
      const layer = t.producer?.layer ?? (t.symbolic ? inputLayerOf(t) : undefined);
      if (!layer || depth > 500) return;
      const known = depthOf.get(layer);
      if (known !== undefined && known >= depth) return;
      depthOf.set(layer, depth);
      for (const i of t.producer?.inputs ?? []) visit(i, depth + 1);
    };
    outputs.forEach((o) => visit(o, 0));
    const reached = new Map([...depthOf.keys()].map((layer, i) => [layer, i]));
    model.listedLayers = [...depthOf.keys()].sort((a, b) => depthOf.get(b)! - depthOf.get(a)! || reached.get(a)! - reached.get(b)!);
    model.layers = model.listedLayers.filter((l) => !INPUT_LAYERS.has(l));
  }
  if (!inputs || !outputs) {
    const given = config && config.kind === 'object' ? [cfg(config, 'inputs'), cfg(config, 'outputs')] : [];
    markUnseen(model, given.map(reasonCarried).find((r) => r !== undefined) ?? 'its inputs or outputs are not symbolic tensors the analysis can follow');
  }
  return { kind: 'model', model };
}

/** The reason an unknown tensor (or a list of them) carries, as a loaded model's `inputs` do. */
function reasonCarried(v: Value | undefined): string | undefined {
  if (v?.kind === 'tensor') return v.unknownReason;
  if (v?.kind === 'array') return (v.items ?? [v.element]).map(reasonCarried).find((r) => r !== undefined);
  return undefined;
}

/** Stops checking a model because of code the analysis cannot see, remembering why for hovers and stats. */
function markUnseen(model: ModelState, reason: string): void {
  if (!model.broken) model.unknownReason ??= reason;
  model.broken = true;
}

/** A Sequential's symbolic tensors, as tfjs builds them on `add`, so `layer.output` can start a new model. */
function chainOutput(model: ModelState, layer: LayerState, out: Shape): void {
  const previous = model.layers.length >= 2 ? model.layers[model.layers.length - 2]!.outputTensor : model.inputs[0];
  const t = tensor(out, layer.origin, undefined, true);
  if (previous) t.producer = { layer, inputs: [previous] };
  layer.outputTensor = t;
}

/** The symbolic input tfjs gives a Sequential whose first layer declares its input shape (`dense_Dense1_input`). */
function sequentialInput(model: ModelState, layer: LayerState, shape: Shape): void {
  const input = tensor(shape, layer.origin, undefined, true);
  input.inputName = `${layer.name}_input`;
  model.inputs = [input];
}

/** `model.add(backbone)`: a whole model as the next layer; its output shape continues the stack. */
function addModel(ev: Evaluator, model: ModelState, inner: ModelState): void {
  if (model.broken || (ev.generic && !model.generic)) return;
  const reason = modelUnknownReason(inner);
  if (reason !== undefined || inner.inputShapes?.length !== 1 || inner.outputShapes?.length !== 1) {
    markUnseen(model, reason ?? `\`${modelDisplayName(inner)}\` has several inputs or outputs`);
    return;
  }
  const layer = modelAsLayer(inner);
  model.layers.push(layer);
  let current: Shape;
  if (model.outputShapes === null) {
    model.inputShapes = [inner.inputShapes[0]!];
    model.inputs = inner.inputs.slice(0, 1);
    current = inner.inputShapes[0]!;
  } else current = model.outputShapes[0]!;
  const innerOut = inner.outputShapes[0]!;
  const out = ev.uncertain || !innerOut ? null : current ? [current[0]!, ...innerOut.slice(1)] : innerOut;
  model.outputShapes = [out];
  chainOutput(model, layer, out);
}

/** `model.add(layer)` with tfjs Sequential's checks. */
function addLayer(ev: Evaluator, model: ModelState, layer: LayerState): void {
  // The symbolic pass over function bodies must not change models the program itself built.
  if (model.broken || (ev.generic && !model.generic)) return;
  if (layer.className === 'InputLayer') {
    model.inputShapes = [layer.builtInputShape ?? null];
    model.outputShapes = [layer.builtInputShape ?? null];
    return;
  }
  model.layers.push(layer);
  let current: Shape;
  if (model.outputShapes === null) {
    const declared = declaredInputShape(layer.config);
    if (declared === undefined) {
      model.broken = true;
      // tfjs's Sequential.add refuses a first layer without an input shape; an open config might hold one.
      if (layer.config.open) return;
      throw new ShapeError(
        'layer-input',
        'The first layer in a Sequential model must get an `inputShape` or `batchInputShape` argument.',
        [{ message: `${layer.name} is defined here`, node: layer.origin }],
      );
    }
    model.inputShapes = [declared];
    sequentialInput(model, layer, declared);
    current = declared;
  } else current = model.outputShapes[0];
  if (ev.uncertain) {
    model.outputShapes = [null];
    chainOutput(model, layer, null);
    return;
  }
  let out: Shape;
  try {
    out = layerOutputShape(ev, layer, current);
  } catch (e) {
    model.broken = true;
    throw e;
  }
  if (out && out.some((d) => isKnown(d) && d < 0)) {
    model.broken = true;
    throw new ShapeError(
      'shape-conv',
      `Negative dimension size caused by adding layer ${layer.name} with input shape [${tfjsShape(current)}]`,
    );
  }
  model.outputShapes = [out];
  chainOutput(model, layer, out);
}

export function inputName(model: ModelState, i: number): string {
  return model.inputs[i]?.inputName ?? (model.kind === 'sequential' ? `${model.layers[0]?.name ?? 'input'}_input` : `input${i + 1}`);
}

export function outputName(model: ModelState): string {
  return model.layers[model.layers.length - 1]?.name ?? 'output';
}

/** tfjs `ensureTensorsRank2OrHigher`: 1-D data becomes a column. */
function rank2OrHigher(shape: Shape): Shape {
  if (shape && shape.length === 1) return [shape[0], 1];
  return shape;
}

function throwDeferred(model: ModelState): void {
  for (const layer of model.layers) {
    if (layer.deferredError) {
      throw new ShapeError(layer.deferredError.code, layer.deferredError.message, [{ message: `${layer.name} is defined here`, node: layer.origin }]);
    }
  }
}

/** Where the model's expected shape and the data's shape came from, for `related` locations. */
function modelRelated(model: ModelState, data?: TensorValue, target = false) {
  const layer = target ? model.layers[model.layers.length - 1] : model.layers[0];
  const related: Array<{ message: string; node?: unknown }> = [
    { message: target ? `the model's output shape comes from here` : `the model's input shape comes from here`, node: layer?.origin ?? model.origin },
  ];
  if (data?.origin) related.push({ message: `the data gets shape ${formatShape(data.shape)} here`, node: data.origin });
  return related;
}

/** `checkInputData` of predict: rank, then every non-batch axis. */
function checkPredictInputs(model: ModelState, data: TensorValue[]): void {
  const expected = model.inputShapes ?? [];
  data.forEach((t, i) => {
    const want = expected[i];
    const got = rank2OrHigher(t.shape);
    if (!want || !got) return;
    const name = inputName(model, i);
    if (got.length !== want.length) {
      throw new ShapeError('predict-input', `Error when checking : expected ${name} to have ${want.length} dimension(s), but got array with shape ${tfjsJsonShape(got)}`, modelRelated(model, t));
    }
    for (let j = 1; j < want.length; j++) {
      if (dimsDiffer(want[j], got[j])) {
        throw new ShapeError('predict-input', `Error when checking : expected ${name} to have shape ${tfjsJsonShape(want)} but got array with shape ${tfjsJsonShape(got)}.`, modelRelated(model, t));
      }
    }
  });
}

/** `standardizeInputData` of fit/evaluate for inputs ('input') or targets ('target'). */
function checkTrainingData(model: ModelState, data: TensorValue[], shapes: Shape[], prefix: 'input' | 'target'): void {
  const code = prefix === 'input' ? 'fit-input' : 'fit-target';
  data.forEach((t, i) => {
    const want = shapes[i];
    const got = rank2OrHigher(t.shape);
    if (!want || !got) return;
    const name = prefix === 'input' ? inputName(model, i) : outputName(model);
    if (got.length !== want.length) {
      throw new ShapeError(code, `Error when checking ${prefix}: expected ${name} to have ${want.length} dimension(s). but got array with shape ${tfjsShape(got)}`, modelRelated(model, t, prefix === 'target'));
    }
    for (let j = 1; j < want.length; j++) {
      if (dimsDiffer(want[j], got[j])) {
        const each = want.slice(1).map(String).join(',');
        throw new ShapeError(
          code,
          `${prefix} expected a batch of elements where each example has shape [${each}] (i.e.,tensor shape [*,${each}]) ` +
            `but the ${prefix} received an input with ${got[0]} examples, each with shape [${tfjsShape(got.slice(1))}] (tensor shape [${tfjsShape(got)}])`,
          modelRelated(model, t, prefix === 'target'),
        );
      }
    }
  });
}

/** The loss of output `i`, lower-cased without underscores; 'unknown' when it cannot be named. */
export function lossOf(model: ModelState, i: number): string {
  const loss = model.loss;
  if (loss === undefined) return 'none';
  const name = typeof loss === 'string' ? loss : loss[i];
  return name === undefined ? 'unknown' : name.toLowerCase().replace(/_/g, '');
}

/** `standardizeInputData`'s count checks: one tensor per model input (or output). */
function checkTensorCount(arg: Value | undefined, tensors: TensorValue[] | undefined, expected: number, prefix: 'input' | 'target'): void {
  if (!tensors || tensors.length === expected) return;
  const code = prefix === 'input' ? 'fit-input' : 'fit-target';
  if (arg?.kind === 'tensor') {
    throw new ShapeError(code, `The model ${prefix} expects ${expected} Tensor(s), but only received one Tensor. Found: Tensor with shape ${tfjsShape(tensors[0].shape)}`);
  }
  throw new ShapeError(
    code,
    `Error when checking model ${prefix}: the Array of Tensors that you are passing to your model is not the size the model expected. Expected to see ${expected} Tensor(s), but instead got the following list of Tensor(s): ${tensors.length} tensors`,
  );
}

function checkFit(model: ModelState, xArg: Value | undefined, yArg: Value | undefined): void {
  const xs = tensorsOf(xArg);
  if (model.broken || !model.inputShapes) return;
  checkTensorCount(xArg, xs, model.inputShapes.length, 'input');
  if (xs) checkTrainingData(model, xs, model.inputShapes, 'input');
  const ys = tensorsOf(yArg);
  const outputs = model.outputShapes;
  if (outputs) checkTensorCount(yArg, ys, outputs.length, 'target');
  if (ys && outputs) {
    // A loss the analysis cannot name (an object per output, a variable) leaves the targets unchecked.
    if (outputs.some((_, i) => lossOf(model, i) === 'unknown')) {
      throwDeferred(model);
      return;
    }
    const targetShapes = outputs.map((s, i) => (s && lossOf(model, i) === 'sparsecategoricalcrossentropy' ? [...s.slice(0, -1), 1] : s));
    checkTrainingData(model, ys, targetShapes, 'target');
    if (xs) {
      const xn = rank2OrHigher(xs[0].shape)?.[0];
      const yn = rank2OrHigher(ys[0].shape)?.[0];
      if (xn !== undefined && yn !== undefined && dimsDiffer(xn, yn)) {
        throw new ShapeError('fit-target', `Input Tensors should have the same number of samples as target Tensors. Found ${xn} input sample(s) and ${yn} target sample(s).`);
      }
    }
    const y = rank2OrHigher(ys[0].shape);
    if (lossOf(model, 0) === 'categoricalcrossentropy' && y && y[y.length - 1] === 1) {
      throw new ShapeError(
        'fit-target',
        `You are passing a target array of shape ${tfjsShape(y)} while using a loss 'categorical_crossentropy'. 'categorical_crossentropy'expects targets to be binary matrices (1s and 0s) of shape [samples, classes].`,
      );
    }
  }
  throwDeferred(model);
}

function predict(model: ModelState, c: NativeCall): Value {
  const xs = tensorsOf(c.args[0]);
  if (model.broken || !xs) return outputValue(model, undefined, c.node);
  if (model.inputShapes && xs.length !== model.inputShapes.length) {
    const expected = model.inputShapes.length;
    throw new ShapeError(
      'predict-input',
      c.args[0]?.kind === 'tensor'
        ? `The model expects ${expected}  Tensors, but only received one Tensor. Found: array with shape ${tfjsJsonShape(xs[0].shape)}.`
        : `Error when checking model : the Array of Tensors that you are passing to your model is not the size the the model expected. Expected to see ${expected} Tensor(s), but instead got ${xs.length} Tensors(s).`,
    );
  }
  checkPredictInputs(model, xs);
  throwDeferred(model);
  return outputValue(model, rank2OrHigher(xs[0].shape)?.[0], c.node);
}

/** A symbolic tensor of a model the analysis cannot see, saying why. */
function unknownTensorOf(model: ModelState): TensorValue {
  const t = tensor(null, model.origin, undefined, true);
  const reason = unseenReason(model);
  if (reason !== undefined) t.unknownReason = reason;
  return t;
}

/** `backbone.apply(symbolicInput)`: the model becomes one node of the graph, as a layer would. */
function applySymbolic(model: ModelState, x: Value | undefined, node: ts.Node): Value {
  const inputs = tensorsOf(x);
  const out = outputValue(model, undefined, node);
  if (!inputs || out.kind !== 'tensor' || model.broken) return out;
  const layer = modelAsLayer(model);
  out.producer = { layer, inputs };
  layer.outputTensor = out;
  return out;
}

function outputValue(model: ModelState, batch: Dim | undefined, node: ts.Node): Value {
  const outs = model.outputShapes;
  const make = (s: Shape) => tensor(s && batch !== undefined ? [batch, ...s.slice(1)] : s, node);
  if (!outs || model.broken) {
    const unknown = tensor(null, node);
    const reason = unseenReason(model);
    if (reason !== undefined) unknown.unknownReason = reason;
    return unknown;
  }
  return outs.length === 1 ? make(outs[0]) : arrayOf(outs.map(make));
}

/**
 * Data reaching the first layer directly (fitDataset, or `model.apply` on a concrete tensor): tfjs
 * raises the first layer's `assertInputCompatibility` error rather than the fit/predict checks.
 */
export function checkAtFirstLayer(model: ModelState, x: TensorValue, code: string): void {
  const want = model.inputShapes?.[0];
  if (model.broken || !x.shape || !want) return;
  const first = model.layers[0];
  if (first && LAYER_RULES[first.className]) {
    const probe: LayerState = { ...first, builtInputShape: want };
    try {
      checkLayerInput(probe, x.shape);
    } catch (e) {
      if (e instanceof ShapeError) throw new ShapeError(code, e.message, modelRelated(model, x));
      throw e;
    }
  }
  if (x.shape.length !== want.length) {
    throw new ShapeError(code, `Error when checking input: expected ${inputName(model, 0)} to have ${want.length} dimension(s). but got array with shape ${tfjsShape(x.shape)}`, modelRelated(model, x));
  }
  for (let j = 1; j < want.length; j++) {
    if (dimsDiffer(want[j], x.shape[j])) {
      throw new ShapeError(code, `Error when checking input: expected ${inputName(model, 0)} to have shape ${tfjsJsonShape(want)} but got array with shape ${tfjsJsonShape(x.shape)}.`, modelRelated(model, x));
    }
  }
}

function lossName(loss: Value | undefined): string | undefined {
  if (loss?.kind === 'string') return loss.value;
  if (loss?.kind === 'native') return loss.name.replace(/^tf\.(losses|metrics)\./, '');
  // A user-written loss is never the sparse one, so the targets are checked against the outputs.
  if (loss?.kind === 'function') return 'custom';
  return undefined;
}

export function modelMember(ev: Evaluator, model: ModelState, key: string): Value {
  switch (key) {
    case 'add':
      return native('add', (c) => {
        const l = c.args[0];
        if (l && l.kind === 'layer') addLayer(ev, model, l.layer);
        else if (l && l.kind === 'model') addModel(ev, model, l.model);
        // Anything unknown hides what the stack does from here on.
        else if (!ev.generic || model.generic) markUnseen(model, 'a layer added to it is not one the analysis knows');
        return UNDEFINED;
      });
    case 'compile':
      return native('compile', (c) => {
        if (ev.generic && !model.generic) return UNDEFINED;
        const args = c.args[0];
        const loss = args && args.kind === 'object' ? args.props.get('loss') : undefined;
        model.loss = lossName(loss) ?? (loss?.kind === 'array' && loss.items ? loss.items.map((l) => lossName(l) ?? 'unknown') : 'unknown');
        collectTrainableWeights(model);
        return UNDEFINED;
      });
    case 'fit':
    case 'evaluate':
    case 'trainOnBatch':
      return native(key, (c) => {
        checkFit(model, c.args[0], c.args[1]);
        // fit also standardizes `validationData: [xVal, yVal]` before training starts.
        const options = key === 'fit' ? c.args[2] : undefined;
        const validation = options && options.kind === 'object' ? options.props.get('validationData') : undefined;
        if (validation && validation.kind === 'array' && validation.items && validation.items.length >= 2) {
          checkFit(model, validation.items[0], validation.items[1]);
        }
        return UNKNOWN;
      });
    case 'predict':
    case 'predictOnBatch':
    case 'call':
      return native(key, (c) => predict(model, c));
    case 'apply':
      return native(key, (c) => {
        const x = c.args[0];
        const t = x ? asTensor(x) : undefined;
        if (t && !t.symbolic) {
          checkAtFirstLayer(model, t, 'layer-input');
          throwDeferred(model);
          return outputValue(model, t.shape?.[0], c.node);
        }
        return applySymbolic(model, x, c.node);
      });
    case 'fitDataset':
    case 'evaluateDataset':
      return native(key, (c) => {
        const ds = c.args[0];
        const fitting = key === 'fitDataset';
        if (ds && ds.kind === 'dataset') checkDatasetAgainstModel(model, ds.dataset, c.args[1], fitting);
        // Validation data is evaluated after the first epoch: a dataset as evaluateDataset, tensors as evaluate.
        const validation = fitting && c.args[1]?.kind === 'object' ? c.args[1].props.get('validationData') : undefined;
        const validationDataset = validationDatasetOf(c.args[1]);
        if (validationDataset) checkDatasetAgainstModel(model, validationDataset, undefined, false);
        else if (validation && validation.kind === 'array' && validation.items && validation.items.length >= 2) checkFit(model, validation.items[0], validation.items[1]);
        return UNKNOWN;
      });
    case 'layers':
      return model.kind === 'loaded' ? arrayOfLength(null, UNKNOWN) : arrayOf((model.listedLayers ?? model.layers).map(layerAsValue));
    case 'getLayer':
      return native(key, (c) => {
        const name = stringOf(c.args[0]);
        const index = c.args[1] && c.args[1].kind === 'number' ? c.args[1].value : undefined;
        const listed = model.listedLayers ?? model.layers;
        const layer = name !== undefined ? listed.find((l) => l.name === name) : index !== undefined ? listed[index] : undefined;
        return layer ? layerAsValue(layer) : UNKNOWN;
      });
    case 'outputs': {
      const last = model.kind === 'sequential' ? model.layers[model.layers.length - 1]?.outputTensor : undefined;
      if (model.kind === 'loaded' || model.broken) return arrayOfLength(null, unknownTensorOf(model));
      return arrayOf(last ? [last] : (model.outputShapes ?? []).map((s) => tensor(s, model.origin, undefined, true)));
    }
    case 'inputs':
      if (model.kind === 'loaded') return arrayOfLength(null, unknownTensorOf(model));
      return arrayOf(model.inputs.length > 0 ? model.inputs : (model.inputShapes ?? []).map((s) => tensor(s, model.origin, undefined, true)));
    case 'outputShape': {
      const out = model.outputShapes?.length === 1 && !model.broken ? model.outputShapes[0] : null;
      return out ? arrayOf(out.map((d, i) => (i === 0 && d === BATCH_DIM ? { kind: 'null' } : dimValue(d)))) : UNKNOWN;
    }
    case 'trainable':
      return bool(model.trainable);
    case 'name':
      return str(model.name);
    case 'countParams':
      return native(key, () => (model.kind === 'loaded' ? num() : num(model.layers.reduce((sum, l) => sum + layerParams(l), 0))));
    case 'summary':
    case 'save':
    case 'dispose':
      return native(key, () => UNDEFINED);
    default:
      return UNKNOWN;
  }
}

