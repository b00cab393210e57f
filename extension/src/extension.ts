// The extension's entry point. `activate` stays short: it creates the shared pieces, registers commands and
// providers, and starts the language server; each feature lives in its own module.
// Activation happens only when a workspace contains `.ml.ts` files, a TypeScript file is opened
// (the server then starts only once a `.ml.ts` file is in play), an output panel is restored, or an mlts command runs.
import * as vscode from 'vscode';
import { CellController } from './cells/cellCommands';
import { CellDecorations } from './cells/cellDecorations';
import { registerCellEditorFeatures } from './cells/cellEditorFeatures';
import { CellIndex, isMlTsDocument } from './cells/cellIndex';
import { CellOutputPanels } from './cells/cellOutputPanel';
import { registerExportCommand } from './cells/exportCells';
import { OutputPersistence } from './cells/outputPersistence';
import { KernelViews } from './cells/kernelViews';
import { Commands, ML_TS_GLOB, OUTPUT_CHANNEL_NAME, RUN_OUTPUT_CHANNEL_NAME } from './constants';
import { ShapeServerClient } from './languageClient';
import { showModelSummary } from './modelSummaryPanel';
import { runActiveFile } from './runFile';
import { registerTrainingRuns } from './runs/runsFeature';
import { registerDashboard } from './dashboard/registerDashboard';
import { registerDataProfile } from './data/profilePanel';
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
  activateCells(context, output);
  registerTrainingRuns(context);
  context.subscriptions.push(...registerDashboard(context, { openDashboard: Commands.openDashboard, openLauncher: Commands.openLauncher }));
  context.subscriptions.push(...registerDataProfile(context, Commands.profileDataFile));

  // Activation by a TypeScript file must stay cheap: start the server only once a `.ml.ts` file is in play.
  if (await mlTsFilesPresent()) {
    await server.start();
    return;
  }
  const waiting = vscode.workspace.onDidOpenTextDocument((document) => {
    if (!isMlTsDocument(document)) return;
    waiting.dispose();
    void server.start();
  });
  context.subscriptions.push(waiting);
}

/** Cells: editor features, the kernel sessions and their commands, outputs, decorations and views. */
function activateCells(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): void {
  const index = new CellIndex();
  const controller = new CellController(index, { extensionPath: context.extensionPath, log });
  const decorations = new CellDecorations(index, (uri) => controller.sessionFor(uri));
  const editorFeatures = registerCellEditorFeatures(index, (document, cellId) => decorations.staleReason(document, cellId));
  const persistence = new OutputPersistence(controller, log);
  // A panel restored after a reload asks for its file's session: one made from the saved outputs when none runs.
  const panels = new CellOutputPanels(context.extensionUri, (uri) => controller.sessionFor(uri) ?? persistence.restore(uri));
  controller.panels = panels;
  const views = new KernelViews();
  const followActiveEditor = () => {
    const editor = vscode.window.activeTextEditor;
    if (editor && isMlTsDocument(editor.document)) views.follow(controller.sessionFor(editor.document.uri));
  };
  context.subscriptions.push(
    index,
    ...editorFeatures.disposables,
    registerExportCommand(controller),
    controller,
    panels,
    decorations,
    views,
    ...controller.register(),
    controller.onDidCreateSession((session) => {
      void vscode.commands.executeCommand('setContext', 'mlts.kernelActive', true);
      context.subscriptions.push(
        session.onDidChange((message) => {
          // Inline summaries change when a run starts or ends; stale marks only when a run ends or the kernel restarts.
          if (message.type === 'runStarted' || message.type === 'runFinished' || message.type === 'kernel') decorations.refreshAll();
          if (message.type === 'runFinished' || (message.type === 'kernel' && message.state !== 'busy')) editorFeatures.refreshLenses();
        }),
      );
      followActiveEditor();
    }),
    vscode.window.onDidChangeActiveTextEditor(followActiveEditor),
  );
  // Started last, so sessions it restores reach the listeners above; disposed first, so pending saves are written.
  context.subscriptions.unshift(persistence);
  persistence.start();
}

async function mlTsFilesPresent(): Promise<boolean> {
  if (vscode.workspace.textDocuments.some(isMlTsDocument)) return true;
  const found = await vscode.workspace.findFiles(ML_TS_GLOB, '**/node_modules/**', 1);
  return found.length > 0;
}

export function deactivate(): void {
  // Everything is in context.subscriptions; VS Code disposes it (kernels are shut down there).
}
