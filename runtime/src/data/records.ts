// The shape every data reader hands its consumers: one record at a time, as a view that is valid only during
// the callback (readers reuse it), with the record's 1-based line in the file. Consumers (the profiler, the
// contract validator) ask for a field as a number or as text only when they need it, so the CSV reader can
// answer numbers straight from the bytes without making a string for every cell.

export interface RecordView {
  /** Fields in this record. */
  readonly count: number;
  /** 1-based line of the file where the record starts. */
  readonly line: number;
  /** The field as text (quotes removed, `""` unescaped); '' past the end. */
  text(i: number): string;
  /** The field as a number; NaN when it is missing or not a plain decimal number. */
  number(i: number): number;
  /** True when the field is empty or a missing-value token (NA, NaN, null, None, N/A, …). */
  missing(i: number): boolean;
}

export type DataIssueKind = 'unreadable' | 'empty' | 'encoding' | 'mixed-delimiters' | 'ragged' | 'quote' | 'json' | 'duplicate-column' | 'no-header';

/** A problem with the file as a whole or with one line, in a sentence. */
export interface DataIssue {
  kind: DataIssueKind;
  message: string;
  /** 1-based line, when the issue is about one line. */
  line?: number;
}

export interface RecordSink {
  /** Called once with the column names (the CSV header, or the keys of the first JSON objects). */
  header(columns: string[]): void;
  record(row: RecordView): void;
}

/** Tokens that mean "no value", as pandas reads them by default (a subset). */
export const MISSING_TOKENS: ReadonlySet<string> = new Set(['', 'NA', 'N/A', 'n/a', 'NaN', 'nan', 'NAN', 'null', 'NULL', 'None', '-NaN', '-nan', '<NA>', '#N/A']);
