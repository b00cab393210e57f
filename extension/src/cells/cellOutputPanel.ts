// Hosts the cell-output webview beside the editor: one panel per `.ml.ts` file's kernel session. It sends
// the session's changes to the webview, validates what the webview sends back (open a stack frame, restart the
// kernel, clear outputs), and restores panels after a reload through a WebviewPanelSerializer; the webview keeps its own
// outputs with setState, so a restored panel shows them before any kernel exists.
import * as vscode from 'vscode';
import { isFromWebview, type FromWebview, type OutputState } from '../../../webviews/src/cellOutputProtocol';
import { renderWebviewHtml, webviewOptions } from '../webviews/webviewHtml';
import type { KernelSession } from './kernelSession';

export const CELL_OUTPUT_VIEW_TYPE = 'mlts.cellOutput';

function panelTitle(fsPath: string): string {
  return `Output: ${fsPath.split(/[\\/]/).pop()}`;
}

function setHtml(panel: vscode.WebviewPanel, extensionUri: vscode.Uri): void {
  panel.webview.options = webviewOptions(extensionUri, true);
  panel.webview.html = renderWebviewHtml(panel.webview, extensionUri, {
    title: panel.title,
    body: '',
    styles: ['dist/webviews/uPlot.min.css', 'media/cellOutput.css'],
    scripts: ['cellOutputPanel.js'],
  });
}

export class CellOutputPanels implements vscode.Disposable {
  private readonly panels = new Map<string, { panel: vscode.WebviewPanel; detach?: vscode.Disposable }>();
  private readonly serializer: vscode.Disposable;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly sessionFor: (uri: vscode.Uri) => KernelSession | undefined,
  ) {
    this.serializer = vscode.window.registerWebviewPanelSerializer(CELL_OUTPUT_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state: unknown) => {
        const file = (state as Partial<OutputState> | undefined)?.file;
        setHtml(panel, this.extensionUri);
        if (typeof file === 'string' && file) this.adopt(vscode.Uri.file(file), panel);
        else panel.dispose();
      },
    });
  }

  /** Shows the panel for a session beside the editor, creating it when needed. */
  show(session: KernelSession): void {
    const key = session.uri.toString();
    const existing = this.panels.get(key);
    if (existing) {
      if (!existing.detach) this.attach(session, existing.panel);
      // Revealing a panel that is already in view still costs a layout in the workbench on every run.
      if (!existing.panel.visible) existing.panel.reveal(vscode.ViewColumn.Beside, true);
      return;
    }
    // A tab VS Code kept from the last window but has not revived (it does so when the tab is shown) would stay
    // beside the new panel as a second output panel of the same file.
    const stale = this.keptTab(session.uri);
    if (stale) void vscode.window.tabGroups.close(stale, true);
    const panel = vscode.window.createWebviewPanel(
      CELL_OUTPUT_VIEW_TYPE,
      panelTitle(session.uri.fsPath),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      webviewOptions(this.extensionUri, true),
    );
    setHtml(panel, this.extensionUri);
    this.adopt(session.uri, panel);
    this.attach(session, panel);
  }

  /**
   * True when VS Code kept this file's output panel from the last window: it revives the panel through the
   * serializer when its tab is shown, so nobody needs to open another.
   */
  hasKeptPanel(uri: vscode.Uri): boolean {
    return this.panels.has(uri.toString()) || this.keptTab(uri) !== undefined;
  }

  /** The tab of this file's output panel that VS Code kept from the last window and has not revived yet. */
  private keptTab(uri: vscode.Uri): vscode.Tab | undefined {
    if (this.panels.has(uri.toString())) return undefined;
    const title = panelTitle(uri.fsPath);
    return vscode.window.tabGroups.all
      .flatMap((group) => group.tabs)
      .find((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith(CELL_OUTPUT_VIEW_TYPE) && tab.label === title);
  }

  private adopt(uri: vscode.Uri, panel: vscode.WebviewPanel): void {
    const key = uri.toString();
    // A panel VS Code revives after one was opened for the same file keeps its place; the newer one goes.
    const previous = this.panels.get(key);
    this.panels.set(key, { panel });
    if (previous && previous.panel !== panel) {
      previous.detach?.dispose();
      previous.panel.dispose();
    }
    panel.onDidDispose(() => {
      const entry = this.panels.get(key);
      if (entry?.panel !== panel) return;
      entry.detach?.dispose();
      this.panels.delete(key);
    });
    panel.webview.onDidReceiveMessage((raw: unknown) => {
      if (!isFromWebview(raw)) return;
      void this.onMessage(uri, panel, raw);
    });
    const session = this.sessionFor(uri);
    if (session) this.attach(session, panel);
  }

  private attach(session: KernelSession, panel: vscode.WebviewPanel): void {
    const entry = this.panels.get(session.uri.toString());
    if (!entry) return;
    entry.detach?.dispose();
    entry.detach = session.onDidChange((message) => void panel.webview.postMessage(message));
    void panel.webview.postMessage({ type: 'reset', state: session.outputs });
  }

  private async onMessage(uri: vscode.Uri, panel: vscode.WebviewPanel, message: FromWebview): Promise<void> {
    switch (message.type) {
      case 'ready': {
        const session = this.sessionFor(uri);
        if (session) void panel.webview.postMessage({ type: 'reset', state: session.outputs });
        return;
      }
      case 'openLocation': {
        const document = await vscode.workspace.openTextDocument(vscode.Uri.file(message.file));
        const position = new vscode.Position(message.line, message.column);
        await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(position, position) });
        return;
      }
      case 'restartKernel':
        await this.sessionFor(uri)?.restart();
        return;
      case 'clearOutputs':
        this.sessionFor(uri)?.clearOutputs(message.cellId);
        return;
      default: {
        const never: never = message;
        throw new Error(`unexpected webview message ${JSON.stringify(never)}`);
      }
    }
  }

  dispose(): void {
    this.serializer.dispose();
    for (const { panel } of this.panels.values()) panel.dispose();
  }
}
