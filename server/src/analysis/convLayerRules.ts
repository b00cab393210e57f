// Shape rules of tfjs-layers' convolutional family: conv1d/2d/3d, the transposed convolutions,
// depthwise and separable convolutions, 1-D/2-D/3-D and global pooling, and the spatial
// reshapers (zeroPadding2d, cropping2D, upSampling2d), in both data formats. Each mirrors the
// class's `computeOutputShape`, its input spec and `build` checks (with tfjs's messages) and its
// weight count. Recurrent convolutions (convLstm2d) are in recurrentLayerRules.ts.

import { type Dim, convOutputLength, deconvLength, isKnown } from './shapes';
import {
  type LayerRule,
  buildError,
  cfg,
  cfgNumber,
  cfgTuple,
  channelsFirst,
  geometry,
  jsonShape,
  kernelParams,
  mul,
  padding,
  useBias,
} from './layerRuleKit';
import { type ObjectValue, dimOf, numberListOf, numberOf } from './values';

/** Splits an input into batch, spatial axes and channels by data format. */
function spatialOf(c: ObjectValue, input: Dim[]): { spatial: Dim[]; channels: Dim } {
  return channelsFirst(c) ? { spatial: input.slice(2), channels: input[1] } : { spatial: input.slice(1, -1), channels: input[input.length - 1] };
}

function assemble(c: ObjectValue, batch: Dim, spatial: Dim[], channels: Dim): Dim[] {
  return channelsFirst(c) ? [batch, channels, ...spatial] : [batch, ...spatial, channels];
}

function convRule(rank: number): LayerRule {
  return {
    spec: () => ({ ndim: rank + 2 }),
    featureAxis: (c) => (channelsFirst(c) ? 1 : -1),
    axisFromFront: true,
    output: (c, input) => {
      const { kernel, strides, dilation, pad } = geometry(c, rank);
      const { spatial } = spatialOf(c, input);
      const out = spatial.map((d, i) =>
        kernel && strides && dilation && pad ? convOutputLength(d, kernel[i], pad, strides[i], dilation[i]) : null,
      );
      return assemble(c, input[0], out, dimOf(cfg(c, 'filters')));
    },
    params: (c, input) => kernelParams(c, cfgTuple(c, 'kernelSize', rank), spatialOf(c, input).channels),
  };
}

/** Conv2DTranspose / Conv3DTranspose: `deconvLength` per spatial axis (dilation is ignored). */
function transposeRule(rank: number): LayerRule {
  return {
    spec: () => ({ ndim: rank + 2 }),
    featureAxis: (c) => (channelsFirst(c) ? 1 : -1),
    axisFromFront: true,
    output: (c, input) => {
      const { kernel, strides, pad } = geometry(c, rank);
      const { spatial } = spatialOf(c, input);
      const out = spatial.map((d, i) => (kernel && strides && pad ? deconvLength(d, strides[i], kernel[i], pad) : null));
      return assemble(c, input[0], out, dimOf(cfg(c, 'filters')));
    },
    params: (c, input) => kernelParams(c, cfgTuple(c, 'kernelSize', rank), spatialOf(c, input).channels),
  };
}

/**
 * DepthwiseConv2D has no input spec: its `build` refuses fewer than 4 axes, and its output reads
 * axes 1-3 whatever the rank. SeparableConv2D refuses fewer than 4 in `build` and fixes ndim=4 and
 * its channel axis afterwards, so a rank-5 input fails on that spec.
 */
