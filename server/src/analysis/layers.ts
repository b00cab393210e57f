// Layer values: `tf.layers.*` factories (naming layers as tfjs does, `dense_Dense1`), applying a
// layer to a symbolic or concrete tensor (tfjs's `assertInputCompatibility`, then the output shape,
// then building, which fixes the feature axis for later calls of a shared layer), wrappers
// (TimeDistributed, Bidirectional), and layer members (`apply`, `countParams`, ...). The per-class
// shape rules are in layerShapes.ts; models are in models.ts.

import type * as ts from 'typescript';
import type { Evaluator } from './evaluator';
import { LAYER_RULES, cfg, declaredInputShape, mergeOutput } from './layerShapes';
import { MORE_LAYER_FACTORIES, checkBidirectionalInput, checkBuiltShape, extraOutputShapes, mergeModeOf } from './layerApplication';
import { checkInitialState } from './recurrentLayerRules';
import { concreteOutput } from './preprocessingLayerRules';
import { type Dim, type Shape, ShapeError, dimsDiffer, tfjsJsonShape, tfjsShape } from './shapes';
import { asTensor } from './tensorCreation';
import {
  type LayerState,
  type LayerValue,
  type ObjectValue,
  type TensorValue,
  type Value,
  UNKNOWN,
  arrayOf,
  arrayOfLength,
  dimValue,
  native,
  num,
  str,
  stringOf,
  tensor,
  truthiness,
} from './values';

/** Factory name in `tf.layers` → tfjs class name. */
export const LAYER_FACTORIES: Record<string, string> = {
  dense: 'Dense', conv1d: 'Conv1D', conv2d: 'Conv2D', conv2dTranspose: 'Conv2DTranspose',
  depthwiseConv2d: 'DepthwiseConv2D', separableConv2d: 'SeparableConv2D',
  maxPooling1d: 'MaxPooling1D', maxPool1d: 'MaxPooling1D', averagePooling1d: 'AveragePooling1D', avgPool1d: 'AveragePooling1D', avgPooling1d: 'AveragePooling1D',
  maxPooling2d: 'MaxPooling2D', maxPool2d: 'MaxPooling2D', averagePooling2d: 'AveragePooling2D', avgPool2d: 'AveragePooling2D', avgPooling2d: 'AveragePooling2D',
  globalAveragePooling1d: 'GlobalAveragePooling1D', globalMaxPooling1d: 'GlobalMaxPooling1D', globalMaxPool1d: 'GlobalMaxPooling1D',
  globalAveragePooling2d: 'GlobalAveragePooling2D', globalMaxPooling2d: 'GlobalMaxPooling2D', globalMaxPool2d: 'GlobalMaxPooling2D',
  flatten: 'Flatten', reshape: 'Reshape', dropout: 'Dropout', spatialDropout1d: 'SpatialDropout1D', gaussianNoise: 'GaussianNoise',
  gaussianDropout: 'GaussianDropout', alphaDropout: 'AlphaDropout', activation: 'Activation', reLU: 'ReLU', leakyReLU: 'LeakyReLU',
  elu: 'ELU', softmax: 'Softmax', thresholdedReLU: 'ThresholdedReLU', prelu: 'PReLU', masking: 'Masking',
  batchNormalization: 'BatchNormalization', layerNormalization: 'LayerNormalization', embedding: 'Embedding',
  simpleRNN: 'SimpleRNN', lstm: 'LSTM', gru: 'GRU', repeatVector: 'RepeatVector', permute: 'Permute',
  zeroPadding2d: 'ZeroPadding2D', upSampling2d: 'UpSampling2D', concatenate: 'Concatenate', add: 'Add', multiply: 'Multiply',
  average: 'Average', maximum: 'Maximum', minimum: 'Minimum', subtract: 'Subtract', dot: 'Dot', cropping2D: 'Cropping2D',
  timeDistributed: 'TimeDistributed', bidirectional: 'Bidirectional', inputLayer: 'InputLayer',
  ...MORE_LAYER_FACTORIES,
};

/** tfjs `toSnakeCase`, used for default layer names. */
function snakeCase(name: string): string {
  const s = name.replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  return s[0] !== '_' ? s : 'private' + s;
}

export function uniqueName(ev: Evaluator, prefix: string): string {
  const n = (ev.layerCounters.get(prefix) ?? 0) + 1;
  ev.layerCounters.set(prefix, n);
  return `${prefix}${n}`;
}

const WRAPPERS = ['TimeDistributed', 'Bidirectional'];

