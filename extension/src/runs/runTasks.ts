// Training runs launched from VS Code are VS Code tasks: a `mlts-run` task with a CustomExecution whose
// pseudoterminal shows the runs' progress in the terminal panel (named by file and parameters) and cancels every
// run of the task when the terminal is closed or the task terminated. The runs themselves are the same as
// `mlts run`'s: runtime/src/runner's scheduler spawns one Node process per run (the `mlts.nodePath` node, not the
// extension host's Electron) and records them in the workspace's `.mlts/` store; a task with `"executor": "slurm"`
// submits them to a Slurm cluster instead, and closing its terminal scancels the array job. Nothing starts in an untrusted
// workspace: the terminal says why and the task ends with exit code 1.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { BackendUnavailableError, isBackendRequest, planBackends, type BackendRequest } from '../../../runtime/src/backends/backendOptions';
import { parseWasmThreads } from '../../../runtime/src/backends/wasmThreads';
import { expandGrid, ParamsError } from '../../../runtime/src/params/paramsValues';
import { createQueuedRuns } from '../../../runtime/src/runner/runRequests';
import { RunScheduler, type SchedulerEvent } from '../../../runtime/src/runner/runScheduler';
import { RunStore } from '../../../runtime/src/store/runStore';
import type { RunExecutor } from '../../../runtime/src/executors/executor';
import { SlurmExecutor } from '../../../runtime/src/executors/slurmExecutor';
import { SlurmSetupError } from '../../../runtime/src/executors/slurmSubmit';
import { nodeExecutable } from '../runFile';
import { ensureTrusted } from '../trust';
import { RUN_TASK_TYPE } from '../constants';

type ParamText = string | number | boolean;

/** What a `mlts-run` task in tasks.json (or made by a command) says. */
export interface RunTaskDefinition extends vscode.TaskDefinition {
  type: typeof RUN_TASK_TYPE;
  /** The experiment, absolute or relative to the workspace folder. */
  file: string;
  params?: Record<string, ParamText>;
  grid?: Record<string, ParamText[]>;
  backend?: BackendRequest;
  parallel?: number;
  /** wasm threads per run (1–8); default DEFAULT_WASM_THREADS. */
  threads?: number;
  /** `slurm` submits the grid to a Slurm cluster as one array job (docs/run-store.md); default `local`. */
  executor?: 'local' | 'slurm';
  /** With `slurm`: GPUs per run, the partition, and the time limit (HH:MM:SS). */
  gpusPerRun?: number;
  partition?: string;
  time?: string;
}

/** Executors of the tasks running now, so the Runs view can cancel one run of a grid. */
const liveSchedulers = new Set<RunExecutor>();

/** Cancels a run started by a task of this window; false when no task here owns it. */
export function cancelRunFromTask(id: string): boolean {
  for (const scheduler of liveSchedulers) if (scheduler.cancel(id)) return true;
  return false;
}

/** `file (k=v …)` or `file grid (k=v1|v2 …)`: the terminal's and the task's name. */
export function runTaskName(definition: RunTaskDefinition): string {
  const parts = [
    ...Object.entries(definition.params ?? {}).map(([k, v]) => `${k}=${v}`),
    ...Object.entries(definition.grid ?? {}).map(([k, vs]) => `${k}=${vs.join('|')}`),
  ];
  const base = path.basename(definition.file);
  return parts.length ? `${base} (${parts.join(' ')})` : base;
}

const text = (v: ParamText) => (typeof v === 'string' ? v : JSON.stringify(v));

class RunTerminal implements vscode.Pseudoterminal {
  private readonly written = new vscode.EventEmitter<string>();
  private readonly closed = new vscode.EventEmitter<number>();
  readonly onDidWrite = this.written.event;
  readonly onDidClose = this.closed.event;
  private scheduler: RunExecutor | undefined;

  constructor(
    private readonly definition: RunTaskDefinition,
    private readonly folder: vscode.WorkspaceFolder,
    private readonly runnerPath: string,
  ) {}

  private line(message: string): void {
    this.written.fire(`${message.replace(/\n/g, '\r\n')}\r\n`);
  }

  open(): void {
    if (!ensureTrusted('Training run')) {
      this.line('mlts: this workspace is not trusted, so no run starts. Trust it to train; shape checks keep working.');
      this.closed.fire(1);
      return;
    }
    void this.start().then(
      (code) => this.closed.fire(code),
      (err: unknown) => {
        this.line(`mlts: ${err instanceof Error ? err.message : String(err)}`);
        this.closed.fire(2);
      },
    );
  }

  close(): void {
    this.scheduler?.cancelAll();
  }

