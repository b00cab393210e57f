// Per-layer-class rules mirroring tfjs-layers: the registry `LAYER_RULES` of every class the
// analysis models, and the rules of the core, activation, noise, normalization, embedding and merge
// layers (input spec checked by `assertInputCompatibility`, `computeOutputShape`, the parameter
// count). The convolutional, recurrent and preprocessing families are in their own files; the rule
// vocabulary is layerRuleKit.ts. Pure functions of a layer's config and input shape; applying layers
// to tensors, naming and models are in layers.ts and models.ts.

import {
  type Dim,
  type Shape,
  BATCH_DIM,
  NONE_DIM,
  ShapeError,
  broadcastShapes,
  dimsDiffer,
  isKnown,
  productDim,
  tfjsJsonShape,
  tfjsShape,
} from './shapes';
import { type LayerState, type ObjectValue, type Value, dimOf, numberListOf, numberOf, shapeArgOf } from './values';
import { type LayerRule, cfg, cfgFlag, cfgNumber, identityRule, mul, useBias } from './layerRuleKit';
import { CONV_LAYER_RULES } from './convLayerRules';
import { RECURRENT_LAYER_RULES } from './recurrentLayerRules';
import { PREPROCESSING_LAYER_RULES } from './preprocessingLayerRules';

export { cfg } from './layerRuleKit';
export type { InputSpec, LayerRule } from './layerRuleKit';

/** Merge layers compute their output in `mergeOutput` over all inputs. */
const mergeRule: LayerRule = { merge: true, output: () => null, params: () => 0 };

/** Output shape of a merge layer over several inputs, with tfjs's messages. */
export function mergeOutput(className: string, config: ObjectValue, inputs: Shape[]): Shape {
  if (inputs.length < 2) {
    throw new ShapeError('layer-input', `A merge layer should be called on an Array of at least 2 inputs. Got ${inputs.length} input(s).`);
  }
  if (inputs.some((s) => s === null)) return null;
  const shapes = inputs as Dim[][];
  if (className === 'Dot') return dotOutput(config, shapes);
  if (className === 'Concatenate') {
    const rank = shapes[0].length;
    const axisArg = cfgNumber(config, 'axis', -1);
    if (axisArg === undefined || shapes.some((s) => s.length !== rank)) return null;
    const axis = axisArg < 0 ? axisArg + rank : axisArg;
    for (const s of shapes.slice(1)) {
      for (let i = 0; i < rank; i++) {
        if (i !== axis && dimsDiffer(s[i], shapes[0][i])) {
          throw new ShapeError(
            'layer-input',
            'A `Concatenate` layer requires inputs with matching shapes except for the concat axis. ' +
              `Got input shapes: [${shapes.map(tfjsJsonShape).join(',')}]`,
          );
        }
      }
    }
    const out = [...shapes[0]];
    out[axis] = productSum(shapes.map((s) => s[axis]));
    return out;
  }
  let out: Shape = shapes[0].slice(1);
  for (const s of shapes.slice(1)) {
    try {
      out = broadcastShapes(out, s.slice(1));
    } catch {
      throw new ShapeError(
        'layer-input',
        `Operands could not be broadcast together with shapes ${tfjsJsonShape(shapes[0])} ${tfjsJsonShape(s)}`,
      );
    }
  }
  return out ? [shapes[0][0], ...out] : null;
}

/**
 * The Dot layer (`computeOutputShape` and `build`): exactly two inputs of rank 3 at most; a number
 * `axes` counts from the end when negative, a list is used as written (tfjs then reads
 * `shape[-1]`, which skips the size check); the contracted axis goes, and so does the second
 * input's batch axis.
 */
function dotOutput(config: ObjectValue, shapes: Dim[][]): Shape {
  if (shapes.length !== 2) throw new ShapeError('layer-input', 'A `Dot` layer should be called on a list of exactly 2 inputs.');
  const [a, b] = shapes;
  if (a.length > 3 || b.length > 3) throw new ShapeError('layer-input', 'Dot layer does not support tensors of 4D or higher rank yet.');
  const axesArg = cfg(config, 'axes');
  const single = numberOf(axesArg);
  const list = single !== undefined ? [single < 0 ? single + a.length : single, single < 0 ? single + b.length : single] : numberListOf(axesArg);
  if (!list || list.length !== 2) return null;
  const [axisA, axisB] = list;
  if (axisA >= 0 && axisB >= 0 && dimsDiffer(a[axisA] ?? null, b[axisB] ?? null)) {
    throw new ShapeError('layer-input', `Dimension incompatibility: ${a[axisA]} !== ${b[axisB]}`);
  }
  const first = [...a];
  const second = [...b];
  first.splice(axisA, 1);
  second.splice(axisB, 1);
  second.splice(0, 1);
  const out = [...first, ...second];
  return out.length === 1 ? [out[0], 1] : out;
}

