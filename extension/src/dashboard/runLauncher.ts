// The extension's side of launching runs from the launcher panel: it lists `.ml.ts` files, reads a file's
// parameter declaration statically (declaredParams.ts, without bundling TypeScript), says which backends resolve
// from the file's folder, and launches a grid through the runs API (createQueuedRuns with the launcher's params
// check → RunScheduler), as `mlts run` does, into the workspace's store. Launching runs user code, so it calls ensureTrusted first. Schedulers live until their runs end; disposing
// cancels whatever is still queued or running (the window is closing).
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import * as vscode from 'vscode';
import { AUTO_ORDER, BACKENDS, BackendUnavailableError, cudaDeviceIds, isBackendRequest, missingPackages, planBackends } from '../../../runtime/src/backends/backendOptions';
import { expandGrid, ParamsError } from '../../../runtime/src/params/paramsValues';
import { createQueuedRuns } from '../../../runtime/src/runner/runRequests';
import { RunScheduler } from '../../../runtime/src/runner/runScheduler';
import { RunStore } from '../../../runtime/src/store/runStore';
import { MAX_LAUNCH_RUNS, runCount, type BackendAvailability, type GridAxis, type LauncherParam } from '../../../webviews/src/launcherProtocol';
import { Settings } from '../constants';
import { ensureTrusted } from '../trust';
import { launcherParams, readDeclaredParams } from './declaredParams';

/** The folder whose `.mlts/` store the dashboard shows and launches write to: the first workspace folder. */
export function workspaceRoot(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

export function workspaceStore(): RunStore | undefined {
  const root = workspaceRoot();
  return root ? RunStore.forWorkspace(root) : undefined;
}

export async function listExperimentFiles(): Promise<string[]> {
  const root = workspaceRoot();
  if (!root) return [];
  const uris = await vscode.workspace.findFiles('**/*.ml.ts', '**/{node_modules,.mlts,dist,out}/**', 500);
  return uris.map((u) => relative(root, u.fsPath)).sort();
}

/** Resolves a file the webview named to an absolute path inside the workspace, or undefined. */
export function resolveExperiment(file: string): string | undefined {
  const root = workspaceRoot();
  if (!root || isAbsolute(file) || !file.endsWith('.ml.ts')) return undefined;
  const path = resolve(root, file);
  return relative(root, path).startsWith('..') ? undefined : path;
}

export function readDeclaration(path: string): { params: LauncherParam[]; problems: string[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return { params: [], problems: [`cannot read ${basename(path)}: ${(err as Error).message}`] };
  }
  const declaration = readDeclaredParams(text);
  if (!declaration) return { params: [], problems: [] };
  return {
    params: declaration.params.map((p) => ({ name: p.name, type: p.type, text: p.text, ...(p.value !== undefined ? { value: p.value } : {}) })),
    problems: declaration.problems,
  };
}

export function backendAvailability(path: string): BackendAvailability[] {
  const from = dirname(path);
  const list: BackendAvailability[] = [];
  const usable: string[] = [];
  for (const option of AUTO_ORDER) {
    const missing = missingPackages(option, from);
    const noGpu = option === 'node-gpu' && cudaDeviceIds().length === 0;
    if (missing.length) list.push({ option, available: false, note: `needs ${missing.join(', ')}` });
    else if (noGpu) list.push({ option, available: false, note: 'no CUDA GPU visible' });
    else {
      list.push({ option, available: true, note: BACKENDS[option].gpu ? 'GPU' : 'CPU' });
      usable.push(option);
    }
  }
  return [{ option: 'auto', available: true, note: usable.length ? `first of ${usable.join(', ')}` : 'cpu' }, ...list];
}

export function cores(): number {
  return availableParallelism();
}

/** Launches runs; keeps the schedulers so they can be cancelled when the extension goes away. */
export class RunLauncher implements vscode.Disposable {
  private readonly schedulers = new Set<RunScheduler>();

  constructor(private readonly extensionUri: vscode.Uri) {}

  /** Queues and starts one run per grid point; resolves with their ids, or rejects with a message for the person. */
  async launch(file: string, grid: GridAxis[], backend: string, parallel: number | null): Promise<string[]> {
    if (!ensureTrusted('Launch runs')) throw new Error('The workspace is not trusted, so mlts launches no runs.');
    const root = workspaceRoot();
    const path = resolveExperiment(file);
    if (!root || !path) throw new Error(`${file} is not a .ml.ts file in this workspace.`);
    if (!isBackendRequest(backend)) throw new Error(`Unknown backend ${backend}.`);
    if (runCount(grid) > MAX_LAUNCH_RUNS) throw new Error(`A launch makes at most ${MAX_LAUNCH_RUNS} runs.`);
    const store = RunStore.forWorkspace(root);
    try {
      const plan = planBackends(backend, dirname(path));
      const parameterSets = expandGrid({}, grid.map((axis): [string, string[]] => [axis.name, axis.values]));
      const records = createQueuedRuns(
        store,
        {
          file: path,
          workspace: root,
          parameterSets,
          requestedBackend: backend,
          group: parameterSets.length > 1 ? `${basename(path)}@${new Date().toISOString()}` : null,
        },
        launcherParams,
      );
      const nodePath = vscode.workspace.getConfiguration(undefined, vscode.Uri.file(path)).get<string>(Settings.nodePath) || undefined;
      const scheduler = new RunScheduler({
        store,
        runnerPath: join(this.extensionUri.fsPath, 'dist', 'runtime', 'runProcess.mjs'),
        nodePath,
        cwd: root,
        plan,
        ...(parallel !== null ? { parallel } : {}),
      });
      this.schedulers.add(scheduler);
      scheduler.enqueue(records.map((r) => r.id));
      void scheduler.whenIdle().then(() => this.schedulers.delete(scheduler));
      return records.map((r) => r.id);
    } catch (err) {
      if (err instanceof ParamsError || err instanceof BackendUnavailableError) throw new Error(err.message);
      throw err;
    }
  }

  dispose(): void {
    for (const scheduler of this.schedulers) scheduler.cancelAll();
    this.schedulers.clear();
  }
}
