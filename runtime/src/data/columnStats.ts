// Per-column statistics gathered in one streaming pass: counts by kind (missing, numeric, integer, boolean,
// text), Welford's running mean and variance, min/max, top values (exact counts for the first 1,000 distinct
// values), the first rows holding text in a mostly numeric column, and the numeric values themselves (in a
// ValueStore: by row, or a seeded reservoir past `maxStored`), from which `finish` computes quartiles
// (quickselect, linear interpolation like pandas), a histogram and outlier rows (IQR fences, or z-score when the
// IQR is 0). Plain numbers in, plain data out: no I/O here.
import { RowLines, ValueStore } from './valueStore';

export type ColumnType = 'integer' | 'number' | 'boolean' | 'string' | 'empty';

export interface ValueCount {
  value: string;
  count: number;
}

export interface RowValue {
  line: number;
  value: string;
}

export interface Histogram {
  min: number;
  max: number;
  /** Equal-width bins from min to max; the last bin includes max. */
  counts: number[];
}

export interface NumericSummary {
  min: number;
  max: number;
  mean: number;
  /** Sample standard deviation (n − 1), as pandas' describe. */
  std: number;
  q1: number;
  median: number;
  q3: number;
}

export interface Outliers {
  method: 'iqr' | 'zscore';
  /** Values below `low` or above `high` are outliers. */
  low: number;
  high: number;
  count: number;
  /** The most extreme first, at most `maxRows`. */
  rows: RowValue[];
}

export interface ColumnProfile {
  name: string;
  type: ColumnType;
  /** Cells with a value. */
  count: number;
  missing: number;
  /** Distinct values seen (a lower bound when `distinctCapped`). */
  distinct: number;
  distinctCapped: boolean;
  numeric?: NumericSummary;
  histogram?: Histogram;
  top: ValueCount[];
  outliers?: Outliers;
  /** Text in a mostly numeric column (or numbers in a mostly text column): the rows that break the column's type. */
  strays: { count: number; rows: RowValue[] };
  /** True when quartiles and outliers come from a sample of the values (more than `maxStored` rows). */
  sampledQuantiles: boolean;
}

export interface ColumnStatsOptions {
  maxDistinct?: number;
  maxStored?: number;
  maxRows?: number;
  bins?: number;
}

const BOOLEAN_TEXT = new Set(['true', 'false', 'True', 'False', 'TRUE', 'FALSE']);

export class ColumnAccumulator {
  missing = 0;
  numeric = 0;
  integers = 0;
  texts = 0;
  booleans = 0;
  private mean = 0;
  private m2 = 0;
  private min = Infinity;
  private max = -Infinity;
  private readonly store: ValueStore;
  private readonly counts = new Map<number | string, number>();
  private distinctCapped = false;
  /** First rows with text (kept in case the column turns out numeric). */
  private readonly textRows: RowValue[] = [];
  /** First rows with numbers (kept in case the column turns out textual). */
  private readonly numberRows: RowValue[] = [];
  private readonly maxDistinct: number;
  /** Numbers stop being counted sooner: a column with this many distinct numbers is continuous, and top values say little. */
  private readonly maxDistinctNumbers: number;
  private readonly maxStored: number;
  private readonly maxRows: number;

  constructor(
    readonly name: string,
    private readonly options: ColumnStatsOptions = {},
    rows: RowLines = new RowLines(),
  ) {
    this.maxDistinct = options.maxDistinct ?? 1000;
    this.maxDistinctNumbers = Math.min(this.maxDistinct, 256);
    this.maxStored = options.maxStored ?? 8_000_000;
    this.maxRows = options.maxRows ?? 100;
    this.store = new ValueStore(rows, this.maxStored);
  }

  addMissing(): void {
    this.missing++;
  }

  /** A number in data row `row` (0-based, as counted by the shared RowLines) at file line `line`. */
  addNumber(value: number, row: number, line: number): void {
    this.numeric++;
    if (Number.isInteger(value)) this.integers++;
    const delta = value - this.mean;
    this.mean += delta / this.numeric;
    this.m2 += delta * (value - this.mean);
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    this.store.add(value, row, line);
    if (!this.distinctCapped) this.count(value, this.maxDistinctNumbers);
    if (this.numberRows.length < this.maxRows) this.numberRows.push({ line, value: String(value) });
  }

