// Keeps each `.ml.ts` file's cell outputs across closed files and window reloads. Saving: every change a kernel
// session reports is written to the store's `.mlts/outputs/` (runtime/src/outputs/savedOutputs.ts: atomic
// replace, bounded size), at once when a run ends and at most every SAVE_DELAY_MS while output streams in.
// Restoring: when a file with saved outputs is shown (or its output panel comes back after a reload) and it has no
// session yet, a session is made with those outputs marked as from an earlier kernel, and the user is told that
// the kernel's variables are gone, with Run All one click away. The kernel itself does not survive a reload:
// VS Code ends the extension host, and with it the kernel's protocol pipe, so there is nothing to reconnect to.
// Restoring only shows saved data; nothing runs without the trust gate (Run All passes through it).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readSavedOutputs, storeRootFor, writeSavedOutputs } from '../../../runtime/src/outputs/savedOutputs';
import { STORE_DIR } from '../../../runtime/src/store/runStore';
import type { ToWebview } from '../../../webviews/src/cellOutputProtocol';
import { Commands } from '../constants';
import type { CellController } from './cellCommands';
import { isMlTsDocument } from './cellIndex';
import type { KernelSession } from './kernelSession';

const SAVE_DELAY_MS = 500;

/** The store a file's outputs belong to: `.mlts/` in its workspace folder, else the nearest one above it. */
export function storeRootOf(uri: vscode.Uri): string {
  const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath;
  return folder ? path.join(folder, STORE_DIR) : storeRootFor(uri.fsPath, path.dirname(uri.fsPath));
}

export class OutputPersistence implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Files whose saved outputs were already offered in this window: closing the panel does not bring them back. */
  private readonly restored = new Set<string>();

  constructor(
    private readonly controller: CellController,
    private readonly log: vscode.LogOutputChannel,
  ) {
    // Every session is saved from its creation on, including one a restored panel asks for before start().
    this.disposables.push(controller.onDidCreateSession((session) => this.disposables.push(session.onDidChange((message) => this.onChange(session, message)))));
  }

  /** Restores the files already shown, and each file shown from now on. */
  start(): void {
    this.disposables.push(
      vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((e) => this.restoreFor(e.document, true))),
    );
    for (const editor of vscode.window.visibleTextEditors) this.restoreFor(editor.document, true);
  }

  private onChange(session: KernelSession, message: ToWebview): void {
    if (message.type === 'reset') return;
    const key = session.uri.toString();
    const immediate = message.type === 'runFinished' || message.type === 'kernel';
    if (!immediate && this.timers.has(key)) return;
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => this.save(session), immediate ? 0 : SAVE_DELAY_MS),
    );
  }

  private save(session: KernelSession): void {
    this.timers.delete(session.uri.toString());
    try {
      writeSavedOutputs(storeRootOf(session.uri), session.uri.fsPath, session.outputs.runs);
    } catch (err) {
      // Outputs stay in the panel; only their copy on disk is missing, which the log says.
      this.log.warn(`could not save the outputs of ${session.uri.fsPath}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private restoreFor(document: vscode.TextDocument, showPanel: boolean): void {
    if (isMlTsDocument(document) && document.uri.scheme === 'file') this.restore(document.uri, showPanel);
  }

  /**
   * The session of a file that has none yet, made from its saved outputs; undefined when nothing was saved, the
   * file already has a session, or its outputs were offered before in this window.
   */
  restore(uri: vscode.Uri, showPanel = false): KernelSession | undefined {
    const key = uri.toString();
    if (this.controller.sessionFor(uri) || this.restored.has(key)) return undefined;
    this.restored.add(key);
    const saved = readSavedOutputs(storeRootOf(uri), uri.fsPath);
    if (!saved || saved.runs.length === 0) return undefined;
    const when = new Date(saved.savedAt).toLocaleString();
    const session = this.controller.session(uri);
    session.restoreOutputs(saved.runs, `Outputs from an earlier kernel (saved ${when}); its variables are gone. Run All to rebuild them.`);
    // The file's markdown cells belong among the outputs too; they come from its text, not from the saved runs.
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    if (document) this.controller.sendMarkdown(session, document);
    if (showPanel && !this.controller.panels?.hasKeptPanel(uri)) this.controller.panels?.show(session);
    const runAll = 'Run All';
    const name = path.basename(uri.fsPath);
    void vscode.window.showInformationMessage(`mlts: the outputs of ${name} are restored, but the kernel that made them is gone and its state was lost.`, runAll).then(async (choice) => {
      if (choice !== runAll) return;
      await vscode.window.showTextDocument(uri, { preview: false });
      await vscode.commands.executeCommand(Commands.runAllFresh);
    });
    return session;
  }

  dispose(): void {
    // Pending saves are written now: a window closing mid-stream keeps what was shown.
    for (const key of [...this.timers.keys()]) {
      clearTimeout(this.timers.get(key));
      const session = this.controller.sessionFor(vscode.Uri.parse(key));
      if (session) this.save(session);
    }
    this.disposables.forEach((d) => d.dispose());
  }
}
