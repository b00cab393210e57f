// Debiased exponential moving average, as TensorBoard's scalar dashboard smooths: the running average starts at
// zero and is divided by (1 - w^n), so the first points are not dragged towards zero. It always runs on the full
// series, before any downsampling, so what is drawn is the smoothing of the real data. Non-finite values (gaps)
// pass through and do not disturb the average. Pure; the incremental form lets a live series extend its smoothed
// copy point by point instead of recomputing it.

/** The smoothing state after some points: the biased running average and how many finite points it saw. */
export interface EmaState {
  last: number;
  count: number;
}

export const EMA_START: EmaState = { last: 0, count: 0 };

/**
 * Smooths `ys[from..]` into `out[from..]` with weight `weight` in [0, 1) (0 leaves values as they are), starting
 * from `state`; returns the state after the last point so a later call can continue.
 */
export function emaInto(ys: ArrayLike<number | null>, out: (number | null)[], weight: number, from = 0, state: EmaState = EMA_START): EmaState {
  let { last, count } = state;
  const w = Math.min(Math.max(weight, 0), 0.999);
  for (let i = from; i < ys.length; i++) {
    const y = ys[i];
    if (y === null || y === undefined || !Number.isFinite(y)) {
      out[i] = y ?? null;
      continue;
    }
    if (w === 0) {
      out[i] = y;
      continue;
    }
    last = last * w + (1 - w) * y;
    count++;
    out[i] = last / (1 - Math.pow(w, count));
  }
  return { last, count };
}

/** The debiased EMA of a whole series. */
export function debiasedEma(ys: ArrayLike<number | null>, weight: number): (number | null)[] {
  const out: (number | null)[] = new Array<number | null>(ys.length);
  emaInto(ys, out, weight);
  return out;
}
