// The metric points the dashboard holds for one run (columns, as chunks arrive) and the series drawn from them:
// one per metric and point kind ("loss" from epoch and log points, "loss · batch" from batch points), with x as
// step, epoch, wall time or time since the run's first point. Each series is cached with its debiased EMA and
// extended in place when points are appended, so a live run costs work in proportion to its new points only.
// The first chunk's columns are adopted as they are, so loading a long run copies nothing.
// Pure data code: no DOM.
import { BATCH_SUFFIX, PointKind, type MetricChunk, type PointKindCode } from '../../../runtime/src/dashboard/dashboardProtocol';
import { lowerBound } from './downsample';
import { EMA_START, emaInto, type EmaState } from './smoothing';

export type XAxisMode = 'step' | 'epoch' | 'wall' | 'relative';
export const X_AXIS_MODES: readonly XAxisMode[] = ['step', 'epoch', 'wall', 'relative'];

export { BATCH_SUFFIX };

export interface MetricExtremes {
  min: number;
  max: number;
}

export interface Series {
  /** Sorted x values (seconds for time axes). */
  x: number[];
  y: (number | null)[];
  /** `y` smoothed with the current weight, gaps as NaN (the same array as `y` when the weight is 0). */
  smoothed: ArrayLike<number | null>;
}

interface CachedSeries {
  x: number[];
  y: (number | null)[];
  /** Smoothed values of y[0..smoothedCount), in a buffer that grows by doubling. */
  buffer: Float64Array;
  smoothedCount: number;
  /** Points of the run already scanned for this series. */
  scanned: number;
  /** x and y are the run's own step and value columns (see shareColumns); then point i of the series is point i of the run. */
  shared: boolean;
  /** The run's point index of each series point (when not shared). */
  at: number[];
  weight: number;
  ema: EmaState;
  /** For batch series: the batches-per-epoch the x values were computed with. */
  batchesPerEpoch: number;
  /** Epoch offsets of earlier fit calls, so a second fit continues the step count instead of restarting it. */
  fit: number;
  fitOffset: number;
  fitMaxStep: number;
  epochsSeen: number;
}

interface ExtremesState {
  /** Points already folded into the ranges. */
  scanned: number;
  version: number;
  batched: Map<string, MetricExtremes>;
  unbatched: Map<string, MetricExtremes>;
  value: ReadonlyMap<string, MetricExtremes>;
}

const emptyExtremes = (): ExtremesState => ({ scanned: 0, version: -1, batched: new Map(), unbatched: new Map(), value: new Map() });

export class RunData {
  t: number[] = [];
  step: number[] = [];
  batch: number[] = [];
  kind: PointKindCode[] = [];
  fit: number[] = [];
  values = new Map<string, (number | null)[]>();
  /** Points of each series in the run's file before the host thinned them (chunk.totals); empty when none were. */
  totals: Readonly<Record<string, number>> = {};
  private hasBatch = false;
  /** Whether every point so far is an epoch point of the first fit with a step above the previous one. */
  private plainEpochs = true;
  /** Bumped on every change, so views can tell whether they are up to date. */
  version = 0;
  private maxBatch = -1;
  private keys: string[] | null = null;
  private readonly cache = new Map<string, CachedSeries>();
  private extremesState = emptyExtremes();

  get length(): number {
    return this.t.length;
  }

  /**
   * Applies a chunk; returns false when it starts past the points held (a gap: the caller subscribes again from
   * `length`). A chunk from an earlier point replaces everything from there on.
   */
  apply(chunk: MetricChunk): boolean {
    if (chunk.from > this.length) return false;
    if (chunk.from < this.length) this.truncate(chunk.from);
    if (chunk.totals) this.totals = chunk.totals;
    if (chunk.kind.includes(PointKind.batch)) this.hasBatch = true;
    let lastStep = this.length ? this.step[this.length - 1]! : -Infinity;
    for (let i = 0; i < chunk.t.length && this.plainEpochs; i++) {
      if (chunk.kind[i] !== PointKind.epoch || chunk.fit[i] !== 0 || !(chunk.step[i]! > lastStep)) this.plainEpochs = false;
      lastStep = chunk.step[i]!;
    }
    for (const b of chunk.batch) if (b > this.maxBatch) this.maxBatch = b;
    if (this.length === 0) {
      // The first chunk's columns become the run's own (messages arrive as fresh objects): no copy.
      this.t = chunk.t;
      this.step = chunk.step;
      this.batch = chunk.batch;
      this.kind = chunk.kind;
      this.fit = chunk.fit;
      this.values = new Map(Object.entries(chunk.values));
      this.keys = null;
      this.version++;
      return true;
    }
    const n = chunk.t.length;
    const before = this.length;
    this.t.push(...chunk.t);
    this.step.push(...chunk.step);
    this.batch.push(...chunk.batch);
    this.kind.push(...chunk.kind);
    this.fit.push(...chunk.fit);
    for (const [name, column] of Object.entries(chunk.values)) {
      let mine = this.values.get(name);
      if (!mine) {
        mine = new Array<number | null>(before).fill(null);
        this.values.set(name, mine);
        this.keys = null;
      }
      mine.push(...column);
    }
    // Metrics this chunk lacks get nulls, so every column stays as long as t.
    for (const [name, mine] of this.values) if (!(name in chunk.values)) for (let i = 0; i < n; i++) mine.push(null);
    if (chunk.kind.includes(PointKind.batch)) this.keys = null;
    this.version++;
    return true;
  }

