// Debiased exponential moving average, as TensorBoard's scalar dashboard smooths: the running average starts at
// zero and is divided by (1 - w^n), so the first points are not dragged towards zero. It always runs on the full
// series, before any downsampling, so what is drawn is the smoothing of the real data. Gaps (null, NaN, ±Infinity)
// come out as NaN and do not disturb the average. Output goes to a Float64Array: a million smoothed doubles in a
// plain array would be a million heap numbers for the garbage collector. Pure; the incremental form lets a live series extend its smoothed
// copy point by point instead of recomputing it.

/** The smoothing state after some points: the biased running average and how many finite points it saw. */
export interface EmaState {
  last: number;
  count: number;
}

export const EMA_START: EmaState = { last: 0, count: 0 };

/**
 * Smooths `ys[from..]` into `out[from..]` with weight `weight` in [0, 1) (0 leaves values as they are), starting
 * from `state`; returns the state after the last point so a later call can continue. `out` must be long enough.
 */
export function emaInto(ys: ArrayLike<number | null>, out: Float64Array, weight: number, from = 0, state: EmaState = EMA_START): EmaState {
  let { last, count } = state;
  const w = Math.min(Math.max(weight, 0), 0.999);
  // w^count, kept as a running product instead of a pow per point.
  let power = Math.pow(w, count) < 1e-17 ? 0 : Math.pow(w, count);
  for (let i = from; i < ys.length; i++) {
    const y = ys[i];
    // y - y is 0 exactly for finite numbers (NaN and ±Infinity give NaN).
    if (typeof y !== 'number' || y - y !== 0) {
      out[i] = NaN;
      continue;
    }
    if (w === 0) {
      out[i] = y;
      continue;
    }
    last = last * w + (1 - w) * y;
    count++;
    // Once w^n is below double precision against 1 it is set to 0: left alone it would sink into denormal numbers,
    // whose arithmetic is many times slower, without changing 1 - w^n.
    if (power !== 0) {
      power *= w;
      if (power < 1e-17) power = 0;
    }
    out[i] = last / (1 - power);
  }
  return { last, count };
}

/** The debiased EMA of a whole series. */
export function debiasedEma(ys: ArrayLike<number | null>, weight: number): Float64Array {
  const out = new Float64Array(ys.length);
  emaInto(ys, out, weight);
  return out;
}
