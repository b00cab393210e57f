// One uPlot chart per metric for the runs on show. Each run is its own (x, y) series (uPlot's mode 2), so runs
// logged at different steps or times never have to share an x array; the debiased EMA is computed on the full
// series, then each line is downsampled per pixel column keeping the min and max. With smoothing on, the raw line
// is drawn faintly underneath (up to RAW_LINE_LIMIT runs). Grouping by a parameter draws, per group, the mean of
// its runs with a min–max band (aligned data, mode 1). A click picks the nearest line's run; hovering names it.
// A chart is rebuilt only when what it shows changes shape (runs, axes, theme, size); new points just setData.
import uPlot from 'uplot';
import { aggregateGroups, groupKey } from './grouping';
import { chartColours, el } from './dom';
import { lowerBound, minMaxDownsample, type SeriesLike, type XY } from './downsample';
import { canvasPng } from './chartImage';
import { csvText, safeFileName } from './exportData';
import { runColour, withAlpha, type ThemeKind } from './runColours';
import type { RunData, Series, XAxisMode } from './runData';
import type { ParamValue } from '../../../runtime/src/dashboard/dashboardProtocol';
import { MARKER_LIMIT, xRange, yRange } from './metricKinds';

/** Above this many runs a chart skips the faint raw lines under smoothed ones. */
export const RAW_LINE_LIMIT = 40;
/** Pixels from a line within which a click or hover picks it. */
const PICK_PX = 8;
const CHART_HEIGHT = 240;

export interface ChartRun {
  id: string;
  data: RunData;
  params: Record<string, ParamValue>;
}

export interface ChartSettings {
  xAxis: XAxisMode;
  smoothing: number;
  logX: boolean;
  logY: boolean;
  groupBy: string;
  theme: ThemeKind;
  width: number;
}

export interface ChartEvents {
  pick(runId: string): void;
  /** The person zoomed chart `metric` to x in [min, max], or back out (null). */
  zoom(metric: string, range: [number, number] | null): void;
  save(fileName: string, mime: 'image/png' | 'text/csv', data: Uint8Array): void;
  /** Save every point of series `metric` of these runs, read by the host from their files. */
  exportFull(fileName: string, runs: string[], metric: string): void;
}

const X_LABELS: Record<XAxisMode, string> = { step: 'step', epoch: 'epoch', wall: 'time', relative: 'seconds since start' };

const toUnit = (log: boolean) => (log ? Math.log10 : undefined);

/** How many of a series' points lie inside the x scale, counting no further than `limit + 1`. */
function visiblePoints(u: uPlot, mode: 1 | 2, seriesIndex: number, limit: number): number {
  const data = u.data as unknown as (ArrayLike<number | null>[] | ArrayLike<number | null>)[];
  const columns = data[seriesIndex];
  // Mode 2 keeps [x, y] per series; mode 1 shares x (data[0]) across series.
  const [xs, ys] = mode === 2 ? (columns as ArrayLike<number | null>[]) : [data[0] as ArrayLike<number | null>, columns as ArrayLike<number | null>];
  if (!xs || !ys) return 0;
  const lo = u.scales.x!.min ?? -Infinity;
  const hi = u.scales.x!.max ?? Infinity;
  let n = 0;
  for (let i = 0; i < xs.length && n <= limit; i++) if (ys[i] !== null && ys[i] !== undefined && xs[i]! >= lo && xs[i]! <= hi) n++;
  return n;
}

/** Most series a chart marks with dots. */
const MAX_MARKED_SERIES = 500;

/**
 * Draws a dot at every point of each series with few points on show, so one point or a short run is drawn instead
 * of nothing (a line needs two points). Drawn in a draw hook rather than with uPlot's own points, which it skips
 * for mode-2 (x, y) series. Returns whether it drew any.
 */
