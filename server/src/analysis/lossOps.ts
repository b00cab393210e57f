// Shapes of `tf.losses.*` and `tf.metrics.*`: losses check that labels and predictions have the
// same shape (tfjs `assertShapesMatch`) and reduce to a scalar unless `tf.Reduction.NONE` is passed;
// metrics give one value per sample (the last axis is reduced), precision/recall/r2Score a scalar.

import type * as ts from 'typescript';
import { type Shape, ShapeError, dimsDiffer, tfjsShape } from './shapes';
import { asTensor } from './tensorCreation';
import { type Value, namespace, native, numberOf, objectOf, num, tensor } from './values';

/** `tf.Reduction` values as tfjs defines them. */
export const REDUCTION = { NONE: 0, MEAN: 1, SUM: 2, SUM_BY_NONZERO_WEIGHTS: 3 };

/** Where each loss takes its `reduction` argument. */
interface LossRule {
  reductionIndex: number;
  /** softmaxCrossEntropy sums over the last (class) axis and drops it. */
  dropsClassAxis?: boolean;
  /** cosineDistance sums over the axis its argument at this index names, keeping it as 1. */
  keepsAxisAt?: number;
}

const LOSSES: Record<string, LossRule> = {
  meanSquaredError: { reductionIndex: 3 },
  absoluteDifference: { reductionIndex: 3 },
  hingeLoss: { reductionIndex: 3 },
  huberLoss: { reductionIndex: 4 },
  logLoss: { reductionIndex: 4 },
  sigmoidCrossEntropy: { reductionIndex: 4 },
  softmaxCrossEntropy: { reductionIndex: 4, dropsClassAxis: true },
  cosineDistance: { reductionIndex: 4, keepsAxisAt: 2 },
};

function shapesMatch(op: string, a: Shape, b: Shape): void {
  if (!a || !b) return;
  if (a.length !== b.length || a.some((d, i) => dimsDiffer(d, b[i]))) {
    throw new ShapeError('shape-broadcast', `Error in ${op}: Shapes ${tfjsShape(a)} and ${tfjsShape(b)} must match`);
  }
}

function loss(name: string, rule: LossRule): Value {
  return native(`tf.losses.${name}`, (c) => {
    const labels = asTensor(c.args[0])?.shape ?? null;
    const predictions = asTensor(c.args[1])?.shape ?? null;
    shapesMatch(name, labels, predictions);
    const reductionArg = c.args[rule.reductionIndex];
    const reduction = reductionArg && reductionArg.kind !== 'undefined' ? numberOf(reductionArg) : REDUCTION.SUM_BY_NONZERO_WEIGHTS;
    if (reduction === undefined) return tensor(null, c.node);
    if (reduction !== REDUCTION.NONE) return tensor([], c.node);
    const shape = predictions ?? labels;
    if (shape && rule.keepsAxisAt !== undefined) {
      const axisArg = numberOf(c.args[rule.keepsAxisAt]);
      if (axisArg === undefined) return tensor(shape.map(() => null), c.node);
      const axis = axisArg < 0 ? axisArg + shape.length : axisArg;
      return tensor(shape.map((d, i) => (i === axis ? 1 : d)), c.node);
    }
    return tensor(shape && rule.dropsClassAxis ? shape.slice(0, -1) : shape, c.node);
  });
}

function perSampleMetric(name: string): Value {
  return native(`tf.metrics.${name}`, (c) => {
    const shape = asTensor(c.args[1])?.shape ?? asTensor(c.args[0])?.shape ?? null;
    return tensor(shape ? shape.slice(0, -1) : null, c.node);
  });
}

export function createLossNamespaces(): Record<string, Value> {
  const losses: Record<string, Value> = {};
  for (const [name, rule] of Object.entries(LOSSES)) losses[name] = loss(name, rule);
  losses.computeWeightedLoss = native('tf.losses.computeWeightedLoss', (c) => {
    const r = c.args[2] && c.args[2].kind !== 'undefined' ? numberOf(c.args[2]) : REDUCTION.SUM_BY_NONZERO_WEIGHTS;
    return tensor(r === REDUCTION.NONE ? asTensor(c.args[0])?.shape ?? null : r === undefined ? null : [], c.node);
  });
  const metrics: Record<string, Value> = {};
  for (const name of ['categoricalAccuracy', 'binaryAccuracy', 'meanSquaredError', 'MSE', 'mse', 'meanAbsoluteError', 'MAE', 'mae',
    'meanAbsolutePercentageError', 'MAPE', 'mape', 'binaryCrossentropy', 'categoricalCrossentropy', 'sparseCategoricalAccuracy', 'cosineProximity']) {
    metrics[name] = perSampleMetric(name);
  }
  for (const name of ['precision', 'recall', 'r2Score']) metrics[name] = native(`tf.metrics.${name}`, (c: { node: ts.Node }) => tensor([], c.node));
  return {
    losses: namespace('tf.losses', losses),
    metrics: namespace('tf.metrics', metrics),
    Reduction: objectOf(Object.fromEntries(Object.entries(REDUCTION).map(([k, v]) => [k, num(v)]))),
  };
}
