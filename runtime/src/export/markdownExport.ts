// Writes an export as a Markdown file: markdown cells as they are, code cells in ```ts fences, streams and values
// as text blocks, images as PNG data: URLs (Markdown previews that block data URLs show the alt text), charts by
// name, and the run comparison as a table. It is the plain-text sibling of the HTML report.
import type { RichValue } from '../kernel/kernelProtocol';
import { escapeXml } from './chartSvg';
import { errorText, plainTextOfValue, type ExportDocument } from './exportDocument';
import { pngBase64 } from './pngEncoder';

/** A fence longer than any backtick run inside the text, so the text cannot close it. */
function fenced(text: string, info = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${info}\n${text.replace(/\n$/, '')}\n${fence}`;
}

function valueMarkdown(value: RichValue): string {
  if (value.kind === 'image') return `![${escapeXml(value.title ?? `image ${value.width}×${value.height}`)}](data:image/png;base64,${pngBase64(value)})`;
  return fenced(plainTextOfValue(value), 'text');
}

const cellOfTable = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'number' ? String(Number(v.toPrecision(5))) : String(v)).replace(/\|/g, '\\|');

export function markdownText(doc: ExportDocument): string {
  const parts = [`# ${doc.title}`, ...doc.notes.map((n) => `> ${n}`)];
  for (const cell of doc.cells) {
    if (cell.kind === 'markdown') {
      parts.push(cell.source);
      continue;
    }
    if (cell.title) parts.push(`**${cell.title}**`);
    parts.push(fenced(cell.source, 'ts'));
    const run = cell.run;
    if (!run) continue;
    for (const item of run.items) parts.push(item.kind === 'stream' ? fenced(item.text, 'text') : valueMarkdown(item.value));
    if (run.value) parts.push(valueMarkdown(run.value));
    if (run.error) parts.push(fenced(errorText(run.error), 'text'));
  }
  const { comparison } = doc;
  if (comparison.runs.length > 0) {
    const header = ['run', 'status', ...comparison.paramNames, ...comparison.metricNames];
    const rows = comparison.runs.map((r) => [r.id, r.status, ...comparison.paramNames.map((p) => cellOfTable(r.params[p])), ...comparison.metricNames.map((m) => cellOfTable(r.finalMetrics[m]))]);
    parts.push('## Tracked runs', [header, header.map(() => '---'), ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n'));
  }
  return `${parts.join('\n\n')}\n`;
}
