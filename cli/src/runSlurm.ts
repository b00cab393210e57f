// `mlts run FILE --executor slurm …`: checks the cluster setup before anything is created or submitted (sbatch
// on PATH, an absolute store path, the partition), queues the runs in the store, submits them as one array job,
// and then, unless --detach, follows the job until every run has ended (the exit status says whether all
// finished). With --detach it exits once the job is submitted; `mlts runs` asks the queue later.
import { basename, dirname, isAbsolute } from 'node:path';
import { planBackends } from '../../runtime/src/backends/backendOptions';
import { SlurmExecutor } from '../../runtime/src/executors/slurmExecutor';
import { SlurmSetupError } from '../../runtime/src/executors/slurmSubmit';
import { expandGrid } from '../../runtime/src/params/paramsValues';
import { staticParams } from '../../runtime/src/params/paramsCheck';
import { createQueuedRuns } from '../../runtime/src/runner/runRequests';
import type { RunStore } from '../../runtime/src/store/runStore';
import type { CommandIO } from './commandIO';
import type { RunArgs } from './runArgs';
import { followRuns } from './runOutput';

export async function runOnSlurm(parsed: RunArgs, file: string, store: RunStore, runnerPath: string, io: CommandIO): Promise<number> {
  if (parsed.store !== undefined && !isAbsolute(parsed.store)) {
    io.stderr(`mlts run: --store ${parsed.store} is relative; with --executor slurm give an absolute path on a file system the cluster's nodes share\n`);
    return 2;
  }
  const plan = planBackends(parsed.backend, dirname(file));
  const executor = new SlurmExecutor({
    store,
    runnerPath,
    cwd: io.cwd,
    backends: plan.candidates,
    backendNotes: plan.skipped,
    gpusPerRun: parsed.gpusPerRun,
    extraArgs: parsed.sbatchArgs,
    ...(parsed.partition !== undefined ? { partition: parsed.partition } : {}),
    ...(parsed.timeLimit !== undefined ? { timeLimit: parsed.timeLimit } : {}),
    ...(parsed.parallel !== undefined ? { parallel: parsed.parallel } : {}),
  });
  try {
    executor.check();
  } catch (err) {
    if (err instanceof SlurmSetupError) {
      io.stderr(`mlts run: ${err.message}; nothing was submitted\n`);
      return 2;
    }
    throw err;
  }
  const parameterSets = expandGrid(parsed.params, parsed.grid);
  const group = parameterSets.length > 1 ? `${basename(file)}@${new Date().toISOString()}` : null;
  const records = createQueuedRuns(store, { file, workspace: io.cwd, parameterSets, requestedBackend: parsed.backend, group, executor: 'slurm', detached: true, name: parsed.name ?? null }, staticParams);
  io.stdout(records.map((r) => `${r.id}\n`).join(''));
  let arrayJobId: string;
  try {
    arrayJobId = executor.submit(records, `mlts-${basename(file).replace(/\.ml\.ts$|\.ts$/, '')}`);
  } catch (err) {
    if (err instanceof SlurmSetupError) {
      io.stderr(`mlts run: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const gpus = parsed.gpusPerRun > 0 ? `, ${parsed.gpusPerRun} GPU${parsed.gpusPerRun === 1 ? '' : 's'} each` : '';
  const limit = parsed.parallel !== undefined ? `, ${parsed.parallel} at a time` : '';
  io.stderr(`mlts run: ${records.length} run${records.length === 1 ? '' : 's'} of ${basename(file)} submitted to Slurm as array job ${arrayJobId}${gpus}${limit}; store ${store.root}\n`);
  if (parsed.detach) return 0;
  return followRuns(executor, store, io, () => executor.follow());
}