function depthwiseRule(separable: boolean): LayerRule {
  return {
    check: (_c, input, layer) => {
      if (input.length < 4) {
        throw buildError(
          separable
            ? `Inputs to SeparableConv2D should have rank 4, but received input shape: ${jsonShape(input)}`
            : `Inputs to DepthwiseConv2D should have rank 4. Received input shape: ${jsonShape(input)}.`,
        );
      }
      if (separable && input.length !== 4) {
        throw buildError(`Input 0 is incompatible with layer ${layer.name}: expected ndim=4, found ndim=${input.length}`);
      }
    },
    ...(separable ? { featureAxis: (c: ObjectValue) => (channelsFirst(c) ? 1 : -1), axisFromFront: true } : {}),
    output: (c, input) => {
      const { kernel, strides, dilation, pad } = geometry(c, 2);
      const dm = cfgNumber(c, 'depthMultiplier', 1);
      const first = channelsFirst(c);
      const inChannels = first ? input[1] : input[3];
      const channels = separable ? dimOf(cfg(c, 'filters')) : mul(inChannels, dm);
      const rows = first ? input[2] : input[1];
      const cols = first ? input[3] : input[2];
      // SeparableConv2D is a Conv and honours dilationRate; DepthwiseConv2D ignores it.
      const dil = separable ? dilation : [1, 1];
      const out = kernel && strides && pad && dil ? [convOutputLength(rows, kernel[0], pad, strides[0], dil[0]), convOutputLength(cols, kernel[1], pad, strides[1], dil[1])] : [null, null];
      return first ? [input[0], channels, ...out] : [input[0], ...out, channels];
    },
    params: (c, input) => {
      const kernel = cfgTuple(c, 'kernelSize', 2);
      const dm = cfgNumber(c, 'depthMultiplier', 1);
      const inChannels = channelsFirst(c) ? input[1] : input[3];
      const depthwise = kernel ? mul(...kernel, inChannels, dm) : null;
      if (depthwise === null) return null;
      if (!separable) return depthwise + (useBias(c) ? mul(inChannels, dm) ?? 0 : 0);
      const filters = cfgNumber(c, 'filters');
      const pointwise = mul(inChannels, dm, filters);
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
      const { spatial, channels } = spatialOf(c, input);
      const out = spatial.map((d, i) => (size && strides && pad ? convOutputLength(d, size[i], pad, strides[i]) : null));
      return assemble(c, input[0], out, channels);
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

/** A `[before, after]` pair per spatial axis from a number, `[a, b]` or `[[a, b], [c, d]]`. */
function pairsOf(v: ReturnType<typeof cfg>, fallback: number): number[][] | undefined {
  if (!v) return [[fallback, fallback], [fallback, fallback]];
  const n = numberOf(v);
  if (n !== undefined) return [[n, n], [n, n]];
  if (v.kind !== 'array' || v.items?.length !== 2) return undefined;
  const pairs = v.items.map((item) => {
    const single = numberOf(item);
    return single !== undefined ? [single, single] : numberListOf(item);
  });
  return pairs.every((p) => p && p.length === 2) ? (pairs as number[][]) : undefined;
}

/** ZeroPadding2D grows and Cropping2D shrinks height and width by their pairs. */
function spatialEdgesRule(key: 'padding' | 'cropping', sign: 1 | -1): LayerRule {
  return {
    spec: () => ({ ndim: 4 }),
    output: (c, input) => {
      const pairs = pairsOf(cfg(c, key), sign === 1 ? 1 : 0);
      const { spatial, channels } = spatialOf(c, input);
      const out = spatial.map((d, i) => (pairs && isKnown(d) ? d + sign * (pairs[i][0] + pairs[i][1]) : null));
      return assemble(c, input[0], out, channels);
    },
    params: () => 0,
  };
}

const upSampling2dRule: LayerRule = {
  spec: () => ({ ndim: 4 }),
  output: (c, input) => {
    const size = cfgTuple(c, 'size', 2, [2, 2]);
    const { spatial, channels } = spatialOf(c, input);
    return assemble(c, input[0], spatial.map((d, i) => (size ? mul(d, size[i]) : null)), channels);
  },
  params: () => 0,
};

export const CONV_LAYER_RULES: Record<string, LayerRule> = {
  Conv1D: convRule(1),
  Conv2D: convRule(2),
  Conv3D: convRule(3),
  Conv2DTranspose: transposeRule(2),
  Conv3DTranspose: transposeRule(3),
  DepthwiseConv2D: depthwiseRule(false),
  SeparableConv2D: depthwiseRule(true),
  MaxPooling1D: poolRule(1),
  AveragePooling1D: poolRule(1),
  MaxPooling2D: poolRule(2),
  AveragePooling2D: poolRule(2),
  MaxPooling3D: poolRule(3),
  AveragePooling3D: poolRule(3),
  GlobalAveragePooling1D: globalPoolRule(1),
  GlobalMaxPooling1D: globalPoolRule(1),
  GlobalAveragePooling2D: globalPoolRule(2),
  GlobalMaxPooling2D: globalPoolRule(2),
  ZeroPadding2D: spatialEdgesRule('padding', 1),
  Cropping2D: spatialEdgesRule('cropping', -1),
  UpSampling2D: upSampling2dRule,
};