function drawFewPointMarkers(u: uPlot, mode: 1 | 2, colours: readonly (string | null)[]): boolean {
  const data = u.data as unknown as (ArrayLike<number | null>[] | ArrayLike<number | null>)[];
  const ctx = u.ctx;
  const radius = 3.5 * devicePixelRatio;
  let drew = false;
  // Past MAX_MARKED_SERIES series the dots would only paint over each other (and cost 0.8 s at 10,000 runs).
  if (u.series.length - 1 > MAX_MARKED_SERIES) return false;
  ctx.save();
  ctx.beginPath();
  ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
  ctx.clip();
  for (let i = 1; i < u.series.length; i++) {
    const colour = colours[i];
    if (!colour || !u.series[i]!.show || visiblePoints(u, mode, i, MARKER_LIMIT) > MARKER_LIMIT) continue;
    const [xs, ys] = mode === 2 ? (data[i] as ArrayLike<number | null>[]) : [data[0] as ArrayLike<number | null>, data[i] as ArrayLike<number | null>];
    ctx.fillStyle = colour;
    // One path and one fill per series: a fill per dot cost 0.8 s for 10,000 ten-point runs.
    ctx.beginPath();
    for (let j = 0; j < xs!.length; j++) {
      const y = ys![j];
      if (y === null || y === undefined || xs![j] === null) continue;
      const px = u.valToPos(xs![j]!, 'x', true);
      const py = u.valToPos(y, 'y', true);
      ctx.moveTo(px + radius, py);
      ctx.arc(px, py, radius, 0, 2 * Math.PI);
      drew = true;
    }
    ctx.fill();
  }
  ctx.restore();
  return drew;
}

/** Drops points a log axis cannot show (x or y not above zero). */
function forLogAxes(x: ArrayLike<number>, y: ArrayLike<number | null>, logX: boolean, logY: boolean): SeriesLike {
  if (!logX && !logY) return { x, y };
  const out: XY = { x: [], y: [] };
  for (let i = 0; i < x.length; i++) {
    const yi = y[i];
    if ((logX && !(x[i]! > 0)) || (logY && !(yi !== null && yi! > 0))) continue;
    out.x.push(x[i]!);
    out.y.push(yi!);
  }
  return out;
}

/** Vertical pixel distance from (left, top) to the polyline (xs, ys) at the cursor's x, or Infinity. */
function distanceToLine(u: uPlot, xs: number[], ys: (number | null)[], left: number, top: number): number {
  if (xs.length === 0) return Infinity;
  const xv = u.posToVal(left, 'x');
  let lo = 0;
  let hi = xs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < xv) lo = mid + 1;
    else hi = mid;
  }
  let best = Infinity;
  for (const i of [lo - 1, lo]) {
    const a = i;
    const b = i + 1;
    if (a < 0 || b >= xs.length) {
      const j = Math.min(Math.max(i, 0), xs.length - 1);
      const y = ys[j];
      if (y === null || y === undefined) continue;
      best = Math.min(best, Math.hypot(u.valToPos(xs[j]!, 'x') - left, u.valToPos(y, 'y') - top));
      continue;
    }
    const ya = ys[a];
    const yb = ys[b];
    if (ya === null || yb === null || ya === undefined || yb === undefined) continue;
    const xa = u.valToPos(xs[a]!, 'x');
    const xb = u.valToPos(xs[b]!, 'x');
    const pa = u.valToPos(ya, 'y');
    const pb = u.valToPos(yb, 'y');
    if (left < Math.min(xa, xb) - PICK_PX || left > Math.max(xa, xb) + PICK_PX) continue;
    const f = xb === xa ? 0 : Math.min(1, Math.max(0, (left - xa) / (xb - xa)));
    best = Math.min(best, Math.abs(pa + f * (pb - pa) - top));
  }
  return best;
}

class MetricChart {
  readonly element = el('section', 'chart');
  private readonly plotBox = el('div', 'plot');
  private readonly tooltip = el('div', 'chart-tooltip');
  private csvButton: HTMLButtonElement | null = null;
  /** Whether the host left points of this chart's runs out: the CSV then comes from the runs' files. */
  private thinned = false;
  /** "N of M points shown": what the chart drew against what the runs' files hold. */
  private readonly pointsNote = el('span', 'chart-points');
  private plot: uPlot | null = null;
  private shapeKey = '';
  /** Per uPlot series index (from 1): the run it draws and the points drawn, for picking. */
  private drawn: { runId: string | null; label: string; x: number[]; y: (number | null)[] }[] = [];
  private full: { label: string; series: Series }[] = [];
  private groupedCsv: (string | number | null)[][] | null = null;
  private hoverFrame = 0;
  /** Per uPlot series index: the colour of its few-point markers, or null for series that get none. */
  private markerColours: (string | null)[] = [];
  private markerMode: 1 | 2 = 2;
  /**
   * The x range the person zoomed to, or null. While zoomed, each line is downsampled over that range only (a
   * pixel column of the zoomed chart keeps its own min and max) and data updates keep the zoom.
   */
  private zoomRange: [number, number] | null = null;

