// One `.ml.ts` file's kernel as the editor sees it: starts the kernel process (runtime/src/kernel) lazily with
// the inspector on 127.0.0.1 so Debug Cell can attach later without losing state, runs cells one at a time in
// order, turns kernel events into output-panel messages, records runs for stale tracking, and reports a dead
// kernel clearly while keeping the outputs. It shows nothing itself: panels and decorations subscribe to it.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { KernelClient, KernelDiedError, type KernelExit } from '../../../runtime/src/kernel/kernelClient';
import type { ExecuteResult, InterruptReply, MemoryInfo, VariableInfo } from '../../../runtime/src/kernel/kernelProtocol';
import { applyToState, isInformationalStderr, type CellRun, type KernelState, type MarkdownCell, type OutputItem, type OutputState, type ToWebview } from '../../../webviews/src/cellOutputProtocol';
import { nodeExecutable } from '../runFile';
import { cellLabel } from './cellEditorFeatures';
import type { Cell } from './cellIndex';
import { typescriptTools } from '../typescriptToolsLoader';
import { StaleModel } from './staleCells';
import { ensureTrusted } from '../trust';

export interface SessionEnvironment {
  extensionPath: string;
  log: vscode.LogOutputChannel;
}

export class KernelSession implements vscode.Disposable {
  private client: KernelClient | undefined;
  private starting: Promise<KernelClient> | undefined;
  /** Runs are chained so cells execute one at a time, in the order they were asked for. */
  private queue: Promise<unknown> = Promise.resolve();
  private runCounter = 0;
  private state: OutputState;
  readonly stale = new StaleModel((cells) => typescriptTools().analyzeCellDependencies(cells));
  private readonly changed = new vscode.EventEmitter<ToWebview>();
  /** Every change to the outputs or the kernel state, as the message the output panel applies. */
  readonly onDidChange = this.changed.event;
  private readonly finished = new vscode.EventEmitter<CellRun>();
  readonly onDidFinishRun = this.finished.event;

  constructor(
    readonly uri: vscode.Uri,
    private readonly env: SessionEnvironment,
  ) {
    this.state = { file: uri.fsPath, kernel: 'none', runs: [] };
  }

  get outputs(): OutputState {
    return this.state;
  }

  get kernelState(): KernelState {
    return this.state.kernel;
  }

  /** The inspector port of the running kernel, for Debug Cell. */
  get inspectorPort(): number | undefined {
    const url = this.client?.isAlive ? this.client.info.inspectorUrl : null;
    const port = url ? Number(new URL(url).port) : NaN;
    return Number.isFinite(port) ? port : undefined;
  }

  private update(message: ToWebview): void {
    this.state = applyToState(this.state, message);
    this.changed.fire(message);
  }

  private setKernel(state: KernelState, message?: string): void {
    this.update(message ? { type: 'kernel', state, message } : { type: 'kernel', state });
  }

