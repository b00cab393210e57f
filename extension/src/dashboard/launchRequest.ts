// What the launcher panel's Launch does once workspace trust is granted, without vscode: checks the request again
// on the host (the file is a `.ml.ts` inside the workspace, the backend exists, the grid is not too big, the Slurm
// choices make sense; the webview's own checks are a convenience, never trusted) and launches through launchRuns,
// the path `mlts-run` tasks take, so a Slurm launch is the same array job a task with "executor": "slurm" submits.
// Every refusal is a LaunchRefusedError whose message is shown to the person as it is; nothing has started then.
// runLauncher.ts adds what needs vscode (trust, settings, the workspace folder); tests call this directly.
import { isAbsolute, relative, resolve } from 'node:path';
import { isBackendRequest } from '../../../runtime/src/backends/backendOptions';
import { isLaunchInputError, launchRuns, type LaunchedRuns, type LaunchTarget } from '../../../runtime/src/executors/launchRuns';
import { slurmChoicesProblems } from '../../../runtime/src/executors/slurmChoices';
import { expandGrid } from '../../../runtime/src/params/paramsValues';
import type { ParamsChecker } from '../../../runtime/src/runner/runRequests';
import { RunStore } from '../../../runtime/src/store/runStore';
import { MAX_LAUNCH_RUNS, runCount, type GridAxis, type LaunchTargetChoice } from '../../../webviews/src/launcherProtocol';

/** A launch the panel asked for, with what the host adds (where the runner and node are). */
export interface PanelLaunchRequest {
  /** The workspace folder: its `.mlts/` store receives the runs, and the file must lie inside it. */
  root: string;
  /** The experiment as the panel names it, relative to root. */
  file: string;
  grid: GridAxis[];
  backend: string;
  parallel: number | null;
  target: LaunchTargetChoice;
  runnerPath: string;
  nodePath?: string;
  checkParams?: ParamsChecker;
  env?: NodeJS.ProcessEnv;
}

/** A launch refused before anything started; the message is for the person. */
export class LaunchRefusedError extends Error {
  override name = 'LaunchRefusedError';
}

/** Resolves a file the webview named to an absolute path inside `root`, or undefined. */
export function resolveExperimentIn(root: string, file: string): string | undefined {
  if (isAbsolute(file) || !file.endsWith('.ml.ts')) return undefined;
  const path = resolve(root, file);
  return relative(root, path).startsWith('..') ? undefined : path;
}

/** The executor target for a checked choice; throws LaunchRefusedError for Slurm choices that make no sense. */
function launchTarget(choice: LaunchTargetChoice, parallel: number | null): LaunchTarget {
  const atOnce = parallel !== null ? { parallel } : {};
  if (choice.kind === 'local') return { executor: 'local', ...atOnce };
  const problems = slurmChoicesProblems(choice);
  if (problems.length) throw new LaunchRefusedError(problems.map((p) => p.message).join(' '));
  return {
    executor: 'slurm',
    gpusPerRun: choice.gpusPerRun,
    ...(choice.partition !== null ? { partition: choice.partition } : {}),
    ...(choice.timeLimit !== null ? { timeLimit: choice.timeLimit } : {}),
    ...atOnce,
  };
}

/** Checks and launches; the runs are queued (or submitted) when it returns. */
export function launchFromPanel(request: PanelLaunchRequest): LaunchedRuns {
  const path = resolveExperimentIn(request.root, request.file);
  if (!path) throw new LaunchRefusedError(`${request.file} is not a .ml.ts file in this workspace.`);
  if (!isBackendRequest(request.backend)) throw new LaunchRefusedError(`Unknown backend ${request.backend}.`);
  if (runCount(request.grid) > MAX_LAUNCH_RUNS) throw new LaunchRefusedError(`A launch makes at most ${MAX_LAUNCH_RUNS} runs.`);
  const target = launchTarget(request.target, request.parallel);
  try {
    return launchRuns({
      store: RunStore.forWorkspace(request.root),
      file: path,
      workspace: request.root,
      parameterSets: expandGrid({}, request.grid.map((axis): [string, string[]] => [axis.name, axis.values])),
      backend: request.backend,
      runnerPath: request.runnerPath,
      ...(request.nodePath !== undefined ? { nodePath: request.nodePath } : {}),
      target,
      ...(request.checkParams ? { checkParams: request.checkParams } : {}),
      ...(request.env ? { env: request.env } : {}),
    });
  } catch (err) {
    if (isLaunchInputError(err)) throw new LaunchRefusedError(err.message);
    throw err;
  }
}
