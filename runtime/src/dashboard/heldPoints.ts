// The points the run feed (runFeed.ts) holds for one run, and how they stay within the run's share of the store's
// point budget: the columns (pointColumns.ts), each series' count of points read before thinning (`totals`), and the
// thinning of batch and `mlts.log` points. Past its share a run keeps every epoch point and halves the held points of
// the kind that holds the most; later points of that kind are read in groups of the kind's stride, each group keeping
// the point farthest from the last one kept (summed relative gap over its metrics), so a spike survives where keeping
// every n-th point would drop it. A group's point is held back until the group ends, a point of another kind arrives
// (points stay in file order) or the read ends (endOfRead). `generation` changes whenever held points are renumbered.
import { BATCH_SUFFIX, PointKind } from './dashboardProtocol';
import { PointColumns, relativeGap } from './pointColumns';
import type { MetricPoint } from '../store/runRecord';

type ThinnedKind = 'batch' | 'log';
const THINNED_KINDS: readonly ThinnedKind[] = ['batch', 'log'];

/**
 * Per thinnable kind: keep one point in `stride` (1: all), points of the group seen, how many were left out, the
 * values of the last point kept, and the point that stands for the group being read.
 */
interface Thinning {
  stride: number;
  seen: number;
  left: number;
  last: Record<string, number | null> | null;
  pick: { point: MetricPoint; offset: number; gap: number } | null;
}
const thinningStart = (): Thinning => ({ stride: 1, seen: 0, left: 0, last: null, pick: null });

/** The summed relative gap of a point's values from those of the last point kept. */
function gapFrom(values: Record<string, number | null>, last: Record<string, number | null> | null): number {
  if (!last) return 0;
  let gap = 0;
  for (const name in values) gap += relativeGap(values[name], last[name]);
  return gap;
}

export class HeldPoints {
  readonly columns = new PointColumns();
  private readonly thinning: Record<ThinnedKind, Thinning> = { batch: thinningStart(), log: thinningStart() };
  /** Held points at which to try thinning again after a try found nothing to thin (a run of epoch points only). */
  private thinAgainAt = 0;
  /**
   * Points with a finite value read from the file, before thinning, per metric: of epoch and log points, and of batch
   * points (the series the dashboard names with BATCH_SUFFIX). Two maps, so counting a point builds no strings.
   */
  private readonly counted = { plain: new Map<string, number>(), batch: new Map<string, number>() };

  /** `generation`: the number the run's points had before, plus one when these replace them. */
  constructor(public generation = 0) {}

  get length(): number {
    return this.columns.length;
  }

  /** Takes one point read at byte `offset`, holding at most about `share` points. */
  add(p: MetricPoint, offset: number, share: number): void {
    const totals = p.kind === 'batch' ? this.counted.batch : this.counted.plain;
    for (const name in p.values) {
      const value = p.values[name];
      if (typeof value === 'number' && Number.isFinite(value)) totals.set(name, (totals.get(name) ?? 0) + 1);
    }
    for (const kind of THINNED_KINDS) if (kind !== p.kind) this.keepPick(kind, share);
    if (p.kind !== 'epoch') {
      const thinning = this.thinning[p.kind];
      const place = thinning.seen++ % thinning.stride;
      if (thinning.stride > 1) {
        const gap = gapFrom(p.values, thinning.last);
        if (thinning.pick === null || gap > thinning.pick.gap) {
          if (thinning.pick) thinning.left++;
          thinning.pick = { point: p, offset, gap };
        } else thinning.left++;
        if (place === thinning.stride - 1) this.keepPick(p.kind, share);
        return;
      }
      thinning.last = p.values;
    }
    this.hold(p, offset, share);
  }

  /** The file was read to its end: a group's point waits no longer (a finished run's last group is held now). */
  endOfRead(share: number): void {
    for (const kind of THINNED_KINDS) this.keepPick(kind, share);
  }

  /** The run's share fell (the store gained runs): thins down to it; returns whether points were dropped. */
  shrinkTo(share: number): boolean {
    const before = this.length;
    let held = before;
    while (held > share && held >= this.thinAgainAt) {
      this.thin();
      if (this.length === held) break;
      held = this.length;
    }
    this.columns.trim(share);
    return this.length !== before;
  }

  /** Points of each series read so far, keyed as the dashboard names series. */
  totals(): Record<string, number> {
    const totals = Object.fromEntries(this.counted.plain);
    for (const [name, n] of this.counted.batch) totals[name + BATCH_SUFFIX] = n;
    return totals;
  }

  /** What thinning left out, in words, for the run's row. */
  problems(): string[] {
    return THINNED_KINDS.filter((kind) => this.thinning[kind].left).map((kind) => `${this.thinning[kind].left} ${kind} points left out to bound memory (1 in ${this.thinning[kind].stride} kept)`);
  }

  /** Holds the point that stands for the group of `kind` being read, if there is one. */
  private keepPick(kind: ThinnedKind, share: number): void {
    const thinning = this.thinning[kind];
    const pick = thinning.pick;
    if (!pick) return;
    thinning.pick = null;
    thinning.last = pick.point.values;
    // The next group starts here.
    thinning.seen = 0;
    this.hold(pick.point, pick.offset, share);
  }

  private hold(p: MetricPoint, offset: number, share: number): void {
    const held = this.length;
    if (held >= share && held >= this.thinAgainAt) this.thin();
    this.columns.push(p, offset, share);
  }

  /**
   * Halves the held points of the kind that holds the most (batch or logged): of each two in a row, the one farther
   * from the last point kept stays (a spike does). Later points of that kind are then kept one in twice as many.
   * A run of epoch points only is left as it is: nothing there is thinned.
   */
  private thin(): void {
    const c = this.columns;
    const held = { batch: 0, log: 0 };
    for (let i = 0; i < c.length; i++) {
      if (c.kind[i] === PointKind.batch) held.batch++;
      else if (c.kind[i] === PointKind.log) held.log++;
    }
    const kind: ThinnedKind = held.batch >= held.log ? 'batch' : 'log';
    if (held[kind] === 0) {
      // Counting again on every point would cost the whole run each time: look again once it has doubled.
      this.thinAgainAt = c.length * 2;
      return;
    }
    const code = PointKind[kind];
    const keep = new Uint8Array(c.length).fill(1);
    let last = -1;
    let first = -1;
    for (let i = 0; i < c.length; i++) {
      if (c.kind[i] !== code) continue;
      if (first < 0) {
        first = i;
        continue;
      }
      const firstStays = c.gap(first, last) >= c.gap(i, last);
      keep[firstStays ? i : first] = 0;
      last = firstStays ? first : i;
      first = -1;
    }
    this.thinning[kind].left += c.compact((i) => keep[i] === 1);
    this.thinning[kind].stride *= 2;
    this.generation++;
  }
}
