// The `mlts: Export Cells…` command: writes the active `.ml.ts` file as an HTML report, a Jupyter notebook or
// Markdown, through the same code as `mlts export` (runtime/src/export/exportFile.ts). It exports the editor's
// current text with the outputs its kernel session shows (live, or restored from `.mlts/outputs/`), falling back
// to the saved outputs when the file has no session. Exporting runs no user code, so it needs no trust.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExportFormat } from '../../../runtime/src/export/exportDocument';
import { defaultExportPath, ExportProblem, exportFile } from '../../../runtime/src/export/exportFile';
import { SAVED_OUTPUTS_FORMAT } from '../../../runtime/src/outputs/savedOutputs';
import { Commands } from '../constants';
import type { CellController } from './cellCommands';
import { isMlTsDocument } from './cellIndex';
import { storeRootOf } from './outputPersistence';

const FORMATS: (vscode.QuickPickItem & { format: ExportFormat; filter: Record<string, string[]> })[] = [
  { label: 'HTML report', description: 'one self-contained file: code, outputs, charts, tracked runs', format: 'html', filter: { HTML: ['html'] } },
  { label: 'Jupyter notebook', description: '.ipynb with outputs (nbformat 4.5)', format: 'ipynb', filter: { 'Jupyter notebook': ['ipynb'] } },
  { label: 'Markdown', description: '.md with code and text outputs', format: 'md', filter: { Markdown: ['md'] } },
];

async function exportActiveFile(controller: CellController, formatArg?: unknown): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !isMlTsDocument(editor.document)) {
    void vscode.window.showErrorMessage('mlts: open a .ml.ts file to export its cells.');
    return;
  }
  const document = editor.document;
  const picked = FORMATS.find((f) => f.format === formatArg) ?? (await vscode.window.showQuickPick(FORMATS, { title: 'Export cells as' }));
  if (!picked) return;
  const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(defaultExportPath(document.uri.fsPath, picked.format)), filters: picked.filter, title: `Export ${path.basename(document.uri.fsPath)}` });
  if (!target) return;
  const session = controller.sessionFor(document.uri);
  try {
    const outcome = exportFile({
      file: document.uri.fsPath,
      format: picked.format,
      storeRoot: storeRootOf(document.uri),
      out: target.fsPath,
      text: document.getText(),
      ...(session ? { outputs: { format: SAVED_OUTPUTS_FORMAT, file: document.uri.fsPath, savedAt: Date.now(), runs: session.outputs.runs } } : {}),
    });
    const open = 'Open';
    const notes = outcome.notes.length > 0 ? ` ${outcome.notes.join(' ')}` : '';
    const choice = await vscode.window.showInformationMessage(`mlts: exported ${outcome.cells} cells (${outcome.cellsWithOutputs} with outputs) to ${path.basename(outcome.path)}.${notes}`, open);
    if (choice === open) await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(outcome.path));
  } catch (err) {
    if (!(err instanceof ExportProblem)) throw err;
    void vscode.window.showErrorMessage(`mlts: ${err.message}`);
  }
}

export function registerExportCommand(controller: CellController): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.exportCells, (format?: unknown) => exportActiveFile(controller, format));
}