  constructor(
    readonly metric: string,
    private readonly events: ChartEvents,
  ) {
    this.element.dataset.metric = metric;
    const head = el('div', 'chart-head');
    head.append(el('h3', 'chart-title', metric), this.pointsNote);
    const png = el('button', 'chart-action', 'PNG');
    png.type = 'button';
    png.title = `Save the ${metric} chart as PNG`;
    png.addEventListener('click', () => void this.exportPng());
    const csv = el('button', 'chart-action', 'CSV');
    csv.type = 'button';
    csv.title = `Save the ${metric} data as CSV`;
    this.csvButton = csv;
    csv.addEventListener('click', () => this.exportCsv());
    head.append(png, csv);
    // The tooltip follows the mouse; keyboard and screen-reader users pick runs in the table instead.
    this.tooltip.setAttribute('aria-hidden', 'true');
    this.element.append(head, this.plotBox, this.tooltip);
    this.plotBox.setAttribute('role', 'img');
  }

  update(runs: readonly ChartRun[], settings: ChartSettings): void {
    if (settings.groupBy) this.updateGrouped(runs, settings);
    else this.updateRuns(runs, settings);
    this.plotBox.setAttribute('aria-label', `${this.metric} chart of ${runs.length} run${runs.length === 1 ? '' : 's'}, x axis ${X_LABELS[settings.xAxis]}`);
    // Tests and benchmarks wait on these: how many runs the chart shows and how many points it drew.
    this.element.dataset.runs = String(this.full.length);
    this.element.dataset.points = String(this.drawnPoints);
    this.notePoints(runs, settings.groupBy ? null : this.drawnLines);
  }

  /** Points drawn per run line (the top lines; raw lines behind smoothed ones repeat the same points). */
  private drawnLines = 0;

  /**
   * Says how many points the chart shows of how many the runs' files hold: each pixel column keeps a few points
   * (first, last, min, max) of what the page holds, and the host may hold fewer than the file has (thinned to bound
   * its memory). `shown` is null for grouped charts, which draw one aggregate per group.
   */
  private notePoints(runs: readonly ChartRun[], shown: number | null): void {
    const totals = new Map(runs.map((r) => [r.id, r.data.totals[this.metric] ?? 0]));
    let held = 0;
    let total = 0;
    for (const { series, label } of this.full) {
      held += series.x.length;
      total += Math.max(series.x.length, totals.get(label) ?? 0);
    }
    const n = (v: number) => v.toLocaleString('en-US');
    const why: string[] = [];
    if (shown !== null && shown < held) why.push(`each pixel column keeps its first, last, lowest and highest point of the ${n(held)} held`);
    if (held < total) why.push(`the host holds ${n(held)} of the ${n(total)} points in the runs' metrics files to bound its memory; zooming in and the CSV read every point from the files`);
    const drawn = shown ?? held;
    this.thinned = held < total;
    this.csvButton!.title = this.thinned
      ? `Save every ${this.metric} point of these runs as CSV, read from their metrics files (raw values with kind, fit, step, batch and time)`
      : `Save the ${this.metric} data as CSV`;
    this.pointsNote.textContent = drawn < total ? `${n(drawn)} of ${n(total)} points shown` : `${n(total)} point${total === 1 ? '' : 's'}`;
    this.pointsNote.title = why.length ? `${why.join('; ')}.` : 'Every point is drawn.';
    this.element.dataset.pointsShown = String(drawn);
    this.element.dataset.pointsHeld = String(held);
    this.element.dataset.pointsTotal = String(total);
  }

