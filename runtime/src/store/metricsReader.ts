// Streams metrics.jsonl in bounded memory and bounded time per call: a cursor remembers where the next unread line
// starts, reads at most a byte budget per call in fixed-size chunks, and hands each complete line to a callback as a
// parsed MetricPoint. What it refuses, it names and skips, never throws on: a line that is not JSON or not a point,
// a line that is not valid UTF-8, and a line longer than MAX_METRICS_LINE_BYTES (the rest of it is skipped without
// being held, so a 50 MB line with no newline is neither kept in memory nor read again on every poll). Only the
// bytes past the cursor are read, and nothing at all when the file has not grown. A line without its newline is left
// for the next call (its writer may be mid-write). File-level errors (a folder where the file should be, no
// permission) are returned as the result's `problem`. The in-memory parser for whole texts is metricsLog.ts's
// parseMetrics; this module is for files that may be large or still growing.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { isMetricPoint, type MetricPoint } from './runRecord';

/** Longest line taken as a point; a point is a few hundred bytes, so a longer line is damage, not data. */
export const MAX_METRICS_LINE_BYTES = 1024 * 1024;
/** Bytes read from the file at a time: larger than the longest line, so every acceptable line fits in one chunk. */
const CHUNK_BYTES = 4 * MAX_METRICS_LINE_BYTES;
/** Skipped-line warnings kept per cursor; past it they are counted, so a file of garbage cannot fill the memory. */
export const MAX_LINE_WARNINGS = 20;

/** How far a reader got in one metrics file; start with newMetricsCursor() and pass it back on each call. */
export interface MetricsCursor {
  /** Byte offset where the next unread line starts. */
  offset: number;
  /** 1-based number of the line that starts at `offset`, for warnings. */
  line: number;
  /** The file's size at the last read: an unchanged size means nothing to read. */
  seenSize: number;
  /** True while the rest of an over-long line is being skipped. */
  skipping: boolean;
  /** Skipped lines so far, including those past MAX_LINE_WARNINGS that got no warning of their own. */
  skippedLines: number;
}

export const newMetricsCursor = (): MetricsCursor => ({ offset: 0, line: 1, seenSize: -1, skipping: false, skippedLines: 0 });

export interface MetricsReadStep {
  /** Skipped lines, each with its line number and why (at most MAX_LINE_WARNINGS per cursor, then one summary). */
  warnings: string[];
  /** Why the file could not be read at all (it is a folder, no permission…); null when it was read or is absent. */
  problem: string | null;
  /** True when the budget ran out before the end of the file: call again to read on. */
  more: boolean;
  /** True when the file shrank below the cursor (it was replaced): the cursor restarted from 0. */
  restarted: boolean;
  /** Bytes read from the file in this call, for callers that share one budget between several files. */
  bytesRead: number;
}

export interface MetricsReadLimits {
  /**
   * Most bytes to read in this call (default: all). It is passed by at most one read of MAX_METRICS_LINE_BYTES, so
   * that a small budget still makes progress through a file of long lines.
   */
  budgetBytes?: number;
  /** Skip `batch` points without parsing them (the writer puts `"kind"` first), for readers that drop them anyway. */
  skipBatch?: boolean;
  /** Label for warnings (default: the path). */
  label?: string;
  /** Whether a complete JSON point without its newline at the end of the file is taken (a finished file's last line). */
  takeUnterminatedLast?: boolean;
}

const BATCH_PREFIX = Buffer.from('{"kind":"batch"');

/** A file-level error as one short reason: `metrics.jsonl is a folder, not a file`, `permission denied`. */
export function describeFileError(err: unknown, name: string): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EISDIR') return `${name} is a folder, not a file`;
  if (code === 'EACCES' || code === 'EPERM') return `${name}: permission denied`;
  if (code === 'ENOTDIR') return `${name}: a path component is a file, not a folder`;
  if (code === 'EIO') return `${name}: input/output error from the disk`;
  return `${name}: ${(err as Error).message}`;
}

/**
 * Reads complete lines of `path` past `cursor` (advancing it) and calls `onPoint` for each metric point, with the byte
 * offset where its line starts (a reader that keeps it can read that stretch of the file again).
 * A missing file reads as nothing new.
 */
