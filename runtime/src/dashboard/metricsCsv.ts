// The full-resolution CSV of one chart: every point of series `key` in the named runs' metrics.jsonl files, read
// from disk in bounded steps (never the points a host holds, which it may have thinned to bound its memory). Rows are
// raw values with what places them (kind, fit, step, batch, wall time), one run after another, so a spreadsheet or
// pandas can rebuild any x axis. Shared by `mlts ui` (a download) and the VS Code panel (a save dialog); Node only.
import { join } from 'node:path';
import { BATCH_SUFFIX } from './dashboardProtocol';
import { csvField } from './csv';
import { METRICS_FILE } from '../store/metricsLog';
import { newMetricsCursor, readMetricsStep } from '../store/metricsReader';
import type { RunFeed } from './runFeed';

export const METRICS_CSV_HEADER = 'run,kind,fit,step,batch,time,value\n';
/** Bytes of a metrics file read per step; each step's rows are handed over before the next is read. */
const STEP_BYTES = 4 * 1024 * 1024;

/**
 * Yields the CSV in pieces of at most a few MB (header first). Only runs the feed knows are read (ids come from a
 * page, so an id is never taken as a path); a run whose file cannot be read, or that is unknown, gets one row naming
 * the problem in place of values, so the export says what it lacks instead of ending short.
 */
export function* metricsCsv(feed: RunFeed, runIds: readonly string[], key: string): Generator<string> {
  yield METRICS_CSV_HEADER;
  const batch = key.endsWith(BATCH_SUFFIX);
  const name = batch ? key.slice(0, -BATCH_SUFFIX.length) : key;
  for (const id of runIds) {
    const runField = csvField(id);
    if (!feed.has(id)) {
      yield `${runField},,,,,,not read: not a run of this store\n`;
      continue;
    }
    const path = join(feed.store.runDir(id), METRICS_FILE);
    const cursor = newMetricsCursor();
    for (;;) {
      const rows: string[] = [];
      const step = readMetricsStep(
        path,
        cursor,
        (p) => {
          if ((p.kind === 'batch') !== batch) return;
          const value = p.values[name];
          if (typeof value !== 'number') return;
          rows.push(`${runField},${p.kind},${p.kind === 'log' ? '' : (p.fit ?? 0)},${p.step},${p.kind === 'batch' ? (p.batch ?? '') : ''},${new Date(p.t).toISOString()},${value}\n`);
        },
        { budgetBytes: STEP_BYTES, label: METRICS_FILE, takeUnterminatedLast: true },
      );
      if (rows.length) yield rows.join('');
      if (step.problem) yield `${runField},,,,,,${csvField(`not read: ${step.problem}`)}\n`;
      if (!step.more) break;
    }
  }
}
