// `mlts runs --cancel ID|GRID`: cancels one run (by id or id suffix) or every unfinished run of a grid (by its
// group name). Slurm runs are cancelled with scancel: the whole array job when every unfinished run of it is
// named, else task by task; local runs get SIGTERM by pid (the run records itself as cancelled), and local runs
// still queued are marked cancelled in run.json, so their launcher never starts them. This command acts as the
// runs' executor here: it writes into run.json only what it did ("cancelled"), never the runs' own state.
import { scancelRuns } from '../../runtime/src/executors/slurmExecutor';
import { isProcessAlive, type RunStore } from '../../runtime/src/store/runStore';
import { isFinalStatus, type RunRecord } from '../../runtime/src/store/runRecord';
import type { CommandIO } from './commandIO';

/** The unfinished runs `target` names: one run id (or its unique suffix), or a grid's group. */
export function cancelTargets(runs: RunRecord[], target: string): RunRecord[] {
  const byId = runs.filter((r) => r.id === target || r.id.endsWith(target));
  const chosen = byId.length ? byId : runs.filter((r) => r.group === target);
  return chosen.filter((r) => !isFinalStatus(r.status));
}

export function cancelRuns(store: RunStore, runs: RunRecord[], target: string, io: CommandIO): number {
  const chosen = cancelTargets(runs, target);
  if (chosen.length === 0) {
    io.stderr(`mlts runs: no unfinished run or grid ${target} in ${store.root}\n`);
    return 1;
  }
  const slurm = chosen.filter((r) => r.executor === 'slurm');
  if (slurm.length) {
    // The whole array when the whole unfinished grid is named: one scancel, and tasks not yet started never start.
    const wholeGrid = chosen.length > 1 && slurm.length === chosen.length;
    const cancelled = scancelRuns(slurm, process.env, wholeGrid);
    io.stderr(`mlts runs: scancel ${cancelled.join(' ')}\n`);
  }
  for (const run of chosen) {
    if (run.executor === 'local' && run.status === 'running' && run.pid !== null && isProcessAlive(run.pid, run.id)) process.kill(run.pid, 'SIGTERM');
    store.update(run.id, (launch) => {
      if (isFinalStatus(launch.status)) return;
      launch.status = 'cancelled';
      launch.message = run.status === 'queued' ? 'cancelled before it started (mlts runs --cancel)' : 'cancelled while running (mlts runs --cancel)';
      launch.endedAt = new Date().toISOString();
    });
    io.stdout(`${run.id} cancelled\n`);
  }
  return 0;
}
