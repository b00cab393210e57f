// The extension's entry point. `activate` stays short: it creates the status bar item and the output channel,
// registers commands, and starts the language server; each feature lives in its own module.
// Activation happens only when a workspace contains `.ml.ts` files, a TypeScript file is opened
// (the server decides whether it is a `.ml.ts` file), or an mlts command runs.
import * as vscode from 'vscode';
import { Commands, ML_TS_GLOB, ML_TS_SUFFIX, OUTPUT_CHANNEL_NAME, RUN_OUTPUT_CHANNEL_NAME } from './constants';
import { ShapeServerClient } from './languageClient';
import { showModelSummary } from './modelSummaryPanel';
import { runActiveFile } from './runFile';
import { MltsStatusBar } from './statusBar';

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
  const runOutput = vscode.window.createOutputChannel(RUN_OUTPUT_CHANNEL_NAME);
  const statusBar = new MltsStatusBar();
  const server = new ShapeServerClient(context, statusBar, output);
  context.subscriptions.push(
    output,
    runOutput,
    statusBar,
    server,
    vscode.workspace.onDidGrantWorkspaceTrust(() => statusBar.render()),
    vscode.commands.registerCommand(Commands.showOutput, () => output.show()),
    vscode.commands.registerCommand(Commands.restartServer, () => server.restart()),
    vscode.commands.registerCommand(Commands.runFile, () => runActiveFile(context, runOutput)),
    vscode.commands.registerCommand(Commands.showModelSummary, (args: unknown) => showModelSummary(context, args)),
  );
  // Activation by a TypeScript file must stay cheap: start the server only once a `.ml.ts` file is in play.
  if (await mlTsFilesPresent()) {
    await server.start();
    return;
  }
  const waiting = vscode.workspace.onDidOpenTextDocument((document) => {
    if (!isMlTs(document.uri)) return;
    waiting.dispose();
    void server.start();
  });
  context.subscriptions.push(waiting);
}

function isMlTs(uri: vscode.Uri): boolean {
  return uri.path.endsWith(ML_TS_SUFFIX);
}

async function mlTsFilesPresent(): Promise<boolean> {
  if (vscode.workspace.textDocuments.some((d) => isMlTs(d.uri))) return true;
  const found = await vscode.workspace.findFiles(ML_TS_GLOB, '**/node_modules/**', 1);
  return found.length > 0;
}

export function deactivate(): void {
  // Everything is in context.subscriptions; VS Code disposes it.
}
