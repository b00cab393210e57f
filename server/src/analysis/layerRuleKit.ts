// The vocabulary every per-class layer rule is written in: the `LayerRule` contract (input spec,
// custom pre-build checks, output shape, extra outputs such as RNN states, parameter count) and the
// readers of a layer's config (`kernelSize` as a number or a list, `padding`, `dataFormat`,
// `useBias`). Pure functions of config values and shapes; the rules themselves live in the family
// files (layerShapes.ts, convLayerRules.ts, recurrentLayerRules.ts, preprocessingLayerRules.ts)
// and applying them is in layers.ts.

import { type Dim, type Shape, ShapeError, isKnown } from './shapes';
import { type LayerState, type ObjectValue, type Value, numberListOf, numberOf, stringOf, truthiness } from './values';

export interface InputSpec {
  ndim?: number;
  minNdim?: number;
}

export interface LayerRule {
  /** The static spec, checked before the layer is built. */
  spec?(config: ObjectValue): InputSpec;
  /** Checks a class makes in its own `build` (with its own message), before the first build only. */
  check?(config: ObjectValue, input: Dim[], layer: LayerState): void;
  /** The axis whose size the weights fix once built (negative counts from the end). */
  featureAxis?(config: ObjectValue): number;
  /** The built spec holds the feature axis counted from the front (Dense keeps `-1`). */
  axisFromFront?: boolean;
  /**
   * Built recurrent layers hold a whole-shape spec (`[null, null, inputDim]`) rather than an axis:
   * tfjs then words the mismatch as `expected shape=,,4, found shape=,5,6.`.
   */
  builtSpecIsShape?: boolean;
  output(config: ObjectValue, input: Dim[], layer: LayerState): Shape;
  /** Further outputs after the first (RNN states with `returnState`); undefined for one output. */
  extraOutputs?(config: ObjectValue, input: Dim[]): Shape[] | undefined;
  params?(config: ObjectValue, input: Dim[]): number | null;
  /** Merge layers take a list of inputs. */
  merge?: boolean;
}

export function cfg(config: ObjectValue, key: string): Value | undefined {
  const v = config.props.get(key);
  return v && v.kind !== 'undefined' ? v : undefined;
}

export function cfgNumber(config: ObjectValue, key: string, fallback?: number): number | undefined {
  const v = cfg(config, key);
  return v ? numberOf(v) : fallback;
}

/** A flag with a default: undefined when the config holds a value the analysis cannot read. */
export function cfgFlag(config: ObjectValue, key: string, fallback: boolean): boolean | undefined {
  const v = cfg(config, key);
  return v ? truthiness(v) : fallback;
}

/** A size argument that may be a number or a list (kernelSize, strides, poolSize). */
export function cfgTuple(config: ObjectValue, key: string, n: number, fallback?: number[]): number[] | undefined {
  const v = cfg(config, key);
  if (!v) return fallback;
  const single = numberOf(v);
  if (single !== undefined) return Array(n).fill(single);
  const list = numberListOf(v);
  return list && list.length === n ? list : undefined;
}

export function padding(config: ObjectValue): string | undefined {
  const v = cfg(config, 'padding');
  return v ? stringOf(v) : 'valid';
}

export function channelsFirst(config: ObjectValue): boolean {
  return stringOf(cfg(config, 'dataFormat')) === 'channelsFirst';
}

export function useBias(config: ObjectValue): boolean {
  const v = cfg(config, 'useBias');
  return !v || truthiness(v) !== false;
}

/** Product of sizes, or null when any is not a known number. */
export const mul = (...ds: Array<Dim | number | undefined>): number | null => {
  let p = 1;
  for (const d of ds) {
    if (typeof d !== 'number') return null;
    p *= d;
  }
  return p;
};

/** kernelSize/strides/dilationRate/padding of a convolution-like layer of `rank` spatial axes. */
export function geometry(c: ObjectValue, rank: number) {
  return {
    kernel: cfgTuple(c, 'kernelSize', rank),
    strides: cfgTuple(c, 'strides', rank, Array(rank).fill(1)),
    dilation: cfgTuple(c, 'dilationRate', rank, Array(rank).fill(1)),
    pad: padding(c),
  };
}

/** Parameters of a kernel over `inChannels` producing `filters` channels, plus the bias. */
export function kernelParams(c: ObjectValue, kernel: number[] | undefined, inChannels: Dim): number | null {
  const filters = cfgNumber(c, 'filters');
  const k = kernel ? mul(...kernel, inChannels, filters) : null;
  return k === null ? null : k + (useBias(c) ? filters! : 0);
}

/** A layer that keeps its input's shape, with `paramsPerChannel` weights per feature. */
export function identityRule(paramsPerChannel = 0): LayerRule {
  return {
    output: (_c, input) => input,
    params: (_c, input) => (paramsPerChannel === 0 ? 0 : mul(input[input.length - 1], paramsPerChannel)),
  };
}

/** tfjs's `JSON.stringify` of a shape inside `build` messages: `[null,8,2]`. */
export function jsonShape(shape: Dim[]): string {
  return '[' + shape.map((d) => (isKnown(d) ? String(d) : 'null')).join(',') + ']';
}

/** A `ValueError` a layer's `build` raises; the diagnostic code of a bad layer input. */
export function buildError(message: string): ShapeError {
  return new ShapeError('layer-input', message);
}
