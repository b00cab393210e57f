// The Runs tree view: every run in the `.mlts/` store of each workspace folder, newest first, with a status icon,
// the file and parameters as label, final metrics (or progress) as description, and details in the tooltip. It
// reads the store through runtime/src/store (which also marks runs whose process vanished as killed) and refreshes
// when a run.json or state.json changes. Clicking a run opens its output log.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { RunStore } from '../../../runtime/src/store/runStore';
import { describePlacement, type RunRecord, type RunStatus } from '../../../runtime/src/store/runRecord';
import { Commands } from '../constants';

export interface RunNode {
  kind: 'run';
  store: RunStore;
  record: RunRecord;
}
interface FolderNode {
  kind: 'folder';
  folder: vscode.WorkspaceFolder;
  store: RunStore;
}
type Node = RunNode | FolderNode;

const ICONS: Record<RunStatus, [string, string | undefined]> = {
  queued: ['clock', undefined],
  running: ['sync~spin', 'charts.blue'],
  finished: ['pass', 'testing.iconPassed'],
  failed: ['error', 'testing.iconFailed'],
  killed: ['circle-slash', 'testing.iconFailed'],
  cancelled: ['debug-stop', undefined],
  lost: ['question', 'testing.iconFailed'],
};

const number = (v: number | null | undefined) => (v === null || v === undefined ? 'NaN' : String(Number(v.toPrecision(4))));

function headline(metrics: Record<string, number | null>): string {
  return Object.entries(metrics)
    .filter(([k]) => !['lr', 'samplesPerSecond', 'epochSeconds'].includes(k))
    .slice(0, 4)
    .map(([k, v]) => `${k} ${number(v)}`)
    .join(' · ');
}

export class RunsTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly watchers: vscode.Disposable[] = [];
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor() {
    this.watch();
    this.watchers.push(vscode.workspace.onDidChangeWorkspaceFolders(() => this.watch()));
  }

  private watch(): void {
    for (const w of this.watchers.splice(1)) w.dispose();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      // A run's record is its launcher's run.json and its own state.json (progress, its end): watch both.
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '.mlts/runs/*/{run,state}.json'));
      watcher.onDidCreate(() => this.refreshSoon());
      watcher.onDidChange(() => this.refreshSoon());
      watcher.onDidDelete(() => this.refreshSoon());
      this.watchers.push(watcher);
    }
    this.refresh();
  }

  /** Coalesces bursts of run.json writes (a grid writes many) into one refresh. */
  private refreshSoon(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.refresh();
    }, 300);
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'folder') {
      const item = new vscode.TreeItem(node.folder.name, vscode.TreeItemCollapsibleState.Expanded);
      item.iconPath = vscode.ThemeIcon.Folder;
      return item;
    }
    const r = node.record;
    const params = Object.entries(r.overrides)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    const item = new vscode.TreeItem(`${path.basename(r.relativeFile)}${params ? ` (${params})` : ''}`, vscode.TreeItemCollapsibleState.None);
    item.id = `${node.store.root}/${r.id}`;
    const progress = r.status === 'running' && r.progress ? `epoch ${r.progress.epoch}/${r.progress.epochs} · ` : '';
    const where = describePlacement(r);
    // A cluster run waits in the cluster's queue for a reason worth seeing (Resources, a GPU limit, a requeue hold).
    const reason = r.status === 'queued' && where && r.message ? ` (${r.message})` : '';
    item.description = `${progress}${headline(r.finalMetrics) || r.status + reason}${where ? ` · ${where}` : ''}`;
    const [icon, color] = ICONS[r.status];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    item.contextValue = `mltsRun.${r.status}`;
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendMarkdown(`**${r.id}** — ${r.status}${r.message ? `: ${r.message}` : ''}\n\n`);
    tooltip.appendMarkdown(`- file: \`${r.relativeFile}\` (sha256 ${r.fileHash.slice(0, 12)})\n`);
    tooltip.appendMarkdown(`- params: \`${JSON.stringify(r.params)}\`\n`);
    if (r.backend) tooltip.appendMarkdown(`- backend: ${r.backend.option} on ${r.backend.device}\n`);
    if (where) tooltip.appendMarkdown(`- where: ${where}\n`);
    if (r.git) tooltip.appendMarkdown(`- git: ${r.git.commit.slice(0, 10)}${r.git.dirty ? ' (dirty)' : ''}\n`);
    tooltip.appendMarkdown(`- metrics: ${headline(r.finalMetrics) || 'none yet'}\n`);
    item.tooltip = tooltip;
    item.command = { command: Commands.runsOpenLog, title: 'Open Run Log', arguments: [node] };
    return item;
  }

  getChildren(node?: Node): Node[] {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (!node) {
      if (folders.length === 1) return this.runsOf(RunStore.forWorkspace(folders[0]!.uri.fsPath));
      return folders.map((folder) => ({ kind: 'folder', folder, store: RunStore.forWorkspace(folder.uri.fsPath) }));
    }
    return node.kind === 'folder' ? this.runsOf(node.store) : [];
  }

  private runsOf(store: RunStore): RunNode[] {
    return store
      .list()
      .runs.reverse()
      .map((record) => ({ kind: 'run', store, record }));
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    for (const w of this.watchers) w.dispose();
    this.changed.dispose();
  }
}
