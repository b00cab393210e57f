// Inline cell state in the editor: a one-line summary after each cell's last line once it ran
// (`✓ 1.2 s → Tensor [32, 10] float32`), and a warning after the marker of each stale cell saying why
// (edited since it ran, or an upstream cell changed or re-ran). Recomputed on edits and finished runs.
import * as vscode from 'vscode';
import { runSummary, type CellRun } from '../../../webviews/src/cellOutputProtocol';
import { cellLabel } from './cellEditorFeatures';
import type { Cell, CellIndex } from './cellIndex';
import type { StaleReason } from './staleCells';
import type { KernelSession } from './kernelSession';

export const STALE_CONTEXT_KEY = 'mlts.staleCells';

export class CellDecorations implements vscode.Disposable {
  private readonly summary = vscode.window.createTextEditorDecorationType({
    after: { margin: '0 0 0 2em', color: new vscode.ThemeColor('editorCodeLens.foreground') },
  });
  private readonly stale = vscode.window.createTextEditorDecorationType({
    after: { margin: '0 0 0 2em', color: new vscode.ThemeColor('editorWarning.foreground') },
    overviewRulerColor: new vscode.ThemeColor('editorWarning.foreground'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
  });
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly index: CellIndex,
    private readonly sessionFor: (uri: vscode.Uri) => KernelSession | undefined,
  ) {
    this.subscriptions = [
      vscode.window.onDidChangeVisibleTextEditors(() => this.refreshAll()),
      vscode.workspace.onDidChangeTextDocument((e) => this.refresh(e.document)),
    ];
  }

  refreshAll(): void {
    for (const editor of vscode.window.visibleTextEditors) this.decorate(editor);
  }

  refresh(document: vscode.TextDocument): void {
    for (const editor of vscode.window.visibleTextEditors) if (editor.document === document) this.decorate(editor);
  }

  /** Why a cell is stale now, in a few words (for the stale CodeLens), or undefined. */
  staleReason(document: vscode.TextDocument, cellId: string): string | undefined {
    const session = this.sessionFor(document.uri);
    if (!session) return undefined;
    const cells = this.index.codeCells(document);
    const reason = session.stale.staleCells(cells).get(cellId);
    return reason && describeStale(reason, cells);
  }

  private decorate(editor: vscode.TextEditor): void {
    const session = this.sessionFor(editor.document.uri);
    if (!session) return;
    const cells = this.index.codeCells(editor.document);
    const runs = new Map<string, CellRun>(session.outputs.runs.map((r) => [r.cellId, r]));
    const summaries: vscode.DecorationOptions[] = [];
    for (const cell of cells) {
      const run = runs.get(cell.id);
      if (!run) continue;
      const line = lastCodeLine(editor.document, cell.codeStartLine, cell.endLine);
      const end = editor.document.lineAt(line).range.end;
      summaries.push({ range: new vscode.Range(end, end), renderOptions: { after: { contentText: runSummary(run) } } });
    }
    const byId = new Map(cells.map((c) => [c.id, c]));
    const stale: vscode.DecorationOptions[] = [];
    for (const [cellId, reason] of session.stale.staleCells(cells)) {
      const cell = byId.get(cellId)!;
      const end = editor.document.lineAt(cell.startLine).range.end;
      const why = describeStale(reason, cells);
      stale.push({
        range: new vscode.Range(end, end),
        hoverMessage: `This cell's outputs may be out of date: ${why}. Run it again, or Run Cell and Dependents upstream.`,
        renderOptions: { after: { contentText: `⚠ stale: ${why}` } },
      });
    }
    editor.setDecorations(this.summary, summaries);
    editor.setDecorations(this.stale, stale);
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.summary.dispose();
    this.stale.dispose();
  }
}

function describeStale(reason: StaleReason, cells: readonly Cell[]): string {
  if (reason.kind === 'edited') return 'edited since it ran';
  const upstream = cells.find((c) => c.id === reason.cellId);
  return `${upstream ? cellLabel(upstream) : reason.cellId} changed (${reason.names.join(', ')})`;
}

/** The last non-blank line of a cell's code (the summary reads best right after the code, not after blanks). */
function lastCodeLine(document: vscode.TextDocument, first: number, last: number): number {
  for (let line = Math.min(last, document.lineCount - 1); line >= first; line--) {
    if (!document.lineAt(line).isEmptyOrWhitespace) return line;
  }
  return Math.max(0, Math.min(first, document.lineCount - 1));
}
