// The Slurm executor: submits a grid as one array job (slurmSubmit.ts), then follows it by polling
// `squeue --json` with backoff (1 s, doubling while nothing changes, at most 10 s) and writes into each run's
// run.json what the cluster says: queued (with Slurm's reason), running (and where), and the end Slurm saw when
// the run could not write its own (killed on a node, cancelled before it started), or `lost` when the task left
// the queue without a final record of its run. The run processes write their own state.json on the nodes. It
// offers the local scheduler's interface (enqueue, cancel, cancelAll, whenIdle, onEvent), so `mlts run` drives
// either. `reconcileSlurmRuns` does one such poll for readers (`mlts runs`), whose launcher may be long gone.
import { spawn } from 'node:child_process';
import { type RunStore } from '../store/runStore';
import { isFinalStatus, type RunRecord } from '../store/runRecord';
import type { SchedulerEvent } from '../runner/runScheduler';
import { parseSqueueJson, taskIsLive, taskVerdict, type SlurmTask } from './slurmQueue';
import { checkSlurmSetup, sbatchArgs, slurmCommand, submitArray, writeSlurmJob, type SlurmManifest, type SlurmOptions } from './slurmSubmit';

const FIRST_POLL_MS = 1000;
const MAX_POLL_MS = 10_000;
/** How long to wait before believing a final state that the run did not write itself (see queueTasks). */
const SECOND_LOOK_MS = 3000;

