// Reading Slurm's queue: `squeue --json` parsed into one entry per array task, and a task's Slurm state mapped to
// a run status. Facts of Slurm 22.05 as Debian ships it that shape this file: squeue --json ignores filters (so
// callers filter by array job id here), a pending array's tasks may be folded into one entry whose
// `array_task_string` lists them ("1-3%1", "4,6-7"), and `exit_code` is the raw wait status (code << 8, or the
// signal number). Finished jobs stay listed for MinJobAge seconds and then vanish; `sacct` needs an accounting
// database most small clusters lack, so a vanished job without a final record of its run is "lost".
// Pure functions; running squeue is left to slurmExecutor.ts.
import type { RunStatus } from '../store/runRecord';

export interface SlurmTask {
  arrayJobId: string;
  taskId: number;
  state: string;
  reason: string | null;
  restarts: number;
  /** Raw wait status: exit code in bits 8–15, terminating signal in bits 0–6. */
  exitCode: number;
  node: string | null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Expands "1-3%1" or "4,6-7" into task ids. */
export function expandTaskString(text: string): number[] {
  const ids: number[] = [];
  for (const part of text.split('%')[0]!.split(',')) {
    const match = /^(\d+)(?:-(\d+))?(?::(\d+))?$/.exec(part.trim());
    if (!match) continue;
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    const step = match[3] === undefined ? 1 : Math.max(1, Number(match[3]));
    for (let id = from; id <= to; id += step) ids.push(id);
  }
  return ids;
}

/** The tasks of `arrayJobId` in squeue's JSON; an unreadable answer throws, so a caller never takes it for "gone". */
export function parseSqueueJson(text: string, arrayJobId: string): SlurmTask[] {
  const value: unknown = JSON.parse(text);
  if (!isObject(value) || !Array.isArray(value.jobs)) throw new Error('squeue --json answered without a jobs list');
  const tasks: SlurmTask[] = [];
  for (const job of value.jobs) {
    if (!isObject(job) || String(job.array_job_id) !== arrayJobId) continue;
    const base = {
      arrayJobId,
      state: typeof job.job_state === 'string' ? job.job_state : 'UNKNOWN',
      reason: typeof job.state_reason === 'string' && job.state_reason !== 'None' ? job.state_reason : null,
      restarts: typeof job.restart_cnt === 'number' ? job.restart_cnt : 0,
      exitCode: typeof job.exit_code === 'number' ? job.exit_code : 0,
      node: typeof job.nodes === 'string' && job.nodes !== '' ? job.nodes : null,
    };
    const folded = typeof job.array_task_string === 'string' ? job.array_task_string : '';
    if (folded) for (const taskId of expandTaskString(folded)) tasks.push({ ...base, taskId });
    else if (typeof job.array_task_id === 'number') tasks.push({ ...base, taskId: job.array_task_id });
  }
  return tasks;
}

/** What the executor records for a task in a given Slurm state: status, message, exit, and the attempt it is. */
export interface TaskVerdict {
  status: RunStatus;
  message: string | null;
  exitCode: number | null;
  signal: string | null;
  attempt: number;
}

const FAILED_STATES = new Set(['FAILED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'BOOT_FAIL', 'DEADLINE']);
const REQUEUED_STATES = new Set(['PREEMPTED', 'REQUEUED', 'REQUEUE_HOLD', 'REQUEUE_FED', 'RESIZING']);

/** Maps a task's state (see docs/run-store.md's Slurm section for the table). */
export function taskVerdict(task: SlurmTask): TaskVerdict {
  const attempt = task.restarts + 1;
  const exitCode = task.exitCode >> 8;
  const signalNumber = task.exitCode & 0x7f;
  const exit = { exitCode: signalNumber ? null : exitCode, signal: signalNumber ? `signal ${signalNumber}` : null };
  const none = { exitCode: null, signal: null };
  if (task.state === 'PENDING' || task.state === 'CONFIGURING' || task.state === 'SUSPENDED') {
    return { status: 'queued', message: task.reason ? `waiting: ${task.reason}` : 'waiting in the queue', attempt, ...none };
  }
  if (task.state === 'RUNNING' || task.state === 'COMPLETING') return { status: 'running', message: task.node ? `running on ${task.node}` : null, attempt, ...none };
  if (task.state === 'COMPLETED') return { status: 'finished', message: null, attempt, ...exit };
  if (task.state === 'CANCELLED') return { status: 'cancelled', message: 'cancelled on the cluster (scancel)', attempt, ...exit };
  if (FAILED_STATES.has(task.state)) {
    const how = signalNumber ? `signal ${signalNumber}` : `exit code ${exitCode}`;
    return { status: 'failed', message: `Slurm: ${task.state}${task.reason ? ` (${task.reason})` : ''}, ${how}`, attempt, ...exit };
  }
  if (REQUEUED_STATES.has(task.state)) return { status: 'queued', message: `requeued (${task.state}); attempt ${attempt + 1} waits`, attempt: attempt + 1, ...none };
  return { status: 'queued', message: `Slurm state ${task.state}`, attempt, ...none };
}

/** Whether Slurm may still start or run the task (so its run's record may still change). */
export function taskIsLive(task: SlurmTask): boolean {
  const verdict = taskVerdict(task);
  return verdict.status === 'queued' || verdict.status === 'running';
}
