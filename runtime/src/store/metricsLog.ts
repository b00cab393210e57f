// metrics.jsonl: one JSON object per line, appended by the run's own process and read by anyone.
// The writer appends whole lines with one write each (so a crash leaves at most one torn last line) and fsyncs at
// every epoch, so metrics up to the last finished epoch survive `kill -9` and even a power cut. The readers never
// throw on content: a torn last line is ignored silently (the writer may be mid-write), and any other line that
// is not a valid point is skipped and reported as a warning with its line number. Files are read by streaming
// (metricsReader.ts); parseMetrics is for a text already in memory.
import { appendFileSync, closeSync, fsyncSync, openSync } from 'node:fs';
import { newMetricsCursor, readMetricsStep, type MetricsCursor } from './metricsReader';
import { isMetricPoint, type MetricPoint } from './runRecord';

export const METRICS_FILE = 'metrics.jsonl';

/** Replaces NaN and ±Infinity by null, which is what JSON.stringify would write anyway, but typed. */
export function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

export class MetricsWriter {
  private readonly fd: number;
  private unsynced = false;

  constructor(private readonly path: string) {
    this.fd = openSync(path, 'a');
  }

  /** Appends one point as one line; `sync` forces it to disk (used at epoch ends and on close). */
  append(point: MetricPoint, sync = false): void {
    try {
      appendFileSync(this.fd, JSON.stringify(point) + '\n');
    } catch (err) {
      // The fd's error names no file; "disk full" should say which.
      if (err && typeof err === 'object') (err as NodeJS.ErrnoException).path ??= this.path;
      throw err;
    }
    this.unsynced = true;
    if (sync) this.sync();
  }

  sync(): void {
    if (!this.unsynced) return;
    fsyncSync(this.fd);
    this.unsynced = false;
  }

  close(): void {
    this.sync();
    closeSync(this.fd);
  }
}

export interface MetricsReadResult {
  points: MetricPoint[];
  /** One message per skipped line (`metrics.jsonl:12: not a metric point`); a torn last line is not a warning. */
  warnings: string[];
}

/** Parses metrics.jsonl text; never throws. */
export function parseMetrics(text: string, label = METRICS_FILE): MetricsReadResult {
  const points: MetricPoint[] = [];
  const warnings: string[] = [];
  const lines = text.split('\n');
  // The last element is '' after a final newline, or else a line still being written (or cut by a crash).
  const complete = lines.length - 1;
  const torn = lines[complete];
  for (let i = 0; i < complete; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      warnings.push(`${label}:${i + 1}: skipped a line that is not JSON`);
      continue;
    }
    if (isMetricPoint(value)) points.push(value);
    else warnings.push(`${label}:${i + 1}: skipped a line that is not a metric point`);
  }
  if (torn) {
    // A complete JSON object without its newline is a point whose newline is about to come; keep it.
    try {
      const value: unknown = JSON.parse(torn);
      if (isMetricPoint(value)) points.push(value);
    } catch {
      // The writer is mid-line or died mid-line; the next read sees the whole line, or it never comes.
    }
  }
  return { points, warnings };
}

export interface MetricsFileOptions {
  /** Leave out `batch` points, without parsing them (readers that show epochs and logs only). */
  skipBatch?: boolean;
  /** Keep at most this many points; the rest are counted in `omitted` and named in a warning. */
  maxPoints?: number;
}

export interface MetricsFileResult extends MetricsReadResult {
  /** Points the file holds beyond `maxPoints`, left out to bound memory. */
  omitted: number;
}

/**
 * Reads a metrics file by streaming it in chunks (metricsReader.ts), so its size is bounded by the disk, not by the
 * longest string V8 can make; a missing file reads as no points, a file that cannot be read as one warning.
 */
export function readMetrics(path: string, options: MetricsFileOptions = {}): MetricsFileResult {
  const points: MetricPoint[] = [];
  const max = options.maxPoints ?? Infinity;
  let omitted = 0;
  const step = readMetricsStep(
    path,
    newMetricsCursor(),
    (p) => {
      if (points.length < max) points.push(p);
      else omitted++;
    },
    { skipBatch: options.skipBatch, takeUnterminatedLast: true },
  );
  const warnings = step.problem ? [step.problem, ...step.warnings] : step.warnings;
  if (omitted) warnings.push(`${path}: only the first ${points.length} of ${points.length + omitted} points are shown; the rest were left out to bound memory`);
  return { points, warnings, omitted };
}

/** The last value of each metric in a file (epoch and log points), streamed without keeping the points. */
export function readLastValues(path: string): Record<string, number | null> {
  const last: Record<string, number | null> = {};
  readMetricsStep(path, newMetricsCursor(), (p) => Object.assign(last, p.values), { skipBatch: true, takeUnterminatedLast: true });
  return last;
}

export interface MetricsTail extends MetricsReadResult {
  /** Byte offset just past the last complete line: pass it back to read only what came since. */
  nextOffset: number;
}

/**
 * Reads the complete lines appended since byte `offset` (0: from the start), for readers that follow a running
 * run (a dashboard, a tree view). A line still being written is left for the next call. `firstLine` is the
 * 1-based number of the line at `offset`, used in warnings. Never throws on content; a missing file reads empty.
 * Readers that poll keep a MetricsCursor and call metricsReader.ts's readMetricsStep instead.
 */
export function tailMetrics(path: string, offset = 0, firstLine = 1): MetricsTail {
  const cursor: MetricsCursor = { ...newMetricsCursor(), offset, line: firstLine };
  const points: MetricPoint[] = [];
  const step = readMetricsStep(path, cursor, (p) => points.push(p));
  return { points, warnings: step.problem ? [step.problem, ...step.warnings] : step.warnings, nextOffset: cursor.offset };
}

/** The last value of each metric over epoch and log points (batch points are too noisy to call final). */
export function lastValues(points: readonly MetricPoint[]): Record<string, number | null> {
  const last: Record<string, number | null> = {};
  for (const p of points) {
    if (p.kind === 'batch') continue;
    Object.assign(last, p.values);
  }
  return last;
}