  /** The running kernel, started on first use. */
  ensureKernel(): Promise<KernelClient> {
    if (this.client?.isAlive) return Promise.resolve(this.client);
    if (this.starting) return this.starting;
    this.starting = this.start().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async start(): Promise<KernelClient> {
    this.setKernel('starting');
    const folder = vscode.workspace.getWorkspaceFolder(this.uri)?.uri.fsPath ?? path.dirname(this.uri.fsPath);
    try {
      if (this.client) {
        await this.client.restart();
      } else {
        this.client = await KernelClient.start({
          kernelScript: path.join(this.env.extensionPath, 'dist', 'runtime', 'kernelMain.mjs'),
          cwd: folder,
          nodePath: nodeExecutable(this.uri),
          inspectPort: 0,
        });
        this.client.onEvent((event) => this.onKernelEvent(event));
        this.client.onExit((exit) => this.onKernelExit(exit));
      }
    } catch (err) {
      const message = `The kernel could not start: ${err instanceof Error ? err.message : String(err)}`;
      this.setKernel('dead', message);
      throw new Error(message);
    }
    this.stale.reset();
    this.env.log.info(`kernel for ${this.uri.fsPath}: pid ${this.client.info.pid}, Node ${this.client.info.nodeVersion}`);
    this.setKernel('idle');
    return this.client;
  }

  private onKernelEvent(event: Parameters<Parameters<KernelClient['onEvent']>[0]>[0]): void {
    // Output that arrives while no cell runs (a timer firing later) belongs under the last cell that ran.
    const run = event.cellId ? this.state.runs.find((r) => r.cellId === event.cellId && r.status === 'running') ?? this.lastRun() : this.lastRun();
    if (!run) return;
    const item: OutputItem =
      event.type === 'stream'
        ? { kind: 'stream', name: event.name === 'stderr' && isInformationalStderr(event.text) ? 'info' : event.name, text: event.text }
        : { kind: 'value', value: event.value };
    this.update({ type: 'output', cellId: run.cellId, runId: run.runId, item });
  }

  /** Forgets the outputs of one cell, or of all cells; the kernel and its state are untouched. */
  clearOutputs(cellId?: string): void {
    this.update(cellId === undefined ? { type: 'clear' } : { type: 'clear', cellId });
  }

  /** The file's markdown cells, which the panel shows among the outputs; sent only when they changed. */
  setMarkdown(cells: MarkdownCell[]): void {
    if (JSON.stringify(cells) === JSON.stringify(this.state.markdown ?? [])) return;
    this.update({ type: 'markdown', cells });
  }

  private lastRun(): CellRun | undefined {
    return [...this.state.runs].sort((a, b) => b.startedAt - a.startedAt)[0];
  }

  private onKernelExit(exit: KernelExit): void {
    this.setKernel('dead', exit.message);
    this.stale.reset();
    const restart = 'Restart Kernel';
    void vscode.window.showErrorMessage(`mlts: ${exit.message}`, restart).then((choice) => {
      if (choice === restart) void this.restart();
    });
  }

  /** Runs cells in order, stopping at the first that fails; resolves when the last one finished. */
  run(cells: readonly Cell[], document: vscode.TextDocument): Promise<void> {
    const next = this.queue.then(() => this.runNow(cells, document));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async runNow(cells: readonly Cell[], document: vscode.TextDocument): Promise<void> {
    const client = await this.ensureKernel();
    for (const cell of cells) {
      const result = await this.runOne(client, cell, document);
      if (!result || result.status !== 'ok') return;
    }
  }

  private async runOne(client: KernelClient, cell: Cell, document: vscode.TextDocument): Promise<ExecuteResult | undefined> {
    const runId = ++this.runCounter;
    const run: CellRun = { cellId: cell.id, runId, label: cellLabel(cell), line: cell.startLine, status: 'running', startedAt: Date.now(), items: [] };
    this.update({ type: 'runStarted', run });
    this.setKernel('busy');
    try {
      const result = await client.execute({ cellId: cell.id, runId, code: cell.text, file: document.uri.fsPath, startLine: cell.codeStartLine });
      const finished = {
        type: 'runFinished' as const,
        cellId: cell.id,
        runId,
        status: result.status,
        durationMs: result.durationMs,
        ...(result.value ? { value: result.value } : {}),
        ...(result.error ? { error: result.error } : {}),
        ...(result.message ? { message: result.message } : {}),
      };
      this.update(finished);
      if (result.status === 'ok') this.stale.recordRun(cell.id, cell.text);
      this.setKernel('idle');
      this.finished.fire(this.state.runs.find((r) => r.cellId === cell.id && r.runId === runId)!);
      return result;
    } catch (err) {
      const died = err instanceof KernelDiedError;
      this.update({
        type: 'runFinished',
        cellId: cell.id,
        runId,
        status: 'error',
        durationMs: Date.now() - run.startedAt,
        error: { name: died ? 'KernelDied' : 'Error', message: err instanceof Error ? err.message : String(err), stack: '', frames: [] },
      });
      this.finished.fire(this.state.runs.find((r) => r.cellId === cell.id && r.runId === runId)!);
      return undefined;
    }
  }

  /**
   * Shows outputs saved by an earlier kernel (see outputPersistence.ts), each marked as such, under a kernel
   * message saying its variables are gone. Only for a session whose own kernel has not run anything yet.
   */
  restoreOutputs(runs: readonly CellRun[], message: string): void {
    if (this.client || runs.length === 0) return;
    // A run that was still going when its window closed never finished: it shows as interrupted.
    const restored = runs.map((run): CellRun => ({ ...run, earlierKernel: true, ...(run.status === 'running' ? { status: 'interrupted', message: 'The window closed while this cell ran.' } : {}) }));
    this.runCounter = Math.max(this.runCounter, ...restored.map((r) => r.runId));
    this.update({ type: 'reset', state: { ...this.state, runs: restored, kernel: 'none', kernelMessage: message } });
  }

  async interrupt(): Promise<InterruptReply | undefined> {
    if (!this.client?.isAlive) return undefined;
    const reply = await this.client.interrupt();
    if (reply.outcome === 'notInterruptible') {
      const restart = 'Restart Kernel';
      const choice = await vscode.window.showWarningMessage(`mlts: ${reply.message}`, restart);
      if (choice === restart) await this.restart();
    }
    return reply;
  }

  /**
   * A fresh kernel: state is lost, outputs stay. A cell still running is killed with the old process (its run
   * ends as an error), which also unblocks the queue.
   */
  async restart(): Promise<void> {
    // A session restored from saved outputs exists in untrusted workspaces too; its panel's Restart button must
    // not start a kernel there.
    if (!ensureTrusted('Restart Kernel')) return;
    if (this.client?.isAlive) {
      this.setKernel('starting', 'restarting…');
      await this.client.shutdown(500);
    }
    await this.ensureKernel();
  }

  async variables(): Promise<VariableInfo[]> {
    return this.client?.isAlive && this.state.kernel === 'idle' ? this.client.inspectVariables() : [];
  }

  async memory(): Promise<MemoryInfo | undefined> {
    return this.client?.isAlive && this.state.kernel === 'idle' ? this.client.memory() : undefined;
  }

  dispose(): void {
    void this.client?.shutdown().catch(() => undefined);
    this.changed.dispose();
    this.finished.dispose();
  }
}