export interface SlurmExecutorOptions extends SlurmOptions {
  store: RunStore;
  runnerPath: string;
  nodePath?: string;
  cwd: string;
  backends: string[];
  backendNotes: unknown[];
  batchIntervalMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** Runs squeue --json (argument array, no shell) without blocking the event loop. */
function squeueJson(env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('squeue', ['--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`squeue --json exited ${code}: ${err.trim()}`))));
  });
}

/**
 * The tasks of each array job in the queue now. Slurm can show a task that `scontrol requeue` is restarting in a
 * final state for a moment (seen under load: FAILED, NonZeroExitCode, with the restart already counted, between the
 * kill of the old attempt and PENDING), so a final state that the run's own record does not confirm is believed
 * only if a second look SECOND_LOOK_MS later still shows it (or the task has left by then).
 */
async function queueTasks(store: RunStore, env: NodeJS.ProcessEnv, runs: { id: string; arrayJobId: string; taskId: number }[]): Promise<Map<string, SlurmTask[]>> {
  const read = async () => {
    const text = await squeueJson(env);
    return new Map([...new Set(runs.map((r) => r.arrayJobId))].map((id) => [id, parseSqueueJson(text, id)]));
  };
  const first = await read();
  const doubtful = runs.filter((run) => {
    const task = first.get(run.arrayJobId)!.find((t) => t.taskId === run.taskId);
    if (!task || !isFinalStatus(taskVerdict(task).status)) return false;
    const own = store.readOwnState(run.id);
    return !(own && own.attempt >= taskVerdict(task).attempt && isFinalStatus(own.status));
  });
  if (doubtful.length === 0) return first;
  await new Promise((resolve) => setTimeout(resolve, SECOND_LOOK_MS));
  const second = await read();
  for (const run of doubtful) {
    const tasks = first.get(run.arrayJobId)!;
    const now = second.get(run.arrayJobId)!.find((t) => t.taskId === run.taskId);
    const index = tasks.findIndex((t) => t.taskId === run.taskId);
    if (now) tasks[index] = now;
  }
  return first;
}

/** The array job id and task index of a Slurm run's job id (`123_4`). */
function splitJobId(jobId: string | null): { arrayJobId: string; taskId: number } | null {
  const match = /^(\d+)_(\d+)$/.exec(jobId ?? '');
  return match ? { arrayJobId: match[1]!, taskId: Number(match[2]) } : null;
}

/**
 * Writes into run.json what the queue says of one run; returns the merged record. `task` undefined means the
 * task is no longer listed.
 */
function recordTask(store: RunStore, id: string, task: SlurmTask | undefined): RunRecord | null {
  const current = store.read(id);
  if (!current) return null;
  const own = store.readOwnState(id);
  if (task === undefined) {
    if (isFinalStatus(current.status)) {
      // The job has left; its end is known now, so later readers need not ask the queue about it again.
      const launch = store.readLaunch(id);
      if (launch && !isFinalStatus(launch.status)) store.update(id, (r) => Object.assign(r, { status: current.status, endedAt: current.endedAt, message: current.message }));
      return current;
    }
    return store.update(id, (launch) => {
      launch.status = 'lost';
      launch.message = `job ${current.jobId} left the queue without its run writing how it ended`;
      launch.endedAt = new Date().toISOString();
    });
  }
  const verdict = taskVerdict(task);
  const launch = store.readLaunch(id)!;
  // A final own state of the current attempt says more than the queue does; a requeue starts a new attempt.
  if (own && own.attempt >= verdict.attempt && isFinalStatus(own.status) && verdict.status !== 'queued') return current;
  const node = task.node ?? launch.nodeName;
  if (launch.status === verdict.status && launch.message === verdict.message && launch.attempt === verdict.attempt && launch.nodeName === node) return current;
  return store.update(id, (r) => {
    r.status = verdict.status;
    r.message = verdict.message;
    r.attempt = verdict.attempt;
    r.nodeName = node;
    if (isFinalStatus(verdict.status)) {
      r.endedAt ??= new Date().toISOString();
      r.exitCode = verdict.exitCode;
      r.signal = verdict.signal;
    }
  });
}

/** One poll for readers: updates every unfinished Slurm run of `runs` from squeue; returns the runs as they are now. */
export async function reconcileSlurmRuns(store: RunStore, runs: RunRecord[], env: NodeJS.ProcessEnv = process.env): Promise<RunRecord[]> {
  // Open: the executor has not seen the job end (a run may have written its end, and then been requeued).
  const open = runs.filter((r) => r.executor === 'slurm' && splitJobId(r.jobId) && !isFinalStatus(store.readLaunch(r.id)?.status ?? 'finished'));
  if (open.length === 0) return runs;
  const located = open.map((run) => ({ id: run.id, ...splitJobId(run.jobId)! }));
  const byArray = await queueTasks(store, env, located);
  const updated = new Map<string, RunRecord>();
  for (const { id, arrayJobId, taskId } of located) {
    const record = recordTask(store, id, byArray.get(arrayJobId)!.find((t) => t.taskId === taskId));
    if (record) updated.set(id, record);
  }
  return runs.map((r) => updated.get(r.id) ?? r);
}

/** Cancels Slurm runs: the whole array when every task of it is named, else task by task. */
export function scancelRuns(runs: RunRecord[], env: NodeJS.ProcessEnv = process.env, allOfArray = false): string[] {
  const targets = allOfArray ? [...new Set(runs.map((r) => splitJobId(r.jobId)?.arrayJobId).filter((j): j is string => !!j))] : runs.map((r) => r.jobId).filter((j): j is string => !!j);
  if (targets.length === 0) return [];
  const result = slurmCommand('scancel', targets, env);
  if (result.code !== 0) throw new Error(`scancel ${targets.join(' ')} failed: ${result.stderr.trim()}`);
  return targets;
}

export class SlurmExecutor {
  readonly parallel: number;
  private readonly listeners: ((event: SchedulerEvent) => void)[] = [];
  private runs: RunRecord[] = [];
  private arrayJobId: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private pollMs = FIRST_POLL_MS;
  private idleWaiters: ((ended: RunRecord[]) => void)[] = [];
  private readonly announced = new Set<string>();
  /** Every run's final record, once all have ended. */
  private ended: RunRecord[] | null = null;
  private readonly env: NodeJS.ProcessEnv;
  private stopped = false;

  constructor(private readonly options: SlurmExecutorOptions) {
    this.env = options.env ?? process.env;
    this.parallel = options.parallel ?? 0;
  }

  /** Checks the setup (throws SlurmSetupError before anything is submitted). */
  check(): void {
    checkSlurmSetup(this.options.store, this.options, this.env);
  }

  onEvent(listener: (event: SchedulerEvent) => void): void {
    this.listeners.push(listener);
  }