export function createLayer(ev: Evaluator, className: string, configValue: Value | undefined, node: ts.Node): LayerValue {
  const config: ObjectValue = configValue && configValue.kind === 'object' ? configValue : { kind: 'object', props: new Map(), open: !configValue || configValue.kind !== 'undefined' };
  const explicitName = stringOf(cfg(config, 'name'));
  const name = explicitName ?? uniqueName(ev, `${snakeCase(className)}_${className}`);
  const trainableFlag = cfg(config, 'trainable');
  // Wrappers ignore their own `trainable` option: tfjs reads the wrapped layer's flag.
  const inner = WRAPPERS.includes(className) ? cfg(config, 'layer') : undefined;
  const layer: LayerState = {
    className,
    name,
    config,
    params: null,
    trainable: inner?.kind === 'layer' ? inner.layer.trainable : trainableFlag ? truthiness(trainableFlag) !== false : true,
    origin: node,
  };
  return { kind: 'layer', layer };
}

function incompatible(layer: LayerState, detail: string): ShapeError {
  return new ShapeError('layer-input', `Input 0 is incompatible with layer ${layer.name}: ${detail}`, [
    { message: `${layer.name} is defined here`, node: layer.origin },
  ]);
}

/** tfjs `assertInputCompatibility`: the static spec, then the axis the built weights fixed. */
export function checkLayerInput(layer: LayerState, shape: Dim[]): void {
  const rule = LAYER_RULES[layer.className];
  const spec = rule?.spec?.(layer.config);
  if (spec?.ndim !== undefined && shape.length !== spec.ndim) {
    throw incompatible(layer, `expected ndim=${spec.ndim}, found ndim=${shape.length}`);
  }
  if (spec?.minNdim !== undefined && shape.length < spec.minNdim) {
    throw incompatible(layer, `expected min_ndim=${spec.minNdim}, found ndim=${shape.length}.`);
  }
  if (!layer.builtInputShape) rule?.check?.(layer.config, shape, layer);
  const built = layer.builtInputShape;
  if (built && rule?.builtSpecIsShape) checkBuiltShape(layer, built, shape, rule.featureAxis?.(layer.config) ?? -1);
  else if (built && rule?.featureAxis) {
    const axis = rule.featureAxis(layer.config);
    const expected = axis < 0 ? built[built.length + axis] : built[axis];
    const actual = axis < 0 ? shape[shape.length + axis] : shape[axis];
    if (expected !== undefined && actual !== undefined && dimsDiffer(expected, actual)) {
      // Most classes normalise the axis in build and report it counted from the front.
      const shown = rule.axisFromFront && axis < 0 ? shape.length + axis : axis;
      throw incompatible(layer, `expected axis ${shown} of input shape to have value ${expected} but got shape ${tfjsShape(shape)}.`);
    }
  }
}

/** Output shape of a (non-merge) layer for an input shape, building the layer on first use. */
export function layerOutputShape(ev: Evaluator, layer: LayerState, shape: Shape): Shape {
  if (!shape) return null;
  if (layer.className === 'TimeDistributed' || layer.className === 'Bidirectional') return wrapperOutput(ev, layer, shape);
  const rule = LAYER_RULES[layer.className];
  if (!rule) return null;
  checkLayerInput(layer, shape);
  const out = rule.output(layer.config, shape, layer);
  if (!layer.builtInputShape) {
    layer.builtInputShape = shape;
    layer.params = rule.params ? rule.params(layer.config, shape) : null;
  }
  layer.outputShape = out;
  return out;
}

function innerLayer(layer: LayerState): LayerState | undefined {
  const inner = cfg(layer.config, 'layer');
  return inner && inner.kind === 'layer' ? inner.layer : undefined;
}

function wrapperOutput(ev: Evaluator, layer: LayerState, shape: Dim[]): Shape {
  const inner = innerLayer(layer);
  if (!inner) return null;
  if (layer.className === 'TimeDistributed') {
    if (shape.length < 3) {
      throw new ShapeError('layer-input', `TimeDistributed layer expects an input shape >= 3D, but received input shape ${tfjsJsonShape(shape)}`);
    }
    const innerOut = layerOutputShape(ev, inner, [shape[0], ...shape.slice(2)]);
    layer.params = inner.params;
    layer.builtInputShape ??= shape;
    layer.outputShape = innerOut ? [innerOut[0], shape[1], ...innerOut.slice(1)] : null;
    return layer.outputShape;
  }
  checkBidirectionalInput(layer, inner, shape);
  const innerOut = layerOutputShape(ev, inner, shape);
  const mode = mergeModeOf(layer);
  layer.params = inner.params === null ? null : inner.params * 2;
  layer.builtInputShape ??= shape;
  if (!innerOut || mode === undefined) return null;
  const last = innerOut[innerOut.length - 1];
  layer.outputShape = mode === 'concat' ? [...innerOut.slice(0, -1), typeof last === 'number' ? last * 2 : null] : innerOut;
  return layer.outputShape;
}

