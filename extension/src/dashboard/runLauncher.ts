// The extension's side of launching runs from the launcher panel: it lists `.ml.ts` files, reads a file's
// parameter declaration statically (declaredParams.ts, without bundling TypeScript), says which backends resolve
// from the file's folder and which Slurm partitions `sinfo` lists, and launches a grid into the workspace's store
// through launchRequest.ts (the checks again, then launchRuns: the local scheduler, or one Slurm array job, as a
// `mlts-run` task does). Launching runs user code, so it calls ensureTrusted first. Executors live until their runs
// end; disposing (the window is closing) cancels local runs still queued or running, but only stops following
// Slurm runs: they are detached, own their records, and go on on the cluster.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import * as vscode from 'vscode';
import { AUTO_ORDER, BACKENDS, cudaDeviceIds, missingPackages } from '../../../runtime/src/backends/backendOptions';
import type { LaunchedRuns } from '../../../runtime/src/executors/launchRuns';
import { listSlurmPartitions } from '../../../runtime/src/executors/slurmSubmit';
import { RunStore } from '../../../runtime/src/store/runStore';
import type { BackendAvailability, GridAxis, LaunchTargetChoice, LauncherParam, SlurmAvailability } from '../../../webviews/src/launcherProtocol';
import { Settings } from '../constants';
import { ensureTrusted } from '../trust';
import { launcherParams, readDeclaredParams } from './declaredParams';
import { trackExecutor } from '../runs/liveExecutors';
import { launchFromPanel, resolveExperimentIn } from './launchRequest';

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
  return root ? resolveExperimentIn(root, file) : undefined;
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

/** Whether this machine reaches a Slurm cluster, and its partitions for the launcher's dropdown. */
export async function slurmAvailability(): Promise<SlurmAvailability> {
  const answer = await listSlurmPartitions();
  return 'problem' in answer ? { available: false, partitions: [], note: answer.problem } : { available: true, partitions: answer.partitions, note: '' };
}

/** Launches runs; keeps their executors so closing the window stops them (see the header for how). */
export class RunLauncher implements vscode.Disposable {
  private readonly live = new Set<LaunchedRuns>();

  constructor(private readonly extensionUri: vscode.Uri) {}

  /** Queues and starts (or submits) one run per grid point; resolves with the launch, or rejects with a message for the person. */
  async launch(file: string, grid: GridAxis[], backend: string, parallel: number | null, target: LaunchTargetChoice): Promise<LaunchedRuns> {
    if (!ensureTrusted('Launch runs')) throw new Error('The workspace is not trusted, so mlts launches no runs.');
    const root = workspaceRoot();
    const path = resolveExperiment(file);
    if (!root || !path) throw new Error(`${file} is not a .ml.ts file in this workspace.`);
    const nodePath = vscode.workspace.getConfiguration(undefined, vscode.Uri.file(path)).get<string>(Settings.nodePath) || undefined;
    const launched = launchFromPanel({
      root,
      file,
      grid,
      backend,
      parallel,
      target,
      runnerPath: join(this.extensionUri.fsPath, 'dist', 'runtime', 'runProcess.mjs'),
      ...(nodePath ? { nodePath } : {}),
      checkParams: launcherParams,
    });
    this.live.add(launched);
    trackExecutor(launched.executor);
    void launched.executor.whenIdle().then(() => this.live.delete(launched));
    return launched;
  }

  dispose(): void {
    for (const launched of this.live) {
      if (launched.slurm) launched.slurm.stopFollowing();
      else launched.executor.cancelAll();
    }
    this.live.clear();
  }
}
