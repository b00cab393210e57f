// Per-layer-class rules mirroring tfjs-layers: the input spec checked by `assertInputCompatibility`
// (ndim, min_ndim, and the feature axis fixed once the layer is built), `computeOutputShape`, and
// the parameter count. Pure functions of a layer's config and input shape; applying layers to
// tensors, naming and models are in layers.ts and models.ts.

import {
  type Dim,
  type Shape,
  BATCH_DIM,
  NONE_DIM,
  ShapeError,
  broadcastShapes,
  convOutputLength,
  deconvLength,
  dimsDiffer,
  isKnown,
  productDim,
  tfjsJsonShape,
  tfjsShape,
} from './shapes';
import { type LayerState, type ObjectValue, type Value, dimOf, numberListOf, numberOf, shapeArgOf, stringOf, truthiness } from './values';

export interface InputSpec {
  ndim?: number;
  minNdim?: number;
}

export interface LayerRule {
  /** The static spec, checked before the layer is built. */
  spec?(config: ObjectValue): InputSpec;
  /** The axis whose size the weights fix once built (negative counts from the end). */
  featureAxis?(config: ObjectValue): number;
  output(config: ObjectValue, input: Dim[], layer: LayerState): Shape;
  params?(config: ObjectValue, input: Dim[]): number | null;
  /** Merge layers take a list of inputs. */
  merge?: boolean;
}

export function cfg(config: ObjectValue, key: string): Value | undefined {
  const v = config.props.get(key);
  return v && v.kind !== 'undefined' ? v : undefined;
}

function cfgNumber(config: ObjectValue, key: string, fallback?: number): number | undefined {
  const v = cfg(config, key);
  return v ? numberOf(v) : fallback;
}

/** A size argument that may be a number or a list (kernelSize, strides, poolSize). */
function cfgTuple(config: ObjectValue, key: string, n: number, fallback?: number[]): number[] | undefined {
  const v = cfg(config, key);
  if (!v) return fallback;
  const single = numberOf(v);
  if (single !== undefined) return Array(n).fill(single);
  const list = numberListOf(v);
  return list && list.length === n ? list : undefined;
}

function padding(config: ObjectValue): string | undefined {
  const v = cfg(config, 'padding');
  return v ? stringOf(v) : 'valid';
}

function channelsFirst(config: ObjectValue): boolean {
  return stringOf(cfg(config, 'dataFormat')) === 'channelsFirst';
}

function useBias(config: ObjectValue): boolean {
  const v = cfg(config, 'useBias');
  return !v || truthiness(v) !== false;
}

const mul = (...ds: Array<Dim | number | undefined>): number | null => {
  let p = 1;
  for (const d of ds) {
    if (typeof d !== 'number') return null;
    p *= d;
  }
  return p;
};

/** kernelSize/strides/dilationRate/padding of a convolution-like layer of `rank` spatial axes. */
function geometry(c: ObjectValue, rank: number) {
  return {
    kernel: cfgTuple(c, 'kernelSize', rank),
    strides: cfgTuple(c, 'strides', rank, Array(rank).fill(1)),
    dilation: cfgTuple(c, 'dilationRate', rank, Array(rank).fill(1)),
    pad: padding(c),
  };
}

/** Parameters of a kernel over `inChannels` producing `filters` channels, plus the bias. */
function kernelParams(c: ObjectValue, kernel: number[] | undefined, inChannels: Dim): number | null {
  const filters = cfgNumber(c, 'filters');
  const k = kernel ? mul(...kernel, inChannels, filters) : null;
  return k === null ? null : k + (useBias(c) ? filters! : 0);
}

function identityRule(paramsPerChannel = 0): LayerRule {
  return {
    output: (_c, input) => input,
    params: (_c, input) => (paramsPerChannel === 0 ? 0 : mul(input[input.length - 1], paramsPerChannel)),
  };
}

function convRule(rank: number): LayerRule {
  return {
    spec: () => ({ ndim: rank + 2 }),
    featureAxis: (c) => (channelsFirst(c) ? 1 : -1),
    output: (c, input) => {
      const { kernel, strides, dilation, pad } = geometry(c, rank);
      const filters = dimOf(cfg(c, 'filters'));
      const first = channelsFirst(c);
      const spatial = first ? input.slice(2) : input.slice(1, -1);
      const out = spatial.map((d, i) =>
        kernel && strides && dilation && pad ? convOutputLength(d, kernel[i], pad, strides[i], dilation[i]) : null,
      );
      return first ? [input[0], filters, ...out] : [input[0], ...out, filters];
    },
    params: (c, input) => kernelParams(c, cfgTuple(c, 'kernelSize', rank), channelsFirst(c) ? input[1] : input[input.length - 1]),
  };
}