export function readMetricsStep(path: string, cursor: MetricsCursor, onPoint: (point: MetricPoint, offset: number) => void, limits: MetricsReadLimits = {}): MetricsReadStep {
  const step: MetricsReadStep = { warnings: [], problem: null, more: false, restarted: false, bytesRead: 0 };
  const label = limits.label ?? path;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') step.problem = describeFileError(err, label);
    return step;
  }
  let buffer: Buffer | null = null;
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) {
      step.problem = `${label} is a folder, not a file`;
      return step;
    }
    const size = stat.size;
    if (size < cursor.offset) {
      Object.assign(cursor, newMetricsCursor());
      step.restarted = true;
    }
    if (size === cursor.seenSize) return step;
    cursor.seenSize = size;
    let budget = limits.budgetBytes ?? Infinity;
    const warn = (text: string) => {
      cursor.skippedLines++;
      if (cursor.skippedLines <= MAX_LINE_WARNINGS) step.warnings.push(`${label}:${text}`);
      else if (cursor.skippedLines === MAX_LINE_WARNINGS + 1) step.warnings.push(`${label}: more lines skipped; only the first ${MAX_LINE_WARNINGS} are named`);
    };
    buffer = takeChunk(size - cursor.offset);
    while (cursor.offset < size) {
      if (budget <= 0) {
        step.more = true;
        break;
      }
      // A read never holds less than the longest acceptable line, so a chunk without a newline is always an over-long
      // line (or the file's unfinished end), whatever the budget.
      const got = readSync(fd, buffer, 0, Math.min(buffer.length, size - cursor.offset, Math.max(MAX_METRICS_LINE_BYTES, budget)), cursor.offset);
      if (got <= 0) break;
      budget -= got;
      step.bytesRead += got;
      let start = 0;
      if (cursor.skipping) {
        const newline = buffer.indexOf(0x0a, 0);
        if (newline < 0 || newline >= got) {
          cursor.offset += got;
          continue;
        }
        cursor.skipping = false;
        cursor.line++;
        start = newline + 1;
      }
      for (let newline = buffer.indexOf(0x0a, start); newline >= 0 && newline < got; newline = buffer.indexOf(0x0a, start)) {
        takeLine(buffer, start, newline, cursor.line, cursor.offset + start, onPoint, warn, limits.skipBatch === true);
        cursor.line++;
        start = newline + 1;
      }
      cursor.offset += start;
      const rest = got - start;
      if (rest >= MAX_METRICS_LINE_BYTES) {
        // No newline within the longest acceptable line: skip the rest of it, without holding or re-reading it.
        warn(`${cursor.line}: skipped a line longer than ${MAX_METRICS_LINE_BYTES / 1024 / 1024} MiB (not a metric point)`);
        cursor.skipping = true;
        cursor.offset += rest;
      } else if (start === 0 || cursor.offset + rest >= size) {
        // The rest is a line still being written: leave it for the next call.
        if (cursor.offset + rest >= size && rest > 0 && limits.takeUnterminatedLast && !cursor.skipping) {
          const point = parseLine(buffer.subarray(start, got));
          if (point) onPoint(point, cursor.offset);
        }
        break;
      }
    }
    // An unchanged size then means nothing new, unless the budget stopped this call short of the end.
    if (step.more) cursor.seenSize = -1;
    return step;
  } catch (err) {
    step.problem = describeFileError(err, label);
    return step;
  } finally {
    closeSync(fd);
    if (buffer?.length === CHUNK_BYTES) spareChunk = buffer;
  }
}

/**
 * One full-size chunk kept between calls, so that a reader going through many large files (the run feed's scans) does
 * not allocate and free 4 MiB per file, which fragments the process's memory. Calls run one at a time (they are
 * synchronous); one made from inside another's callback finds no spare and allocates its own.
 */
let spareChunk: Buffer | null = null;

/** Unread bytes up to which a call reads into a buffer of their size (from Node's pool when small) instead. */
const SMALL_READ_BYTES = 64 * 1024;

/** A buffer for reading `unread` bytes: one of that size for a small rest, else the spare chunk (taken) or a new one. */
function takeChunk(unread: number): Buffer {
  if (unread <= SMALL_READ_BYTES) return Buffer.allocUnsafe(Math.max(1, unread));
  const chunk = spareChunk ?? Buffer.allocUnsafe(CHUNK_BYTES);
  spareChunk = null;
  return chunk;
}

function parseLine(bytes: Buffer): MetricPoint | null {
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return isMetricPoint(value) ? value : null;
  } catch {
    return null;
  }
}

function takeLine(buffer: Buffer, start: number, end: number, line: number, offset: number, onPoint: (p: MetricPoint, offset: number) => void, warn: (text: string) => void, skipBatch: boolean): void {
  if (end === start || (end === start + 1 && buffer[start] === 0x0d)) return;
  if (skipBatch && end - start > BATCH_PREFIX.length && buffer.compare(BATCH_PREFIX, 0, BATCH_PREFIX.length, start, start + BATCH_PREFIX.length) === 0) return;
  const text = buffer.toString('utf8', start, end);
  if (text.trim() === '') return;
  // U+FFFD is how the decoder shows a bad byte; only then is the (slower) exact check worth doing.
  if (text.includes('\uFFFD') && !isUtf8(buffer.subarray(start, end))) {
    warn(`${line}: skipped a line that is not valid UTF-8`);
    return;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    warn(`${line}: skipped a line that is not JSON`);
    return;
  }
  if (isMetricPoint(value)) onPoint(value, offset);
  else warn(`${line}: skipped a line that is not a metric point`);
}
