// Where the profiler keeps a column's numbers until the end of the pass (quartiles and outlier rows need them
// all): a dense Float64Array indexed by row (NaN where the row has no number), with one shared row → line map
// for all columns, which stays an offset (no memory) until a blank line or a multi-line record breaks the
// one-row-per-line rhythm. Past `maxStored` rows a column switches to a seeded reservoir sample of
// (value, line) pairs, so memory stays bounded on any file.

/** 1-based file line of each 0-based data row. */
export class RowLines {
  count = 0;
  private first = 0;
  private lines: Int32Array | undefined;

  push(line: number): number {
    const row = this.count++;
    if (this.lines) {
      if (row === this.lines.length) this.lines = grow(this.lines, this.lines.length * 2);
      this.lines[row] = line;
    } else if (row === 0) {
      this.first = line;
    } else if (line !== this.first + row) {
      // The rhythm broke: materialize the lines so far, then record each.
      this.lines = new Int32Array(Math.max(1024, row * 2));
      for (let r = 0; r < row; r++) this.lines[r] = this.first + r;
      this.lines[row] = line;
    }
    return row;
  }

  line(row: number): number {
    return this.lines ? this.lines[row]! : this.first + row;
  }
}

/** A copy of a typed array in a bigger one of the same kind. */
export function grow<T extends Float64Array | Int32Array | Uint8Array>(array: T, size: number): T {
  const next = new (array.constructor as new (n: number) => T)(size);
  next.set(array);
  return next;
}

export class ValueStore {
  private dense: Float64Array | undefined;
  /** Reservoir mode: compact values and their lines. */
  private sample: { values: Float64Array; lines: Int32Array; seen: number; random: number } | undefined;
  stored = 0;

  constructor(
    private readonly rows: RowLines,
    private readonly maxStored: number,
  ) {}

  get sampled(): boolean {
    return this.sample !== undefined && this.sample.seen > this.stored;
  }

  add(value: number, row: number, line: number): void {
    if (this.sample) return this.addSampled(value, line);
    if (row >= this.maxStored) {
      this.toSample();
      return this.addSampled(value, line);
    }
    let dense = this.dense;
    if (!dense || row >= dense.length) {
      const size = Math.min(this.maxStored, Math.max(1024, (row + 1) * 2));
      const next = new Float64Array(size);
      next.fill(NaN, dense?.length ?? 0);
      if (dense) next.set(dense);
      this.dense = dense = next;
    }
    dense[row] = value;
    this.stored++;
  }

  private toSample(): void {
    const values = new Float64Array(this.maxStored);
    const lines = new Int32Array(this.maxStored);
    let n = 0;
    const dense = this.dense;
    if (dense) {
      for (let row = 0; row < dense.length; row++) {
        const v = dense[row]!;
        if (v === v) {
          values[n] = v;
          lines[n++] = this.rows.line(row);
        }
      }
    }
    this.dense = undefined;
    this.stored = n;
    this.sample = { values, lines, seen: n, random: 0x9e3779b9 };
  }

  /** Reservoir sampling (algorithm R) with a small xorshift generator, so runs are reproducible. */
  private addSampled(value: number, line: number): void {
    const s = this.sample!;
    s.seen++;
    if (this.stored < s.values.length) {
      s.values[this.stored] = value;
      s.lines[this.stored++] = line;
      return;
    }
    s.random ^= s.random << 13;
    s.random ^= s.random >>> 17;
    s.random ^= s.random << 5;
    const j = (s.random >>> 0) % s.seen;
    if (j < s.values.length) {
      s.values[j] = value;
      s.lines[j] = line;
    }
  }

  /** The stored values: by row with NaN where a row has none, or the sample; `stored` of them are numbers. */
  data(): Float64Array {
    if (this.sample) return this.sample.values.subarray(0, this.stored);
    return this.dense ?? new Float64Array(0);
  }

  /** Calls `fn` with each stored value outside [low, high] and its line. */
  forEachOutside(low: number, high: number, fn: (value: number, line: number) => void): void {
    if (this.sample) {
      const { values, lines } = this.sample;
      for (let i = 0; i < this.stored; i++) if (values[i]! < low || values[i]! > high) fn(values[i]!, lines[i]!);
      return;
    }
    const dense = this.dense;
    if (!dense) return;
    for (let row = 0; row < dense.length; row++) {
      const v = dense[row]!;
      if (v < low || v > high) fn(v, this.rows.line(row));
    }
  }
}
