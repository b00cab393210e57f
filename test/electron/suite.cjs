// The smoke test that runs inside desktop VS Code (loaded by @vscode/test-electron): opening an example
// activates mlts and registers its commands. Plain CommonJS so it needs no build step inside the editor.
const assert = require('node:assert/strict');
const path = require('node:path');
const vscode = require('vscode');

exports.run = async function run() {
  const folder = vscode.workspace.workspaceFolders[0].uri.fsPath;
  const document = await vscode.workspace.openTextDocument(path.join(folder, 'mnist-convnet.ml.ts'));
  await vscode.window.showTextDocument(document);
  const extension = vscode.extensions.getExtension('mlts.mlts');
  assert.ok(extension, 'mlts is installed');
  await extension.activate();
  const commands = await vscode.commands.getCommands(true);
  for (const id of ['mlts.runFile', 'mlts.restartServer', 'mlts.showOutput']) assert.ok(commands.includes(id), id);
};
