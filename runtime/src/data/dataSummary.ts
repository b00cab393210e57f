// The plain-data results of reading and profiling a data file: what the reader found about the file as a whole
// and what the profiler found per column. No Node or DOM types, so the webview protocol can share them.
import type { ColumnProfile } from './columnStats';
import type { DataIssue } from './records';

export type DataFormat = 'csv' | 'json';

export type TextEncodingName = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'utf-32' | 'latin1';

export interface StreamSummary {
  path: string;
  format: DataFormat;
  /** The CSV delimiter; absent for JSON. */
  delimiter?: string;
  encoding: TextEncodingName;
  bytes: number;
  /** Bytes actually read (less than `bytes` when sampled or cancelled). */
  bytesRead: number;
  sampled: boolean;
  cancelled: boolean;
  columns: string[];
  /** Data records (the header excluded). */
  rows: number;
  /** Lines in the part read. */
  lines: number;
  raggedRows: number;
  issues: DataIssue[];
  /** True when the file could not be read at all; `issues` says why. */
  failed: boolean;
}

export interface DataProfile extends StreamSummary {
  profiles: ColumnProfile[];
  /** Milliseconds the pass took. */
  elapsedMs: number;
}
