// Downsampling for drawing: a long series is cut into buckets by x (one or a few per pixel column) and each bucket
// keeps its first and last point and its minimum and maximum, in x order (the M4 idea). Spikes therefore survive
// however long the series is, which plain stride or averaging loses. Runs after smoothing, never before.
// Pure; x must be sorted ascending (steps and times are).

/** Points ready to draw (plain arrays, as uPlot takes them). */
export interface XY {
  x: number[];
  y: (number | null)[];
}

/** Any series: plain or typed arrays, gaps as null or NaN. */
export interface SeriesLike {
  x: ArrayLike<number>;
  y: ArrayLike<number | null>;
}

/**
 * Keeps at most about 4 × `buckets` points of (x, y)[start, end). `toUnit` maps x to the axis' linear space (log10
 * on a log axis) so buckets are equally wide on screen. Null y values are dropped (uPlot's linear path bridges them).
 */
export function minMaxDownsample(x: ArrayLike<number>, y: ArrayLike<number | null>, buckets: number, toUnit?: (v: number) => number, start = 0, end = Infinity): XY {
  const n = Math.min(x.length, y.length, end);
  if (n - start <= buckets * 4) return copyFinite(x, y, start, n);
  const lo = toUnit ? toUnit(x[start]!) : x[start]!;
  const hi = toUnit ? toUnit(x[n - 1]!) : x[n - 1]!;
  const span = hi - lo;
  if (!(span > 0) || !Number.isFinite(span)) return copyFinite(x, y, start, n);
  const scale = buckets / span;
  const out: XY = { x: [], y: [] };
  let bucket = -1;
  let first = -1;
  let last = -1;
  let min = -1;
  let max = -1;
  const emit = (i: number) => {
    out.x.push(x[i]!);
    out.y.push(y[i]!);
  };
  const flush = () => {
    if (first < 0) return;
    // The bucket's distinct points in index order, so the line goes through them left to right. first ≤ min, max
    // ≤ last; only min and max may come in either order. (No array and no sort: this runs once per pixel column.)
    const lo = min < max ? min : max;
    const hi = min < max ? max : min;
    emit(first);
    if (lo !== first) emit(lo);
    if (hi !== lo && hi !== first) emit(hi);
    if (last !== hi && last !== lo && last !== first) emit(last);
  };
  for (let i = start; i < n; i++) {
    const v = y[i];
    // v - v is 0 exactly for finite numbers (NaN and ±Infinity give NaN; null gives 0, hence the first test).
    if (v === null || v === undefined || v - v !== 0) continue;
    const b = Math.min(buckets - 1, Math.floor(((toUnit ? toUnit(x[i]!) : x[i]!) - lo) * scale));
    if (b !== bucket) {
      flush();
      bucket = b;
      first = last = min = max = i;
      continue;
    }
    last = i;
    if (v < (y[min] as number)) min = i;
    if (v > (y[max] as number)) max = i;
  }
  flush();
  return out;
}

function copyFinite(x: ArrayLike<number>, y: ArrayLike<number | null>, start: number, n: number): XY {
  const out: XY = { x: [], y: [] };
  for (let i = start; i < n; i++) {
    const v = y[i];
    if (v === null || v === undefined || !Number.isFinite(v)) continue;
    out.x.push(x[i]!);
    out.y.push(v);
  }
  return out;
}

/** The first index below `n` whose value is at least `value` (`n` when none is); `sorted` ascends. */
export function lowerBound(sorted: ArrayLike<number>, value: number, n: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
