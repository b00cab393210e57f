// Training runs launched from VS Code are VS Code tasks: a `mlts-run` task with a CustomExecution whose
// pseudoterminal shows the runs' progress in the terminal panel (named by file and parameters) and cancels every
// run of the task when the terminal is closed or the task terminated. The runs themselves are the same as
// `mlts run`'s: launchRuns (runtime/src/executors/launchRuns.ts, shared with the launcher panel) hands them to the
// local scheduler, which spawns one Node process per run (the `mlts.nodePath` node, not the extension host's
// Electron) and records them in the workspace's `.mlts/` store; a task with `"executor": "slurm"` submits them to a
// Slurm cluster instead, and closing its terminal scancels the array job. Nothing starts in an untrusted
// workspace: the terminal says why and the task ends with exit code 1.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isBackendRequest, type BackendRequest } from '../../../runtime/src/backends/backendOptions';
import { parseWasmThreads } from '../../../runtime/src/backends/wasmThreads';
import { expandGrid } from '../../../runtime/src/params/paramsValues';
import type { SchedulerEvent } from '../../../runtime/src/runner/runScheduler';
import { RunStore } from '../../../runtime/src/store/runStore';
import type { RunExecutor } from '../../../runtime/src/executors/executor';
import { isLaunchInputError, launchRuns, type LaunchedRuns, type LaunchTarget } from '../../../runtime/src/executors/launchRuns';
import { nodeExecutable } from '../runFile';
import { trackExecutor } from './liveExecutors';
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

/** The task's executor and its options; a `parallel` or `threads` out of range throws RangeError. */
function taskTarget(definition: RunTaskDefinition): LaunchTarget {
  const parallel = definition.parallel !== undefined ? { parallel: definition.parallel } : {};
  if (definition.executor === 'slurm') {
    return {
      executor: 'slurm',
      gpusPerRun: definition.gpusPerRun ?? 0,
      ...(definition.partition ? { partition: definition.partition } : {}),
      ...(definition.time ? { timeLimit: definition.time } : {}),
      ...parallel,
    };
  }
  return { executor: 'local', ...parallel, ...(definition.threads !== undefined ? { threads: parseWasmThreads(String(definition.threads)) } : {}) };
}

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
    let launched: LaunchedRuns;
    try {
      launched = launchRuns({
        store: RunStore.forWorkspace(folder.uri.fsPath),
        file,
        workspace: folder.uri.fsPath,
        parameterSets: expandGrid(fixed, grid),
        backend,
        runnerPath: this.runnerPath,
        nodePath: nodeExecutable(vscode.Uri.file(file)),
        target: taskTarget(definition),
        onEvent: (event) => this.line(describe(event)),
      });
    } catch (err) {
      if (isLaunchInputError(err)) {
        this.line(`mlts: ${err.message}`);
        return 2;
      }
      throw err;
    }
    this.line(`mlts: ${launched.summary}`);
    this.scheduler = launched.executor;
    // So the Runs view and the dashboard can cancel one run of the grid through its executor.
    trackExecutor(launched.executor);
    return this.finish(launched.executor);
  }

  private async finish(scheduler: RunExecutor): Promise<number> {
    const ended = await scheduler.whenIdle();
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
