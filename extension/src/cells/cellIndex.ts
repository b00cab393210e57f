// The cells of each open `.ml.ts` document, parsed once per document version by the pure parser in
// runtime/src/cells and cached here, so CodeLenses, folding, the outline and commands share one parse.
import * as vscode from 'vscode';
import { cellAtLine, parseCells, type Cell } from '../../../runtime/src/cells/cellParser';
import { ML_TS_SUFFIX } from '../constants';

export type { Cell } from '../../../runtime/src/cells/cellParser';

export function isMlTsDocument(document: vscode.TextDocument): boolean {
  return document.uri.path.endsWith(ML_TS_SUFFIX);
}

export class CellIndex implements vscode.Disposable {
  private readonly cache = new Map<string, { version: number; cells: Cell[] }>();
  private readonly subscription = vscode.workspace.onDidCloseTextDocument((d) => this.cache.delete(d.uri.toString()));

  cells(document: vscode.TextDocument): Cell[] {
    const key = document.uri.toString();
    const cached = this.cache.get(key);
    if (cached && cached.version === document.version) return cached.cells;
    const cells = parseCells(document.getText());
    this.cache.set(key, { version: document.version, cells });
    return cells;
  }

  /** The code cell at a 0-based line (markdown cells and blank preambles have none). */
  cellAt(document: vscode.TextDocument, line: number): Cell | undefined {
    return cellAtLine(this.cells(document), line);
  }

  codeCells(document: vscode.TextDocument): Cell[] {
    return this.cells(document).filter((c) => c.kind === 'code');
  }

  dispose(): void {
    this.subscription.dispose();
    this.cache.clear();
  }
}

/** The editor range of a whole cell, marker line included. */
export function cellRange(document: vscode.TextDocument, cell: Cell): vscode.Range {
  const last = Math.min(cell.endLine, document.lineCount - 1);
  return new vscode.Range(cell.startLine, 0, last, document.lineAt(last).text.length);
}