const conv2dTransposeRule: LayerRule = {
  spec: () => ({ ndim: 4 }),
  featureAxis: () => -1,
  output: (c, input) => {
    const { kernel, strides, pad } = geometry(c, 2);
    const filters = dimOf(cfg(c, 'filters'));
    if (!kernel || !strides || !pad) return [input[0], null, null, filters];
    return [input[0], deconvLength(input[1], strides[0], kernel[0], pad), deconvLength(input[2], strides[1], kernel[1], pad), filters];
  },
  params: (c, input) => kernelParams(c, cfgTuple(c, 'kernelSize', 2), input[3]),
};

function depthwiseRule(separable: boolean): LayerRule {
  return {
    spec: () => ({ ndim: 4 }),
    // tfjs's SeparableConv2D fixes its channel axis when built; DepthwiseConv2D does not.
    ...(separable ? { featureAxis: () => -1 } : {}),
    output: (c, input) => {
      const { kernel, strides, pad } = geometry(c, 2);
      const dm = cfgNumber(c, 'depthMultiplier', 1);
      const channels = separable ? dimOf(cfg(c, 'filters')) : mul(input[3], dm);
      if (!kernel || !strides || !pad) return [input[0], null, null, channels];
      return [input[0], convOutputLength(input[1], kernel[0], pad, strides[0]), convOutputLength(input[2], kernel[1], pad, strides[1]), channels];
    },
    params: (c, input) => {
      const kernel = cfgTuple(c, 'kernelSize', 2);
      const dm = cfgNumber(c, 'depthMultiplier', 1);
      const depthwise = kernel ? mul(...kernel, input[3], dm) : null;
      if (depthwise === null) return null;
      if (!separable) return depthwise + (useBias(c) ? mul(input[3], dm) ?? 0 : 0);
      const filters = cfgNumber(c, 'filters');
      const pointwise = mul(input[3], dm, filters);
      return pointwise === null ? null : depthwise + pointwise + (useBias(c) ? filters! : 0);
    },
  };
}

function poolRule(rank: number): LayerRule {
  return {
    spec: () => ({ ndim: rank + 2 }),
    output: (c, input) => {
      const size = cfgTuple(c, 'poolSize', rank, Array(rank).fill(2));
      const strides = cfgTuple(c, 'strides', rank, size);
      const pad = padding(c);
      const first = channelsFirst(c);
      const spatial = first ? input.slice(2) : input.slice(1, -1);
      const out = spatial.map((d, i) => (size && strides && pad ? convOutputLength(d, size[i], pad, strides[i]) : null));
      return first ? [input[0], input[1], ...out] : [input[0], ...out, input[input.length - 1]];
    },
    params: () => 0,
  };
}

function globalPoolRule(rank: number): LayerRule {
  return {
    spec: () => ({ ndim: rank + 2 }),
    output: (c, input) => [input[0], channelsFirst(c) ? input[1] : input[input.length - 1]],
    params: () => 0,
  };
}

function rnnRule(gates: number): LayerRule {
  return {
    spec: () => ({ ndim: 3 }),
    featureAxis: () => -1,
    output: (c, input) => {
      const units = dimOf(cfg(c, 'units'));
      const flag = cfg(c, 'returnSequences');
      const sequences = flag ? truthiness(flag) : false;
      if (sequences === undefined) return null;
      return sequences ? [input[0], input[1], units] : [input[0], units];
    },
    params: (c, input) => {
      const units = cfgNumber(c, 'units');
      const inputDim = input[2];
      if (units === undefined || !isKnown(inputDim)) return null;
      return gates * (units * inputDim + units * units + (useBias(c) ? units : 0));
    },
  };
}

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

