// Profiles a CSV/JSON data file in one streaming pass: per column its inferred type, missing count,
// min/max/mean/std, quartiles, histogram, top values, outlier rows and stray values, plus the file-level issues
// the reader found (encoding, delimiters, ragged rows). `ProfileSink` is also usable beside other sinks (the
// contract validator) in the same pass through `teeSinks`. Row numbers are 1-based file lines.
import { ColumnAccumulator, type ColumnProfile, type ColumnStatsOptions } from './columnStats';
import { streamDataFile, type StreamOptions } from './dataReader';
import type { DataProfile } from './dataSummary';
import type { RecordSink, RecordView } from './records';
import { RowLines } from './valueStore';

export type { DataProfile } from './dataSummary';
export type { ColumnProfile, ColumnType, Histogram, NumericSummary, Outliers, RowValue, ValueCount } from './columnStats';


export class ProfileSink implements RecordSink {
  private columns: ColumnAccumulator[] = [];
  private readonly rows = new RowLines();

  constructor(private readonly options: ColumnStatsOptions = {}) {}

  header(columns: string[]): void {
    this.columns = columns.map((name) => new ColumnAccumulator(name, this.options, this.rows));
  }

  record(row: RecordView): void {
    const columns = this.columns;
    const n = columns.length;
    const line = row.line;
    const index = this.rows.push(line);
    for (let i = 0; i < n; i++) {
      const column = columns[i]!;
      const value = row.number(i);
      if (value === value) {
        column.addNumber(value, index, line);
      } else if (row.missing(i)) {
        column.addMissing();
      } else {
        column.addText(row.text(i).trim(), line);
      }
    }
  }

  finish(): ColumnProfile[] {
    return this.columns.map((c) => c.finish());
  }
}

/** Sends each record to several sinks, so one pass over a file can profile and validate. */
export function teeSinks(...sinks: RecordSink[]): RecordSink {
  return {
    header: (columns) => sinks.forEach((s) => s.header(columns)),
    record: (row) => {
      for (const s of sinks) s.record(row);
    },
  };
}

export interface ProfileOptions extends StreamOptions, ColumnStatsOptions {
  /** More sinks fed in the same pass (for example a ContractSink). */
  also?: RecordSink[];
}

/** Streams a file and profiles every column. Never throws for anything about the file; see `issues`. */
export async function profileDataFile(path: string, options: ProfileOptions = {}): Promise<DataProfile> {
  const started = performance.now();
  const sink = new ProfileSink(options);
  const summary = await streamDataFile(path, options.also?.length ? teeSinks(sink, ...options.also) : sink, options);
  return { ...summary, profiles: summary.failed ? [] : sink.finish(), elapsedMs: performance.now() - started };
}
