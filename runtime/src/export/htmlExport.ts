// Writes an export as one self-contained HTML report: the code of every cell, markdown cells rendered, outputs
// (streams, tensors, tables, charts as inline SVG, images as PNG data: URLs, errors) and the comparison of the
// file's tracked runs. It loads nothing: no scripts at all, styles inline, and a Content-Security-Policy of
// `default-src 'none'` that allows only inline styles and data: images, so it opens offline, from a mail
// attachment or a file share, exactly as written. Every string from user code or runs is escaped.
import type { RichValue } from '../kernel/kernelProtocol';
import type { SavedCellRun } from '../outputs/savedOutputs';
import { chartSvg, escapeXml } from './chartSvg';
import { errorText, plainTextOfValue, type ExportCell, type ExportDocument } from './exportDocument';
import { tableHtml } from './ipynbExport';
import { renderMarkdown } from './markdownHtml';
import { pngBase64 } from './pngEncoder';
import type { RunComparison } from './runComparison';

export const REPORT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

const STYLE = `
body { font-family: system-ui, sans-serif; max-width: 980px; margin: 2em auto; padding: 0 1em; color: #1e1e1e; }
header p.note { background: #fff8e1; border-left: 4px solid #f0b400; padding: .4em .8em; }
section.cell { margin: 1.2em 0; }
.cell-label { font-size: .8em; color: #666; }
pre { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px; overflow-x: auto; margin: .3em 0; }
pre.source { background: #f5f5f5; border: 1px solid #ddd; border-radius: 4px; padding: .6em; }
.outputs { border-left: 3px solid #ccc; padding-left: .8em; }
pre.stderr, pre.error { color: #b00020; }
.status { font-size: .8em; color: #666; }
img.mlts-image { image-rendering: pixelated; border: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 13px; }
th, td { border: 1px solid #ddd; padding: .2em .5em; text-align: left; }
figure { margin: .5em 0; }
`;

function imageHtml(value: Extract<RichValue, { kind: 'image' }>): string {
  // Small images (28×28 digits) are scaled up to be seen; pixels stay sharp through `image-rendering: pixelated`.
  const scale = Math.max(1, Math.floor(160 / Math.max(value.width, value.height)));
  const alt = escapeXml(value.title ?? `image ${value.width}×${value.height}`);
  const img = `<img class="mlts-image" alt="${alt}" width="${value.width * scale}" height="${value.height * scale}" src="data:image/png;base64,${pngBase64(value)}">`;
  return `<figure>${img}${value.title ? `<figcaption>${escapeXml(value.title)}</figcaption>` : ''}</figure>`;
}

export function valueHtml(value: RichValue): string {
  switch (value.kind) {
    case 'image':
      return imageHtml(value);
    case 'chart':
      return `<figure>${chartSvg(value.chart)}</figure>`;
    case 'table':
      return tableHtml(value);
    case 'text':
    case 'tensor':
    case 'progress':
      return `<pre class="value">${escapeXml(plainTextOfValue(value))}</pre>`;
  }
}

function statusLine(run: SavedCellRun): string {
  const seconds = run.durationMs === undefined ? '' : ` in ${run.durationMs < 1000 ? `${Math.round(run.durationMs)} ms` : `${(run.durationMs / 1000).toFixed(1)} s`}`;
  const what = { ok: 'ran', error: 'failed', interrupted: 'was interrupted', running: 'was still running when saved' }[run.status];
  return `<div class="status">[${run.runId}] ${what}${seconds}${run.message ? `: ${escapeXml(run.message)}` : ''}</div>`;
}

function outputsHtml(run: SavedCellRun): string {
  const parts = run.items.map((item) => (item.kind === 'stream' ? `<pre class="${item.name}">${escapeXml(item.text)}</pre>` : valueHtml(item.value)));
  if (run.value) parts.push(valueHtml(run.value));
  if (run.error) parts.push(`<pre class="error">${escapeXml(errorText(run.error))}</pre>`);
  return `<div class="outputs">${parts.join('')}${statusLine(run)}</div>`;
}

function cellHtml(cell: ExportCell): string {
  if (cell.kind === 'markdown') return `<section class="cell markdown" id="${cell.id}">${renderMarkdown(cell.source)}</section>`;
  const label = `<div class="cell-label">${escapeXml(cell.title ?? cell.id)}</div>`;
  return `<section class="cell code" id="${cell.id}">${label}<pre class="source"><code>${escapeXml(cell.source)}</code></pre>${cell.run ? outputsHtml(cell.run) : ''}</section>`;
}

const formatNumber = (v: unknown) => (typeof v === 'number' ? String(Number(v.toPrecision(5))) : v === null || v === undefined ? '' : JSON.stringify(v));

export function comparisonHtml(comparison: RunComparison): string {
  if (comparison.runs.length === 0) return '';
  const head = ['run', 'status', ...comparison.paramNames, ...comparison.metricNames].map((h) => `<th>${escapeXml(h)}</th>`).join('');
  const rows = comparison.runs
    .map((run) => {
      const cells = [run.id, run.status, ...comparison.paramNames.map((p) => formatNumber(run.params[p])), ...comparison.metricNames.map((m) => formatNumber(run.finalMetrics[m]))];
      return `<tr>${cells.map((c) => `<td>${escapeXml(c)}</td>`).join('')}</tr>`;
    })
    .join('');
  const charts = comparison.charts.map((chart) => `<figure>${chartSvg(chart)}</figure>`).join('');
  return `<section class="runs"><h2>Tracked runs</h2><table class="runs"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>${charts}</section>`;
}

export function reportHtml(doc: ExportDocument): string {
  const saved = doc.outputsSavedAt ? `<p>Outputs from ${escapeXml(new Date(doc.outputsSavedAt).toISOString())}.</p>` : '';
  const notes = doc.notes.map((n) => `<p class="note">${escapeXml(n)}</p>`).join('');
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`,
    `<meta name="generator" content="mlts export"><title>${escapeXml(doc.title)}</title><style>${STYLE}</style></head>`,
    `<body><header><h1>${escapeXml(doc.title)}</h1>${saved}${notes}</header>`,
    `<main>${doc.cells.map(cellHtml).join('\n')}</main>`,
    comparisonHtml(doc.comparison),
    '</body></html>',
    '',
  ].join('\n');
}