function productSum(dims: Dim[]): Dim {
  let sum = 0;
  for (const d of dims) {
    if (!isKnown(d)) return null;
    sum += d;
  }
  return sum;
}

/** Reshape's output; a size mismatch is only raised when data flows (see LayerState.deferredError). */
export function reshapeLayerOutput(config: ObjectValue, input: Dim[], layer: LayerState): Shape {
  const target = shapeArgOf(cfg(config, 'targetShape'));
  if (!target) return [input[0], null];
  const rest = input.slice(1);
  const size = productDim(rest);
  const unknownIndex = target.findIndex((d) => d === null || (isKnown(d) && d < 0));
  const known = productDim(target.filter((d) => !(d === null || (isKnown(d) && d < 0))));
  // On a symbolic input tfjs leaves the -1 as a null axis of its own.
  const out = target.map((d) => (isKnown(d) && d < 0 ? (isKnown(input[0]) ? null : NONE_DIM) : d));
  if (isKnown(size) && isKnown(known)) {
    const bad = unknownIndex >= 0 ? known === 0 || size % known !== 0 : size !== known;
    // With every axis known (a fixed batch size, or data) tfjs checks right away; with a null batch
    // the check waits until data flows.
    if (bad && isKnown(input[0])) throw new ShapeError('shape-reshape', 'Total size of new array must be unchanged.');
    if (bad) layer.deferredError = { code: 'shape-reshape', message: 'Total size of new array must be unchanged.' };
    // tfjs resolves the -1 only for data; on a symbolic input (null batch) it stays null.
    else if (unknownIndex >= 0 && isKnown(input[0])) out[unknownIndex] = size / known;
  }
  return [input[0], ...out];
}

/** BatchNormalization's axis (default -1); its weights are sized by that axis. */
function normAxis(c: ObjectValue, rank: number): number | undefined {
  const axis = cfgNumber(c, 'axis', -1);
  return axis === undefined ? undefined : axis < 0 ? axis + rank : axis;
}

/** LayerNormalization's axes (a number or a list, default -1), normalised to be non-negative. */
function layerNormAxes(c: ObjectValue, rank: number): number[] | undefined {
  const v = cfg(c, 'axis');
  const n = v ? numberOf(v) : -1;
  const list = n !== undefined ? [n] : numberListOf(v);
  return list?.map((a) => (a < 0 ? a + rank : a));
}

/** gamma (scale) and beta (center) per normalised feature, on by default. */
export function affineCount(c: ObjectValue): number | undefined {
  const center = cfgFlag(c, 'center', true);
  const scale = cfgFlag(c, 'scale', true);
  return center === undefined || scale === undefined ? undefined : Number(center) + Number(scale);
}

const denseRule: LayerRule = {
  spec: () => ({ minNdim: 2 }),
  featureAxis: () => -1,
  output: (c, input) => [...input.slice(0, -1), dimOf(cfg(c, 'units'))],
  params: (c, input) => {
    const units = cfgNumber(c, 'units');
    const k = mul(input[input.length - 1], units);
    return k === null ? null : k + (useBias(c) ? units! : 0);
  },
};

const flattenRule: LayerRule = {
  spec: () => ({ minNdim: 3 }),
  output: (_c, input) => {
    if (input.slice(1).includes(NONE_DIM)) {
      throw new ShapeError(
        'layer-input',
        `The shape of the input to "Flatten" is not fully defined (got ${tfjsShape(input.slice(1))}). ` +
          'Make sure to pass a complete "input_shape" or "batch_input_shape" argument to the first layer in your model.',
      );
    }
    return [input[0], productDim(input.slice(1))];
  },
  params: () => 0,
};

/** PReLU's alpha has the input's shape without the batch axis, 1 along each shared axis. */
const preluRule: LayerRule = {
  output: (_c, input) => input,
  params: (c, input) => {
    const shared = cfg(c, 'sharedAxes') ? (numberOf(cfg(c, 'sharedAxes')) !== undefined ? [numberOf(cfg(c, 'sharedAxes'))!] : numberListOf(cfg(c, 'sharedAxes'))) : [];
    if (!shared) return null;
    return mul(...input.slice(1).map((d, i) => (shared.includes(i + 1) ? 1 : d)));
  },
};

