// The comparison of one experiment file's tracked runs, for exported reports: every run of the file in the store
// (`.mlts/runs/`), its status, the parameters that differ between runs, its final metrics, and the per-epoch curve
// of each metric across runs as chart specs. It reads the store without repairing it (an export never writes to
// runs) and draws nothing: the exporters turn it into a table and charts.
import { resolve } from 'node:path';
import type { ChartSpec } from '../kernel/kernelProtocol';
import type { ParamValue, RunRecord } from '../store/runRecord';
import { RunStore } from '../store/runStore';

export interface ComparedRun {
  id: string;
  status: RunRecord['status'];
  startedAt: string | null;
  params: Record<string, ParamValue>;
  finalMetrics: Record<string, number | null>;
}

export interface RunComparison {
  runs: ComparedRun[];
  /** Parameter names whose values differ between runs (all of them when there is one run). */
  paramNames: string[];
  metricNames: string[];
  /** One line chart per metric: its value per epoch, one series per run. */
  charts: ChartSpec[];
}

const MAX_CHARTS = 6;
/** Timings and the learning rate the run hooks record beside the model's metrics: not worth a column. */
const BOOKKEEPING_METRICS = new Set(['lr', 'samplesPerSecond', 'epochSeconds']);

/** The runs of `file` in the store at `storeRoot`, oldest first; an empty comparison when there are none. */
export function compareRunsOfFile(storeRoot: string, file: string): RunComparison {
  const store = new RunStore(storeRoot);
  const target = resolve(file);
  const records = store.list({ repair: false }).runs.filter((r) => resolve(r.file) === target);
  const runs = records.map((r) => ({ id: r.id, status: r.status, startedAt: r.startedAt, params: r.params, finalMetrics: r.finalMetrics }));
  const allParams = [...new Set(runs.flatMap((r) => Object.keys(r.params)))];
  const differing = allParams.filter((name) => new Set(runs.map((r) => JSON.stringify(r.params[name]))).size > 1);
  const paramNames = runs.length <= 1 ? allParams : differing;
  const metricNames = [...new Set(runs.flatMap((r) => Object.keys(r.finalMetrics)))].filter((m) => !BOOKKEEPING_METRICS.has(m)).sort();
  const curves = new Map<string, ChartSpec & { type: 'line' }>();
  for (const record of records) {
    const epochs = store.metrics(record.id).points.filter((p) => p.kind === 'epoch');
    for (const name of metricNames) {
      const points = epochs.filter((p) => typeof p.values[name] === 'number');
      if (points.length === 0) continue;
      const chart = curves.get(name) ?? { type: 'line', title: name, xLabel: 'epoch', yLabel: name, series: [] };
      chart.series.push({ name: record.id, x: points.map((p) => p.step), y: points.map((p) => p.values[name] as number) });
      curves.set(name, chart);
    }
  }
  return { runs, paramNames, metricNames, charts: [...curves.values()].slice(0, MAX_CHARTS) };
}
