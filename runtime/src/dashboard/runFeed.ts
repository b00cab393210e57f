// Watches a run store and keeps what the dashboard needs in memory: each run's summary and its metric points in
// typed-array columns (pointColumns.ts), read incrementally (only the bytes appended since the last look, complete
// lines only, so a line being written is picked up once its newline lands). Changes are noticed by fs.watch where
// the platform offers it and by a slow poll that catches what watching misses (network file systems, a store created
// later); both trigger one debounced scan. Shared by `mlts ui` and the extension's dashboard panel; Node only, never
// imports vscode. Like every reader (docs/run-store.md), it marks a running run whose process vanished as killed.
// Faults stay inside their run: an unreadable record, a folder in place of metrics.jsonl, damaged lines or a run
// deleted mid-read become that run's `problem` (shown in its row), never an exception out of a scan or the poll
// timer. Memory and time are bounded: a scan first reads every run's record (cheap, so the runs table is whole after
// the first scan), then at most SCAN_BUDGET_BYTES of metrics across all runs, taking runs in turn from the one after
// where the last scan stopped, so huge files fill in over several scans while the server answers and no run waits
// behind another's backlog. A run keeps at most its share of STORE_POINT_BUDGET (between MIN_POINTS_PER_RUN and
// MAX_POINTS_PER_RUN) points, thinning batch and `mlts.log` points (1 in 2, then 1 in 4…, keeping of each pair or
// group the point farthest from the last one kept, so spikes stay; epoch points are always kept) past that, which
// its `problem` states. Each run's chunks carry how many points of each series its file held before thinning
// (`totals`), so a chart can say how many it shows. Watched changes rescan only their run; with `onlyWanted` (the
// dashboard hosts) only the runs a session subscribed to have their metrics read; `readWindow` reads the stretch
// between two held points again, through the byte offsets the columns keep.
import { existsSync, readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { BATCH_SUFFIX, PointKind, type MetricChunk, type RunSummary } from './dashboardProtocol';
import { PointColumns, relativeGap } from './pointColumns';
import { METRICS_FILE } from '../store/metricsLog';
import { newMetricsCursor, readMetricsStep, type MetricsCursor } from '../store/metricsReader';
import { describePlacement, isFinalStatus, type MetricPoint, type RunRecord } from '../store/runRecord';
import { RUN_FILE, STATE_FILE, type RunStore } from '../store/runStore';

export interface RunFeedOptions {
  /** Milliseconds between polls (default 1000). */
  pollMs?: number;
  /** Milliseconds to gather change notifications before one scan (default 50). */
  debounceMs?: number;
  /** Metrics bytes one scan reads across all runs (default SCAN_BUDGET_BYTES). */
  scanBudgetBytes?: number;
  /**
   * Read the metrics of wanted runs only (see want(); the dashboard hosts): a store of 10,000 runs whose page charts
   * 100 reads and holds 100 runs' points, and a run no page wants any more gives its points back. Default: every run.
   */
  onlyWanted?: boolean;
  /** Points each run may hold, in place of its share of STORE_POINT_BUDGET (tests). */
  pointsPerRun?: number;
}

export interface FeedChange {
  /** Runs that appeared or whose record changed. */
  runs: RunSummary[];
  removed: string[];
  /** Runs that gained metric points (or lost them: a rewritten file starts again from 0). */
  metrics: string[];
  warnings: string[];
}

interface Tracked {
  summary: RunSummary;
  recordStamp: string;
  cursor: MetricsCursor;
  columns: PointColumns;
  /** Why the record could not be read as it is, and why the metrics could not (null when they can). */
  recordProblem: string | null;
  metricsProblem: string | null;
  /**
   * Per thinnable kind: keep one point in `stride` (1: all), points of it seen, how many were left out, the values
   * of the last point kept, and the point that stands for the group of `stride` being read (see addPoint).
   */
  thinning: Record<ThinnedKind, Thinning>;
  /** Held points at which to try thinning again after a try found nothing to thin (a run of epoch points only). */
  thinAgainAt: number;
  /**
   * Points with a finite value read from the file, before thinning, per metric: of epoch and log points, and of batch
   * points (the series the dashboard names with BATCH_SUFFIX). Two maps, so counting a point builds no strings.
   */
  totals: { plain: Map<string, number>; batch: Map<string, number> };
  /** Skipped metrics lines, for the problem text. */
  skippedLines: number;
  /** Bumped whenever held points are renumbered (thinned, file replaced): clients holding points start over. */
  generation: number;
}

/**
 * Metrics bytes one scan reads across all runs; a larger backlog is read by the following scans, scheduled at once.
 * About a tenth of a second of parsing, so a scan never holds up the server's answers for long.
 */
export const SCAN_BUDGET_BYTES = 16 * 1024 * 1024;
/** Points held per run at most; past its share batch and logged points are thinned (epoch points are always kept). */
export const MAX_POINTS_PER_RUN = 250_000;
/**
 * Points held across the whole store, shared out evenly between its runs: at 100 runs × 1 M points each run keeps
 * 20,000 (a chart is ~1,000 pixels wide), so the server stays near 300 MB instead of holding 25 M points (issue 14).
 */
export const STORE_POINT_BUDGET = 2_000_000;
/** A run's share never falls below this, however many runs the store holds. */
export const MIN_POINTS_PER_RUN = 2_000;

/** Polling costs at most 1 / POLL_COST_FACTOR of a core: polls wait this many times the last whole scan's cost. */
const POLL_COST_FACTOR = 10;
/** Most points one `window` answer carries; a longer stretch keeps 1 in N of its batch and logged points. */
export const MAX_WINDOW_POINTS = 200_000;
/** Most bytes of a metrics file one `window` request reads: a longer stretch is too far zoomed out to need every point. */
export const MAX_WINDOW_BYTES = 256 * 1024 * 1024;

/** What a `window` request gets (the protocol's `window` message without its numbering). */
export interface WindowAnswer {
  chunk: MetricChunk | null;
  stride: number;
  problem: string | null;
}

type ThinnedKind = 'batch' | 'log';
const THINNED_KINDS: readonly ThinnedKind[] = ['batch', 'log'];
const noTotals = (): Tracked['totals'] => ({ plain: new Map(), batch: new Map() });
interface Thinning {
  stride: number;
  seen: number;
  left: number;
  last: Record<string, number | null> | null;
  pick: { point: MetricPoint; offset: number; gap: number } | null;
}
const thinningStart = (): Thinning => ({ stride: 1, seen: 0, left: 0, last: null, pick: null });
const noThinning = (): Tracked['thinning'] => ({ batch: thinningStart(), log: thinningStart() });

/** The summed relative gap of a point's values from those of the last point kept. */
function gapFrom(values: Record<string, number | null>, last: Record<string, number | null> | null): number {
  if (!last) return 0;
  let gap = 0;
  for (const name in values) gap += relativeGap(values[name], last[name]);
  return gap;
}

export function summarize(record: RunRecord): RunSummary {
  return {
    id: record.id,
    name: record.name ?? null,
    status: record.status,
    file: record.relativeFile || record.file,
    params: record.params,
    finalMetrics: record.finalMetrics,
    backend: record.backend?.option ?? (record.requestedBackend && record.requestedBackend !== 'auto' ? record.requestedBackend : null),
    group: record.group ?? null,
    queuedAt: record.queuedAt,
    startedAt: record.startedAt ?? null,
    endedAt: record.endedAt ?? null,
    message: record.message ?? null,
    progress: record.progress ?? null,
    where: describePlacement(record),
    problem: null,
  };
}

/** The row of a run whose run.json cannot be read: its folder name and the reason, so it is seen, not skipped. */
export function brokenSummary(id: string, problem: string): RunSummary {
  return {
    id,
    status: 'unreadable',
    file: '',
    params: {},
    finalMetrics: {},
    backend: null,
    group: null,
    queuedAt: '',
    startedAt: null,
    endedAt: null,
    message: null,
    progress: null,
    where: null,
    problem,
  };
}

function stamp(path: string): string | null {
  try {
    const s = statSync(path);
    return `${s.mtimeMs}:${s.size}:${s.ino}`;
  } catch {
    return null;
  }
}

export class RunFeed {
  private readonly runs = new Map<string, Tracked>();
  private readonly listeners = new Set<(change: FeedChange) => void>();
  private watchers: FSWatcher[] = [];
  private poll: NodeJS.Timeout | null = null;
  private pending: NodeJS.Timeout | null = null;
  private disposed = false;

  constructor(
    readonly store: RunStore,
    private readonly options: RunFeedOptions = {},
  ) {}

  /** Reads the store once and starts watching it. */
  start(): FeedChange {
    const first = this.scan();
    this.watch();
    this.poll = setInterval(() => {
      // A store whose scan is slow (10,000 runs: half a second of stats) is polled less often, so polling costs at
      // most 1 / POLL_COST_FACTOR of a core; watching still brings changes at once.
      if (performance.now() - this.fullScanAt >= POLL_COST_FACTOR * this.fullScanMs) this.schedule();
    }, this.options.pollMs ?? 1000);
    this.poll.unref();
    return first;
  }

  onChange(listener: (change: FeedChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  summaries(): RunSummary[] {
    return [...this.runs.values()].map((r) => r.summary).sort((a, b) => a.queuedAt.localeCompare(b.queuedAt) || a.id.localeCompare(b.id));
  }

  has(id: string): boolean {
    return this.runs.has(id);
  }

  pointCount(id: string): number {
    return this.runs.get(id)?.columns.length ?? 0;
  }

  /**
   * Points of run `id` from point `from` on, with the run's totals per series (points read before thinning), or null
   * when there are none to send.
   */
  metricsFrom(id: string, from: number, limit = Infinity): MetricChunk | null {
    const run = this.runs.get(id);
    if (!run) return null;
    const held = run.columns.length;
    const start = Math.min(from, held);
    if (start === held && from === start) return null;
    const totals = Object.fromEntries(run.totals.plain);
    for (const [name, n] of run.totals.batch) totals[name + BATCH_SUFFIX] = n;
    return { runId: id, from: start, ...run.columns.chunk(start, Math.min(held, start + limit)), totals };
  }

  /**
   * Asks for a scan soon: of run `id` only (a watched change inside its folder), or of the whole store. Bursts of
   * notifications collapse into one scan.
   */
  schedule(id?: string): void {
    if (id === undefined) this.fullScanDue = true;
    else this.dirty.add(id);
    if (this.pending || this.disposed) return;
    this.pending = setTimeout(() => {
      this.pending = null;
      if (this.disposed) return;
      const only = this.fullScanDue ? undefined : this.dirty;
      this.dirty = new Set();
      this.fullScanDue = false;
      try {
        this.refresh(only);
      } catch (err) {
        // Runs' faults are contained in scan(); this catches a listener's, so the timer never takes the host down.
        for (const l of this.listeners) l({ runs: [], removed: [], metrics: [], warnings: [`the run feed hit an error and goes on: ${(err as Error).message}`] });
      }
    }, this.options.debounceMs ?? 50);
  }

  /** Scans now (the whole store, or the runs `only`) and tells the listeners what changed, if anything. */
  refresh(only?: ReadonlySet<string>): FeedChange {
    const change = this.scan(only);
    if (change.runs.length || change.removed.length || change.metrics.length || change.warnings.length) for (const l of this.listeners) l(change);
    return change;
  }

  private watch(): void {
    for (const w of this.watchers) w.close();
    this.watchers = [];
    const dir = this.store.runsDir;
    if (!existsSync(dir)) return;
    try {
      // Recursive watching covers run.json renames and metrics appends in every run directory at once.
      // A change names the path inside the store's runs/ folder; its first part is the run.
      const w = watch(dir, { recursive: true, persistent: false }, (_event, name) => this.schedule(name ? String(name).split(/[\\/]/)[0] || undefined : undefined));
      w.on('error', () => undefined);
      this.watchers.push(w);
    } catch {
      // No recursive watch here: the poll does the work.
    }
  }

  /**
   * Compares the store with what is held and reads what changed: every run, or only the runs `only` (their folders
   * changed) while no run has a backlog of metrics to read.
   */
  scan(only?: ReadonlySet<string>): FeedChange {
    if (only && !this.backlog) return this.scanRuns(only);
    const started = performance.now();
    const change: FeedChange = { runs: [], removed: [], metrics: [], warnings: [] };
    this.backlog = false;
    let names: string[];
    try {
      names = readdirSync(this.store.runsDir);
    } catch {
      names = [];
    }
    if (names.length && this.watchers.length === 0) this.watch();
    const present = new Set(names);
    for (const id of [...this.runs.keys()]) {
      if (!present.has(id)) {
        this.runs.delete(id);
        change.removed.push(id);
      }
    }
    // Records first: every run is in the table after one scan, and the point budget is shared between all of them
    // before any metrics are read.
    for (const id of names) this.contained(id, change, () => this.scanRecord(id, change));
    if (this.runs.size !== this.sharedBetween) this.reshare(change);
    this.scanMetrics(change);
    if (this.backlog) this.schedule();
    this.fullScanAt = performance.now();
    this.fullScanMs = this.fullScanAt - started;
    return change;
  }

  /** Scans the runs `ids` alone: their records, then their metrics within the scan budget. */
  private scanRuns(ids: ReadonlySet<string>): FeedChange {
    const change: FeedChange = { runs: [], removed: [], metrics: [], warnings: [] };
    for (const id of ids) this.contained(id, change, () => this.scanRecord(id, change));
    if (this.runs.size !== this.sharedBetween) this.reshare(change);
    let budget = Math.max(1, this.options.scanBudgetBytes ?? SCAN_BUDGET_BYTES);
    for (const id of ids) {
      if (!this.runs.has(id)) continue;
      if (budget <= 0) {
        // The rest waits for a whole scan, which takes runs in turn.
        this.backlog = true;
        this.schedule();
        break;
      }
      this.contained(id, change, () => (budget -= this.scanRunMetrics(id, budget, change)));
    }
    if (this.backlog) this.schedule();
    return change;
  }

  /** Runs whose folders changed since the last scan, and whether the whole store is due (a poll, a nameless event). */
  private dirty = new Set<string>();
  private fullScanDue = false;
  /** When the last whole scan ended and what it cost (performance.now() milliseconds). */
  private fullScanAt = 0;
  private fullScanMs = 0;

  /** The run after which the last scan's metrics budget ran out; the next scan starts after it. */
  private stoppedAfter = '';

  /** Reads appended metrics, runs in id order starting after `stoppedAfter`, until the scan's byte budget is spent. */
  private scanMetrics(change: FeedChange): void {
    const ids = [...this.runs.keys()].sort();
    const first = ids.findIndex((id) => id > this.stoppedAfter);
    const order = first < 0 ? ids : [...ids.slice(first), ...ids.slice(0, first)];
    let budget = Math.max(1, this.options.scanBudgetBytes ?? SCAN_BUDGET_BYTES);
    for (const [i, id] of order.entries()) {
      if (budget <= 0) {
        // Runs not reached may have lines waiting: the next scan comes at once and starts with them.
        this.backlog = true;
        this.stoppedAfter = order[i - 1]!;
        return;
      }
      this.contained(id, change, () => (budget -= this.scanRunMetrics(id, budget, change)));
    }
    this.stoppedAfter = '';
  }

  /** Runs `read` for run `id`; a fault this reader did not foresee still stays inside its run. */
  private contained(id: string, change: FeedChange, read: () => void): void {
    try {
      read();
    } catch (err) {
      const tracked = this.runs.get(id);
      const problem = `could not read this run: ${(err as Error).message}`;
      if (tracked && tracked.summary.problem !== problem) {
        tracked.summary = { ...tracked.summary, problem };
        if (!change.runs.includes(tracked.summary)) change.runs.push(tracked.summary);
      }
    }
  }

  /** How many runs the point budget was last shared between. */
  private sharedBetween = 0;

  /** The store gained runs: runs holding more than their new share are thinned down to it. */
  private reshare(change: FeedChange): void {
    this.sharedBetween = this.runs.size;
    const share = this.pointsPerRun();
    for (const [id, run] of this.runs) {
      let held = run.columns.length;
      if (held <= share) continue;
      while (held > share && held >= run.thinAgainAt) {
        this.thin(run);
        if (run.columns.length === held) break;
        held = run.columns.length;
      }
      run.columns.trim(share);
      run.summary.problem = this.problemOf(run);
      if (!change.runs.includes(run.summary)) change.runs.push(run.summary);
      if (!change.metrics.includes(id)) change.metrics.push(id);
    }
  }

  /** Reads one run's record into `change` when either of its files changed. */
  private scanRecord(id: string, change: FeedChange): void {
    const dir = this.store.runDir(id);
    // A run's record is two files (the launcher's run.json, the run's own state.json): either changing is news.
    const launchStamp = stamp(join(dir, RUN_FILE));
    if (launchStamp === null) {
      // Deleted while being read, or a folder that is not (yet) a run: forget it if it was one.
      if (this.runs.delete(id)) change.removed.push(id);
      return;
    }
    const recordStamp = `${launchStamp}|${stamp(join(dir, STATE_FILE)) ?? ''}`;
    let tracked = this.runs.get(id);
    if (!tracked || tracked.recordStamp !== recordStamp) {
      const inspection = this.store.inspect(id);
      let record = inspection.record;
      if (record && !isFinalStatus(record.status)) record = this.store.repairVanished(record);
      const recordProblem = inspection.problems.join('; ') || null;
      const summary = record ? summarize(record) : brokenSummary(id, recordProblem ?? `${RUN_FILE} cannot be read`);
      if (tracked) {
        tracked.summary = summary;
        tracked.recordStamp = recordStamp;
        tracked.recordProblem = recordProblem;
      } else {
        tracked = { summary, recordStamp, cursor: newMetricsCursor(), columns: new PointColumns(), recordProblem, metricsProblem: null, thinning: noThinning(), thinAgainAt: 0, totals: noTotals(), skippedLines: 0, generation: 0 };
        this.runs.set(id, tracked);
      }
      tracked.summary.problem = this.problemOf(tracked);
      change.runs.push(tracked.summary);
    }
  }

  /** Which runs each owner (a dashboard session) wants the metrics of; see RunFeedOptions.onlyWanted. */
  private readonly wantedBy = new Map<object, ReadonlySet<string>>();
  private wanted = new Set<string>();

  /**
   * Says which runs `owner` wants the metrics of (null: none any more). Runs wanted for the first time are read at
   * once; runs nobody wants any more drop their points (their file is read again if they are wanted again).
   */
  want(owner: object, ids: Iterable<string> | null): void {
    if (ids === null) this.wantedBy.delete(owner);
    else this.wantedBy.set(owner, new Set(ids));
    if (!this.options.onlyWanted) return;
    const next = new Set<string>();
    for (const set of this.wantedBy.values()) for (const id of set) next.add(id);
    const forgotten: RunSummary[] = [];
    for (const id of this.wanted) if (!next.has(id) && this.forgetMetrics(id)) forgotten.push(this.runs.get(id)!.summary);
    const added = [...next].filter((id) => !this.wanted.has(id));
    this.wanted = next;
    for (const id of added) this.schedule(id);
    // Their rows lose what the points said (lines skipped, points left out) until they are read again.
    if (forgotten.length) for (const l of this.listeners) l({ runs: forgotten, removed: [], metrics: [], warnings: [] });
  }

  /** Whether a scan reads run `id`'s metrics. */
  private reads(id: string): boolean {
    return !this.options.onlyWanted || this.wanted.has(id);
  }

  /** Gives back a run's points and starts its file over, as if it had never been read; false if there was nothing. */
  private forgetMetrics(id: string): boolean {
    const run = this.runs.get(id);
    if (!run || (run.columns.length === 0 && run.cursor.offset === 0)) return false;
    run.columns = new PointColumns();
    run.cursor = newMetricsCursor();
    Object.assign(run, { thinning: noThinning(), thinAgainAt: 0, totals: noTotals(), skippedLines: 0, metricsProblem: null, generation: run.generation + 1 });
    run.summary.problem = this.problemOf(run);
    return true;
  }

  /** Reads up to about `budget` bytes of one run's appended metrics into `change`; returns the bytes read. */
  private scanRunMetrics(id: string, budget: number, change: FeedChange): number {
    if (!this.reads(id)) return 0;
    const tracked = this.runs.get(id)!;
    const before = tracked.summary.problem;
    const read = this.readAppended(tracked, join(this.store.runDir(id), METRICS_FILE), budget);
    tracked.summary.problem = this.problemOf(tracked);
    if (tracked.summary.problem !== before && !change.runs.includes(tracked.summary)) change.runs.push(tracked.summary);
    if (read.changed) change.metrics.push(id);
    change.warnings.push(...read.warnings);
    return read.bytes;
  }

  /** The reasons a run's row shows: its record's, its metrics file's, lines skipped, points thinned. */
  private problemOf(run: Tracked): string | null {
    const parts = [run.recordProblem, run.metricsProblem];
    if (run.skippedLines) parts.push(`${run.skippedLines} damaged ${METRICS_FILE} line${run.skippedLines === 1 ? '' : 's'} skipped`);
    for (const kind of THINNED_KINDS) {
      const { left, stride } = run.thinning[kind];
      if (left) parts.push(`${left} ${kind} points left out to bound memory (1 in ${stride} kept)`);
    }
    return parts.filter(Boolean).join('; ') || null;
  }

  private backlog = false;

  /** True while some run's metrics file may have more to read than the last scan's budget allowed. */
  get catchingUp(): boolean {
    return this.backlog;
  }

  /** Points one run may hold: its even share of the store's budget, within the per-run bounds. */
  private pointsPerRun(): number {
    if (this.options.pointsPerRun) return this.options.pointsPerRun;
    return Math.max(MIN_POINTS_PER_RUN, Math.min(MAX_POINTS_PER_RUN, Math.floor(STORE_POINT_BUDGET / Math.max(1, this.runs.size))));
  }

  /**
   * Adds one point to the run's columns, thinning when full. Past the first thinning, batch and logged points are
   * read in groups of their kind's stride and each group keeps the point farthest from the last one kept (summed
   * relative gap over its metrics), so a spike survives where keeping every n-th point would drop it. A group's point
   * is held back until the group ends, another kind's point arrives (points stay in file order) or the read ends.
   */
  private addPoint(run: Tracked, p: MetricPoint, offset: number): void {
    const totals = p.kind === 'batch' ? run.totals.batch : run.totals.plain;
    for (const name in p.values) {
      const value = p.values[name];
      if (typeof value === 'number' && Number.isFinite(value)) totals.set(name, (totals.get(name) ?? 0) + 1);
    }
    for (const kind of THINNED_KINDS) if (kind !== p.kind) this.keepPick(run, kind);
    if (p.kind !== 'epoch') {
      const thinning = run.thinning[p.kind];
      const place = thinning.seen++ % thinning.stride;
      if (thinning.stride > 1) {
        const gap = gapFrom(p.values, thinning.last);
        if (thinning.pick === null || gap > thinning.pick.gap) {
          if (thinning.pick) thinning.left++;
          thinning.pick = { point: p, offset, gap };
        } else thinning.left++;
        if (place === thinning.stride - 1) this.keepPick(run, p.kind);
        return;
      }
      thinning.last = p.values;
    }
    this.hold(run, p, offset);
  }

  /** Holds the point that stands for the group of `kind` being read, if there is one. */
  private keepPick(run: Tracked, kind: ThinnedKind): void {
    const thinning = run.thinning[kind];
    const pick = thinning.pick;
    if (!pick) return;
    thinning.pick = null;
    thinning.last = pick.point.values;
    // The next group starts here.
    thinning.seen = 0;
    this.hold(run, pick.point, pick.offset);
  }

  private hold(run: Tracked, p: MetricPoint, offset: number): void {
    const share = this.pointsPerRun();
    const held = run.columns.length;
    if (held >= share && held >= run.thinAgainAt) this.thin(run);
    run.columns.push(p, offset, share);
  }

  /**
   * Halves the held points of the kind that holds the most (batch or logged): of each two in a row, the one farther
   * from the last point kept stays (a spike does). Later points of that kind are then kept one in twice as many.
   * A run of epoch points only is left as it is: nothing there is thinned.
   */
  private thin(run: Tracked): void {
    const c = run.columns;
    const held = { batch: 0, log: 0 };
    for (let i = 0; i < c.length; i++) {
      if (c.kind[i] === PointKind.batch) held.batch++;
      else if (c.kind[i] === PointKind.log) held.log++;
    }
    const kind: ThinnedKind = held.batch >= held.log ? 'batch' : 'log';
    if (held[kind] === 0) {
      // Counting again on every point would cost the whole run each time: look again once it has doubled.
      run.thinAgainAt = c.length * 2;
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
    run.thinning[kind].left += c.compact((i) => keep[i] === 1);
    run.thinning[kind].stride *= 2;
    run.generation++;
  }

  /**
   * The stretch of run `id`'s metrics file from its held point `from` up to held point `to` (exclusive; the end of
   * what was read when `to` is the count held), read again: every point, or 1 in `stride` batch and logged points
   * (epoch points always) when it holds more than MAX_WINDOW_POINTS, with the values of series `key` only.
   */
  readWindow(id: string, from: number, to: number, key: string): WindowAnswer {
    const run = this.runs.get(id);
    if (!run || from >= to || to > run.columns.length) return { chunk: null, stride: 1, problem: 'those points are not held any more; zoom again' };
    const held = run.columns;
    const start = held.offset[from]!;
    const end = to < held.length ? held.offset[to]! : run.cursor.offset;
    if (end - start > MAX_WINDOW_BYTES) {
      return { chunk: null, stride: 1, problem: `the zoomed stretch is ${Math.round((end - start) / 2 ** 20)} MiB of ${METRICS_FILE}; zoom in further for every point` };
    }
    // Lines in the stretch, estimated from the bytes per line read so far.
    const lines = ((end - start) / Math.max(1, run.cursor.offset)) * Math.max(1, run.cursor.line - 1);
    const stride = Math.max(1, Math.ceil(lines / MAX_WINDOW_POINTS));
    const name = key.endsWith(BATCH_SUFFIX) ? key.slice(0, -BATCH_SUFFIX.length) : key;
    const window = new PointColumns();
    let seen = 0;
    const cursor: MetricsCursor = { ...newMetricsCursor(), offset: start };
    const read = readMetricsStep(
      join(this.store.runDir(id), METRICS_FILE),
      cursor,
      (p, offset) => {
        if (offset >= end || (p.kind !== 'epoch' && seen++ % stride !== 0)) return;
        window.push({ ...p, values: { [name]: p.values[name] ?? null } }, offset, Infinity);
      },
      { budgetBytes: end - start, label: METRICS_FILE },
    );
    if (read.problem) return { chunk: null, stride, problem: read.problem };
    const columns = window.chunk(0);
    columns.values = { [name]: columns.values[name] ?? new Array<number | null>(window.length).fill(null) };
    return { chunk: { runId: id, from, ...columns }, stride, problem: null };
  }

  /** Changes whenever run `id`'s held points were renumbered, so a client's count of them means nothing any more. */
  generation(id: string): number {
    return this.runs.get(id)?.generation ?? 0;
  }

  private readAppended(run: Tracked, path: string, budgetBytes: number): { changed: boolean; warnings: string[]; bytes: number } {
    const generation0 = run.generation;
    const count0 = run.columns.length;
    const step = readMetricsStep(path, run.cursor, (p, offset) => this.addPoint(run, p, offset), { budgetBytes, label: path });
    if (step.restarted) {
      // The file was replaced by a shorter one: the points read so far belong to the old file.
      run.columns = new PointColumns();
      Object.assign(run, { thinning: noThinning(), thinAgainAt: 0, totals: noTotals(), skippedLines: 0, generation: run.generation + 1 });
      run.cursor = newMetricsCursor();
      const again = readMetricsStep(path, run.cursor, (p, offset) => this.addPoint(run, p, offset), { budgetBytes: Math.max(0, budgetBytes - step.bytesRead), label: path });
      step.warnings.push(...again.warnings);
      step.more = again.more;
      step.problem = again.problem;
      step.bytesRead += again.bytesRead;
    }
    if (step.more) this.backlog = true;
    // Read to the end: a group's point waits no longer (a finished run's last group is held now).
    else for (const kind of THINNED_KINDS) this.keepPick(run, kind);
    run.metricsProblem = step.problem;
    run.skippedLines = run.cursor.skippedLines;
    return { changed: step.restarted || run.generation !== generation0 || run.columns.length !== count0, warnings: step.warnings, bytes: step.bytesRead };
  }
  dispose(): void {
    this.disposed = true;
    for (const w of this.watchers) w.close();
    if (this.poll) clearInterval(this.poll);
    if (this.pending) clearTimeout(this.pending);
    this.listeners.clear();
  }
}
