// Renders the kernel's rich values into DOM nodes: tensors (shape, dtype, value preview; images or a histogram
// when the kernel sent them, with a toggle back to the numbers), tables, charts (line and scatter with uPlot,
// histograms as bars), RGBA images on a canvas, and live training progress. Every string that comes from user
// code is set with textContent, never parsed as HTML. Used by the cell-output panel.
import uPlot from 'uplot';
import type { ChartSpec, RichValue } from './cellOutputProtocol';
import { formatDuration } from './cellOutputProtocol';
import type { TensorImages, TrainingProgress } from '../../runtime/src/kernel/kernelProtocol';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Theme colours for chart series, read from VS Code's CSS variables so every theme is readable. */
function seriesColour(i: number): string {
  const names = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-red', '--vscode-charts-yellow'];
  const value = getComputedStyle(document.body).getPropertyValue(names[i % names.length]!).trim();
  return value || ['#3794ff', '#d18616', '#89d185', '#b180d7', '#f14c4c', '#cca700'][i % 6]!;
}

function foreground(): string {
  return getComputedStyle(document.body).getPropertyValue('--vscode-foreground').trim() || '#888';
}

/** Tick steps for an x axis of whole numbers (epochs, steps): no tick lands between two epochs. */
const WHOLE_INCREMENTS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6];

function isWhole(xs: ArrayLike<number | null | undefined>): boolean {
  for (let i = 0; i < xs.length; i++) if (!Number.isInteger(xs[i])) return false;
  return xs.length > 0;
}

/** An x axis that ticks whole numbers only; the drawn ticks are kept in `data-x-ticks` (the canvas has no text). */
function wholeAxis(box: HTMLElement): Pick<uPlot.Axis, 'incrs' | 'values'> {
  return {
    incrs: WHOLE_INCREMENTS,
    values: (_u, splits) => {
      box.dataset.xTicks = splits.join(' ');
      return splits.map(String);
    },
  };
}

function renderChart(chart: ChartSpec, width: number): HTMLElement {
  const box = el('div', 'chart');
  if (chart.title) box.append(el('div', 'chart-title', chart.title));
  const axis = { stroke: foreground(), grid: { stroke: 'rgba(128,128,128,0.2)' }, ticks: { stroke: 'rgba(128,128,128,0.4)' } };
  let data: uPlot.AlignedData;
  let series: uPlot.Series[];
  if (chart.type === 'histogram') {
    data = [chart.bins.map((b) => b.start), chart.bins.map((b) => b.count)];
    series = [{}, { label: 'count', stroke: seriesColour(0), fill: seriesColour(0), paths: uPlot.paths.bars!({ size: [0.9, Infinity], align: 1 }), points: { show: false } }];
  } else {
    // uPlot wants one shared, sorted x array: merge the series' x values and leave gaps as null.
    const xs = [...new Set(chart.series.flatMap((s) => s.x))].sort((a, b) => a - b);
    const position = new Map(xs.map((x, i) => [x, i]));
    data = [xs, ...chart.series.map((s) => {
      const ys: (number | null)[] = new Array(xs.length).fill(null);
      s.x.forEach((x, i) => (ys[position.get(x)!] = s.y[i] ?? null));
      return ys;
    })];
    const scatter = chart.type === 'scatter';
    series = [{}, ...chart.series.map((s, i) => ({
      label: s.name,
      stroke: seriesColour(i),
      spanGaps: true,
      ...(scatter ? { paths: () => null, points: { show: true, size: 5, fill: seriesColour(i) } } : {}),
    }))];
  }
  const options: uPlot.Options = {
    width,
    height: 220,
    series,
    scales: { x: { time: false } },
    axes: [{ ...axis, label: chart.xLabel, ...(isWhole(data[0]) ? wholeAxis(box) : {}) }, { ...axis, label: chart.yLabel }],
    legend: { show: series.length > 2 },
  };
  new uPlot(options, data, box);
  return box;
}

/** A canvas holding RGBA pixels, scaled up without smoothing to about `target` pixels so small images stay visible. */
function rgbaCanvas(width: number, height: number, rgbaBase64: string, target: number): HTMLCanvasElement {
  const canvas = el('canvas');
  canvas.width = width;
  canvas.height = height;
  const bytes = Uint8ClampedArray.from(atob(rgbaBase64), (c) => c.charCodeAt(0));
  if (bytes.length === width * height * 4) canvas.getContext('2d')?.putImageData(new ImageData(bytes, width, height), 0, 0);
  const scale = Math.max(1, Math.floor(target / Math.max(width, height)));
  canvas.style.width = `${width * scale}px`;
  canvas.style.imageRendering = 'pixelated';
  return canvas;
}

function renderImage(value: Extract<RichValue, { kind: 'image' }>): HTMLElement {
  const box = el('figure', 'image');
  box.append(rgbaCanvas(value.width, value.height, value.rgbaBase64, 160));
  if (value.title) box.append(el('figcaption', undefined, value.title));
  return box;
}

