// The dashboard's view state: what the person chose (tab, selection, filter, sort, smoothing, x axis, log scales,
// grouping, hparams metric). It is all that getState/setState keep, so the panel looks the same after it was hidden
// or the window reloaded; run data itself comes again from the host. `restoreViewState` accepts anything (an old
// or hand-edited state) and keeps only valid fields.
import { X_AXIS_MODES, type XAxisMode } from './runData';

/**
 * Runs charted when none is selected: the first ones in table order. Drawing every run of a 10,000-run store is
 * 10 M points (13 s in uPlot alone) and streams every run's metrics; a person compares a handful, so the charts
 * take the top of the table (sort or filter it to choose) and say so, and selected runs are always all charted.
 */
export const DEFAULT_CHARTED_RUNS = 100;

export type DashboardView = 'charts' | 'hparams' | 'compare';
export const VIEWS: readonly DashboardView[] = ['charts', 'hparams', 'compare'];

export interface ViewState {
  view: DashboardView;
  selected: string[];
  filter: string;
  sort: { column: string; descending: boolean };
  /** EMA weight in [0, 0.99]. */
  smoothing: number;
  xAxis: XAxisMode;
  logX: boolean;
  logY: boolean;
  /** Parameter to group runs by; '' for none. */
  groupBy: string;
  /** Metric the hparams view plots against the parameters; '' for the first one. */
  hparamsMetric: string;
}

export const DEFAULT_VIEW_STATE: ViewState = {
  view: 'charts',
  selected: [],
  filter: '',
  sort: { column: 'queued', descending: true },
  smoothing: 0.6,
  xAxis: 'step',
  logX: false,
  logY: false,
  groupBy: '',
  hparamsMetric: '',
};

export function restoreViewState(value: unknown): ViewState {
  const state: ViewState = { ...DEFAULT_VIEW_STATE, sort: { ...DEFAULT_VIEW_STATE.sort } };
  if (typeof value !== 'object' || value === null) return state;
  const v = value as Record<string, unknown>;
  if (VIEWS.includes(v.view as DashboardView)) state.view = v.view as DashboardView;
  if (Array.isArray(v.selected)) state.selected = v.selected.filter((id): id is string => typeof id === 'string').slice(0, 10_000);
  if (typeof v.filter === 'string') state.filter = v.filter.slice(0, 500);
  const sort = v.sort as Record<string, unknown> | undefined;
  if (sort && typeof sort.column === 'string' && typeof sort.descending === 'boolean') state.sort = { column: sort.column, descending: sort.descending };
  if (typeof v.smoothing === 'number' && v.smoothing >= 0 && v.smoothing <= 0.99) state.smoothing = v.smoothing;
  if (X_AXIS_MODES.includes(v.xAxis as XAxisMode)) state.xAxis = v.xAxis as XAxisMode;
  if (typeof v.logX === 'boolean') state.logX = v.logX;
  if (typeof v.logY === 'boolean') state.logY = v.logY;
  if (typeof v.groupBy === 'string') state.groupBy = v.groupBy;
  if (typeof v.hparamsMetric === 'string') state.hparamsMetric = v.hparamsMetric;
  return state;
}
