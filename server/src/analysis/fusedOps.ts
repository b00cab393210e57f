// Shape rules of `tf.fused.conv2d`, `tf.fused.depthwiseConv2d` and `tf.fused.matMul`: the plain
// op's rule (convOps.ts, tensorOps.ts) on the fields of the one config object, tfjs's "fused"
// wording in the messages that carry it, and the bias checked by broadcasting against the output
// (tfjs `assertAndGetBroadcastShape`). The activation does not change the shape.

import type * as ts from 'typescript';
import { CONV_OPS } from './convOps';
import { ShapeError, broadcastShapes, isKnown, tfjsShape } from './shapes';
import { type OpFn, TENSOR_OPS, shapeOf } from './tensorOps';
import { type Value, UNDEFINED, stringOf, tensor } from './values';

function field(config: Value | undefined, key: string): Value {
  return config && config.kind === 'object' ? config.props.get(key) ?? UNDEFINED : UNDEFINED;
}

/** Runs the plain rule; its messages that tfjs words as "fused X" are reworded so. */
function runPlain(rule: OpFn, args: Value[], node: ts.Node, reword: (message: string) => string): Value {
  try {
    return rule(args, node);
  } catch (e) {
    if (e instanceof ShapeError) throw new ShapeError(e.code, reword(e.message), e.related);
    throw e;
  }
}

function withBias(out: Value, config: Value | undefined, node: ts.Node): Value {
  const bias = field(config, 'bias');
  if (out.kind !== 'tensor' || bias.kind === 'undefined' || bias.kind === 'null') return out;
  broadcastShapes(out.shape, shapeOf(bias));
  return tensor(out.shape, node, out.dtype);
}

/** Only the rank messages of conv2d say "fused"; its channel message keeps "conv2d". */
const fusedConvRank = (m: string) => m.replace(/^Error in conv2d: (input|filter) must be rank/, 'Error in fused conv2d: $1 must be rank');

function fusedConv2d(args: Value[], node: ts.Node): Value {
  const c = args[0];
  const plain = [field(c, 'x'), field(c, 'filter'), field(c, 'strides'), field(c, 'pad'), field(c, 'dataFormat'), field(c, 'dilations')];
  const out = runPlain(CONV_OPS.conv2d, plain, node, fusedConvRank);
  if (stringOf(field(c, 'dataFormat')) !== 'NCHW') return withBias(out, c, node);
  // Channels first: tfjs takes only a scalar or a 1-D bias, one value per output channel (or one for all).
  const bias = shapeOf(field(c, 'bias'));
  const channels = out.kind === 'tensor' && out.shape ? out.shape[out.shape.length - 3] : null;
  if (bias && bias.length > 1) {
    throw new ShapeError('shape-rank', `Error in fused conv2d: only supports scalar or 1-D Tensor bias for NCHW format but got the bias of rank-${bias.length}.`);
  }
  if (bias && bias.length === 1 && isKnown(bias[0]) && bias[0] !== 1 && isKnown(channels) && bias[0] !== channels) {
    throw new ShapeError('shape-broadcast', `Error in fused conv2d: bias shape (${tfjsShape(bias)}) is not compatible with the number of output channels (${channels})`);
  }
  return out;
}

function fusedDepthwiseConv2d(args: Value[], node: ts.Node): Value {
  const c = args[0];
  const plain = [field(c, 'x'), field(c, 'filter'), field(c, 'strides'), field(c, 'pad'), field(c, 'dataFormat'), field(c, 'dilations')];
  return withBias(runPlain(CONV_OPS.depthwiseConv2d, plain, node, (m) => m.replace(/^Error in depthwiseConv2d:/, 'Error in fused depthwiseConv2d:')), c, node);
}

function fusedMatMul(args: Value[], node: ts.Node): Value {
  const c = args[0];
  const a = shapeOf(field(c, 'a'));
  const b = shapeOf(field(c, 'b'));
  // The fused kernel has no rank check of its own; a vector fails later with another message.
  if ((a && a.length < 2) || (b && b.length < 2)) return tensor(null, node);
  const plain = [field(c, 'a'), field(c, 'b'), field(c, 'transposeA'), field(c, 'transposeB')];
  return withBias(runPlain(TENSOR_OPS.matMul, plain, node, (m) => m.replace(/^Error in matMul:/, 'Error in fused matMul:')), c, node);
}

export const FUSED_OPS: Record<string, OpFn> = {
  conv2d: fusedConv2d,
  depthwiseConv2d: fusedDepthwiseConv2d,
  matMul: fusedMatMul,
};
