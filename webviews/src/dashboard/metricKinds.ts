// What a metric's name says about its values, and the axis ranges that follow from it: whether lower or higher is
// better (for the "best" column and the compare view), whether the metric is a fraction bounded by [0, 1]
// (accuracy, precision, recall, AUC, F1, …), and the y range a chart gives it. Also the x range of a series that
// has only one x value, which uPlot cannot split into ticks by itself. Pure, so it is unit-tested.

/** Losses and errors: lower is better. Everything else (accuracy and the like) is better higher, as Keras's `auto` mode assumes. */
const LOWER_IS_BETTER = /loss|err|mse|mae|rmse|perplexity|nll|crossentropy/i;

/** Metrics that are fractions of one; `val_`, `train_` and `test_` prefixes and batch suffixes are allowed. */
const BOUNDED = /(^|[_\s.-])(acc|accuracy|binary_accuracy|categorical_accuracy|sparse_categorical_accuracy|top_k_categorical_accuracy|precision|recall|auc|f1|f1_score|iou|miou|dice|specificity|sensitivity)($|[_\s.-])/i;

export type MetricGoal = 'min' | 'max';

export function metricGoal(name: string): MetricGoal {
  return LOWER_IS_BETTER.test(name) ? 'min' : 'max';
}

/** The tooltip that says which rule picked the best value. */
export function goalRule(name: string): string {
  return metricGoal(name) === 'min'
    ? `best ${name}: the lowest value (lower is better for losses and errors)`
    : `best ${name}: the highest value (higher is better for metrics that are not losses or errors)`;
}

export function isBoundedName(name: string): boolean {
  return BOUNDED.test(name);
}

/** Below this many points on show a series gets markers, so a single point or a short run is never invisible. */
export const MARKER_LIMIT = 50;

/**
 * The y range for a chart: the data's range with 5 % padding (a single value gets ±10 % or ±0.1), clamped to
 * [0, 1] when the metric is bounded and its values lie within the bound. Never an empty range.
 */
export function yRange(name: string, min: number | null, max: number | null, log: boolean): [number, number] | null {
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return null;
  if (log) {
    // Log axes: whole decades around the data, or one decade each way for a single value.
    const lo = Math.pow(10, Math.floor(Math.log10(min)));
    const hi = Math.pow(10, Math.ceil(Math.log10(max)));
    return lo < hi ? [lo, hi] : [lo / 10, hi * 10];
  }
  const span = max - min;
  const pad = span > 0 ? span * 0.05 : Math.abs(max) > 0 ? Math.abs(max) * 0.1 : 0.1;
  let lo = min - pad;
  let hi = max + pad;
  if (isBoundedName(name) && min >= 0 && max <= 1) {
    lo = Math.max(0, lo);
    hi = Math.min(1, hi);
    // A constant value at a bound (accuracy exactly 1) still needs room on the other side.
    if (hi - lo < 1e-9) [lo, hi] = hi >= 1 ? [Math.max(0, 1 - 0.1), 1] : [0, Math.min(1, 0.1)];
  }
  return [lo, hi];
}

/** The x range: the data's own when it spans something, else one unit each way (a factor of 10 on a log axis). */
export function xRange(min: number | null, max: number | null, log: boolean): [number, number] | null {
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return null;
  if (min < max) return [min, max];
  return log ? [min / 10, max * 10] : [min - 1, max + 1];
}
