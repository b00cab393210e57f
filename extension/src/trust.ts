// The single gate in front of everything that executes user code. mlts declares
// `capabilities.untrustedWorkspaces: limited`: in an untrusted workspace it analyses code but runs none of it.
// Every command that would spawn a user process calls `ensureTrusted` first and stops when it returns false.
import * as vscode from 'vscode';

export const UNTRUSTED_MESSAGE =
  'mlts runs no code in an untrusted workspace. Trust this workspace to run cells, debug or train; shape checks keep working.';

const MANAGE_TRUST = 'Manage Workspace Trust';

/** Returns whether user code may run now; when it may not, tells the user why and how to change it. */
export function ensureTrusted(action: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(`${action}: ${UNTRUSTED_MESSAGE}`, MANAGE_TRUST).then((choice) => {
    if (choice === MANAGE_TRUST) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}
