// Hosts the run launcher webview: answers its requests (the workspace's `.ml.ts` files, a file's declared
// parameters, which backends are installed, which Slurm partitions there are) and hands launches to RunLauncher,
// which checks workspace trust and the request; its refusals (a Slurm setup problem among them) are shown in the
// panel as they are. After a launch it opens the dashboard, where the runs appear as they are queued. Restored
// after a reload by a serializer.
import * as vscode from 'vscode';
import { isFromLauncher, type FromLauncher, type ToLauncher } from '../../../webviews/src/launcherProtocol';
import { renderWebviewHtml, webviewOptions } from '../webviews/webviewHtml';
import { backendAvailability, cores, listExperimentFiles, readDeclaration, resolveExperiment, slurmAvailability, workspaceRoot, type RunLauncher } from './runLauncher';

export const LAUNCHER_VIEW_TYPE = 'mlts.launcher';
const TITLE = 'mlts Launch Runs';

export class LauncherPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private readonly serializer: vscode.Disposable;
  private listener: vscode.Disposable | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly launcher: RunLauncher,
    private readonly openDashboard: () => void,
  ) {
    this.serializer = vscode.window.registerWebviewPanelSerializer(LAUNCHER_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => this.adopt(panel),
    });
  }

  show(): void {
    if (this.panel) {
      this.panel.reveal(undefined, false);
      return;
    }
    this.adopt(vscode.window.createWebviewPanel(LAUNCHER_VIEW_TYPE, TITLE, vscode.ViewColumn.Active, webviewOptions(this.extensionUri, true)));
  }

  private adopt(panel: vscode.WebviewPanel): void {
    this.listener?.dispose();
    this.panel = panel;
    panel.webview.options = webviewOptions(this.extensionUri, true);
    panel.webview.html = renderWebviewHtml(panel.webview, this.extensionUri, { title: TITLE, body: '', styles: ['media/launcher.css'], scripts: ['launcherPanel.js'] });
    const post = (message: ToLauncher) => void panel.webview.postMessage(message);
    this.listener = panel.webview.onDidReceiveMessage((raw: unknown) => {
      if (isFromLauncher(raw)) void this.onMessage(raw, post);
    });
    panel.onDidDispose(() => {
      if (this.panel !== panel) return;
      this.listener?.dispose();
      this.panel = undefined;
    });
  }

  private async onMessage(message: FromLauncher, post: (message: ToLauncher) => void): Promise<void> {
    switch (message.type) {
      case 'ready': {
        const files = await listExperimentFiles();
        const active = vscode.window.activeTextEditor?.document.uri.fsPath;
        const root = workspaceRoot();
        const selected = files.find((f) => root && active && resolveExperiment(f) === active) ?? null;
        post({ type: 'files', files, selected });
        post({ type: 'slurm', slurm: await slurmAvailability() });
        return;
      }
      case 'pickFile': {
        const path = resolveExperiment(message.file);
        if (!path) return;
        post({ type: 'declaration', file: message.file, ...readDeclaration(path) });
        post({ type: 'backends', file: message.file, backends: backendAvailability(path), cores: cores() });
        return;
      }
      case 'launch':
        try {
          const launched = await this.launcher.launch(message.file, message.grid, message.backend, message.parallel, message.target);
          post({ type: 'launched', requestId: message.requestId, runIds: launched.records.map((r) => r.id), summary: launched.summary });
          this.openDashboard();
        } catch (err) {
          post({ type: 'launchFailed', requestId: message.requestId, message: err instanceof Error ? err.message : String(err) });
        }
        return;
      case 'openDashboard':
        this.openDashboard();
        return;
      default: {
        const never: never = message;
        throw new Error(`unexpected launcher message ${JSON.stringify(never)}`);
      }
    }
  }

  dispose(): void {
    this.listener?.dispose();
    this.serializer.dispose();
    this.panel?.dispose();
  }
}
