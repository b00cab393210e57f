// Renders the kernel's rich values into DOM nodes: tensors (shape, dtype, value preview), tables, charts
// (line and scatter with uPlot, histograms as bars) and RGBA images on a canvas. Every string that comes from
// user code is set with textContent, never parsed as HTML. Used by the cell-output panel.
import uPlot from 'uplot';
import type { ChartSpec, RichValue } from './cellOutputProtocol';

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
    axes: [{ ...axis, label: chart.xLabel }, { ...axis, label: chart.yLabel }],
    legend: { show: series.length > 2 },
  };
  new uPlot(options, data, box);
  return box;
}

function renderImage(value: Extract<RichValue, { kind: 'image' }>): HTMLElement {
  const box = el('figure', 'image');
  const canvas = el('canvas');
  canvas.width = value.width;
  canvas.height = value.height;
  const bytes = Uint8ClampedArray.from(atob(value.rgbaBase64), (c) => c.charCodeAt(0));
  if (bytes.length === value.width * value.height * 4) {
    canvas.getContext('2d')?.putImageData(new ImageData(bytes, value.width, value.height), 0, 0);
  }
  // Small images (MNIST digits) are scaled up without smoothing so pixels stay visible.
  const scale = Math.max(1, Math.floor(160 / Math.max(value.width, value.height)));
  canvas.style.width = `${value.width * scale}px`;
  canvas.style.imageRendering = 'pixelated';
  box.append(canvas);
  if (value.title) box.append(el('figcaption', undefined, value.title));
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
    case 'tensor': {
      const box = el('div', 'tensor');
      box.append(el('div', 'tensor-head', `Tensor [${value.shape.join(', ')}] ${value.dtype} · ${value.size} values${value.disposed ? ' · disposed' : ''}`));
      box.append(el('pre', 'tensor-preview', value.preview));
      return box;
    }
    case 'table':
      return renderTable(value);
    case 'chart':
      return renderChart(value.chart, width);
    case 'image':
      return renderImage(value);
  }
}
