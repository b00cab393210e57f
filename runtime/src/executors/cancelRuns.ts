// Cancelling runs from outside their launcher, the one path that `mlts runs --cancel`, the Runs view and the
// dashboard share: Slurm runs are cancelled with scancel (the whole array job when every unfinished run of it is
// named, else task by task), local runs get SIGTERM by pid (the run records itself as cancelled), and local runs
// still queued are marked cancelled in run.json, so their launcher never starts them. The caller acts as the runs'
// executor here: it writes into run.json only what it did ("cancelled", and by whom), never the runs' own state.
import { scancelRuns } from './slurmExecutor';
import { isProcessAlive, type RunStore } from '../store/runStore';
import { isFinalStatus, type RunRecord } from '../store/runRecord';

/** The unfinished runs `target` names: one run id (or its unique suffix), or a grid's group. */
export function cancelTargets(runs: RunRecord[], target: string): RunRecord[] {
  const byId = runs.filter((r) => r.id === target || r.id.endsWith(target));
  const chosen = byId.length ? byId : runs.filter((r) => r.group === target);
  return chosen.filter((r) => !isFinalStatus(r.status));
}

export interface CancelOutcome {
  /** What scancel was given (array job ids or `ArrayJobId_TaskId`); empty when no Slurm run was named. */
  scancelled: string[];
  /** The runs now recorded as cancelled. */
  cancelled: string[];
}

/**
 * Cancels `chosen` (unfinished runs, as cancelTargets returns them); `by` names who asked, for the record's
 * message (`mlts runs --cancel`, `the Runs view`). Throws when scancel fails; nothing is recorded then.
 */
export function cancelStoredRuns(store: RunStore, chosen: RunRecord[], by: string, env: NodeJS.ProcessEnv = process.env): CancelOutcome {
  const slurm = chosen.filter((r) => r.executor === 'slurm');
  // The whole array when the whole unfinished grid is named: one scancel, and tasks not yet started never start.
  const wholeGrid = chosen.length > 1 && slurm.length === chosen.length;
  const scancelled = slurm.length ? scancelRuns(slurm, env, wholeGrid) : [];
  const cancelled: string[] = [];
  for (const run of chosen) {
    if (run.executor === 'local' && run.status === 'running' && run.pid !== null && isProcessAlive(run.pid, run.id)) process.kill(run.pid, 'SIGTERM');
    const record = store.update(run.id, (launch) => {
      if (isFinalStatus(launch.status)) return;
      launch.status = 'cancelled';
      launch.message = run.status === 'queued' ? `cancelled before it started (${by})` : `cancelled while running (${by})`;
      launch.endedAt = new Date().toISOString();
    });
    if (record) cancelled.push(run.id);
  }
  return { scancelled, cancelled };
}
