// Hosts the run dashboard webview: one panel for the workspace's run store (`.mlts/` in the first folder). It runs
// the same RunFeed and DashboardSession as `mlts ui` (cli/src/ui/), with postMessage as the transport, checks what
// the webview sends with isFromDashboard, saves exports through a save dialog, cancels runs through the cancel the
// Runs view uses (runs/liveExecutors.ts), and restores the panel after a reload through a WebviewPanelSerializer
// (the webview keeps its view state with setState).
import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { DashboardSession } from '../../../runtime/src/dashboard/dashboardSession';
import { metricsCsv } from '../../../runtime/src/dashboard/metricsCsv';
import { RunFeed } from '../../../runtime/src/dashboard/runFeed';
import { isFromDashboard, type HostMessage } from '../../../runtime/src/dashboard/dashboardProtocol';
import type { RunStore } from '../../../runtime/src/store/runStore';
import { cancelRunFromEditor } from '../runs/liveExecutors';
import { renderWebviewHtml, webviewOptions } from '../webviews/webviewHtml';
import { workspaceRoot, workspaceStore } from './runLauncher';

export const DASHBOARD_VIEW_TYPE = 'mlts.dashboard';
const TITLE = 'mlts Runs';

export class DashboardPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private readonly serializer: vscode.Disposable;
  private attached: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly openLauncher: () => void,
  ) {
    this.serializer = vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => this.adopt(panel),
    });
  }

  show(): void {
    if (this.panel) {
      this.panel.reveal(undefined, false);
      return;
    }
    this.adopt(vscode.window.createWebviewPanel(DASHBOARD_VIEW_TYPE, TITLE, vscode.ViewColumn.Active, webviewOptions(this.extensionUri, true)));
  }

  private adopt(panel: vscode.WebviewPanel): void {
    this.detach();
    this.panel = panel;
    panel.webview.options = webviewOptions(this.extensionUri, true);
    panel.webview.html = renderWebviewHtml(panel.webview, this.extensionUri, {
      title: TITLE,
      body: '',
      styles: ['dist/webviews/uPlot.min.css', 'media/dashboard.css'],
      scripts: ['dashboardPanel.js'],
    });
    const store = workspaceStore();
    if (!store) {
      void panel.webview.postMessage({ type: 'notice', level: 'warning', text: 'Open a folder to see its runs: the run store is .mlts/ in the workspace.' });
      panel.onDidDispose(() => (this.panel = undefined));
      return;
    }
    const feed = new RunFeed(store, { onlyWanted: true });
    feed.start();
    const session = new DashboardSession(feed, (message) => void panel.webview.postMessage(message), {
      canLaunch: vscode.workspace.isTrusted,
      onHostMessage: (message) => void this.onHostMessage(message, feed),
    });
    this.attached = [
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        if (isFromDashboard(raw)) session.handle(raw);
      }),
      { dispose: () => session.dispose() },
      { dispose: () => feed.dispose() },
    ];
    panel.onDidDispose(() => {
      if (this.panel === panel) {
        this.detach();
        this.panel = undefined;
      }
    });
  }

  private async onHostMessage(message: HostMessage, feed: RunFeed): Promise<void> {
    const store = feed.store;
    if (message.type === 'openLauncher') return this.openLauncher();
    if (message.type === 'cancelRuns') return this.cancelRuns(message.ids, store);
    const root = workspaceRoot();
    const extension = message.type === 'saveFile' && message.mime === 'image/png' ? 'png' : 'csv';
    const target = await vscode.window.showSaveDialog({
      ...(root ? { defaultUri: vscode.Uri.file(join(root, message.fileName)) } : {}),
      filters: { [extension.toUpperCase()]: [extension] },
      saveLabel: 'Export',
    });
    if (!target) return;
    if (message.type === 'saveFile') return writeFile(target.fsPath, Buffer.from(message.base64, 'base64'));
    const { runs, key } = message;
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `mlts: exporting every ${key} point of ${runs.length} run${runs.length === 1 ? '' : 's'}` }, async () => {
        const file = await open(target.fsPath, 'w');
        try {
          for (const piece of metricsCsv(feed, runs, key)) await file.write(piece);
        } finally {
          await file.close();
        }
      });
    } catch (err) {
      void vscode.window.showErrorMessage(`mlts: could not export ${key}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Cancels the runs the dashboard names, one by one, so one that fails (scancel refused) does not stop the rest. */
  private cancelRuns(ids: string[], store: RunStore): void {
    const failures: string[] = [];
    let cancelled = 0;
    for (const id of ids) {
      const record = store.read(id);
      if (!record) continue;
      try {
        if (cancelRunFromEditor(store, record, 'the dashboard')) cancelled++;
      } catch (err) {
        failures.push(`${id}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (cancelled) vscode.window.setStatusBarMessage(`mlts: cancelled ${cancelled} run${cancelled === 1 ? '' : 's'}`, 5000);
    if (failures.length) void vscode.window.showErrorMessage(`mlts: could not cancel ${failures.join('; ')}`);
  }

  private detach(): void {
    for (const d of this.attached) d.dispose();
    this.attached = [];
  }

  dispose(): void {
    this.detach();
    this.serializer.dispose();
    this.panel?.dispose();
  }
}
