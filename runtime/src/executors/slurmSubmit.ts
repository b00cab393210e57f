// Submitting a grid to Slurm as one array job: checks that can fail before anything is submitted (sbatch on
// PATH, an absolute store path, a partition the cluster knows), the manifest each array task reads its grid point
// from, the job script, and the sbatch arguments. Every Slurm command is spawned with an argument array, never
// through a shell. The store must be on a file system the cluster's nodes share: the runs write their records
// into it from whichever node Slurm picks.
import { execFile, spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { STDERR_FILE, STDOUT_FILE, type RunStore } from '../store/runStore';
import type { RunRecord } from '../store/runRecord';

export interface SlurmOptions {
  /** GPUs each run gets (`--gres=gpu:N`); 0 asks for none. */
  gpusPerRun: number;
  partition?: string;
  /** Time limit, HH:MM:SS or D-HH:MM:SS. */
  timeLimit?: string;
  /** Passed to sbatch as they are, after mlts's own arguments. */
  extraArgs: string[];
  /** Most tasks of the array running at once (`%N`); default: all. */
  parallel?: number;
}

/** What an array task reads to become its run (runProcess's `--slurm-task MANIFEST`). */
export interface SlurmManifest {
  format: 1;
  storeRoot: string;
  cwd: string;
  file: string;
  /** Run ids by array task index. */
  runs: { id: string; overrides: Record<string, string> }[];
  backends: string[];
  backendNotes: unknown[];
  batchIntervalMs?: number;
}

/** A mistake found before submitting: nothing was submitted. */
export class SlurmSetupError extends Error {
  override name = 'SlurmSetupError';
}

/** Seconds before the time limit at which Slurm sends the run SIGTERM (the run records that it was stopped). */
export const WARNING_SECONDS = 60;

export const MANIFEST_FILE = 'manifest.json';
export const JOB_SCRIPT = 'job.sh';

/** Runs a Slurm command (argument array, no shell); throws SlurmSetupError when it is missing. */
export function slurmCommand(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { env, encoding: 'utf8', timeout: 30_000 });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new SlurmSetupError(`${command} is not on PATH: --executor slurm needs Slurm's client commands (sbatch, squeue, scancel) on this machine`);
  }
  if (result.error) throw new SlurmSetupError(`${command} failed: ${result.error.message}`);
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Checks what can be checked before submitting; throws SlurmSetupError with a message saying what to change. */
export function checkSlurmSetup(store: RunStore, options: SlurmOptions, env: NodeJS.ProcessEnv = process.env): void {
  if (!isAbsolute(store.root)) {
    throw new SlurmSetupError(`the store path ${store.root} is relative; Slurm jobs run elsewhere and need an absolute path on a file system the nodes share`);
  }
  for (const command of ['sbatch', 'squeue', 'scancel', 'sinfo']) {
    if (!onPath(command, env)) throw new SlurmSetupError(`${command} is not on PATH: --executor slurm needs Slurm's client commands (sbatch, squeue, scancel, sinfo) on this machine`);
  }
  const partitions = slurmCommand('sinfo', ['--noheader', '--format=%R'], env);
  if (partitions.code !== 0) throw new SlurmSetupError(`sinfo could not reach the cluster: ${partitions.stderr.trim()}`);
  const known = partitions.stdout.split('\n').map((p) => p.trim()).filter(Boolean);
  if (options.partition !== undefined && !known.includes(options.partition)) {
    throw new SlurmSetupError(`the cluster has no partition ${options.partition}; it has ${known.join(', ') || 'none'}`);
  }
}

/**
 * The cluster's partitions, asked without blocking (for an editor that lists them while the person types), or why
 * there are none to list: no `sinfo` on PATH, or a controller that does not answer.
 */
export function listSlurmPartitions(env: NodeJS.ProcessEnv = process.env): Promise<{ partitions: string[] } | { problem: string }> {
  if (!onPath('sinfo', env)) return Promise.resolve({ problem: 'sinfo is not on PATH' });
  return new Promise((resolve) => {
    execFile('sinfo', ['--noheader', '--format=%R'], { env, timeout: 10_000 }, (err, stdout, stderr) => {
      if (err) resolve({ problem: `sinfo could not reach the cluster: ${(stderr || err.message).trim().split('\n')[0]}` });
      else resolve({ partitions: [...new Set(stdout.split('\n').map((p) => p.trim()).filter(Boolean))] });
    });
  });
}

/** Whether an executable named `command` is in one of PATH's folders. */
function onPath(command: string, env: NodeJS.ProcessEnv): boolean {
  return (env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Writes the job's folder (<store>/jobs/<first run id>/): the manifest, the job script, and one link per array
 * task to its run's folder, so `--output`/`--error` with `%a` land in the run's own stdout.log and stderr.log.
 */
export function writeSlurmJob(store: RunStore, manifest: SlurmManifest, runnerPath: string, nodePath: string): string {
  const dir = join(store.root, 'jobs', manifest.runs[0]!.id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
  manifest.runs.forEach((run, index) => symlinkSync(store.runDir(run.id), join(dir, String(index)), 'dir'));
  // exec, so Slurm's signals (scancel, the time-limit warning) reach the run process itself.
  const script = `#!/bin/sh\n# mlts: one array task runs the run process for its grid point (see ${MANIFEST_FILE}).\nexec ${shellQuote(nodePath)} ${shellQuote(runnerPath)} --slurm-task ${shellQuote(join(dir, MANIFEST_FILE))}\n`;
  writeFileSync(join(dir, JOB_SCRIPT), script);
  chmodSync(join(dir, JOB_SCRIPT), 0o755);
  return dir;
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The sbatch arguments for a job folder made by writeSlurmJob. */
export function sbatchArgs(jobDir: string, runs: readonly RunRecord[], options: SlurmOptions, jobName: string, cwd: string): string[] {
  const last = runs.length - 1;
  const args = [
    '--parsable',
    `--array=0-${last}${options.parallel ? `%${options.parallel}` : ''}`,
    `--job-name=${jobName}`,
    `--output=${join(jobDir, '%a', STDOUT_FILE)}`,
    `--error=${join(jobDir, '%a', STDERR_FILE)}`,
    '--open-mode=append',
    '--requeue',
    `--signal=TERM@${WARNING_SECONDS}`,
    `--chdir=${cwd}`,
  ];
  if (options.gpusPerRun > 0) args.push(`--gres=gpu:${options.gpusPerRun}`);
  if (options.partition !== undefined) args.push(`--partition=${options.partition}`);
  if (options.timeLimit !== undefined) args.push(`--time=${options.timeLimit}`);
  return [...args, ...options.extraArgs, join(jobDir, JOB_SCRIPT)];
}

/** Submits; returns the array job id. */
export function submitArray(args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const result = slurmCommand('sbatch', args, env);
  const id = result.stdout.trim().split(';')[0] ?? '';
  if (result.code !== 0 || !/^\d+$/.test(id)) throw new SlurmSetupError(`sbatch refused the job: ${(result.stderr || result.stdout).trim()}`);
  return id;
}