  addText(text: string, line: number): void {
    this.texts++;
    if (BOOLEAN_TEXT.has(text)) this.booleans++;
    if (!this.distinctCapped) this.count(text, this.maxDistinct);
    if (this.textRows.length < this.maxRows) this.textRows.push({ line, value: text.length > 80 ? `${text.slice(0, 77)}…` : text });
  }

  private count(key: number | string, cap: number): void {
    const n = this.counts.get(key);
    if (n !== undefined) this.counts.set(key, n + 1);
    else if (this.counts.size < cap) this.counts.set(key, 1);
    else this.distinctCapped = true;
  }

  finish(): ColumnProfile {
    const present = this.numeric + this.texts;
    const numericColumn = this.numeric > 0 && this.numeric >= this.texts;
    let type: ColumnType;
    if (present === 0) type = 'empty';
    else if (numericColumn) type = this.integers === this.numeric ? 'integer' : 'number';
    else if (this.booleans === this.texts && this.numeric === 0) type = 'boolean';
    else type = 'string';
    const top = [...this.counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 10)
      .map(([value, count]) => ({ value: String(value), count }));
    const profile: ColumnProfile = {
      name: this.name,
      type,
      count: present,
      missing: this.missing,
      distinct: this.counts.size,
      distinctCapped: this.distinctCapped,
      top,
      strays: numericColumn ? { count: this.texts, rows: this.textRows } : { count: type === 'string' ? this.numeric : 0, rows: type === 'string' ? this.numberRows : [] },
      sampledQuantiles: this.store.sampled,
    };
    if (numericColumn) {
      // The stored values: by row with NaN gaps, or a sample; both passes below skip NaN.
      const values = this.store.data();
      const span = this.max - this.min;
      profile.histogram =
        type === 'integer' && span > 0 && span < 40
          ? histogram(values, this.store.stored, this.min - 0.5, this.max + 0.5, span + 1)
          : histogram(values, this.store.stored, this.min, this.max, this.options.bins ?? 20);
      const [q1, median, q3] = binnedQuantiles(values, this.store.stored, this.min, this.max, [0.25, 0.5, 0.75]) as [number, number, number];
      const std = this.numeric > 1 ? Math.sqrt(this.m2 / (this.numeric - 1)) : NaN;
      profile.numeric = { min: this.min, max: this.max, mean: this.mean, std, q1, median, q3 };
      profile.outliers = this.outliers(q1, q3, std);
    }
    return profile;
  }

  private outliers(q1: number, q3: number, std: number): Outliers {
    const iqr = q3 - q1;
    const method = iqr > 0 ? 'iqr' : 'zscore';
    const low = method === 'iqr' ? q1 - 1.5 * iqr : this.mean - 3 * std;
    const high = method === 'iqr' ? q3 + 1.5 * iqr : this.mean + 3 * std;
    const center = (q1 + q3) / 2;
    let count = 0;
    // Keep the most extreme rows: a bounded list, re-sorted when it overflows.
    let kept: { line: number; value: number }[] = [];
    if (!(std > 0) && method === 'zscore') return { method, low, high, count: 0, rows: [] };
    this.store.forEachOutside(low, high, (value, line) => {
      count++;
      kept.push({ line, value });
      if (kept.length > this.maxRows * 4) kept = mostExtreme(kept, center, this.maxRows);
    });
    kept = mostExtreme(kept, center, this.maxRows);
    return { method, low, high, count, rows: kept.map((r) => ({ line: r.line, value: String(r.value) })) };
  }
}

function mostExtreme(rows: { line: number; value: number }[], center: number, n: number): { line: number; value: number }[] {
  return rows.sort((a, b) => Math.abs(b.value - center) - Math.abs(a.value - center) || a.line - b.line).slice(0, n);
}

/** Equal-width histogram of the `count` numbers in `values` (NaN entries are gaps and skipped). */
export function histogram(values: Float64Array, count: number, min: number, max: number, bins: number): Histogram {
  if (count === 0 || !Number.isFinite(min) || !Number.isFinite(max)) return { min, max, counts: [] };
  if (min === max) return { min, max, counts: [count] };
  const counts = new Array<number>(bins).fill(0);
  const scale = bins / (max - min);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== v) continue;
    const b = Math.floor((v - min) * scale);
    counts[b >= bins ? bins - 1 : b < 0 ? 0 : b]!++;
  }
  return { min, max, counts };
}

