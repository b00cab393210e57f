// Groups runs by the value of one parameter and summarises each group's series as a mean line with a min–max
// band, as W&B's grouped charts do. All groups of a chart share one x grid (uPlot draws bands on aligned data):
// the distinct x values when there are few (steps and epochs line up across runs), otherwise equal-width buckets
// in the axis' own space. Each run counts once per grid point (its mean inside a bucket), so a run logging more
// often does not outweigh the others. Pure; runs are smoothed before they are grouped.
import type { ParamValue } from '../../../runtime/src/dashboard/dashboardProtocol';
import type { SeriesLike } from './downsample';

/** How a parameter value names its group: JSON, so 1 and "1" stay apart; a missing parameter is its own group. */
export function groupKey(value: ParamValue | undefined): string {
  return value === undefined ? '(unset)' : JSON.stringify(value);
}

/** Run ids per group, groups in the order their first run appears. */
export function groupRuns(runs: readonly { id: string; params: Record<string, ParamValue> }[], param: string): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const run of runs) {
    const key = groupKey(run.params[param]);
    const members = groups.get(key);
    if (members) members.push(run.id);
    else groups.set(key, [run.id]);
  }
  return groups;
}

export interface GroupStats {
  mean: (number | null)[];
  min: (number | null)[];
  max: (number | null)[];
}

export interface AlignedGroups {
  x: number[];
  groups: GroupStats[];
}

/**
 * Aligns every group's member series on one grid and reduces each grid point to mean, min and max over the
 * members that have a value there. `maxPoints` bounds the grid; `toUnit` maps x to the axis' linear space.
 */
export function aggregateGroups(groups: readonly (readonly SeriesLike[])[], maxPoints = 1000, toUnit: (v: number) => number = (v) => v): AlignedGroups {
  const distinct = new Set<number>();
  let lo = Infinity;
  let hi = -Infinity;
  for (const members of groups) {
    for (const s of members) {
      for (let i = 0; i < s.x.length; i++) {
        const x = s.x[i]!;
        if (distinct.size <= maxPoints) distinct.add(x);
        const u = toUnit(x);
        if (u < lo) lo = u;
        if (u > hi) hi = u;
      }
    }
  }
  const exact = distinct.size <= maxPoints;
  const grid = exact ? [...distinct].sort((a, b) => a - b) : [];
  const index = new Map(grid.map((x, i) => [x, i]));
  const size = exact ? grid.length : maxPoints;
  const span = hi - lo;
  const slot = (x: number): number => {
    if (exact) return index.get(x)!;
    return span > 0 ? Math.min(size - 1, Math.floor(((toUnit(x) - lo) / span) * size)) : 0;
  };
  // Bucketed grids put each bucket's x at the mean x of the points that fell in it.
  const xSum = new Float64Array(size);
  const xCount = new Float64Array(size);
  const result = groups.map((members) => {
    const sum = new Float64Array(size);
    const count = new Float64Array(size);
    const min: (number | null)[] = new Array<number | null>(size).fill(null);
    const max: (number | null)[] = new Array<number | null>(size).fill(null);
    for (const s of members) {
      // One value per run and slot: the run's mean inside the slot.
      const runSum = new Map<number, [number, number]>();
      for (let i = 0; i < s.x.length; i++) {
        const y = s.y[i];
        if (y === null || y === undefined || !Number.isFinite(y)) continue;
        const k = slot(s.x[i]!);
        const acc = runSum.get(k);
        if (acc) {
          acc[0] += y;
          acc[1]++;
        } else runSum.set(k, [y, 1]);
        if (!exact) {
          xSum[k] += s.x[i]!;
          xCount[k]++;
        }
      }
      for (const [k, [total, n]] of runSum) {
        const v = total / n;
        sum[k] += v;
        count[k]++;
        if (min[k] === null || v < min[k]!) min[k] = v;
        if (max[k] === null || v > max[k]!) max[k] = v;
      }
    }
    const mean = Array.from(sum, (total, k) => (count[k]! > 0 ? total / count[k]! : null));
    return { mean, min, max };
  });
  if (exact) return { x: grid, groups: result };
  // Drop empty buckets so the grid stays sorted and every x is real.
  const keep: number[] = [];
  for (let k = 0; k < size; k++) if (xCount[k]! > 0) keep.push(k);
  return {
    x: keep.map((k) => xSum[k]! / xCount[k]!),
    groups: result.map((g) => ({ mean: keep.map((k) => g.mean[k]!), min: keep.map((k) => g.min[k]!), max: keep.map((k) => g.max[k]!) })),
  };
}