  private truncate(length: number): void {
    for (const column of [this.t, this.step, this.batch, this.kind, this.fit, ...this.values.values()]) column.length = length;
    this.maxBatch = this.batch.reduce((m, b) => Math.max(m, b), -1);
    this.plainEpochs = this.kind.every((k, i) => k === PointKind.epoch && this.fit[i] === 0 && (i === 0 || this.step[i]! > this.step[i - 1]!));
    this.cache.clear();
    this.extremesState = emptyExtremes();
    this.keys = null;
    this.version++;
  }

  /**
   * The lowest and highest value of each metric over the run's epoch and `log` points (batch points are noisier
   * samples of the same metric; they count only for a metric that has nothing else). Updated from the new points
   * only; the map is a new object exactly when a value changed, so callers can compare it by identity.
   */
  extremes(): ReadonlyMap<string, MetricExtremes> {
    const state = this.extremesState;
    if (state.version === this.version) return state.value;
    let changed = false;
    for (const [name, column] of this.values) {
      for (let i = state.scanned; i < column.length; i++) {
        const v = column[i];
        if (v === null || v === undefined) continue;
        const target = this.kind[i] === PointKind.batch ? state.batched : state.unbatched;
        const range = target.get(name);
        if (!range) target.set(name, { min: v, max: v });
        else if (v < range.min) range.min = v;
        else if (v > range.max) range.max = v;
        else continue;
        changed = true;
      }
    }
    state.scanned = this.length;
    state.version = this.version;
    if (changed) {
      const value = new Map<string, MetricExtremes>();
      for (const [name, range] of state.batched) value.set(name, { ...range });
      for (const [name, range] of state.unbatched) value.set(name, { ...range });
      state.value = value;
    }
    return state.value;
  }

  /** Series names this run has, sorted. */
  seriesKeys(): string[] {
    if (this.keys) return this.keys;
    const keys = new Set<string>();
    for (const [name, column] of this.values) {
      if (!this.hasBatch) {
        // Without batch points a metric is a series as soon as one value is there.
        for (let i = 0; i < column.length; i++) {
          if (column[i] === null) continue;
          keys.add(name);
          break;
        }
        continue;
      }
      for (let i = 0; i < column.length; i++) {
        if (column[i] === null) continue;
        keys.add(this.kind[i] === PointKind.batch ? name + BATCH_SUFFIX : name);
      }
    }
    this.keys = [...keys].sort();
    return this.keys;
  }

  /** The series `key` on axis `mode`, smoothed with `weight`; cached and extended incrementally. */
  series(key: string, mode: XAxisMode, weight: number): Series {
    const isBatch = key.endsWith(BATCH_SUFFIX);
    const name = isBatch ? key.slice(0, -BATCH_SUFFIX.length) : key;
    const column = this.values.get(name);
    const cacheKey = `${mode}\u0000${key}`;
    const batchesPerEpoch = this.maxBatch + 1;
    let cached = this.cache.get(cacheKey);
    if (!cached || (isBatch && cached.batchesPerEpoch !== batchesPerEpoch && mode !== 'wall' && mode !== 'relative')) {
      cached = { x: [], y: [], at: [], buffer: new Float64Array(0), smoothedCount: 0, scanned: 0, shared: false, weight, ema: EMA_START, batchesPerEpoch, fit: 0, fitOffset: 0, fitMaxStep: -1, epochsSeen: 0 };
      this.cache.set(cacheKey, cached);
    }
    if (column && cached.scanned < this.length) {
      if (mode === 'step' && !isBatch && this.shareColumns(cached, column)) cached.scanned = this.length;
      else this.scan(cached, column, isBatch, mode);
    }
    if (cached.weight !== weight) {
      cached.weight = weight;
      cached.smoothedCount = 0;
      cached.ema = EMA_START;
    }
    const n = cached.shared ? cached.scanned : cached.y.length;
    if (weight > 0 && cached.smoothedCount < n) {
      if (cached.buffer.length < n) {
        const grown = new Float64Array(Math.max(n, cached.buffer.length * 2, 64));
        grown.set(cached.buffer.subarray(0, cached.smoothedCount));
        cached.buffer = grown;
      }
      cached.ema = emaInto(cached.y, cached.buffer, weight, cached.smoothedCount, cached.ema);
      cached.smoothedCount = n;
    }
    return { x: cached.x, y: cached.y, smoothed: weight > 0 ? cached.buffer.subarray(0, n) : cached.y };
  }