  /** Submits the queued runs as one array job; records the job id of each. Returns the array job id. */
  submit(records: RunRecord[], jobName: string): string {
    const { store } = this.options;
    const manifest: SlurmManifest = {
      format: 1,
      storeRoot: store.root,
      cwd: this.options.cwd,
      file: records[0]!.file,
      runs: records.map((r) => ({ id: r.id, overrides: r.overrides })),
      backends: this.options.backends,
      backendNotes: this.options.backendNotes,
      ...(this.options.batchIntervalMs !== undefined ? { batchIntervalMs: this.options.batchIntervalMs } : {}),
    };
    const jobDir = writeSlurmJob(store, manifest, this.options.runnerPath, this.options.nodePath ?? process.execPath);
    let arrayJobId: string;
    try {
      arrayJobId = submitArray(sbatchArgs(jobDir, records, this.options, jobName, this.options.cwd), this.env);
    } catch (err) {
      for (const r of records) store.update(r.id, (launch) => Object.assign(launch, { status: 'failed', message: (err as Error).message, endedAt: new Date().toISOString() }));
      throw err;
    }
    this.arrayJobId = arrayJobId;
    this.runs = records.map((r, index) => store.update(r.id, (launch) => Object.assign(launch, { jobId: `${arrayJobId}_${index}`, message: `submitted as ${arrayJobId}_${index}` }))!);
    return arrayJobId;
  }

  /** Follows the submitted job until every run has ended; the events say what changed. */
  follow(): void {
    this.schedule(0);
  }

  /** Stops polling without cancelling anything: the runs go on and own their records (an editor window closing). */
  stopFollowing(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  cancel(id: string): boolean {
    const run = this.runs.find((r) => r.id === id);
    if (!run) return false;
    scancelRuns([run], this.env);
    this.schedule(0);
    return true;
  }

  cancelAll(): void {
    if (this.runs.length) scancelRuns(this.runs, this.env, true);
    this.schedule(0);
  }

  whenIdle(): Promise<RunRecord[]> {
    if (this.ended) return Promise.resolve(this.ended);
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.poll(), delayMs);
  }

  /** The event that tells what changed between two polls of a run, if anything did. */
  private eventFor(before: RunRecord, after: RunRecord, live: boolean): SchedulerEvent | null {
    if (isFinalStatus(after.status)) {
      // A run that wrote its end while Slurm still winds the task down is announced once the task has left.
      if (live || this.announced.has(after.id)) return null;
      this.announced.add(after.id);
      return { type: 'ended', record: after };
    }
    if (after.status === 'running' && (before.status !== 'running' || after.attempt !== before.attempt)) return { type: 'started', record: after };
    if (after.status === 'running' && after.progress && JSON.stringify(after.progress) !== JSON.stringify(before.progress)) {
      return { type: 'progress', record: after, epoch: after.progress.epoch, epochs: after.progress.epochs, etaSeconds: null, values: after.finalMetrics };
    }
    if (after.status !== before.status || after.message !== before.message || after.attempt !== before.attempt) return { type: 'queued', record: after };
    return null;
  }

  private emit(event: SchedulerEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private async poll(): Promise<void> {
    this.timer = null;
    let tasks: SlurmTask[];
    try {
      const arrayJobId = this.arrayJobId!;
      const located = this.runs.map((run, taskId) => ({ id: run.id, arrayJobId, taskId }));
      tasks = (await queueTasks(this.options.store, this.env, located)).get(arrayJobId)!;
    } catch {
      // The controller may be busy or restarting: ask again later rather than calling every run lost.
      this.pollMs = Math.min(MAX_POLL_MS, this.pollMs * 2);
      return this.schedule(this.pollMs);
    }
    let changed = false;
    const live = new Set(tasks.filter(taskIsLive).map((t) => t.taskId));
    this.runs = this.runs.map((before, index) => {
      const after = recordTask(this.options.store, before.id, tasks.find((t) => t.taskId === index)) ?? before;
      const event = this.eventFor(before, after, live.has(index));
      if (event) {
        changed = true;
        this.emit(event);
      }
      return after;
    });
    const done = this.runs.every((r, index) => isFinalStatus(r.status) && !live.has(index));
    if (done) {
      this.ended = this.runs;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const wake of waiters) wake(this.runs);
      return;
    }
    this.pollMs = changed ? FIRST_POLL_MS : Math.min(MAX_POLL_MS, this.pollMs * 2);
    this.schedule(this.pollMs);
  }
}