  private updateRuns(runs: readonly ChartRun[], settings: ChartSettings): void {
    const { logX, logY, smoothing } = settings;
    const buckets = Math.max(50, Math.round(settings.width));
    const raw = smoothing > 0 && runs.length <= RAW_LINE_LIMIT;
    const pairs: XY[] = [];
    const rawPairs: XY[] = [];
    this.full = [];
    this.groupedCsv = null;
    const shown: ChartRun[] = [];
    for (const run of runs) {
      const s = run.data.series(this.metric, settings.xAxis, smoothing);
      if (s.x.length === 0) continue;
      shown.push(run);
      this.full.push({ label: run.id, series: s });
      const smooth = forLogAxes(s.x, s.smoothed, logX, logY);
      pairs.push(minMaxDownsample(smooth.x, smooth.y, buckets, toUnit(logX), ...this.zoomedSpan(smooth.x)));
      if (raw) {
        const r = forLogAxes(s.x, s.y, logX, logY);
        rawPairs.push(minMaxDownsample(r.x, r.y, buckets, toUnit(logX), ...this.zoomedSpan(r.x)));
      }
    }
    const ids = shown.map((r) => r.id);
    // Markers go on the top lines (smoothed, or raw when smoothing is off), not on the faint raw ones.
    this.markerColours = [null, ...(raw ? ids.map(() => null) : []), ...ids.map((id) => runColour(id, settings.theme))];
    this.markerMode = 2;
    const key = JSON.stringify(['runs', ids, raw, settings.xAxis, logX, logY, settings.theme, settings.width]);
    this.drawnLines = pairs.reduce((sum, p) => sum + p.x.length, 0);
    this.drawn = [
      ...(raw ? rawPairs.map((p, i) => ({ runId: ids[i]!, label: ids[i]!, ...p })) : []),
      ...pairs.map((p, i) => ({ runId: ids[i]!, label: ids[i]!, ...p })),
    ];
    const data = [null, ...this.drawn.map((d) => [d.x, d.y])] as unknown as uPlot.AlignedData;
    if (key === this.shapeKey && this.plot) {
      this.setData(data);
      return;
    }
    const series: uPlot.Series[] = [{}];
    const linear = uPlot.paths.linear!();
    if (raw) for (const id of ids) series.push({ label: id, stroke: withAlpha(runColour(id, settings.theme), 0.25), width: 1, paths: linear, points: { show: false } });
    for (const id of ids) series.push({ label: id, stroke: runColour(id, settings.theme), width: 1.5, paths: linear, points: { show: false } });
    this.rebuild(key, { mode: 2, series }, data, settings);
  }

  private updateGrouped(runs: readonly ChartRun[], settings: ChartSettings): void {
    const { logX, logY } = settings;
    const groups = new Map<string, SeriesLike[]>();
    this.full = [];
    for (const run of runs) {
      const s = run.data.series(this.metric, settings.xAxis, settings.smoothing);
      if (s.x.length === 0) continue;
      this.full.push({ label: run.id, series: s });
      const k = groupKey(run.params[settings.groupBy]);
      const xy = forLogAxes(s.x, s.smoothed, logX, logY);
      const members = groups.get(k);
      if (members) members.push(xy);
      else groups.set(k, [xy]);
    }
    const keys = [...groups.keys()];
    const aligned = aggregateGroups([...groups.values()], Math.max(50, Math.round(settings.width)), toUnit(logX) ?? ((v) => v));
    const labels = keys.map((k) => `${settings.groupBy}=${k} (${groups.get(k)!.length} run${groups.get(k)!.length === 1 ? '' : 's'})`);
    const data: (number | null)[][] = [aligned.x];
    this.drawn = [];
    aligned.groups.forEach((g, i) => {
      data.push(g.min, g.max, g.mean);
      this.drawn.push({ runId: null, label: labels[i]!, x: aligned.x, y: g.min }, { runId: null, label: labels[i]!, x: aligned.x, y: g.max }, { runId: null, label: labels[i]!, x: aligned.x, y: g.mean });
    });
    this.groupedCsv = [];
    aligned.groups.forEach((g, i) => aligned.x.forEach((x, j) => this.groupedCsv!.push([keys[i]!, x, g.mean[j]!, g.min[j]!, g.max[j]!])));
    const key = JSON.stringify(['groups', settings.groupBy, keys, settings.xAxis, logX, logY, settings.theme, settings.width]);
    if (key === this.shapeKey && this.plot) {
      this.setData(data as uPlot.AlignedData);
      return;
    }
    this.markerColours = [null, ...keys.flatMap((k) => [null, null, runColour(`${settings.groupBy}=${k}`, settings.theme)])];
    this.markerMode = 1;
    const series: uPlot.Series[] = [{}];
    const bands: uPlot.Band[] = [];
    keys.forEach((k, i) => {
      const colour = runColour(`${settings.groupBy}=${k}`, settings.theme);
      const base = 1 + i * 3;
      series.push({ label: `${labels[i]} min`, stroke: 'transparent', points: { show: false }, spanGaps: true });
      series.push({ label: `${labels[i]} max`, stroke: 'transparent', points: { show: false }, spanGaps: true });
      series.push({ label: labels[i], stroke: colour, width: 2, points: { show: false }, spanGaps: true });
      bands.push({ series: [base + 1, base], fill: withAlpha(colour, 0.2) });
    });
    this.rebuild(key, { mode: 1, series, bands }, data as uPlot.AlignedData, settings);
  }

