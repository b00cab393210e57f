// What cells look like in the editor: a CodeLens row per code cell (Run Cell | Debug Cell | Run Above |
// Run Below, plus a stale warning when the cell's outputs are out of date), folding per cell, outline entries named by cell titles, and a highlight of the cell holding the
// cursor. Running is not done here: the lenses invoke commands that cells/cellCommands.ts handles.
import * as vscode from 'vscode';
import { Commands, ML_TS_GLOB } from '../constants';
import { cellRange, isMlTsDocument, type Cell, type CellIndex } from './cellIndex';

export const ML_TS_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', pattern: ML_TS_GLOB },
  { scheme: 'untitled', pattern: ML_TS_GLOB },
];

/** The argument every cell command takes: which document and which cell (by its first line). */
export interface CellTarget {
  uri: string;
  line: number;
}

export function cellLabel(cell: Cell): string {
  return cell.title ?? `Cell ${cell.index + 1}`;
}

/** Why a cell is stale, in a few words, or undefined when it is fresh or never ran. */
export type StaleLookup = (document: vscode.TextDocument, cellId: string) => string | undefined;

class CellCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(
    private readonly index: CellIndex,
    private readonly staleReason: StaleLookup,
  ) {}

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const lenses: vscode.CodeLens[] = [];
    for (const cell of this.index.codeCells(document)) {
      const at = new vscode.Range(cell.startLine, 0, cell.startLine, 0);
      const target: CellTarget = { uri: document.uri.toString(), line: cell.startLine };
      lenses.push(
        new vscode.CodeLens(at, { title: '$(play) Run Cell', command: Commands.runCell, arguments: [target] }),
        new vscode.CodeLens(at, { title: '$(debug-alt-small) Debug Cell', command: Commands.debugCell, arguments: [target] }),
        new vscode.CodeLens(at, { title: 'Run Above', command: Commands.runAbove, arguments: [target] }),
        new vscode.CodeLens(at, { title: 'Run Below', command: Commands.runBelow, arguments: [target] }),
      );
      if (cell.scratch) {
        // A lens with an empty command is a label: it says why a tracked run will not run this cell.
        lenses.push(new vscode.CodeLens(at, { title: 'scratch: not in tracked runs or Run File as Script', tooltip: '`// %% [scratch]` cells run here only.', command: '' }));
      }
      const stale = this.staleReason(document, cell.id);
      if (stale) {
        lenses.push(
          new vscode.CodeLens(at, {
            title: `$(warning) stale: ${stale}`,
            tooltip: 'Outputs of this cell may be out of date. Click to run it and the cells that depend on it.',
            command: Commands.runCellAndDependents,
            arguments: [target],
          }),
        );
      }
    }
    return lenses;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

class CellFoldingProvider implements vscode.FoldingRangeProvider {
  constructor(private readonly index: CellIndex) {}

  provideFoldingRanges(document: vscode.TextDocument): vscode.FoldingRange[] {
    return this.index
      .cells(document)
      .filter((cell) => cell.endLine > cell.startLine)
      .map((cell) => new vscode.FoldingRange(cell.startLine, cell.endLine, vscode.FoldingRangeKind.Region));
  }
}

class CellSymbolProvider implements vscode.DocumentSymbolProvider {
  constructor(private readonly index: CellIndex) {}

  provideDocumentSymbols(document: vscode.TextDocument): vscode.DocumentSymbol[] {
    return this.index.cells(document).map((cell) => {
      const range = cellRange(document, cell);
      const kind = cell.kind === 'markdown' ? vscode.SymbolKind.String : vscode.SymbolKind.Namespace;
      return new vscode.DocumentSymbol(cellLabel(cell), cell.kind === 'markdown' ? 'markdown' : 'cell', kind, range, new vscode.Range(range.start, range.start));
    });
  }
}

/** Draws a thin frame around the cell holding the cursor, as the Python interactive window does. */
class CurrentCellHighlight implements vscode.Disposable {
  private readonly decoration = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
  });
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly index: CellIndex) {
    this.subscriptions = [
      vscode.window.onDidChangeTextEditorSelection((e) => this.update(e.textEditor)),
      vscode.window.onDidChangeActiveTextEditor((e) => e && this.update(e)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        const editor = vscode.window.activeTextEditor;
        if (editor && editor.document === e.document) this.update(editor);
      }),
    ];
    if (vscode.window.activeTextEditor) this.update(vscode.window.activeTextEditor);
  }

  private update(editor: vscode.TextEditor): void {
    if (!isMlTsDocument(editor.document)) return;
    const cell = this.index.cellAt(editor.document, editor.selection.active.line);
    const hasSeveralCells = this.index.cells(editor.document).length > 1;
    editor.setDecorations(this.decoration, cell && hasSeveralCells ? [cellRange(editor.document, cell)] : []);
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.decoration.dispose();
  }
}

/** Registers every cell editor feature; returns what must be disposed and a way to refresh the lenses. */
export function registerCellEditorFeatures(index: CellIndex, staleReason: StaleLookup): { disposables: vscode.Disposable[]; refreshLenses(): void } {
  const lenses = new CellCodeLensProvider(index, staleReason);
  return {
    disposables: [
      lenses,
      vscode.languages.registerCodeLensProvider(ML_TS_SELECTOR, lenses),
      vscode.languages.registerFoldingRangeProvider(ML_TS_SELECTOR, new CellFoldingProvider(index)),
      vscode.languages.registerDocumentSymbolProvider(ML_TS_SELECTOR, new CellSymbolProvider(index), { label: 'mlts cells' }),
      new CurrentCellHighlight(index),
    ],
    refreshLenses: () => lenses.refresh(),
  };
}