const batchNormRule: LayerRule = {
  featureAxis: (c) => cfgNumber(c, 'axis', -1) ?? -1,
  axisFromFront: true,
  output: (_c, input) => input,
  // Moving mean and variance always, gamma and beta unless turned off.
  params: (c, input) => {
    const axis = normAxis(c, input.length);
    const affine = affineCount(c);
    return axis === undefined || affine === undefined ? null : mul(input[axis], 2 + affine);
  },
};

const layerNormRule: LayerRule = {
  output: (_c, input) => input,
  params: (c, input) => {
    const axes = layerNormAxes(c, input.length);
    const affine = affineCount(c);
    if (!axes || affine === undefined) return null;
    const size = mul(...axes.map((a) => input[a]));
    return size === null ? null : size * affine;
  },
};

export const LAYER_RULES: Record<string, LayerRule> = {
  Dense: denseRule,
  Flatten: flattenRule,
  Reshape: { output: reshapeLayerOutput, params: () => 0 },
  ...CONV_LAYER_RULES,
  ...RECURRENT_LAYER_RULES,
  ...PREPROCESSING_LAYER_RULES,
  Dropout: identityRule(),
  SpatialDropout1D: { ...identityRule(), spec: () => ({ ndim: 3 }) },
  GaussianNoise: identityRule(),
  GaussianDropout: identityRule(),
  AlphaDropout: identityRule(),
  Activation: identityRule(),
  ReLU: identityRule(),
  LeakyReLU: identityRule(),
  ELU: identityRule(),
  Softmax: identityRule(),
  ThresholdedReLU: identityRule(),
  PReLU: preluRule,
  Masking: identityRule(),
  BatchNormalization: batchNormRule,
  LayerNormalization: layerNormRule,
  Embedding: {
    output: (c, input) => [...input, dimOf(cfg(c, 'outputDim'))],
    params: (c) => mul(cfgNumber(c, 'inputDim'), cfgNumber(c, 'outputDim')),
  },
  RepeatVector: {
    spec: () => ({ ndim: 2 }),
    output: (c, input) => [input[0], dimOf(cfg(c, 'n')), input[1]],
    params: () => 0,
  },
  Permute: {
    spec: (c) => {
      const dims = numberListOf(cfg(c, 'dims'));
      return dims ? { ndim: dims.length + 1 } : {};
    },
    output: (c, input) => {
      const dims = numberListOf(cfg(c, 'dims'));
      return dims ? [input[0], ...dims.map((d) => input[d] ?? null)] : null;
    },
    params: () => 0,
  },
  Concatenate: mergeRule,
  Add: mergeRule,
  Multiply: mergeRule,
  Average: mergeRule,
  Maximum: mergeRule,
  Minimum: mergeRule,
  Subtract: mergeRule,
  Dot: mergeRule,
};

/** Entries written as a literal `null` are tfjs's None axes (from index `from` on). */
export function noneFromNulls(list: Value | undefined, shape: Shape, from: number): Shape {
  if (!shape || !list || list.kind !== 'array' || !list.items) return shape;
  return shape.map((d, i) => (i >= from && list.items![i]?.kind === 'null' ? NONE_DIM : d));
}

/** Input shape declared in a layer config (`inputShape` gets the batch axis; `batchInputShape` has it). */
export function declaredInputShape(config: ObjectValue): Shape | undefined {
  const batchInput = cfg(config, 'batchInputShape');
  if (batchInput) return noneFromNulls(batchInput, shapeArgOf(batchInput)?.map((d, i) => (i === 0 && d === null ? BATCH_DIM : d)) ?? null, 1);
  const input = cfg(config, 'inputShape');
  if (input) {
    const s = noneFromNulls(input, shapeArgOf(input), 0);
    if (!s) return null;
    const batch = cfg(config, 'batchSize');
    return [batch ? dimOf(batch) : BATCH_DIM, ...s];
  }
  const dim = cfg(config, 'inputDim');
  if (dim && cfg(config, 'units')) return [BATCH_DIM, dimOf(dim)];
  // Embedding: `inputLength` stands for the input shape (its `inputDim` is the vocabulary size).
  const length = cfg(config, 'inputLength');
  if (cfg(config, 'outputDim') && cfg(config, 'inputDim')) return [BATCH_DIM, length ? dimOf(length) : NONE_DIM];
  return undefined;
}
