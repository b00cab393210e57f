// What an export holds, independent of the format: the file's cells in order (code, or markdown taken out of its
// `//` comments), each code cell with the outputs of its last saved run, the run comparison of the file's tracked
// runs, and notes for the reader (never run, outputs older than the code). The HTML, notebook and Markdown writers
// all start from this; reading the saved outputs and the run store happens here, once, and nowhere in the writers.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseCells, type Cell } from '../cells/cellParser';
import type { RichValue } from '../kernel/kernelProtocol';
import { readSavedOutputs, type SavedCellRun, type SavedOutputs } from '../outputs/savedOutputs';
import { compareRunsOfFile, type RunComparison } from './runComparison';

export type ExportFormat = 'html' | 'ipynb' | 'md';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['html', 'ipynb', 'md'];

export interface ExportCell {
  /** `cell-<index>`, the id the kernel and the saved outputs use; also the notebook cell's id. */
  id: string;
  kind: 'code' | 'markdown';
  title?: string;
  /** Code cells: the code under the marker. Markdown cells: the Markdown, with the comment markers removed. */
  source: string;
  /** The cell's last saved run, when there is one. */
  run?: SavedCellRun;
}

export interface ExportDocument {
  file: string;
  title: string;
  cells: ExportCell[];
  /** When the outputs were saved (ms since the epoch), or undefined when the file never ran in a kernel. */
  outputsSavedAt?: number;
  /** Sentences for the reader: never run, outputs cut to fit, … */
  notes: string[];
  comparison: RunComparison;
}

/** A file with no cell to export: the CLI and the command turn this into a clear message. */
export class NothingToExportError extends Error {
  override name = 'NothingToExportError';
}

/**
 * The Markdown of a markdown cell: each line's leading `//` and one space removed, and a block comment's
 * delimiters and leading ` * ` removed, so `// # Title` becomes `# Title`.
 */
export function markdownOfCell(text: string): string {
  const lines = text.split('\n').map((line) => {
    const comment = /^\s*\/\/ ?(.*)$/.exec(line);
    if (comment) return comment[1]!;
    return line.replace(/^\s*\/\*+ ?/, '').replace(/\s*\*+\/\s*$/, '').replace(/^\s*\* ?/, '');
  });
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  while (lines.length > 0 && lines[0]!.trim() === '') lines.shift();
  return lines.join('\n');
}

/** A code cell's source without the blank lines that separate it from the next marker. */
function codeOfCell(cell: Cell): string {
  return cell.text.replace(/\s+$/, '');
}

/** Builds the export of `file` (its text as given, or read from disk) with the outputs saved in `storeRoot`. */
export function buildExportDocument(file: string, storeRoot: string, text = readFileSync(file, 'utf8'), saved: SavedOutputs | undefined = readSavedOutputs(storeRoot, file)): ExportDocument {
  const cells = parseCells(text);
  if (cells.length === 0) throw new NothingToExportError(`${file} has no cells: it is empty or holds only blank lines.`);
  const runs = new Map((saved?.runs ?? []).map((run) => [run.cellId, run]));
  const exported = cells.map((cell): ExportCell => {
    const base = { id: cell.id, kind: cell.kind, ...(cell.title ? { title: cell.title } : {}) };
    if (cell.kind === 'markdown') return { ...base, source: markdownOfCell(cell.text) };
    const run = runs.get(cell.id);
    return { ...base, source: codeOfCell(cell), ...(run ? { run } : {}) };
  });
  const notes: string[] = [];
  const withOutputs = exported.filter((c) => c.run).length;
  if (!saved || withOutputs === 0) notes.push('This file was never run in a kernel: its cells are exported without outputs.');
  else if (saved.truncated) notes.push(saved.truncated);
  return {
    file,
    title: basename(file),
    cells: exported,
    ...(saved && withOutputs > 0 ? { outputsSavedAt: saved.savedAt } : {}),
    notes,
    comparison: compareRunsOfFile(storeRoot, file),
  };
}

/** A value as plain text: the `text/plain` of every format. */
export function plainTextOfValue(value: RichValue): string {
  switch (value.kind) {
    case 'text':
      return value.text;
    case 'tensor':
      return `Tensor [${value.shape.join(', ')}] ${value.dtype}${value.disposed ? ' (disposed)' : ''}\n${value.preview}`;
    case 'table': {
      const rows = [value.columns, ...value.rows.map((row) => row.map((cell) => (cell === null ? '' : String(cell))))];
      const widths = value.columns.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
      const lines = rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
      if (value.totalRows > value.rows.length) lines.push(`… ${value.totalRows - value.rows.length} more rows`);
      return lines.join('\n');
    }
    case 'chart':
      return `${value.chart.type} chart${value.chart.title ? `: ${value.chart.title}` : ''}`;
    case 'image':
      return `image ${value.width}×${value.height}${value.title ? `: ${value.title}` : ''}`;
    case 'progress': {
      const metrics = Object.entries(value.values).map(([name, v]) => `${name} ${v ?? '–'}`).join(' · ');
      return `${value.done ? 'trained' : 'training'} ${Math.min(value.epoch, value.epochs)}/${value.epochs} epochs${metrics ? ` · ${metrics}` : ''}`;
    }
  }
}

/** The text a cell's error shows: the stack when the kernel gave one, else `name: message`. */
export function errorText(error: { name: string; message: string; stack: string }): string {
  return error.stack || `${error.name}: ${error.message}`;
}
