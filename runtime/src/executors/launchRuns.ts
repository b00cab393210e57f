// Launching a grid of runs on a target, the one path that VS Code's `mlts-run` tasks, the launcher panel and
// `mlts run --executor slurm` share: queue the runs in the store and hand them to the local scheduler, or check the
// cluster, queue them as detached and submit them to Slurm as one array job that the Slurm executor then follows.
// What can be wrong with the request (a backend not installed, a parameter that does not fit, a Slurm setup
// problem) throws before anything is queued; only sbatch refusing the job comes after, and then the queued runs are
// recorded failed with its message. isLaunchInputError tells those errors apart from bugs. No vscode here, so tests
// launch through it directly. How the caller shows progress (a terminal, the dashboard) is the caller's business.
import { basename, dirname } from 'node:path';
import { BackendUnavailableError, planBackends, type BackendRequest } from '../backends/backendOptions';
import { ParamsError, type Overrides } from '../params/paramsValues';
import { createQueuedRuns, type ParamsChecker } from '../runner/runRequests';
import { RunScheduler, type SchedulerEvent } from '../runner/runScheduler';
import type { RunRecord } from '../store/runRecord';
import type { RunStore } from '../store/runStore';
import type { RunExecutor } from './executor';
import { SlurmExecutor } from './slurmExecutor';
import { SlurmSetupError } from './slurmSubmit';

/** Where the runs go, with what only that target needs. */
export type LaunchTarget =
  | { executor: 'local'; parallel?: number; threads?: number }
  | { executor: 'slurm'; parallel?: number; gpusPerRun: number; partition?: string; timeLimit?: string; extraArgs?: string[] };

export interface LaunchRequest {
  store: RunStore;
  /** The experiment, absolute. */
  file: string;
  /** The folder the runs start in and their files are named relative to. */
  workspace: string;
  /** One entry per run. */
  parameterSets: Overrides[];
  backend: BackendRequest;
  /** dist/runtime/runProcess.mjs. */
  runnerPath: string;
  nodePath?: string;
  target: LaunchTarget;
  checkParams?: ParamsChecker;
  /** A name for the runs (`mlts run --name`); none by default. */
  name?: string | null;
  /** Called for every change of every run, from the first. */
  onEvent?: (event: SchedulerEvent) => void;
  /** Called once the runs are in the store, before they start or are submitted (`mlts run` prints their ids). */
  onQueued?: (records: RunRecord[]) => void;
  /** Whether a Slurm launch starts following its job at once (default true); `mlts run` starts it itself, or never with --detach. */
  follow?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface LaunchedRuns {
  executor: RunExecutor;
  records: RunRecord[];
  /** One line for a person: how many runs of what, where. */
  summary: string;
  /** The Slurm executor, when the target was Slurm (to stop following without cancelling). */
  slurm?: SlurmExecutor;
}

/** Errors that say what is wrong with a launch request; anything else is a bug worth its stack. */
export function isLaunchInputError(err: unknown): err is Error {
  return err instanceof BackendUnavailableError || err instanceof ParamsError || err instanceof RangeError || err instanceof SlurmSetupError;
}

const plural = (n: number) => `${n} run${n === 1 ? '' : 's'}`;

/** Queues and starts (or submits) one run per parameter set; throws isLaunchInputError errors first. */
export function launchRuns(request: LaunchRequest): LaunchedRuns {
  const { store, file, target } = request;
  const plan = planBackends(request.backend, dirname(file));
  const group = request.parameterSets.length > 1 ? `${basename(file)}@${new Date().toISOString()}` : null;
  const queue = (executor: 'local' | 'slurm') =>
    createQueuedRuns(
      store,
      { file, workspace: request.workspace, parameterSets: request.parameterSets, requestedBackend: request.backend, group, executor, detached: executor === 'slurm', name: request.name ?? null },
      request.checkParams,
    );
  if (target.executor === 'slurm') {
    const slurm = new SlurmExecutor({
      store,
      runnerPath: request.runnerPath,
      ...(request.nodePath !== undefined ? { nodePath: request.nodePath } : {}),
      cwd: request.workspace,
      backends: plan.candidates,
      backendNotes: plan.skipped,
      gpusPerRun: target.gpusPerRun,
      extraArgs: target.extraArgs ?? [],
      ...(target.partition !== undefined ? { partition: target.partition } : {}),
      ...(target.timeLimit !== undefined ? { timeLimit: target.timeLimit } : {}),
      ...(target.parallel !== undefined ? { parallel: target.parallel } : {}),
      ...(request.env ? { env: request.env } : {}),
    });
    slurm.check();
    const records = queue('slurm');
    request.onQueued?.(records);
    if (request.onEvent) slurm.onEvent(request.onEvent);
    const arrayJobId = slurm.submit(records, `mlts-${basename(file).replace(/\.ml\.ts$|\.ts$/, '')}`);
    if (request.follow ?? true) slurm.follow();
    const gpus = target.gpusPerRun > 0 ? `, ${target.gpusPerRun} GPU${target.gpusPerRun === 1 ? '' : 's'} each` : '';
    const limit = target.parallel !== undefined ? `, ${target.parallel} at a time` : '';
    return { executor: slurm, slurm, records, summary: `${plural(records.length)} of ${basename(file)} submitted to Slurm as array job ${arrayJobId}${gpus}${limit}` };
  }
  const records = queue('local');
  request.onQueued?.(records);
  const scheduler = new RunScheduler({
    store,
    runnerPath: request.runnerPath,
    ...(request.nodePath !== undefined ? { nodePath: request.nodePath } : {}),
    cwd: request.workspace,
    plan,
    ...(target.parallel !== undefined ? { parallel: target.parallel } : {}),
    ...(target.threads !== undefined ? { threads: target.threads } : {}),
  });
  if (request.onEvent) scheduler.onEvent(request.onEvent);
  scheduler.enqueue(records.map((r) => r.id));
  return { executor: scheduler, records, summary: `${plural(records.length)} of ${basename(file)}, ${scheduler.parallel} at a time, backend ${request.backend}` };
}
