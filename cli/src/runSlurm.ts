// `mlts run FILE --executor slurm …`: launches through the path the editor's tasks and launcher take
// (runtime/src/executors/launchRuns.ts), which checks the cluster setup before anything is created or submitted
// (sbatch on PATH, an absolute store path, the partition), queues the runs in the store and submits them as one
// array job; then, unless --detach, this follows the job until every run has ended (the exit status says whether
// all finished). With --detach it exits once the job is submitted; `mlts runs` asks the queue later.
import { isAbsolute } from 'node:path';
import { launchRuns, type LaunchedRuns } from '../../runtime/src/executors/launchRuns';
import { SlurmSetupError } from '../../runtime/src/executors/slurmSubmit';
import { expandGrid } from '../../runtime/src/params/paramsValues';
import { staticParams } from '../../runtime/src/params/paramsCheck';
import type { RunStore } from '../../runtime/src/store/runStore';
import type { CommandIO } from './commandIO';
import type { RunArgs } from './runArgs';
import { followRuns } from './runOutput';

export async function runOnSlurm(parsed: RunArgs, file: string, store: RunStore, runnerPath: string, io: CommandIO): Promise<number> {
  if (parsed.store !== undefined && !isAbsolute(parsed.store)) {
    io.stderr(`mlts run: --store ${parsed.store} is relative; with --executor slurm give an absolute path on a file system the cluster's nodes share\n`);
    return 2;
  }
  let queued = false;
  let launched: LaunchedRuns;
  try {
    launched = launchRuns({
      store,
      file,
      workspace: io.cwd,
      parameterSets: expandGrid(parsed.params, parsed.grid),
      backend: parsed.backend,
      runnerPath,
      target: {
        executor: 'slurm',
        gpusPerRun: parsed.gpusPerRun,
        extraArgs: parsed.sbatchArgs,
        ...(parsed.partition !== undefined ? { partition: parsed.partition } : {}),
        ...(parsed.timeLimit !== undefined ? { timeLimit: parsed.timeLimit } : {}),
        ...(parsed.parallel !== undefined ? { parallel: parsed.parallel } : {}),
      },
      checkParams: staticParams,
      name: parsed.name ?? null,
      follow: false,
      onQueued: (records) => {
        queued = true;
        io.stdout(records.map((r) => `${r.id}\n`).join(''));
      },
    });
  } catch (err) {
    if (err instanceof SlurmSetupError) {
      // Before the runs were queued nothing exists (a setup problem, exit 2); after, sbatch refused the job (exit 1).
      io.stderr(`mlts run: ${err.message}${queued ? '' : '; nothing was submitted'}\n`);
      return queued ? 1 : 2;
    }
    throw err;
  }
  io.stderr(`mlts run: ${launched.summary}; store ${store.root}\n`);
  if (parsed.detach) return 0;
  const slurm = launched.slurm!;
  return followRuns(slurm, store, io, () => slurm.follow());
}
