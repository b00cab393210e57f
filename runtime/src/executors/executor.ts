// What `mlts run` and the extension need of an executor once runs are queued or submitted: events as runs change,
// cancelling, and waiting until every run has ended. The local scheduler (runner/runScheduler.ts) and the Slurm
// executor (slurmExecutor.ts) both offer it; a Kubernetes executor would too. How runs get started differs too
// much to share (a queue of processes here, one array job there), so that part is each executor's own.
import type { RunRecord } from '../store/runRecord';
import type { SchedulerEvent } from '../runner/runScheduler';

export interface RunExecutor {
  onEvent(listener: (event: SchedulerEvent) => void): void;
  cancel(id: string): boolean;
  cancelAll(): void;
  /** Resolves with every run's final record once none is queued or running. */
  whenIdle(): Promise<RunRecord[]>;
}