  /** The indexes [start, end) of sorted `x` to draw: all of it, or the zoomed range and one point beyond each edge. */
  private zoomedSpan(x: ArrayLike<number>): [number, number] {
    if (!this.zoomRange) return [0, x.length];
    return [Math.max(0, lowerBound(x, this.zoomRange[0], x.length) - 1), Math.min(x.length, lowerBound(x, this.zoomRange[1], x.length) + 1)];
  }

  /** New data for the same chart shape; a zoomed chart stays zoomed. */
  private setData(data: uPlot.AlignedData): void {
    const plot = this.plot!;
    if (!this.zoomRange) plot.setData(data);
    else {
      plot.setData(data, false);
      plot.setScale('x', { min: this.zoomRange[0], max: this.zoomRange[1] });
    }
  }

  /** The x range of the person's drag selection, which uPlot zooms to when the mouse is released. */
  private selection: [number, number] | null = null;

  private selected(u: uPlot): void {
    const { left, width } = u.select;
    if (width > 0) this.selection = [u.posToVal(left, 'x'), u.posToVal(left + width, 'x')];
  }

  /**
   * uPlot moved the x scale (its hooks run after the change is committed, a microtask later): when it moved to the
   * drag selection, the person zoomed in. uPlot's double click zooming out is the dblclick listener.
   */
  private scaled(u: uPlot, scale: string): void {
    const zoom = this.selection;
    const { min, max } = u.scales.x!;
    if (scale !== 'x' || !zoom || typeof min !== 'number' || typeof max !== 'number') return;
    const near = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(max - min), Math.abs(a));
    if (!near(min, zoom[0]) || !near(max, zoom[1])) return;
    this.selection = null;
    this.setZoom([min, max]);
  }

  private setZoom(range: [number, number] | null): void {
    if (range === null && this.zoomRange === null) return;
    this.zoomRange = range;
    this.element.dataset.zoomed = String(range !== null);
    this.events.zoom(this.metric, range);
  }

  private rebuild(key: string, shape: Pick<uPlot.Options, 'mode' | 'series' | 'bands'>, data: uPlot.AlignedData, settings: ChartSettings): void {
    this.plot?.destroy();
    this.shapeKey = key;
    // A chart of another shape starts unzoomed.
    this.setZoom(null);
    const colours = chartColours();
    const axis: uPlot.Axis = { stroke: colours.foreground, grid: { stroke: colours.grid, width: 1 }, ticks: { stroke: colours.grid, width: 1 } };
    const options: uPlot.Options = {
      ...shape,
      width: settings.width,
      height: CHART_HEIGHT,
      legend: { show: false },
      // Explicit ranges: uPlot cannot split an axis whose data has a single x value (it threw "Invalid array
      // length"), and its own y range puts a constant accuracy of 1 on a 0–2 axis.
      scales: {
        x: { time: settings.xAxis === 'wall', distr: settings.logX ? 3 : 1, auto: true, range: (_u, min, max) => xRange(min, max, settings.logX) ?? [0, 1] },
        y: { distr: settings.logY ? 3 : 1, auto: true, range: (_u, min, max) => yRange(this.metric, min, max, settings.logY) ?? [0, 1] },
      },
      hooks: { draw: [(u) => this.publishScales(u)], setSelect: [(u) => this.selected(u)], setScale: [(u, scale) => this.scaled(u, scale)] },
      axes: [{ ...axis, label: X_LABELS[settings.xAxis] }, { ...axis }],
      cursor: { points: { show: false }, drag: { x: true, y: false, setScale: true } },
    };
    this.plot = new uPlot(options, data, this.plotBox);
    const over = this.plot.over;
    // uPlot's own double-click handler has already zoomed out to the data by now.
    over.addEventListener('dblclick', () => this.setZoom(null));
    over.addEventListener('click', (e) => {
      const hit = this.nearest(e);
      if (hit?.runId) this.events.pick(hit.runId);
    });
    over.addEventListener('mousemove', (e) => {
      cancelAnimationFrame(this.hoverFrame);
      this.hoverFrame = requestAnimationFrame(() => this.hover(e));
    });
    over.addEventListener('mouseleave', () => {
      cancelAnimationFrame(this.hoverFrame);
      this.tooltip.classList.remove('shown');
      over.style.cursor = '';
    });
  }

  /** Draws the few-point markers, and publishes the y scale and whether markers were drawn for tests to read. */
  private publishScales(u: uPlot): void {
    const y = u.scales.y!;
    this.element.dataset.yMin = String(y.min);
    this.element.dataset.yMax = String(y.max);
    const markers = drawFewPointMarkers(u, this.markerMode, this.markerColours);
    this.element.dataset.markers = String(markers);
  }

  private nearest(e: MouseEvent): { runId: string | null; label: string; index: number } | null {
    const u = this.plot;
    if (!u) return null;
    const rect = u.over.getBoundingClientRect();
    const left = e.clientX - rect.left;
    const top = e.clientY - rect.top;
    let best: { runId: string | null; label: string; index: number } | null = null;
    let bestDistance = PICK_PX;
    // Later series are drawn on top, so they win ties.
    for (let i = this.drawn.length - 1; i >= 0; i--) {
      const d = this.drawn[i]!;
      const distance = distanceToLine(u, d.x, d.y, left, top);
      if (distance < bestDistance) {
        bestDistance = distance;
        best = { runId: d.runId, label: d.label, index: i };
      }
    }
    return best;
  }

  private hover(e: MouseEvent): void {
    const hit = this.nearest(e);
    if (!hit || !this.plot) {
      this.tooltip.classList.remove('shown');
      if (this.plot) this.plot.over.style.cursor = '';
      return;
    }
    this.tooltip.textContent = hit.label;
    const rect = this.element.getBoundingClientRect();
    this.tooltip.style.left = `${Math.min(e.clientX - rect.left + 12, rect.width - 160)}px`;
    this.tooltip.style.top = `${e.clientY - rect.top + 12}px`;
    this.tooltip.classList.add('shown');
    this.plot.over.style.cursor = hit.runId ? 'pointer' : '';
  }

  /** Whether the chart has drawn something (tests and benches wait for it). */
  get drawnPoints(): number {
    return this.drawn.reduce((n, d) => n + d.x.length, 0);
  }

  private async exportPng(): Promise<void> {
    if (!this.plot) return;
    const colours = chartColours();
    const bytes = await canvasPng(this.plot.ctx.canvas, this.metric, colours.background, colours.foreground);
    this.events.save(`${safeFileName(this.metric)}.png`, 'image/png', bytes);
  }

  private exportCsv(): void {
    if (this.thinned) return this.events.exportFull(`${safeFileName(this.metric)}.csv`, this.full.map((f) => f.label), this.metric);
    const text = this.groupedCsv
      ? csvText(['group', 'x', 'mean', 'min', 'max'], this.groupedCsv)
      : csvText(['run', 'x', 'value', 'smoothed'], this.full.flatMap(({ label, series }) => series.x.map((x, i) => [label, x, series.y[i] ?? null, series.smoothed[i] ?? null] as (string | number | null)[])));
    this.events.save(`${safeFileName(this.metric)}.csv`, 'text/csv', new TextEncoder().encode(text));
  }

  dispose(): void {
    cancelAnimationFrame(this.hoverFrame);
    this.plot?.destroy();
    this.plot = null;
    this.element.remove();
  }
}

