// "mlts: Run File as Script": runs the active `.ml.ts` file top to bottom in a fresh Node process, the way
// `node` would run it after compiling TypeScript, and streams its output to the mlts output channel.
// It is the simplest of the features that execute user code, so it goes through the trust gate like the rest.
// The persistent cell kernel and tracked training runs are separate features with their own modules.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Settings } from './constants';
import { ensureTrusted } from './trust';

export function nodeExecutable(resource: vscode.Uri | undefined): string {
  return vscode.workspace.getConfiguration(undefined, resource).get<string>(Settings.nodePath) || 'node';
}

export async function runActiveFile(context: vscode.ExtensionContext, output: vscode.OutputChannel): Promise<void> {
  if (!ensureTrusted('Run File as Script')) return;
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.uri.scheme !== 'file') {
    void vscode.window.showErrorMessage('mlts: open a saved .ml.ts file to run it.');
    return;
  }
  const document = editor.document;
  if (document.isDirty) await document.save();
  const file = document.uri.fsPath;
  const folder = vscode.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath ?? path.dirname(file);
  const runner = context.asAbsolutePath(path.join('dist', 'runtime', 'runScript.mjs'));
  const node = nodeExecutable(document.uri);

  output.show(true);
  output.appendLine(`▶ ${path.relative(folder, file)} (${node})`);
  const started = Date.now();
  await new Promise<void>((resolve) => {
    const child = spawn(node, [runner, file], { cwd: folder, env: process.env });
    child.stdout.on('data', (chunk: Buffer) => output.append(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.append(chunk.toString()));
    child.on('error', (err) => {
      output.appendLine(`✗ could not start ${node}: ${err.message}. Set "${Settings.nodePath}" to a Node 20+ executable.`);
      resolve();
    });
    child.on('close', (code, signal) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      output.appendLine(code === 0 ? `✓ finished in ${seconds} s` : `✗ exited with ${signal ?? `code ${code}`} after ${seconds} s`);
      resolve();
    });
  });
}