/** Fine bins for locating order statistics. */
const RANK_BINS = 1 << 16;

/**
 * Quantiles like `quantiles` without copying or reordering the values: one pass counts the values into 65,536
 * equal-width bins between min and max, the counts say which bin holds each needed order statistic, a second pass
 * collects just those bins' values, and a selection inside them finds the exact value. NaN entries are skipped.
 */
export function binnedQuantiles(values: Float64Array, count: number, min: number, max: number, qs: number[]): number[] {
  if (count === 0) return qs.map(() => NaN);
  if (!(max > min) || !Number.isFinite(max - min)) return qs.map(() => min);
  const scale = RANK_BINS / (max - min);
  const last = RANK_BINS - 1;
  const counts = new Uint32Array(RANK_BINS);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== v) continue;
    const b = Math.floor((v - min) * scale);
    counts[b > last ? last : b]!++;
  }
  // The order statistics needed (k and k + 1 for each q), and the bin of each.
  const ranks = [...new Set(qs.flatMap((q) => [Math.floor((count - 1) * q), Math.min(count - 1, Math.floor((count - 1) * q) + 1)]))].sort((a, b) => a - b);
  const binStart = new Map<number, number>(); // bin → rank of its first value
  const rankBin = new Map<number, number>();
  let before = 0;
  let r = 0;
  for (let b = 0; b < RANK_BINS && r < ranks.length; b++) {
    const next = before + counts[b]!;
    while (r < ranks.length && ranks[r]! < next) {
      rankBin.set(ranks[r]!, b);
      binStart.set(b, before);
      r++;
    }
    before = next;
  }
  // Which bucket (if any) collects each fine bin, as a flat array: the second pass is one lookup per value.
  const slot = new Int8Array(RANK_BINS).fill(-1);
  const buckets: { values: Float64Array; n: number }[] = [];
  for (const b of binStart.keys()) {
    slot[b] = buckets.length;
    buckets.push({ values: new Float64Array(counts[b]!), n: 0 });
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== v) continue;
    const b = Math.floor((v - min) * scale);
    const k = slot[b > last ? last : b]!;
    if (k >= 0) {
      const bucket = buckets[k]!;
      bucket.values[bucket.n++] = v;
    }
  }
  const orderStatistic = (rank: number): number => {
    const b = rankBin.get(rank)!;
    const bucket = buckets[slot[b]!]!;
    return select(bucket.values, rank - binStart.get(b)!, 0, bucket.values.length - 1);
  };
  return qs.map((q) => {
    const position = (count - 1) * q;
    const k = Math.floor(position);
    const lower = orderStatistic(k);
    return position > k ? lower + (orderStatistic(Math.min(count - 1, k + 1)) - lower) * (position - k) : lower;
  });
}

/**
 * Quantiles with linear interpolation (numpy's default), for ascending `qs`; reorders `work` in place. Each
 * selection runs only within the part left unsorted by the previous one, so three quartiles cost about two passes.
 */
export function quantiles(work: Float64Array, qs: number[]): number[] {
  const n = work.length;
  if (n === 0) return qs.map(() => NaN);
  const out: number[] = [];
  let from = 0;
  for (const q of qs) {
    const position = (n - 1) * q;
    const k = Math.floor(position);
    const lower = select(work, k, Math.min(from, k), n - 1);
    let value = lower;
    if (position > k) {
      // The next order statistic is the smallest value right of k after selection.
      let upper = Infinity;
      for (let i = k + 1; i < n; i++) if (work[i]! < upper) upper = work[i]!;
      value = lower + (upper - lower) * (position - k);
    }
    out.push(value);
    from = k + 1;
  }
  return out;
}

/** Quickselect (Hoare partition, median-of-three) within [left, right]: then work[k] is the k-th smallest, with smaller values left of it and larger right. */
function select(work: Float64Array, k: number, left: number, right: number): number {
  while (right > left) {
    const mid = (left + right) >>> 1;
    const a = work[left]!;
    const b = work[mid]!;
    const c = work[right]!;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = left;
    let j = right;
    while (i <= j) {
      while (work[i]! < pivot) i++;
      while (work[j]! > pivot) j--;
      if (i <= j) {
        const t = work[i]!;
        work[i] = work[j]!;
        work[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return work[k]!;
  }
  return work[k]!;
}
