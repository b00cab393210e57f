// metrics.jsonl: one JSON object per line, appended by the run's own process and read by anyone.
// The writer appends whole lines with one write each (so a crash leaves at most one torn last line) and fsyncs at
// every epoch, so metrics up to the last finished epoch survive `kill -9` and even a power cut. The reader never
// throws on content: a torn last line is ignored silently (the writer may be mid-write), and any other line that
// is not a valid point is skipped and reported as a warning with its line number.
import { appendFileSync, closeSync, fstatSync, fsyncSync, openSync, readFileSync, readSync } from 'node:fs';
import { isMetricPoint, type MetricPoint } from './runRecord';

export const METRICS_FILE = 'metrics.jsonl';

/** Replaces NaN and ±Infinity by null, which is what JSON.stringify would write anyway, but typed. */
export function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

export class MetricsWriter {
  private readonly fd: number;
  private unsynced = false;

  constructor(path: string) {
    this.fd = openSync(path, 'a');
  }

  /** Appends one point as one line; `sync` forces it to disk (used at epoch ends and on close). */
  append(point: MetricPoint, sync = false): void {
    appendFileSync(this.fd, JSON.stringify(point) + '\n');
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

/** Reads a metrics file; a missing file reads as no points. */
export function readMetrics(path: string): MetricsReadResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { points: [], warnings: [] };
    return { points: [], warnings: [`${path}: ${(err as Error).message}`] };
  }
  return parseMetrics(text, path);
}

export interface MetricsTail extends MetricsReadResult {
  /** Byte offset just past the last complete line: pass it back to read only what came since. */
  nextOffset: number;
}

/**
 * Reads the complete lines appended since byte `offset` (0: from the start), for readers that follow a running
 * run (a dashboard, a tree view). A line still being written is left for the next call. `firstLine` is the
 * 1-based number of the line at `offset`, used in warnings. Never throws on content; a missing file reads empty.
 */
export function tailMetrics(path: string, offset = 0, firstLine = 1): MetricsTail {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    return { points: [], warnings: missing ? [] : [`${path}: ${(err as Error).message}`], nextOffset: offset };
  }
  try {
    const size = fstatSync(fd).size;
    if (size <= offset) return { points: [], warnings: [], nextOffset: size < offset ? 0 : offset };
    const buffer = Buffer.alloc(size - offset);
    const read = readSync(fd, buffer, 0, buffer.length, offset);
    const end = buffer.lastIndexOf(0x0a, read - 1);
    if (end < 0) return { points: [], warnings: [], nextOffset: offset };
    const { points, warnings } = parseMetrics(buffer.subarray(0, end + 1).toString('utf8'), path);
    const renumbered = warnings.map((w) => w.replace(/:(\d+): /, (_, n: string) => `:${Number(n) + firstLine - 1}: `));
    return { points, warnings: renumbered, nextOffset: offset + end + 1 };
  } finally {
    closeSync(fd);
  }
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