/** `layer.apply(input)`: symbolic inputs give symbolic outputs; concrete tensors run the layer. */
export function applyLayer(ev: Evaluator, layer: LayerState, input: Value, node: ts.Node, kwargs?: Value): Value {
  const rule = LAYER_RULES[layer.className];
  if (rule?.merge) {
    const items = input.kind === 'array' ? input.items : undefined;
    const tensors = items?.map((i) => asTensor(i));
    if (!tensors || tensors.some((t) => !t)) return tensor(null, node);
    const out = mergeOutput(layer.className, layer.config, tensors.map((t) => t!.shape));
    layer.outputShape = out;
    layer.params = 0;
    layer.builtInputShape ??= tensors[0]!.shape;
    const merged = withProducer(tensor(out, node, undefined, tensors.some((t) => t!.symbolic)), layer, tensors as TensorValue[]);
    if (merged.symbolic) layer.outputTensor = merged;
    return merged;
  }
  const x = asTensor(input.kind === 'array' && input.items?.length === 1 ? input.items[0] : input);
  if (!x) return tensor(null, node);
  const initialState = kwargs && kwargs.kind === 'object' ? cfg(kwargs, 'initialState') : undefined;
  if (initialState) {
    const states = initialState.kind === 'array' ? initialState.items?.map((s) => asTensor(s)?.shape) : [asTensor(initialState)?.shape];
    if (states) checkInitialState(layer.className, layer.config, states);
  }
  let out = layerOutputShape(ev, layer, x.shape);
  if (!x.symbolic && layer.deferredError) throw new ShapeError(layer.deferredError.code, layer.deferredError.message);
  // Preprocessing layers answer a symbolic shape of their own; on data the image ops decide.
  const onData = !x.symbolic && x.shape ? concreteOutput(layer.className, layer.config, x.shape) : undefined;
  if (onData !== undefined) out = onData;
  const result = withProducer(tensor(out, node, undefined, x.symbolic), layer, [x]);
  if (x.symbolic) layer.outputTensor = result;
  const extras = x.shape ? extraOutputShapes(layer, x.shape) : undefined;
  if (extras) return arrayOf([result, ...extras.map((s) => withProducer(tensor(s, node, undefined, x.symbolic), layer, [x]))]);
  return result;
}

function withProducer(t: TensorValue, layer: LayerState, inputs: TensorValue[]): TensorValue {
  t.producer = { layer, inputs };
  return t;
}

export function layerFactory(ev: Evaluator, className: string): Value {
  return native(className, (c) => {
    if (className === 'InputLayer') {
      const lv = createLayer(ev, className, c.args[0], c.node);
      lv.layer.builtInputShape = declaredInputShape(lv.layer.config) ?? null;
      lv.layer.outputShape = lv.layer.builtInputShape;
      lv.layer.params = 0;
      return lv;
    }
    return createLayer(ev, className, c.args[0], c.node);
  });
}

export function layerMember(ev: Evaluator, layer: LayerState, key: string): Value {
  switch (key) {
    case 'apply':
      return native('apply', (c) => applyLayer(ev, layer, c.args[0] ?? UNKNOWN, c.node, c.args[1]));
    case 'name':
      return str(layer.name);
    case 'output':
      // The tensor the layer last produced keeps its producers, so `tf.model({inputs, outputs: layer.output})` works.
      return layer.outputTensor ?? tensor(layer.outputShape ?? null, layer.origin, undefined, true);
    case 'input':
      return tensor(layer.builtInputShape ?? null, layer.origin, undefined, true);
    case 'outputShape':
      return layer.outputShape ? arrayOf(layer.outputShape.map((d) => (d === 'batch' ? { kind: 'null' } : dimValue(d)))) : arrayOfLength(null, UNKNOWN);
    case 'countParams':
      return native('countParams', () => num(layer.params ?? undefined));
    case 'trainable':
      return { kind: 'boolean', value: layer.trainable };
    default:
      return UNKNOWN;
  }
}
