// Shape rules of the preprocessing layers tfjs-layers 4.22 exports: rescaling, centerCrop,
// resizing, categoryEncoding and randomWidth. None has weights or an input spec. Their symbolic
// output shapes are tfjs's `computeOutputShape`, quirks included: Resizing answers the rank-3
// `[height, width, inputShape[2]]` whatever the input, RandomWidth answers `[undefined, -1,
// inputShape[2]]` (Sequential.add then reports a negative size); on data they resize the image.
// A rule sees only shapes, so the concrete result is produced by `concreteOutput`.

import { type Dim, type Shape, isKnown } from './shapes';
import { type LayerRule, cfg, cfgNumber } from './layerRuleKit';
import { type ObjectValue, dimOf, stringOf } from './values';

const resizingRule: LayerRule = {
  output: (c, input) => [dimOf(cfg(c, 'height')), dimOf(cfg(c, 'width')), input[2] ?? null],
  params: () => 0,
};

const centerCropRule: LayerRule = {
  output: (c, input) => {
    if (input.length < 3) return null;
    const out = [...input];
    out[input.length - 3] = dimOf(cfg(c, 'height'));
    out[input.length - 2] = dimOf(cfg(c, 'width'));
    return out;
  },
  params: () => 0,
};

const categoryEncodingRule: LayerRule = {
  output: (c, input) => {
    const tokens = dimOf(cfg(c, 'numTokens'));
    const mode = cfg(c, 'outputMode') ? stringOf(cfg(c, 'outputMode')) : 'multiHot';
    if (mode === undefined) return null;
    const last = input[input.length - 1];
    if (mode === 'oneHot' && last !== 1) {
      // tfjs appends an axis unless the last one is 1; an unknown last axis leaves the rank open.
      return isKnown(last) || input.length === 0 ? [...input, tokens] : null;
    }
    return input.length === 0 ? [tokens] : [...input.slice(0, -1), tokens];
  },
  params: () => 0,
};

const randomWidthRule: LayerRule = {
  output: (_c, input) => [null, -1, input[2] ?? null],
  params: () => 0,
};

export const PREPROCESSING_LAYER_RULES: Record<string, LayerRule> = {
  Rescaling: { output: (_c, input) => input, params: () => 0 },
  CenterCrop: centerCropRule,
  Resizing: resizingRule,
  CategoryEncoding: categoryEncodingRule,
  RandomWidth: randomWidthRule,
};

/**
 * The shape of a preprocessing layer run on data (the image ops it calls), where it differs from the
 * symbolic answer; undefined for layers whose symbolic rule is also right on data.
 */
export function concreteOutput(className: string, config: ObjectValue, input: Dim[]): Shape | undefined {
  const height = dimOf(cfg(config, 'height'));
  const width = dimOf(cfg(config, 'width'));
  switch (className) {
    case 'Resizing':
      if (input.length === 4) return [input[0], height, width, input[3]];
      if (input.length === 3) return [height, width, input[2]];
      return null;
    case 'RandomWidth': {
      // The new width is random; the other axes stay.
      if (input.length !== 3 && input.length !== 4) return null;
      const out: Dim[] = [...input];
      out[input.length - 2] = null;
      return out;
    }
    case 'CategoryEncoding': {
      const tokens = cfgNumber(config, 'numTokens') ?? null;
      const mode = cfg(config, 'outputMode') ? stringOf(cfg(config, 'outputMode')) : 'multiHot';
      // On data tfjs encodes 1-D inputs per element and 2-D inputs per row.
      if (mode === 'oneHot') return input.length === 1 ? [input[0], tokens] : input.length === 2 && input[1] === 1 ? [input[0], tokens] : null;
      if (input.length === 1) return [tokens];
      if (input.length === 2) return [input[0], tokens];
      return null;
    }
    default:
      return undefined;
  }
}
