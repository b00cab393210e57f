// Wires the run dashboard and the launcher into the extension: their panels (with serializers, so they come back
// after a reload), the two commands, and the launcher's schedulers, all as disposables for context.subscriptions.
// extension.ts calls this once; the command ids come from constants.ts so package.json and the code stay in step.
import * as vscode from 'vscode';
import { DashboardPanel } from './dashboardPanel';
import { LauncherPanel } from './launcherPanel';
import { RunLauncher } from './runLauncher';

export { DASHBOARD_VIEW_TYPE } from './dashboardPanel';
export { LAUNCHER_VIEW_TYPE } from './launcherPanel';

export interface DashboardCommandIds {
  openDashboard: string;
  openLauncher: string;
}

export function registerDashboard(context: vscode.ExtensionContext, commands: DashboardCommandIds): vscode.Disposable[] {
  const launcher = new RunLauncher(context.extensionUri);
  // Each panel opens the other, so the dashboard's callback reaches the launcher panel created just after it.
  const dashboard = new DashboardPanel(context.extensionUri, () => launcherPanel.show());
  const launcherPanel = new LauncherPanel(context.extensionUri, launcher, () => dashboard.show());
  return [
    launcher,
    dashboard,
    launcherPanel,
    vscode.commands.registerCommand(commands.openDashboard, () => dashboard.show()),
    vscode.commands.registerCommand(commands.openLauncher, () => launcherPanel.show()),
  ];
}
