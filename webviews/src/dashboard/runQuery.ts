// Which runs the table lists and in what order: a text filter (every space-separated term must appear in the run's
// id, name, file, status, backend, group or one of its `name=value` parameters, ignoring case) and a sort by any column.
// Also the columns themselves: the parameters and final metrics the runs have. Pure, so it is unit-tested.
import { runDurationMs, type ParamValue, type RunSummary } from '../../../runtime/src/dashboard/dashboardProtocol';
import { metricGoal } from './metricKinds';
import type { MetricExtremes } from './runData';

/**
 * Columns every run has, by sort key. Parameter columns are `param:NAME`; metric columns are `metric-STAT:NAME`
 * for each of METRIC_STATS (`metric:NAME`, from saved view states, sorts by the last value).
 */
export const FIXED_COLUMNS = ['run', 'status', 'backend', 'duration', 'queued'] as const;

export function paramText(value: ParamValue | undefined): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function searchText(run: RunSummary): string {
  const params = Object.entries(run.params).map(([k, v]) => `${k}=${paramText(v)}`);
  return [run.id, run.name ?? '', run.file, run.status, run.backend ?? '', run.group ?? '', ...params].join(' ').toLowerCase();
}

export function matchesFilter(run: RunSummary, filter: string): boolean {
  const terms = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return true;
  const text = searchText(run);
  return terms.every((term) => text.includes(term));
}

/** The values shown per metric: the last one logged, the best (by metricGoal), the lowest and the highest. */
export const METRIC_STATS = ['last', 'best', 'min', 'max'] as const;
export type MetricStat = (typeof METRIC_STATS)[number];

/** A metric's extremes per run, from the points the dashboard holds; undefined where it holds none. */
export type ExtremesOf = (runId: string) => ReadonlyMap<string, MetricExtremes> | undefined;

/** One statistic of a run's metric, or null where it is not known (min/max/best need the run's points). */
export function metricStat(run: RunSummary, metric: string, stat: MetricStat, extremes: ExtremesOf): number | null {
  if (stat === 'last') return run.finalMetrics[metric] ?? null;
  const range = extremes(run.id)?.get(metric);
  if (!range) return null;
  if (stat === 'best') return metricGoal(metric) === 'min' ? range.min : range.max;
  return range[stat];
}

/** The column key of a metric statistic, and its inverse (null for other columns). */
export const metricColumn = (stat: MetricStat, metric: string) => `metric-${stat}:${metric}`;
export function parseMetricColumn(column: string): { stat: MetricStat; metric: string } | null {
  if (column.startsWith('metric:')) return { stat: 'last', metric: column.slice(7) };
  const m = /^metric-(last|best|min|max):(.*)$/s.exec(column);
  return m ? { stat: m[1] as MetricStat, metric: m[2]! } : null;
}

const METRIC_ORDER = ['loss', 'val_loss', 'acc', 'accuracy', 'val_acc', 'val_accuracy'];

/** Metric names ordered the way people read them: loss and accuracy first, then alphabetically. */
export function orderMetrics(names: Iterable<string>): string[] {
  const rank = (n: string) => {
    const i = METRIC_ORDER.indexOf(n);
    return i < 0 ? METRIC_ORDER.length : i;
  };
  return [...new Set(names)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export interface Columns {
  params: string[];
  metrics: string[];
}

/** The parameter and final-metric columns for a set of runs (at most `limit` of each). */
export function tableColumns(runs: readonly RunSummary[], limit = 24): Columns {
  const params = new Set<string>();
  const metrics = new Set<string>();
  for (const run of runs) {
    for (const k of Object.keys(run.params)) params.add(k);
    for (const k of Object.keys(run.finalMetrics)) metrics.add(k);
  }
  return { params: [...params].sort().slice(0, limit), metrics: orderMetrics(metrics).slice(0, limit) };
}

/** The value a column sorts by: numbers before text, missing values last whichever the direction. */
function sortValue(run: RunSummary, column: string, now: number, extremes: ExtremesOf): number | string | null {
  if (column.startsWith('param:')) {
    const v = run.params[column.slice(6)];
    return v === undefined ? null : typeof v === 'number' ? v : paramText(v);
  }
  const metric = parseMetricColumn(column);
  if (metric) return metricStat(run, metric.metric, metric.stat, extremes);
  switch (column) {
    case 'run':
      return run.id;
    case 'status':
      return run.status;
    case 'backend':
      return run.backend;
    case 'duration':
      return runDurationMs(run, now);
    default:
      return run.queuedAt;
  }
}

/** Run ids are ASCII: plain code-unit order, the cheapest tie-break. */
const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function sortRuns(runs: readonly RunSummary[], column: string, descending: boolean, now = Date.now(), extremes: ExtremesOf = () => undefined): RunSummary[] {
  const keyed = runs.map((run) => ({ run, key: sortValue(run, column, now, extremes) }));
  keyed.sort((a, b) => {
    if (a.key === null || b.key === null) return a.key === b.key ? byId(a.run.id, b.run.id) : a.key === null ? 1 : -1;
    let order: number;
    if (typeof a.key === 'number' && typeof b.key === 'number') order = a.key - b.key;
    else if (typeof a.key === 'number') order = -1;
    else if (typeof b.key === 'number') order = 1;
    else order = a.key.localeCompare(b.key);
    if (order === 0) order = byId(a.run.id, b.run.id);
    return descending ? -order : order;
  });
  return keyed.map((k) => k.run);
}

/** Parameters whose values are not all the same across `runs` (what the compare view shows first). */
export function differingParams(runs: readonly RunSummary[]): string[] {
  const names = new Set(runs.flatMap((r) => Object.keys(r.params)));
  return [...names].sort().filter((name) => new Set(runs.map((r) => paramText(r.params[name]))).size > 1);
}