  /**
   * The common case needs no copy: a run of plain epochs (one fit, steps rising) whose metric has a value at every
   * point draws by step with the run's own step and value columns as x and y. Returns false, after taking copies
   * of what the series shared so far, once the run or the metric stops being that simple.
   */
  private shareColumns(s: CachedSeries, column: (number | null)[]): boolean {
    if (!s.shared && s.scanned > 0) return false;
    let simple = this.plainEpochs;
    for (let i = s.scanned; i < this.length && simple; i++) if (column[i] === null) simple = false;
    if (simple) {
      s.x = this.step;
      s.y = column;
      s.shared = true;
      return true;
    }
    if (s.shared) {
      s.x = this.step.slice(0, s.scanned);
      s.y = column.slice(0, s.scanned);
      s.at = Array.from({ length: s.scanned }, (_, i) => i);
      s.shared = false;
      s.fitMaxStep = s.x[s.x.length - 1] ?? -1;
      s.epochsSeen = s.scanned;
    }
    return false;
  }

  private scan(s: CachedSeries, column: (number | null)[], isBatch: boolean, mode: XAxisMode): void {
    const t0 = this.t[0] ?? 0;
    for (let i = s.scanned; i < this.length; i++) {
      const kind = this.kind[i]!;
      // Fit offsets advance on every epoch and batch point, whichever series is being built.
      if (kind !== PointKind.log) {
        if (this.fit[i]! !== s.fit) {
          s.fitOffset += s.fitMaxStep + 1;
          s.fit = this.fit[i]!;
          s.fitMaxStep = -1;
        }
        if (this.step[i]! > s.fitMaxStep) s.fitMaxStep = this.step[i]!;
      }
      if (kind === PointKind.epoch) s.epochsSeen++;
      const y = column[i];
      if (y === null || y === undefined || (kind === PointKind.batch) !== isBatch) continue;
      const epoch = s.fitOffset + this.step[i]!;
      let x: number;
      switch (mode) {
        case 'wall':
          x = this.t[i]! / 1000;
          break;
        case 'relative':
          x = (this.t[i]! - t0) / 1000;
          break;
        case 'step':
          x = kind === PointKind.log ? this.step[i]! : kind === PointKind.batch ? epoch + this.batch[i]! / Math.max(1, s.batchesPerEpoch) : epoch;
          break;
        case 'epoch':
          x = kind === PointKind.log ? s.epochsSeen : kind === PointKind.batch ? epoch + (this.batch[i]! + 1) / Math.max(1, s.batchesPerEpoch) : epoch + 1;
          break;
      }
      // A series must be sorted by x for drawing; a point that goes back (a log step reused) is dropped.
      const previous = s.x[s.x.length - 1];
      if (previous !== undefined && x < previous) continue;
      s.x.push(x);
      s.y.push(y);
      s.at.push(i);
    }
    s.scanned = this.length;
  }

  /**
   * The run's points [from, to) that hold series `key` between x0 and x1 on axis `mode`, widened by one series point
   * on each side so a line drawn from them reaches the edges; null when the series has no point there. Call series()
   * for the same key and mode first.
   */
  pointRange(key: string, mode: XAxisMode, x0: number, x1: number): { from: number; to: number } | null {
    const s = this.cache.get(`${mode}\u0000${key}`);
    if (!s || s.x.length === 0) return null;
    const n = s.shared ? s.scanned : s.x.length;
    const first = Math.max(0, lowerBound(s.x, x0, n) - 1);
    const last = Math.min(n - 1, lowerBound(s.x, x1, n));
    if (first > last) return null;
    const index = (i: number) => (s.shared ? i : s.at[i]!);
    return { from: index(first), to: index(last) + 1 };
  }

  /**
   * A copy of this run with its points [from, to) replaced by `window`'s (the same stretch of the run's file read
   * again at full resolution), for drawing a zoomed chart; the copy's totals are this run's.
   */
  spliced(from: number, to: number, window: MetricChunk): RunData {
    const cut = <T>(column: readonly T[], middle: readonly T[]): T[] => [...column.slice(0, from), ...middle, ...column.slice(to)];
    const values: Record<string, (number | null)[]> = {};
    const names = new Set([...this.values.keys(), ...Object.keys(window.values)]);
    const gap = (n: number) => new Array<number | null>(n).fill(null);
    for (const name of names) values[name] = cut(this.values.get(name) ?? gap(this.length), window.values[name] ?? gap(window.t.length));
    const copy = new RunData();
    copy.apply({ runId: window.runId, from: 0, t: cut(this.t, window.t), step: cut(this.step, window.step), batch: cut(this.batch, window.batch), kind: cut(this.kind, window.kind), fit: cut(this.fit, window.fit), values });
    copy.totals = this.totals;
    return copy;
  }
}
