// Watches a run store and keeps what the dashboard needs in memory: each run's summary and its metric points in
// columns, read incrementally (only the bytes appended since the last look, complete lines only, so a line being
// written is picked up once its newline lands). Changes are noticed by fs.watch where the platform offers it and by
// a slow poll that catches what watching misses (network file systems, a store created later); both trigger one
// debounced scan. Shared by `mlts ui` and the extension's dashboard panel; Node only, never imports vscode.
// Like every reader (docs/run-store.md), it marks a running run whose process vanished as killed.
import { closeSync, existsSync, openSync, readdirSync, readSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { PointKind, type MetricChunk, type PointKindCode, type RunSummary } from './dashboardProtocol';
import { METRICS_FILE, parseMetrics } from '../../../runtime/src/store/metricsLog';
import { describePlacement, isFinalStatus, type RunRecord } from '../../../runtime/src/store/runRecord';
import { RUN_FILE, STATE_FILE, type RunStore } from '../../../runtime/src/store/runStore';

export interface RunFeedOptions {
  /** Milliseconds between polls (default 1000). */
  pollMs?: number;
  /** Milliseconds to gather change notifications before one scan (default 50). */
  debounceMs?: number;
}

export interface FeedChange {
  /** Runs that appeared or whose record changed. */
  runs: RunSummary[];
  removed: string[];
  /** Runs that gained metric points (or lost them: a rewritten file starts again from 0). */
  metrics: string[];
  warnings: string[];
}

interface Columns {
  t: number[];
  step: number[];
  batch: number[];
  kind: PointKindCode[];
  fit: number[];
  values: Map<string, (number | null)[]>;
}

interface Tracked {
  summary: RunSummary;
  recordStamp: string;
  metricsOffset: number;
  columns: Columns;
}

export function summarize(record: RunRecord): RunSummary {
  return {
    id: record.id,
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
  };
}

const emptyColumns = (): Columns => ({ t: [], step: [], batch: [], kind: [], fit: [], values: new Map() });

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
    this.poll = setInterval(() => this.schedule(), this.options.pollMs ?? 1000);
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
    return this.runs.get(id)?.columns.t.length ?? 0;
  }

  /** Points of run `id` from point `from` on, or null when there are none to send. */
  metricsFrom(id: string, from: number): MetricChunk | null {
    const run = this.runs.get(id);
    if (!run) return null;
    const c = run.columns;
    const start = Math.min(from, c.t.length);
    if (start === c.t.length && from === start) return null;
    const values: Record<string, (number | null)[]> = {};
    for (const [name, column] of c.values) {
      const slice = column.slice(start);
      if (slice.some((v) => v !== null)) values[name] = slice;
    }
    return { runId: id, from: start, t: c.t.slice(start), step: c.step.slice(start), batch: c.batch.slice(start), kind: c.kind.slice(start), fit: c.fit.slice(start), values };
  }

  /** Asks for a scan soon; bursts of notifications collapse into one. */
  schedule(): void {
    if (this.pending || this.disposed) return;
    this.pending = setTimeout(() => {
      this.pending = null;
      if (!this.disposed) this.refresh();
    }, this.options.debounceMs ?? 50);
  }

  /** Scans now and tells the listeners what changed, if anything. */
  refresh(): FeedChange {
    const change = this.scan();
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
      const w = watch(dir, { recursive: true, persistent: false }, () => this.schedule());
      w.on('error', () => undefined);
      this.watchers.push(w);
    } catch {
      // No recursive watch here: the poll does the work.
    }
  }

  /** Compares the store with what is held and reads what changed. */
  scan(): FeedChange {
    const change: FeedChange = { runs: [], removed: [], metrics: [], warnings: [] };
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
    for (const id of names) {
      const dir = this.store.runDir(id);
      // A run's record is two files (the launcher's run.json, the run's own state.json): either changing is news.
      const launchStamp = stamp(join(dir, RUN_FILE));
      if (launchStamp === null) continue;
      const recordStamp = `${launchStamp}|${stamp(join(dir, STATE_FILE)) ?? ''}`;
      let tracked = this.runs.get(id);
      if (!tracked || tracked.recordStamp !== recordStamp) {
        let record = this.store.read(id);
        if (!record) {
          if (!tracked) change.warnings.push(`${join(dir, RUN_FILE)}: not a readable run record; skipped`);
          continue;
        }
        if (!isFinalStatus(record.status)) record = this.store.repairVanished(record);
        const summary = summarize(record);
        if (tracked) {
          tracked.summary = summary;
          tracked.recordStamp = recordStamp;
        } else {
          tracked = { summary, recordStamp, metricsOffset: 0, columns: emptyColumns() };
          this.runs.set(id, tracked);
        }
        change.runs.push(summary);
      }
      const read = this.readAppended(tracked, join(dir, METRICS_FILE));
      if (read.changed) change.metrics.push(id);
      change.warnings.push(...read.warnings);
    }
    return change;
  }

  private readAppended(run: Tracked, path: string): { changed: boolean; warnings: string[] } {
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      return { changed: false, warnings: [] };
    }
    let restarted = false;
    if (size < run.metricsOffset) {
      // The file was replaced by a shorter one: read it again from the start.
      run.metricsOffset = 0;
      run.columns = emptyColumns();
      restarted = true;
    }
    if (size === run.metricsOffset) return { changed: restarted, warnings: [] };
    const length = size - run.metricsOffset;
    const buffer = Buffer.alloc(length);
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return { changed: restarted, warnings: [] };
    }
    let got = 0;
    try {
      got = readSync(fd, buffer, 0, length, run.metricsOffset);
    } finally {
      closeSync(fd);
    }
    // Only whole lines: a line without its newline is still being written.
    const end = buffer.lastIndexOf(0x0a, got - 1);
    if (end < 0) return { changed: restarted, warnings: [] };
    const text = buffer.subarray(0, end + 1).toString('utf8');
    run.metricsOffset += end + 1;
    const { points, warnings } = parseMetrics(text, path);
    const c = run.columns;
    for (const p of points) {
      const i = c.t.length;
      c.t.push(p.t);
      c.step.push(p.step);
      c.batch.push(p.kind === 'batch' ? (p.batch ?? 0) : -1);
      c.kind.push(PointKind[p.kind]);
      c.fit.push(p.kind === 'log' ? 0 : (p.fit ?? 0));
      for (const [name, value] of Object.entries(p.values)) {
        let column = c.values.get(name);
        if (!column) {
          column = new Array<number | null>(i).fill(null);
          c.values.set(name, column);
        }
        column[i] = value;
      }
      for (const column of c.values.values()) if (column.length <= i) column.push(null);
    }
    return { changed: points.length > 0 || restarted, warnings };
  }

  dispose(): void {
    this.disposed = true;
    for (const w of this.watchers) w.close();
    if (this.poll) clearInterval(this.poll);
    if (this.pending) clearTimeout(this.pending);
    this.listeners.clear();
  }
}
