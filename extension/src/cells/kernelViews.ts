// The kernel's state outside the editor text: a Variables tree view (the kernel's globals with type, and
// shape, dtype and a value preview for tensors) and a status bar item with tfjs memory
// (`tf.memory().numTensors` and bytes), so tensor leaks are visible. Both follow the active `.ml.ts` editor's
// session and refresh after each run.
import * as vscode from 'vscode';
import type { VariableInfo } from '../../../runtime/src/kernel/kernelProtocol';
import { formatBytes } from '../../../webviews/src/profileProtocol';
import { Commands } from '../constants';
import type { KernelSession } from './kernelSession';

export const VARIABLES_VIEW_ID = 'mlts.variables';

class VariablesProvider implements vscode.TreeDataProvider<VariableInfo> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  variables: VariableInfo[] = [];

  set(variables: VariableInfo[]): void {
    this.variables = variables;
    this.changed.fire();
  }

  getTreeItem(v: VariableInfo): vscode.TreeItem {
    const item = new vscode.TreeItem(v.name, vscode.TreeItemCollapsibleState.None);
    item.description = v.tensor ? `Tensor [${v.tensor.shape.join(', ')}] ${v.tensor.dtype}` : `${v.typeName} · ${v.preview}`;
    item.tooltip = new vscode.MarkdownString().appendCodeblock(`${v.name}: ${v.typeName}\n${v.preview}`, 'text');
    item.iconPath = new vscode.ThemeIcon(v.tensor ? 'symbol-array' : v.typeName === 'function' ? 'symbol-function' : 'symbol-variable');
    return item;
  }

  getChildren(element?: VariableInfo): VariableInfo[] {
    return element ? [] : this.variables;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export class KernelViews implements vscode.Disposable {
  private readonly provider = new VariablesProvider();
  private readonly memoryItem = vscode.window.createStatusBarItem('mlts.kernelMemory', vscode.StatusBarAlignment.Left, 9);
  private readonly subscriptions: vscode.Disposable[] = [];
  private session: KernelSession | undefined;
  private sessionSubscription: vscode.Disposable | undefined;

  constructor() {
    this.memoryItem.name = 'mlts kernel memory';
    this.memoryItem.command = Commands.showCellOutput;
    this.subscriptions.push(vscode.window.createTreeView(VARIABLES_VIEW_ID, { treeDataProvider: this.provider }), this.memoryItem, this.provider);
  }

  /** Follows a session (the active editor's), or none. */
  follow(session: KernelSession | undefined): void {
    if (session === this.session) return;
    this.sessionSubscription?.dispose();
    this.session = session;
    this.sessionSubscription = session?.onDidFinishRun(() => void this.refresh());
    void this.refresh();
  }

  async refresh(): Promise<void> {
    const session = this.session;
    if (!session || session.kernelState === 'none' || session.kernelState === 'dead') {
      this.provider.set([]);
      this.memoryItem.hide();
      return;
    }
    try {
      const [variables, memory] = await Promise.all([session.variables(), session.memory()]);
      this.provider.set(variables);
      if (memory?.tfjs) {
        this.memoryItem.text = `$(database) tf ${memory.tfjs.numTensors} tensors · ${formatBytes(memory.tfjs.numBytes)}`;
        this.memoryItem.tooltip = `tfjs (${memory.tfjs.backend ?? 'no backend'}): ${memory.tfjs.numTensors} tensors, ${formatBytes(memory.tfjs.numBytes)} in ${memory.tfjs.numDataBuffers} buffers. Kernel heap ${formatBytes(memory.process.heapUsed)}, RSS ${formatBytes(memory.process.rss)}.`;
        this.memoryItem.show();
      } else {
        this.memoryItem.hide();
      }
    } catch {
      // A kernel that died between the run and this request is reported by the session itself.
    }
  }

  dispose(): void {
    this.sessionSubscription?.dispose();
    this.subscriptions.forEach((s) => s.dispose());
  }
}
