// The mlts status bar item: proof that mlts is active, and a one-glance view of the language server's state
// and of workspace trust (restricted mode means analysis only). Clicking it shows the mlts output channel.
import * as vscode from 'vscode';
import { Commands } from './constants';

export type ServerState = 'starting' | 'running' | 'stopped' | 'failed';

export class MltsStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private serverState: ServerState = 'starting';

  constructor() {
    this.item = vscode.window.createStatusBarItem('mlts.status', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'mlts';
    this.item.command = Commands.showOutput;
    this.render();
    this.item.show();
  }

  setServerState(state: ServerState): void {
    this.serverState = state;
    this.render();
  }

  /** Re-renders after workspace trust changes. */
  render(): void {
    const trusted = vscode.workspace.isTrusted;
    const icon = this.serverState === 'failed' ? '$(error)' : this.serverState === 'starting' ? '$(sync~spin)' : '$(beaker)';
    this.item.text = trusted ? `${icon} mlts` : `${icon} mlts (restricted)`;
    this.item.tooltip = new vscode.MarkdownString(
      [
        `**mlts** — shape server: ${this.serverState}`,
        trusted ? 'Workspace trusted: cells and runs may execute code.' : 'Restricted mode: mlts analyses code but runs none of it.',
      ].join('\n\n'),
    );
    this.item.backgroundColor =
      this.serverState === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}