/** The grid of charts: one MetricChart per metric, kept while the metric stays on show. */
export class MetricCharts {
  readonly element = el('div', 'charts');
  private readonly charts = new Map<string, MetricChart>();

  constructor(private readonly events: ChartEvents) {}

  /** `detail` gives a zoomed chart's run read again at full resolution around the zoom (see DashboardApp.zoomed). */
  update(metrics: readonly string[], runs: readonly ChartRun[], settings: ChartSettings, detail?: (metric: string, id: string) => RunData | undefined): void {
    for (const [metric, chart] of this.charts) {
      if (!metrics.includes(metric)) {
        chart.dispose();
        this.charts.delete(metric);
      }
    }
    metrics.forEach((metric, i) => {
      let chart = this.charts.get(metric);
      if (!chart) {
        chart = new MetricChart(metric, this.events);
        this.charts.set(metric, chart);
      }
      if (this.element.children[i] !== chart.element) this.element.insertBefore(chart.element, this.element.children[i] ?? null);
      const charted = runs.filter((r) => r.data.seriesKeys().includes(metric));
      chart.update(detail ? charted.map((r) => ({ ...r, data: detail(metric, r.id) ?? r.data })) : charted, settings);
    });
  }

  drawnPoints(): number {
    let n = 0;
    for (const chart of this.charts.values()) n += chart.drawnPoints;
    return n;
  }

  dispose(): void {
    for (const chart of this.charts.values()) chart.dispose();
    this.charts.clear();
  }
}
