// Writes an export as a Jupyter notebook (nbformat 4.5, the version that gives every cell an `id`): each `// %%`
// cell becomes one notebook cell, markdown cells as markdown, code cells with their saved outputs as `stream`,
// `display_data`, `execute_result` and `error` outputs carrying mime bundles Jupyter front ends render
// (`text/plain` always; `image/png` for images, `image/svg+xml` for charts, `text/html` for tables).
// test/integration/exportValidators.test.ts holds it to Debian's nbformat validator and nbconvert.
import type { RichValue } from '../kernel/kernelProtocol';
import type { SavedCellRun } from '../outputs/savedOutputs';
import { chartSvg, escapeXml } from './chartSvg';
import { errorText, plainTextOfValue, type ExportDocument } from './exportDocument';
import { pngBase64 } from './pngEncoder';

type MimeBundle = Record<string, string | string[]>;

export type NotebookOutput =
  | { output_type: 'stream'; name: 'stdout' | 'stderr'; text: string[] }
  | { output_type: 'display_data'; data: MimeBundle; metadata: Record<string, unknown> }
  | { output_type: 'execute_result'; execution_count: number | null; data: MimeBundle; metadata: Record<string, unknown> }
  | { output_type: 'error'; ename: string; evalue: string; traceback: string[] };

/** Multiline strings the way Jupyter writes them: a list of lines, each but the last ending in `\n`. */
export function notebookLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  return lines.map((line, i) => (i < lines.length - 1 ? `${line}\n` : line)).filter((line) => line !== '');
}

/** An HTML table of a table value (every cell escaped). */
export function tableHtml(value: Extract<RichValue, { kind: 'table' }>): string {
  const head = value.columns.map((c) => `<th>${escapeXml(c)}</th>`).join('');
  const body = value.rows.map((row) => `<tr>${row.map((cell) => `<td>${escapeXml(cell === null ? '' : String(cell))}</td>`).join('')}</tr>`).join('');
  const more = value.totalRows > value.rows.length ? `<p>… ${value.totalRows - value.rows.length} more rows</p>` : '';
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>${more}`;
}

function mimeBundle(value: RichValue): MimeBundle {
  const bundle: MimeBundle = { 'text/plain': notebookLines(plainTextOfValue(value)) };
  if (value.kind === 'image') bundle['image/png'] = pngBase64(value);
  if (value.kind === 'chart') bundle['image/svg+xml'] = notebookLines(chartSvg(value.chart));
  if (value.kind === 'table') bundle['text/html'] = notebookLines(tableHtml(value));
  return bundle;
}

/** The outputs of one cell run, in the order the panel showed them. */
export function notebookOutputs(run: SavedCellRun): NotebookOutput[] {
  const outputs: NotebookOutput[] = run.items.map((item) =>
    // Jupyter knows two streams: informational stderr (`info`) goes back to stderr.
    item.kind === 'stream' ? { output_type: 'stream', name: item.name === 'info' ? 'stderr' : item.name, text: notebookLines(item.text) } : { output_type: 'display_data', data: mimeBundle(item.value), metadata: {} },
  );
  if (run.value) outputs.push({ output_type: 'execute_result', execution_count: run.runId, data: mimeBundle(run.value), metadata: {} });
  if (run.error) outputs.push({ output_type: 'error', ename: run.error.name, evalue: run.error.message, traceback: errorText(run.error).split('\n') });
  if (run.status === 'interrupted') outputs.push({ output_type: 'stream', name: 'stderr', text: notebookLines(`Interrupted${run.message ? `: ${run.message}` : ''}\n`) });
  if (run.status === 'running') outputs.push({ output_type: 'stream', name: 'stderr', text: ['The cell was still running when these outputs were saved.\n'] });
  return outputs;
}

/** The notebook as a JSON value (nbformat 4.5). */
export function toNotebook(doc: ExportDocument): Record<string, unknown> {
  const cells = doc.cells.map((cell) => {
    const metadata = cell.title ? { mlts: { title: cell.title } } : {};
    if (cell.kind === 'markdown') return { cell_type: 'markdown', id: cell.id, metadata, source: notebookLines(cell.source) };
    return {
      cell_type: 'code',
      id: cell.id,
      metadata,
      execution_count: cell.run?.runId ?? null,
      source: notebookLines(cell.source),
      outputs: cell.run ? notebookOutputs(cell.run) : [],
    };
  });
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'mlts', display_name: 'TypeScript (mlts)', language: 'typescript' },
      language_info: { name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript' },
      // Notes stay in metadata, not in an extra cell: every `// %%` cell is exactly one notebook cell.
      mlts: { file: doc.title, notes: doc.notes, ...(doc.outputsSavedAt ? { outputsSavedAt: new Date(doc.outputsSavedAt).toISOString() } : {}) },
    },
    cells,
  };
}

export function notebookText(doc: ExportDocument): string {
  return `${JSON.stringify(toNotebook(doc), null, 1)}\n`;
}