function renderTensorImages(images: TensorImages): HTMLElement {
  const box = el('div', 'tensor-images');
  const grid = el('div', 'image-grid');
  for (const rgba of images.rgbaBase64) grid.append(rgbaCanvas(images.width, images.height, rgba, images.count > 1 ? 96 : 192));
  box.append(grid);
  const shown = images.total > images.count ? `first ${images.count} of ${images.total} images · ` : '';
  box.append(el('div', 'note', `${shown}values ${images.range[0]}…${images.range[1]} shown as black…white`));
  return box;
}

function renderTensor(value: Extract<RichValue, { kind: 'tensor' }>, width: number): HTMLElement {
  const box = el('div', 'tensor');
  const head = el('div', 'tensor-head', `Tensor [${value.shape.join(', ')}] ${value.dtype} · ${value.size} values${value.disposed ? ' · disposed' : ''}`);
  box.append(head);
  const numbers = el('pre', 'tensor-preview', value.preview);
  const picture = value.images
    ? renderTensorImages(value.images)
    : value.histogram
      ? renderChart({ type: 'histogram', bins: value.histogram.bins, title: `min ${value.histogram.min.toPrecision(4)} · mean ${value.histogram.mean.toPrecision(4)} · max ${value.histogram.max.toPrecision(4)}` }, Math.min(width, 480))
      : undefined;
  if (!picture) {
    box.append(numbers);
    return box;
  }
  // The picture shows first; a toggle swaps it for the numbers and back.
  const toggle = el('button', 'toggle', 'Show numbers');
  numbers.hidden = true;
  toggle.addEventListener('click', () => {
    numbers.hidden = !numbers.hidden;
    picture.hidden = !picture.hidden;
    toggle.textContent = numbers.hidden ? 'Show numbers' : value.images ? 'Show image' : 'Show histogram';
  });
  head.append(toggle);
  box.append(picture, numbers);
  return box;
}

/** A small loss curve as an inline SVG polyline: cheap enough to redraw on every progress update. */
function sparkline(values: readonly number[]): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  const [w, h] = [160, 40];
  svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
  svg.setAttribute('class', 'sparkline');
  const finite = values.filter(Number.isFinite);
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  const points = values.map((v, i) => `${(i / Math.max(1, values.length - 1)) * w},${h - 2 - (max > min ? (v - min) / (max - min) : 0.5) * (h - 4)}`);
  const line = document.createElementNS(ns, 'polyline');
  line.setAttribute('points', points.join(' '));
  line.setAttribute('fill', 'none');
  line.setAttribute('stroke', seriesColour(0));
  line.setAttribute('stroke-width', '1.5');
  svg.append(line);
  return svg;
}

const formatMetric = (v: number | null) => (v === null ? '–' : Math.abs(v) >= 1000 || Math.abs(v) < 0.001 ? v.toExponential(2) : v.toFixed(4));

function renderProgress(value: TrainingProgress): HTMLElement {
  const box = el('div', `progress${value.done ? ' progress-done' : ''}`);
  const epochPart = value.done ? `${value.epochs}/${value.epochs} epochs` : `epoch ${Math.min(value.epoch + 1, value.epochs)}/${value.epochs}`;
  const batchPart = !value.done && value.batches ? ` · batch ${value.batch}/${value.batches}` : '';
  const timePart = ` · ${formatDuration(value.elapsedMs)}${value.done || value.etaMs === null ? '' : ` · ETA ${formatDuration(value.etaMs)}`}`;
  const fraction = value.done ? 1 : (value.epoch + (value.batches ? value.batch / value.batches : 0)) / Math.max(1, value.epochs);
  const bar = el('div', 'progress-bar');
  const fill = el('div', 'progress-fill');
  fill.style.width = `${Math.round(Math.min(1, fraction) * 100)}%`;
  bar.append(fill);
  const metrics = Object.entries(value.values).map(([name, v]) => `${name} ${formatMetric(v)}`).join(' · ');
  box.append(el('div', 'progress-head', `${value.done ? 'trained' : 'training'} · ${epochPart}${batchPart}${timePart}`), bar);
  if (metrics) box.append(el('div', 'progress-metrics', metrics));
  if (value.epochLosses.length >= 2) box.append(sparkline(value.epochLosses));
  return box;
}

function renderTable(value: Extract<RichValue, { kind: 'table' }>): HTMLElement {
  const box = el('div', 'table');
  const table = el('table');
  const head = el('tr');
  value.columns.forEach((c) => head.append(el('th', undefined, c)));
  table.append(el('thead'));
  table.tHead!.append(head);
  const body = el('tbody');
  for (const row of value.rows) {
    const tr = el('tr');
    row.forEach((cell) => tr.append(el('td', typeof cell === 'number' ? 'num' : undefined, cell === null ? '' : String(cell))));
    body.append(tr);
  }
  table.append(body);
  box.append(table);
  if (value.totalRows > value.rows.length) box.append(el('div', 'note', `${value.rows.length} of ${value.totalRows} rows`));
  return box;
}

export function renderRichValue(value: RichValue, width: number): HTMLElement {
  switch (value.kind) {
    case 'text':
      return el('pre', 'value-text', value.text);
    case 'tensor':
      return renderTensor(value, width);
    case 'progress':
      return renderProgress(value);
    case 'table':
      return renderTable(value);
    case 'chart':
      return renderChart(value.chart, width);
    case 'image':
      return renderImage(value);
  }
}
