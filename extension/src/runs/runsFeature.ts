// Wires training runs into VS Code: the `mlts-run` task provider, the Runs tree view and the run commands
// ("Run File as Tracked Run" asks for overrides and starts a task; the view's items open a run's log or folder,
// or cancel it). `activate` calls `registerTrainingRuns(context)` once; everything it creates goes to
// `context.subscriptions`. Launching goes through the trust gate inside the task's terminal (runTasks.ts).
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { STDERR_FILE, STDOUT_FILE } from '../../../runtime/src/store/runStore';
import { parseAssignment, ParamsError, splitValues } from '../../../runtime/src/params/paramsValues';
import { ensureTrusted } from '../trust';
import { cancelRunFromEditor } from './liveExecutors';
import { createRunTask, RunTaskProvider, type RunTaskDefinition } from './runTasks';
import { RunsTreeProvider, type RunNode } from './runsTreeProvider';
import { Commands, RUN_TASK_TYPE, RUNS_VIEW_ID } from '../constants';

/** `lr=0.1 hidden=16,32` → params and grid (a value list with commas is a grid axis). */
export function parseOverridesInput(input: string): Pick<RunTaskDefinition, 'params' | 'grid'> {
  const params: Record<string, string> = {};
  const grid: Record<string, string[]> = {};
  for (const word of input.trim().split(/\s+/).filter(Boolean)) {
    const [name, value] = parseAssignment(word, 'each override');
    const values = splitValues(value);
    if (values.length > 1) grid[name] = values;
    else params[name] = value;
  }
  return { params, grid };
}

async function runTracked(runnerPath: string): Promise<void> {
  if (!ensureTrusted('Run File as Tracked Run')) return;
  const editor = vscode.window.activeTextEditor;
  const folder = editor && vscode.workspace.getWorkspaceFolder(editor.document.uri);
  if (!editor || editor.document.uri.scheme !== 'file' || !folder) {
    void vscode.window.showErrorMessage('mlts: open a saved .ml.ts file inside a workspace folder to run it.');
    return;
  }
  if (editor.document.isDirty) await editor.document.save();
  const input = await vscode.window.showInputBox({
    title: 'Run File as Tracked Run',
    prompt: 'Parameter overrides, e.g. learningRate=0.001 hidden=16,32 (a comma list makes a grid). Empty runs the defaults.',
    validateInput: (value) => {
      try {
        parseOverridesInput(value);
        return undefined;
      } catch (err) {
        return err instanceof ParamsError ? err.message : String(err);
      }
    },
  });
  if (input === undefined) return;
  const definition: RunTaskDefinition = {
    type: RUN_TASK_TYPE,
    file: path.relative(folder.uri.fsPath, editor.document.uri.fsPath),
    ...parseOverridesInput(input),
  };
  await vscode.tasks.executeTask(createRunTask(definition, folder, runnerPath));
}

async function openLog(node: RunNode): Promise<void> {
  const dir = node.store.runDir(node.record.id);
  const failed = node.record.status === 'failed' || node.record.status === 'killed';
  const logs = failed ? [STDERR_FILE, STDOUT_FILE] : [STDOUT_FILE, STDERR_FILE];
  const file = logs.map((name) => path.join(dir, name)).find(existsSync);
  if (file) await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: true });
}

function cancel(node: RunNode): void {
  try {
    const done = cancelRunFromEditor(node.store, node.record, 'the Runs view');
    if (done) vscode.window.setStatusBarMessage(`mlts: ${done}`, 5000);
  } catch (err) {
    void vscode.window.showErrorMessage(`mlts: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function registerTrainingRuns(context: vscode.ExtensionContext): void {
  const runnerPath = context.asAbsolutePath(path.join('dist', 'runtime', 'runProcess.mjs'));
  const tree = new RunsTreeProvider();
  context.subscriptions.push(
    tree,
    vscode.window.createTreeView(RUNS_VIEW_ID, { treeDataProvider: tree, showCollapseAll: false }),
    vscode.tasks.registerTaskProvider(RUN_TASK_TYPE, new RunTaskProvider(runnerPath)),
    vscode.commands.registerCommand(Commands.runTracked, () => runTracked(runnerPath)),
    vscode.commands.registerCommand(Commands.runsRefresh, () => tree.refresh()),
    vscode.commands.registerCommand(Commands.runsOpenLog, (node: RunNode) => openLog(node)),
    vscode.commands.registerCommand(Commands.runsOpenFolder, (node: RunNode) =>
      vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(node.store.runDir(node.record.id))),
    ),
    vscode.commands.registerCommand(Commands.runsCancel, (node: RunNode) => cancel(node)),
  );
}