/** The Dot layer: contracts one axis of each input (the batch axis stays). */
function dotOutput(config: ObjectValue, shapes: Dim[][]): Shape {
  const [a, b] = shapes;
  const axesArg = cfg(config, 'axes');
  const single = numberOf(axesArg);
  const list = single !== undefined ? [single, single] : numberListOf(axesArg);
  if (!list || list.length !== 2) return null;
  const axisA = list[0] < 0 ? list[0] + a.length : list[0];
  const axisB = list[1] < 0 ? list[1] + b.length : list[1];
  if (dimsDiffer(a[axisA], b[axisB])) {
    throw new ShapeError('layer-input', `Dimension incompatibility: ${a[axisA]} !== ${b[axisB]}`);
  }
  const out = [...a.filter((_, i) => i !== axisA), ...b.filter((_, i) => i !== axisB && i !== 0)];
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

export const LAYER_RULES: Record<string, LayerRule> = {
  Dense: {
    spec: () => ({ minNdim: 2 }),
    featureAxis: () => -1,
    output: (c, input) => [...input.slice(0, -1), dimOf(cfg(c, 'units'))],
    params: (c, input) => {
      const units = cfgNumber(c, 'units');
      const k = mul(input[input.length - 1], units);
      return k === null ? null : k + (useBias(c) ? units! : 0);
    },
  },
  Flatten: {
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
  },
  Reshape: { output: reshapeLayerOutput, params: () => 0 },
  Conv1D: convRule(1),
  Conv2D: convRule(2),
  Conv2DTranspose: conv2dTransposeRule,
  DepthwiseConv2D: depthwiseRule(false),
  SeparableConv2D: depthwiseRule(true),
  MaxPooling1D: poolRule(1),
  AveragePooling1D: poolRule(1),
  MaxPooling2D: poolRule(2),
  AveragePooling2D: poolRule(2),
  GlobalAveragePooling1D: globalPoolRule(1),
  GlobalMaxPooling1D: globalPoolRule(1),
  GlobalAveragePooling2D: globalPoolRule(2),
  GlobalMaxPooling2D: globalPoolRule(2),
  Dropout: identityRule(),
  SpatialDropout1D: identityRule(),
  GaussianNoise: identityRule(),
  GaussianDropout: identityRule(),
  AlphaDropout: identityRule(),
  Activation: identityRule(),
  ReLU: identityRule(),
  LeakyReLU: identityRule(),
  ELU: identityRule(),
  Softmax: identityRule(),
  ThresholdedReLU: identityRule(),
  PReLU: identityRule(1),
  Masking: identityRule(),
  BatchNormalization: { ...identityRule(4), featureAxis: () => -1 },
  LayerNormalization: identityRule(2),
  Cropping2D: {
    spec: () => ({ ndim: 4 }),
    output: (c, input) => {
      const p = cfg(c, 'cropping');
      const n = numberOf(p);
      let rows: number[] | undefined;
      let cols: number[] | undefined;
      if (n !== undefined) rows = cols = [n, n];
      else if (p && p.kind === 'array' && p.items?.length === 2) {
        const [r, cc] = p.items;
        rows = numberOf(r) !== undefined ? [numberOf(r)!, numberOf(r)!] : numberListOf(r);
        cols = numberOf(cc) !== undefined ? [numberOf(cc)!, numberOf(cc)!] : numberListOf(cc);
      }
      if (!rows || !cols) return [input[0], null, null, input[3]];
      const shrink = (d: Dim, q: number[]) => (isKnown(d) ? d - q[0] - q[1] : null);
      return [input[0], shrink(input[1], rows), shrink(input[2], cols), input[3]];
    },
    params: () => 0,
  },
  Embedding: {
    output: (c, input) => [...input, dimOf(cfg(c, 'outputDim'))],
    params: (c) => mul(cfgNumber(c, 'inputDim'), cfgNumber(c, 'outputDim')),
  },
  SimpleRNN: rnnRule(1),
  LSTM: rnnRule(4),
  GRU: rnnRule(3),
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
  ZeroPadding2D: {
    spec: () => ({ ndim: 4 }),
    output: (c, input) => {
      const p = cfg(c, 'padding');
      let rows = [1, 1];
      let cols = [1, 1];
      const n = p ? numberOf(p) : 1;
      if (n !== undefined) rows = cols = [n, n];
      else if (p && p.kind === 'array' && p.items && p.items.length === 2) {
        const a = numberOf(p.items[0]);
        const b = numberOf(p.items[1]);
        if (a !== undefined && b !== undefined) {
          rows = [a, a];
          cols = [b, b];
        } else {
          const r = numberListOf(p.items[0]);
          const cc = numberListOf(p.items[1]);
          if (!r || !cc) return [input[0], null, null, input[3]];
          rows = r;
          cols = cc;
        }
      } else return [input[0], null, null, input[3]];
      const grow = (d: Dim, q: number[]) => (isKnown(d) ? d + q[0] + q[1] : null);
      return [input[0], grow(input[1], rows), grow(input[2], cols), input[3]];
    },
    params: () => 0,
  },
  UpSampling2D: {
    spec: () => ({ ndim: 4 }),
    output: (c, input) => {
      const size = cfgTuple(c, 'size', 2, [2, 2]);
      if (!size) return [input[0], null, null, input[3]];
      return [input[0], mul(input[1], size[0]), mul(input[2], size[1]), input[3]];
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
