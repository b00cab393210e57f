// The hparams view, as TensorBoard's: parallel coordinates (one vertical axis per parameter that varies among the
// runs on show, the chosen final metric last, one polyline per run in its colour) and, per parameter, a scatter of
// parameter value against the metric. Numeric parameters get linear axes, others one slot per distinct value.
// Drawn on canvases (text with fillText, never HTML); a click on a line or point toggles its run's selection, and
// the runs table stays the keyboard path to the same selection.
import { chartColours, el, formatNumber } from './dom';
import { differingParams, paramText } from './runQuery';
import { runColour, withAlpha, type ThemeKind } from './runColours';
import type { RunSummary } from '../../../runtime/src/dashboard/dashboardProtocol';

export interface HparamsEvents {
  toggle(id: string): void;
}

/** Maps a run to a position in [0, 1] on one axis; `ticks` label the axis. */
interface Axis {
  name: string;
  position(run: RunSummary): number | null;
  ticks: { at: number; label: string }[];
}

const MAX_AXES = 12;
const PAD = { left: 40, right: 60, top: 28, bottom: 24 };

function numericAxis(name: string, values: (number | null)[], get: (run: RunSummary) => number | null): Axis {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  const span = max - min;
  const position = (run: RunSummary) => {
    const v = get(run);
    if (v === null || !Number.isFinite(v)) return null;
    return span > 0 ? (v - min) / span : 0.5;
  };
  const ticks = finite.length ? (span > 0 ? [{ at: 0, label: formatNumber(min) }, { at: 1, label: formatNumber(max) }] : [{ at: 0.5, label: formatNumber(min) }]) : [];
  return { name, position, ticks };
}

function paramAxis(name: string, runs: readonly RunSummary[]): Axis {
  const values = runs.map((r) => r.params[name]);
  if (values.every((v) => v === undefined || v === null || typeof v === 'number')) {
    return numericAxis(name, values.map((v) => (typeof v === 'number' ? v : null)), (run) => {
      const v = run.params[name];
      return typeof v === 'number' ? v : null;
    });
  }
  const categories = [...new Set(values.map((v) => paramText(v)))].sort();
  const at = (i: number) => (categories.length === 1 ? 0.5 : i / (categories.length - 1));
  return {
    name,
    position: (run) => at(categories.indexOf(paramText(run.params[name]))),
    ticks: categories.map((c, i) => ({ at: at(i), label: c.length > 14 ? `${c.slice(0, 13)}…` : c })),
  };
}

function metricAxis(metric: string, runs: readonly RunSummary[]): Axis {
  return numericAxis(metric, runs.map((r) => r.finalMetrics[metric] ?? null), (run) => run.finalMetrics[metric] ?? null);
}

function setupCanvas(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return ctx;
}

function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const f = dx === 0 && dy === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + f * dx), py - (ay + f * dy));
}

export class HparamsView {
  readonly element = el('div', 'hparams');
  private lines: { id: string; points: [number, number][] }[] = [];
  private scatterHits: { id: string; x: number; y: number; canvas: HTMLCanvasElement }[] = [];

  constructor(private readonly events: HparamsEvents) {}

  update(runs: readonly RunSummary[], metric: string, selected: ReadonlySet<string>, theme: ThemeKind, width: number): void {
    this.element.replaceChildren();
    this.lines = [];
    this.scatterHits = [];
    const withMetric = runs.filter((r) => r.finalMetrics[metric] !== undefined && r.finalMetrics[metric] !== null);
    if (!metric || withMetric.length === 0) {
      this.element.append(el('p', 'empty', 'No finished metric to compare yet: runs report final metrics as they train.'));
      return;
    }
    const varying = differingParams(withMetric).slice(0, MAX_AXES);
    const params = varying.length ? varying : Object.keys(withMetric[0]!.params).slice(0, MAX_AXES);
    const axes = [...params.map((p) => paramAxis(p, withMetric)), metricAxis(metric, withMetric)];
    this.element.append(el('h3', 'section-title', `Parallel coordinates: ${params.length} parameter${params.length === 1 ? '' : 's'} and ${metric}`));
    this.element.append(this.parallel(withMetric, axes, selected, theme, width));
    this.element.append(el('h3', 'section-title', `Each parameter against ${metric}`));
    const grid = el('div', 'scatters');
    const metricA = axes[axes.length - 1]!;
    for (const axis of axes.slice(0, -1)) grid.append(this.scatter(withMetric, axis, metricA, selected, theme));
    this.element.append(grid);
  }

