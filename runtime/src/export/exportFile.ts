// One export end to end, as both the CLI (`mlts export`) and the VS Code command run it: build the export of a
// file, write it in the format asked for, and say what happened in sentences the caller prints or shows. Errors
// a user can fix (no cells, a path that cannot be written) come back as `ExportProblem` with a clear message;
// nothing here knows about terminals or editors.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { SavedOutputs } from '../outputs/savedOutputs';
import { buildExportDocument, NothingToExportError, type ExportDocument, type ExportFormat } from './exportDocument';
import { reportHtml } from './htmlExport';
import { notebookText } from './ipynbExport';
import { markdownText } from './markdownExport';

export class ExportProblem extends Error {
  override name = 'ExportProblem';
}

export function renderExport(doc: ExportDocument, format: ExportFormat): string {
  switch (format) {
    case 'html':
      return reportHtml(doc);
    case 'ipynb':
      return notebookText(doc);
    case 'md':
      return markdownText(doc);
  }
}

/** `train.ml.ts` → `train.html` (`.ipynb`, `.md`) beside it. */
export function defaultExportPath(file: string, format: ExportFormat): string {
  return resolve(file).replace(/(\.ml)?\.ts$/, '') + `.${format}`;
}

export interface ExportOptions {
  file: string;
  format: ExportFormat;
  /** The store holding the file's saved outputs and runs (`.mlts`). */
  storeRoot: string;
  out?: string;
  /** The file's current text, when the caller has it (an unsaved editor); else it is read from disk. */
  text?: string;
  /** Outputs the caller holds in memory (a live kernel session); else the saved ones are read. */
  outputs?: SavedOutputs;
}

export interface ExportOutcome {
  path: string;
  cells: number;
  cellsWithOutputs: number;
  runs: number;
  notes: string[];
}

export function exportFile(options: ExportOptions): ExportOutcome {
  let doc: ExportDocument;
  try {
    doc = buildExportDocument(options.file, options.storeRoot, options.text, options.outputs);
  } catch (err) {
    if (err instanceof NothingToExportError) throw new ExportProblem(err.message);
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') throw new ExportProblem(`cannot read ${options.file}: ${(err as Error).message}`);
    throw err;
  }
  const path = resolve(options.out ?? defaultExportPath(options.file, options.format));
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, renderExport(doc, options.format));
  } catch (err) {
    throw new ExportProblem(`cannot write ${path}: ${(err as Error).message}`);
  }
  return {
    path,
    cells: doc.cells.length,
    cellsWithOutputs: doc.cells.filter((c) => c.run).length,
    runs: doc.comparison.runs.length,
    notes: doc.notes,
  };
}