  private async start(): Promise<number> {
    const { definition, folder } = this;
    const file = path.resolve(folder.uri.fsPath, definition.file);
    const backend = definition.backend && isBackendRequest(definition.backend) ? definition.backend : 'auto';
    const fixed = Object.fromEntries(Object.entries(definition.params ?? {}).map(([k, v]) => [k, text(v)]));
    const grid = Object.entries(definition.grid ?? {}).map(([k, vs]) => [k, vs.map(text)] as [string, string[]]);
    const store = RunStore.forWorkspace(folder.uri.fsPath);
    let scheduler: RunExecutor;
    try {
      if (definition.executor === 'slurm') {
        scheduler = this.submitToSlurm(file, backend, expandGrid(fixed, grid), store);
        liveSchedulers.add(scheduler);
        this.scheduler = scheduler;
        return await this.finish(scheduler);
      }
      const threads = definition.threads === undefined ? undefined : parseWasmThreads(String(definition.threads));
      const plan = planBackends(backend, path.dirname(file));
      const parameterSets = expandGrid(fixed, grid);
      const records = createQueuedRuns(store, {
        file,
        workspace: folder.uri.fsPath,
        parameterSets,
        requestedBackend: backend,
        group: parameterSets.length > 1 ? `${path.basename(file)}@${new Date().toISOString()}` : null,
      });
      const local = new RunScheduler({
        store,
        runnerPath: this.runnerPath,
        nodePath: nodeExecutable(vscode.Uri.file(file)),
        cwd: folder.uri.fsPath,
        plan,
        parallel: definition.parallel,
        threads,
      });
      this.line(`mlts: ${records.length} run${records.length === 1 ? '' : 's'} of ${path.basename(file)}, ${local.parallel} at a time, backend ${backend}`);
      scheduler = local;
      this.scheduler = scheduler;
      liveSchedulers.add(scheduler);
      scheduler.onEvent((event) => this.line(describe(event)));
      local.enqueue(records.map((r) => r.id));
    } catch (err) {
      if (err instanceof BackendUnavailableError || err instanceof ParamsError || err instanceof RangeError || err instanceof SlurmSetupError) {
        this.line(`mlts: ${err.message}`);
        return 2;
      }
      throw err;
    }
    return this.finish(scheduler);
  }

  /** Checks the cluster, queues the runs and submits them as one array job; throws SlurmSetupError first. */
  private submitToSlurm(file: string, backend: BackendRequest, parameterSets: Record<string, string>[], store: RunStore): SlurmExecutor {
    const { definition, folder } = this;
    const plan = planBackends(backend, path.dirname(file));
    const executor = new SlurmExecutor({
      store,
      runnerPath: this.runnerPath,
      nodePath: nodeExecutable(vscode.Uri.file(file)),
      cwd: folder.uri.fsPath,
      backends: plan.candidates,
      backendNotes: plan.skipped,
      gpusPerRun: definition.gpusPerRun ?? 0,
      extraArgs: [],
      ...(definition.partition ? { partition: definition.partition } : {}),
      ...(definition.time ? { timeLimit: definition.time } : {}),
      ...(definition.parallel ? { parallel: definition.parallel } : {}),
    });
    executor.check();
    const group = parameterSets.length > 1 ? `${path.basename(file)}@${new Date().toISOString()}` : null;
    const records = createQueuedRuns(store, { file, workspace: folder.uri.fsPath, parameterSets, requestedBackend: backend, group, executor: 'slurm', detached: true });
    executor.onEvent((event) => this.line(describe(event)));
    const arrayJobId = executor.submit(records, `mlts-${path.basename(file).replace(/\.ml\.ts$|\.ts$/, '')}`);
    this.line(`mlts: ${records.length} run${records.length === 1 ? '' : 's'} of ${path.basename(file)} submitted to Slurm as array job ${arrayJobId}`);
    executor.follow();
    return executor;
  }

  private async finish(scheduler: RunExecutor): Promise<number> {
    const ended = await scheduler.whenIdle();
    liveSchedulers.delete(scheduler);
    this.line(`mlts: ${ended.filter((r) => r.status === 'finished').length} of ${ended.length} finished. Runs are in the mlts Runs view.`);
    return ended.every((r) => r.status === 'finished') ? 0 : 1;
  }
}

function describe(event: SchedulerEvent): string {
  const r = event.record;
  const values = (v: Record<string, number | null>) =>
    Object.entries(v)
      .filter(([k]) => /loss|acc/.test(k))
      .map(([k, x]) => `${k}=${x === null ? 'NaN' : Number(x.toPrecision(4))}`)
      .join(' ');
  switch (event.type) {
    case 'queued':
      return `… ${r.id} queued${r.message ? `: ${r.message}` : ''}`;
    case 'started':
      return `▶ ${r.id}${r.nodeName ? ` on ${r.nodeName}` : ''}${r.jobId ? ` (job ${r.jobId})` : ''}`;
    case 'progress':
      return `  ${r.id} epoch ${event.epoch}/${event.epochs} ${values(event.values)}${event.etaSeconds === null ? '' : ` ETA ${Math.round(event.etaSeconds)}s`}`;
    case 'ended':
      return `${r.status === 'finished' ? '✓' : '✗'} ${r.id} ${r.status}${r.message ? `: ${r.message}` : ''} ${values(r.finalMetrics)}`.trimEnd();
  }
}

/** Makes the task for a definition; `runnerPath` is dist/runtime/runProcess.mjs inside the extension. */
export function createRunTask(definition: RunTaskDefinition, folder: vscode.WorkspaceFolder, runnerPath: string): vscode.Task {
  const task = new vscode.Task(
    definition,
    folder,
    runTaskName(definition),
    'mlts',
    new vscode.CustomExecution(async () => new RunTerminal(definition, folder, runnerPath)),
  );
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated, clear: true };
  return task;
}

/** Resolves `mlts-run` tasks written in tasks.json; it offers none by itself (the command makes them). */
export class RunTaskProvider implements vscode.TaskProvider {
  constructor(private readonly runnerPath: string) {}

  provideTasks(): vscode.Task[] {
    return [];
  }

  resolveTask(task: vscode.Task): vscode.Task | undefined {
    const definition = task.definition as RunTaskDefinition;
    if (definition.type !== RUN_TASK_TYPE || typeof definition.file !== 'string') return undefined;
    const folder = typeof task.scope === 'object' ? task.scope : vscode.workspace.workspaceFolders?.[0];
    return folder ? createRunTask(definition, folder, this.runnerPath) : undefined;
  }
}