  private parallel(runs: readonly RunSummary[], axes: Axis[], selected: ReadonlySet<string>, theme: ThemeKind, width: number): HTMLCanvasElement {
    const height = 300;
    const canvas = el('canvas', 'parallel');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `Parallel coordinates of ${runs.length} runs over ${axes.map((a) => a.name).join(', ')}`);
    const ctx = setupCanvas(canvas, width, height);
    const colours = chartColours();
    const plotW = width - PAD.left - PAD.right;
    const plotH = height - PAD.top - PAD.bottom;
    const ax = (i: number) => PAD.left + (axes.length === 1 ? plotW / 2 : (i / (axes.length - 1)) * plotW);
    const ay = (p: number) => PAD.top + (1 - p) * plotH;
    const anySelected = runs.some((r) => selected.has(r.id));
    const ordered = [...runs].sort((a, b) => Number(selected.has(a.id)) - Number(selected.has(b.id)));
    for (const run of ordered) {
      const points: [number, number][] = [];
      axes.forEach((axis, i) => {
        const p = axis.position(run);
        if (p !== null) points.push([ax(i), ay(p)]);
      });
      this.lines.push({ id: run.id, points });
      const on = selected.has(run.id);
      ctx.strokeStyle = anySelected && !on ? withAlpha(runColour(run.id, theme), 0.25) : runColour(run.id, theme);
      ctx.lineWidth = on ? 2.5 : 1.2;
      ctx.beginPath();
      points.forEach(([x, y], j) => (j === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
      ctx.stroke();
    }
    ctx.font = '11px sans-serif';
    ctx.textAlign = 'center';
    axes.forEach((axis, i) => {
      ctx.strokeStyle = colours.foreground;
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(ax(i), PAD.top);
      ctx.lineTo(ax(i), PAD.top + plotH);
      ctx.stroke();
      ctx.fillStyle = colours.foreground;
      ctx.fillText(axis.name.length > 18 ? `${axis.name.slice(0, 17)}…` : axis.name, ax(i), PAD.top - 10);
      ctx.textAlign = 'left';
      for (const tick of axis.ticks) ctx.fillText(tick.label, ax(i) + 4, ay(tick.at) + 4);
      ctx.textAlign = 'center';
    });
    canvas.addEventListener('click', (e) => {
      const rect = canvas.getBoundingClientRect();
      const x = e.clientX - rect.left;
      const y = e.clientY - rect.top;
      let best: string | null = null;
      let bestDistance = 6;
      for (const line of this.lines) {
        for (let j = 1; j < line.points.length; j++) {
          const [x0, y0] = line.points[j - 1]!;
          const [x1, y1] = line.points[j]!;
          const d = segmentDistance(x, y, x0, y0, x1, y1);
          if (d < bestDistance) {
            bestDistance = d;
            best = line.id;
          }
        }
      }
      if (best) this.events.toggle(best);
    });
    return canvas;
  }

  private scatter(runs: readonly RunSummary[], xAxis: Axis, yAxis: Axis, selected: ReadonlySet<string>, theme: ThemeKind): HTMLElement {
    const box = el('figure', 'scatter');
    const width = 260;
    const height = 190;
    const canvas = el('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `${yAxis.name} against ${xAxis.name} for ${runs.length} runs`);
    const ctx = setupCanvas(canvas, width, height);
    const colours = chartColours();
    const pad = { left: 10, right: 10, top: 10, bottom: 30 };
    const px = (p: number) => pad.left + p * (width - pad.left - pad.right);
    const py = (p: number) => pad.top + (1 - p) * (height - pad.top - pad.bottom);
    ctx.strokeStyle = colours.grid;
    ctx.strokeRect(pad.left, pad.top, width - pad.left - pad.right, height - pad.top - pad.bottom);
    for (const run of runs) {
      const x = xAxis.position(run);
      const y = yAxis.position(run);
      if (x === null || y === null) continue;
      const on = selected.has(run.id);
      ctx.fillStyle = runColour(run.id, theme);
      ctx.beginPath();
      ctx.arc(px(x), py(y), on ? 5 : 3.5, 0, Math.PI * 2);
      ctx.fill();
      if (on) {
        ctx.strokeStyle = colours.foreground;
        ctx.stroke();
      }
      this.scatterHits.push({ id: run.id, x: px(x), y: py(y), canvas });
    }
    ctx.fillStyle = colours.foreground;
    ctx.font = '11px sans-serif';
    ctx.textAlign = 'center';
    for (const tick of xAxis.ticks) ctx.fillText(tick.label, px(tick.at), height - 14);
    canvas.addEventListener('click', (e) => {
      const rect = canvas.getBoundingClientRect();
      const x = e.clientX - rect.left;
      const y = e.clientY - rect.top;
      const hit = this.scatterHits.filter((h) => h.canvas === canvas).find((h) => Math.hypot(h.x - x, h.y - y) <= 6);
      if (hit) this.events.toggle(hit.id);
    });
    box.append(canvas, el('figcaption', undefined, `${xAxis.name} → ${yAxis.name}`));
    return box;
  }
}
