// One run's held metric points in columns of typed arrays, for the run feed (runFeed.ts): time and step as float64,
// batch index and fit as int32, the point kind as one byte, and one float64 column per metric name with NaN where a
// point has no finite value. Columns grow by doubling and keep a length, so a point costs its bytes and no more (a plain array
// of numbers and nulls costs a pointer and often a boxed number per value). It also drops points in place for
// thinning, and copies a stretch out as the protocol's MetricChunk columns (plain arrays, null for "no value").
// Which points to keep, and how many, is the feed's business; this module only stores them.
import { PointKind, type MetricChunk, type PointKindCode } from './dashboardProtocol';
import type { MetricPoint } from '../store/runRecord';

/** Capacity of a run's first columns; they double from there. */
const FIRST_CAPACITY = 256;

type ChunkColumns = Pick<MetricChunk, 't' | 'step' | 'batch' | 'kind' | 'fit' | 'values'>;

/** How far apart two values are, relative to their size (0 when either is missing): what keeps a spike when thinning. */
export function relativeGap(a: number | null | undefined, b: number | null | undefined): number {
  if (typeof a !== 'number' || typeof b !== 'number' || !Number.isFinite(a) || !Number.isFinite(b)) return 0;
  return Math.abs(a - b) / (Math.abs(a) + Math.abs(b) + 1e-12);
}

export class PointColumns {
  /** Points held; the columns hold `capacity` slots, the ones past `length` unused. */
  length = 0;
  private capacity = 0;
  t = new Float64Array(0);
  step = new Float64Array(0);
  /** Batch index for batch points, -1 otherwise (an index past 2^31 or not an integer is not one a writer makes). */
  batch = new Int32Array(0);
  /** Which fit call the point belongs to; 0 for log points. */
  fit = new Int32Array(0);
  kind = new Uint8Array(0);
  /** Byte offset in metrics.jsonl where the point's line starts, so a stretch between held points can be read again. */
  offset = new Float64Array(0);
  /** One column per metric name, NaN where the point lacks it or its value was not finite. */
  readonly values = new Map<string, Float64Array>();

  /**
   * Appends one point. Capacity doubles, but not past `limit` (the points the run may hold) until the points need
   * more than that, so a run that stops at its share does not carry up to twice its share of empty slots.
   */
  push(p: MetricPoint, offset: number, limit: number): void {
    const i = this.length;
    if (i === this.capacity) this.resize(this.capacity < limit ? Math.min(Math.max(FIRST_CAPACITY, this.capacity * 2), limit) : this.capacity * 2);
    this.t[i] = p.t;
    this.step[i] = p.step;
    this.batch[i] = p.kind === 'batch' && typeof p.batch === 'number' ? p.batch : -1;
    this.fit[i] = p.kind !== 'log' && typeof p.fit === 'number' ? p.fit : 0;
    this.kind[i] = PointKind[p.kind];
    this.offset[i] = offset;
    for (const name in p.values) {
      const value = p.values[name];
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      let column = this.values.get(name);
      if (!column) {
        column = new Float64Array(this.capacity).fill(NaN);
        this.values.set(name, column);
      }
      column[i] = value;
    }
    this.length = i + 1;
  }

  /**
   * Keeps, in order and in place, the points for which `keep(i)` holds (called once per point, in order); returns
   * how many were dropped.
   */
  compact(keep: (i: number) => boolean): number {
    const kept = new Int32Array(this.length);
    let n = 0;
    for (let i = 0; i < this.length; i++) if (keep(i)) kept[n++] = i;
    const columns: (Float64Array | Int32Array | Uint8Array)[] = [this.t, this.step, this.batch, this.fit, this.kind, this.offset, ...this.values.values()];
    for (const column of columns) for (let j = 0; j < n; j++) column[j] = column[kept[j]!]!;
    // Freed slots of value columns read as "no value" again when later points fill them.
    for (const column of this.values.values()) column.fill(NaN, n, this.length);
    const dropped = this.length - n;
    this.length = n;
    return dropped;
  }

  /** Summed relative gap between the values of points i and j (0 when j is -1): see runFeed's thinning. */
  gap(i: number, j: number): number {
    if (j < 0) return 0;
    let gap = 0;
    for (const column of this.values.values()) gap += relativeGap(column[i], column[j]);
    return gap;
  }

  /** Gives back spare capacity past `capacity` (never below the points held), after the run's share fell. */
  trim(capacity: number): void {
    const target = Math.max(this.length, capacity);
    if (target < this.capacity) this.resize(target);
  }

  /** Points `from` to `end` (default: all) as the protocol's columns. */
  chunk(from: number, end = this.length): ChunkColumns {
    const values: Record<string, (number | null)[]> = {};
    for (const [name, column] of this.values) {
      const out = new Array<number | null>(end - from);
      let any = false;
      for (let i = from; i < end; i++) {
        const v = column[i]!;
        if (Number.isNaN(v)) out[i - from] = null;
        else {
          out[i - from] = v;
          any = true;
        }
      }
      if (any) values[name] = out;
    }
    const plain = (column: Float64Array | Int32Array | Uint8Array) => Array.from(column.subarray(from, end));
    return { t: plain(this.t), step: plain(this.step), batch: plain(this.batch), kind: plain(this.kind) as PointKindCode[], fit: plain(this.fit), values };
  }

  private resize(capacity: number): void {
    const grown = <T extends Float64Array | Int32Array | Uint8Array>(column: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(column.subarray(0, Math.min(this.length, capacity)));
      return next;
    };
    const float = (n: number) => new Float64Array(n);
    this.t = grown(this.t, float);
    this.step = grown(this.step, float);
    this.batch = grown(this.batch, (n) => new Int32Array(n));
    this.fit = grown(this.fit, (n) => new Int32Array(n));
    this.kind = grown(this.kind, (n) => new Uint8Array(n));
    this.offset = grown(this.offset, float);
    for (const [name, column] of this.values) this.values.set(name, grown(column, (n) => new Float64Array(n).fill(NaN)));
    this.capacity = capacity;
  }
}
