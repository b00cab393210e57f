// The executors of runs started in this window (by `mlts-run` tasks and by the launcher panel), and the cancel
// that the Runs view and the dashboard share. A local run this window started is cancelled by its own scheduler,
// which follows SIGTERM with SIGKILL if the run does not stop; every other run (a Slurm run, a run `mlts run`
// started in a terminal, one from before a reload) goes through the path `mlts runs --cancel` takes
// (runtime/src/executors/cancelRuns.ts): scancel, or SIGTERM by pid, and "cancelled" in its record.
import { cancelStoredRuns } from '../../../runtime/src/executors/cancelRuns';
import type { RunExecutor } from '../../../runtime/src/executors/executor';
import { isFinalStatus, type RunRecord } from '../../../runtime/src/store/runRecord';
import type { RunStore } from '../../../runtime/src/store/runStore';

const live = new Set<RunExecutor>();

/** Keeps an executor reachable for cancels until every run of it has ended. */
export function trackExecutor(executor: RunExecutor): void {
  live.add(executor);
  void executor.whenIdle().then(() => live.delete(executor));
}

/** Cancels one run; returns what happened in words for a notification, or null when it had already ended. */
export function cancelRunFromEditor(store: RunStore, record: RunRecord, by: string, env: NodeJS.ProcessEnv = process.env): string | null {
  if (isFinalStatus(record.status)) return null;
  if (record.executor === 'local') for (const executor of live) if (executor.cancel(record.id)) return `${record.id} cancelled`;
  const outcome = cancelStoredRuns(store, [record], by, env);
  return outcome.scancelled.length ? `${record.id} cancelled (scancel ${outcome.scancelled.join(' ')})` : `${record.id} cancelled`;
}
