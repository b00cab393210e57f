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
// MAX_POINTS_PER_RUN) points, thinned past that as heldPoints.ts describes (spikes stay; epoch points are always
// kept), which its `problem` states. Each run's chunks carry how many points of each series its file held before thinning
// (`totals`), so a chart can say how many it shows. Watched changes rescan only their run; with `onlyWanted` (the
// dashboard hosts) only the runs a session subscribed to have their metrics read; `readWindow` reads the stretch
// between two held points again, through the byte offsets the columns keep.
import { existsSync, readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { BATCH_SUFFIX, type MetricChunk, type RunSummary } from './dashboardProtocol';
import { HeldPoints } from './heldPoints';
import { PointColumns } from './pointColumns';
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
  /** The run's held points, their totals and thinning (heldPoints.ts). */
  points: HeldPoints;
  /** Why the record could not be read as it is, and why the metrics could not (null when they can). */
  recordProblem: string | null;
  metricsProblem: string | null;
  /** Skipped metrics lines, for the problem text. */
  skippedLines: number;
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

/** Forgets a run's points and reads its file again from the start (a replaced file, a run no page wants). */
function startOver(run: Tracked): void {
  run.points = new HeldPoints(run.points.generation + 1);
  run.cursor = newMetricsCursor();
  run.skippedLines = 0;
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
    return this.runs.get(id)?.points.length ?? 0;
  }

  /**
   * Points of run `id` from point `from` on, with the run's totals per series (points read before thinning), or null
   * when there are none to send.
   */
  metricsFrom(id: string, from: number, limit = Infinity): MetricChunk | null {
    const run = this.runs.get(id);
    if (!run) return null;
    const held = run.points.length;
    const start = Math.min(from, held);
    if (start === held && from === start) return null;
    return { runId: id, from: start, ...run.points.columns.chunk(start, Math.min(held, start + limit)), totals: run.points.totals() };
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
      if (!run.points.shrinkTo(share)) continue;
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
        tracked = { summary, recordStamp, cursor: newMetricsCursor(), points: new HeldPoints(), recordProblem, metricsProblem: null, skippedLines: 0 };
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
    if (!run || (run.points.length === 0 && run.cursor.offset === 0)) return false;
    startOver(run);
    run.metricsProblem = null;
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
    parts.push(...run.points.problems());
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
   * The stretch of run `id`'s metrics file from its held point `from` up to held point `to` (exclusive; the end of
   * what was read when `to` is the count held), read again: every point, or 1 in `stride` batch and logged points
   * (epoch points always) when it holds more than MAX_WINDOW_POINTS, with the values of series `key` only.
   */
  readWindow(id: string, from: number, to: number, key: string): WindowAnswer {
    const run = this.runs.get(id);
    if (!run || from >= to || to > run.points.length) return { chunk: null, stride: 1, problem: 'those points are not held any more; zoom again' };
    const held = run.points.columns;
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
    return this.runs.get(id)?.points.generation ?? 0;
  }

  private readAppended(run: Tracked, path: string, budgetBytes: number): { changed: boolean; warnings: string[]; bytes: number } {
    const generation0 = run.points.generation;
    const count0 = run.points.length;
    const share = this.pointsPerRun();
    const add = (p: MetricPoint, offset: number) => run.points.add(p, offset, share);
    const step = readMetricsStep(path, run.cursor, add, { budgetBytes, label: path });
    if (step.restarted) {
      // The file was replaced by a shorter one: the points read so far belong to the old file.
      startOver(run);
      const again = readMetricsStep(path, run.cursor, add, { budgetBytes: Math.max(0, budgetBytes - step.bytesRead), label: path });
      step.warnings.push(...again.warnings);
      step.more = again.more;
      step.problem = again.problem;
      step.bytesRead += again.bytesRead;
    }
    if (step.more) this.backlog = true;
    // Read to the end: a group's point waits no longer (a finished run's last group is held now).
    else run.points.endOfRead(share);
    run.metricsProblem = step.problem;
    run.skippedLines = run.cursor.skippedLines;
    return { changed: step.restarted || run.points.generation !== generation0 || run.points.length !== count0, warnings: step.warnings, bytes: step.bytesRead };
  }
  dispose(): void {
    this.disposed = true;
    for (const w of this.watchers) w.close();
    if (this.poll) clearInterval(this.poll);
    if (this.pending) clearTimeout(this.pending);
    this.listeners.clear();
  }
}
