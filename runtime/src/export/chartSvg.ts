// Draws the kernel's charts (line, scatter, histogram) as static SVG text, for exported reports and notebooks that
// must open offline without scripts: axes with their ranges, one coloured path or set of dots per series, a
// legend, the title and axis labels. Every string from user code is escaped. Interactive charts stay the output
// panel's (webviews/src/richValueView.ts, uPlot); this module draws nothing on screen itself.
import type { ChartSeries, ChartSpec } from '../kernel/kernelProtocol';

const WIDTH = 560;
const HEIGHT = 300;
const MARGIN = { left: 56, right: 16, top: 28, bottom: 40 };
const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

/** Escapes text for HTML and XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${({ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": '#39' } as Record<string, string>)[c]};`);
}

interface Range {
  min: number;
  max: number;
}

function rangeOf(values: number[]): Range {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return { min: 0, max: 1 };
  let min = Math.min(...finite);
  let max = Math.max(...finite);
  if (min === max) {
    min -= 0.5;
    max += 0.5;
  }
  return { min, max };
}

const formatTick = (v: number) => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : String(Number(v.toPrecision(4))));

function frame(spec: ChartSpec, x: Range, y: Range, body: string, legend: string): string {
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const axes = [
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
    `<text x="${MARGIN.left - 4}" y="${MARGIN.top + 4}" text-anchor="end">${escapeXml(formatTick(y.max))}</text>`,
    `<text x="${MARGIN.left - 4}" y="${MARGIN.top + plotH}" text-anchor="end">${escapeXml(formatTick(y.min))}</text>`,
    `<text x="${MARGIN.left}" y="${MARGIN.top + plotH + 14}" text-anchor="start">${escapeXml(formatTick(x.min))}</text>`,
    `<text x="${MARGIN.left + plotW}" y="${MARGIN.top + plotH + 14}" text-anchor="end">${escapeXml(formatTick(x.max))}</text>`,
  ];
  if (spec.title) axes.push(`<text x="${WIDTH / 2}" y="16" text-anchor="middle" font-weight="bold">${escapeXml(spec.title)}</text>`);
  if (spec.xLabel) axes.push(`<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 6}" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`);
  if (spec.yLabel) axes.push(`<text x="12" y="${MARGIN.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 12 ${MARGIN.top + plotH / 2})">${escapeXml(spec.yLabel)}</text>`);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="mlts-chart" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11">` +
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>${axes.join('')}${body}${legend}</svg>`
  );
}

function scale(range: Range, from: number, to: number): (v: number) => number {
  return (v) => from + ((v - range.min) / (range.max - range.min)) * (to - from);
}

function seriesChart(spec: Extract<ChartSpec, { type: 'line' | 'scatter' }>): string {
  const series: ChartSeries[] = spec.series;
  const x = rangeOf(series.flatMap((s) => s.x));
  const y = rangeOf(series.flatMap((s) => s.y));
  const sx = scale(x, MARGIN.left, WIDTH - MARGIN.right);
  const sy = scale(y, HEIGHT - MARGIN.bottom, MARGIN.top);
  const body = series
    .map((s, i) => {
      const colour = COLOURS[i % COLOURS.length]!;
      const points = s.x.map((xv, j) => [xv, s.y[j]!] as const).filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
      if (spec.type === 'scatter') return points.map(([a, b]) => `<circle cx="${sx(a).toFixed(1)}" cy="${sy(b).toFixed(1)}" r="2.5" fill="${colour}"/>`).join('');
      const d = points.map(([a, b], j) => `${j === 0 ? 'M' : 'L'}${sx(a).toFixed(1)},${sy(b).toFixed(1)}`).join('');
      return `<path d="${d}" fill="none" stroke="${colour}" stroke-width="1.5"/>`;
    })
    .join('');
  const legend = series
    .map((s, i) => `<text x="${WIDTH - MARGIN.right - 4}" y="${MARGIN.top + 14 + i * 13}" text-anchor="end" fill="${COLOURS[i % COLOURS.length]}">${escapeXml(s.name)}</text>`)
    .join('');
  return frame(spec, x, y, body, legend);
}

function histogramChart(spec: Extract<ChartSpec, { type: 'histogram' }>): string {
  const x = rangeOf(spec.bins.flatMap((b) => [b.start, b.end]));
  const y = rangeOf([0, ...spec.bins.map((b) => b.count)]);
  const sx = scale(x, MARGIN.left, WIDTH - MARGIN.right);
  const sy = scale(y, HEIGHT - MARGIN.bottom, MARGIN.top);
  const body = spec.bins
    .map((b) => `<rect x="${sx(b.start).toFixed(1)}" y="${sy(b.count).toFixed(1)}" width="${Math.max(0.5, sx(b.end) - sx(b.start)).toFixed(1)}" height="${(sy(0) - sy(b.count)).toFixed(1)}" fill="${COLOURS[0]}"/>`)
    .join('');
  return frame(spec, x, y, body, '');
}

/** The chart as a standalone SVG document (also valid inline in HTML). */
export function chartSvg(spec: ChartSpec): string {
  switch (spec.type) {
    case 'line':
    case 'scatter':
      return seriesChart(spec);
    case 'histogram':
      return histogramChart(spec);
  }
}
