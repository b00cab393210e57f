// Launches and supervises runs: each queued run becomes its own Node process (runProcess.mjs) once a slot is free,
// up to `parallel` at a time (default: one per core for CPU backends, one per GPU for GPU backends, each GPU run
// seeing only its own device through CUDA_VISIBLE_DEVICES). It is the local executor: it writes each run's run.json
// with what it knows (queued, the pid it spawned, cancelled), while the run process writes its own state.json.
// Only when a process ended without writing how (SIGKILL, a crash) does the scheduler record what it saw of the
// exit (killed by a signal it did not send, failed with a code, cancelled by `cancel`). It emits events for
// progress (epoch x/y and ETA) from the run's IPC messages. Used by `mlts run` and the extension alike; it knows
// nothing of terminals or VS Code.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { join } from 'node:path';
import { BACKENDS, type BackendPlan } from '../backends/backendOptions';
import { STDERR_FILE, STDOUT_FILE, type RunStore } from '../store/runStore';
import { isFinalStatus, type RunOwnState, type RunRecord } from '../store/runRecord';
import { diskFullText } from '../store/diskFull';
import { isRunMessage, RunEnv, type RunMessage } from './runProtocol';

export interface SchedulerOptions {
  store: RunStore;
  /** dist/runtime/runProcess.mjs. */
  runnerPath: string;
  /** Node executable for runs (default: the current one). */
  nodePath?: string;
  /** Working directory of the run processes. */
  cwd: string;
  plan: BackendPlan;
  /** Most runs at once; default from the plan (GPUs) or the number of cores. */
  parallel?: number;
  /** Minimum milliseconds between recorded batch points. */
  batchIntervalMs?: number;
  /** Threads per run on wasm; default DEFAULT_WASM_THREADS (wasmThreads.ts). */
  threads?: number;
  env?: NodeJS.ProcessEnv;
  /** Runs outlive this process (`--detach`); otherwise each run stops itself when this process dies. */
  detached?: boolean;
}

export type SchedulerEvent =
  /** A cluster run's queue state changed (waiting for resources, requeued); the local scheduler never sends it. */
  | { type: 'queued'; record: RunRecord }
  | { type: 'started'; record: RunRecord }
  | { type: 'progress'; record: RunRecord; epoch: number; epochs: number; etaSeconds: number | null; values: Record<string, number | null> }
  | { type: 'ended'; record: RunRecord };

interface Active {
  child: ChildProcess;
  startedMs: number;
  cancelRequested: boolean;
  gpu: string | undefined;
  error: string | null;
  /** What the events show while the run goes on (kept from IPC messages; never written: the run writes its own). */
  record: RunRecord;
}

/** How long a cancelled run gets to exit after SIGTERM before SIGKILL. */
const CANCEL_GRACE_MS = 5000;

export function defaultParallel(plan: BackendPlan): number {
  const first = plan.candidates[0];
  if (first && BACKENDS[first].gpu) return Math.max(1, plan.gpus.length);
  return Math.max(1, availableParallelism());
}

export class RunScheduler {
  readonly parallel: number;
  private readonly queue: string[] = [];
  private readonly active = new Map<string, Active>();
  private readonly freeGpus: string[];
  private readonly listeners: ((event: SchedulerEvent) => void)[] = [];
  private readonly ended: RunRecord[] = [];
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: SchedulerOptions) {
    this.parallel = Math.max(1, options.parallel ?? defaultParallel(options.plan));
    this.freeGpus = [...options.plan.gpus];
  }

  onEvent(listener: (event: SchedulerEvent) => void): void {
    this.listeners.push(listener);
  }

  /** Queues runs already created in the store (status queued) and starts as many as there are free slots. */
  enqueue(ids: string[]): void {
    this.queue.push(...ids);
    this.pump();
  }

  /** Cancels one run: a queued run never starts, a running one gets SIGTERM (then SIGKILL). */
  cancel(id: string): boolean {
    const queued = this.queue.indexOf(id);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      const record = this.options.store.update(id, (r) => {
        r.status = 'cancelled';
        r.endedAt = new Date().toISOString();
        r.message = 'cancelled before it started';
      });
      if (record) this.finish(record);
      return true;
    }
    const active = this.active.get(id);
    if (!active) return false;
    active.cancelRequested = true;
    active.child.kill('SIGTERM');
    setTimeout(() => active.child.exitCode === null && active.child.signalCode === null && active.child.kill('SIGKILL'), CANCEL_GRACE_MS).unref();
    return true;
  }

  cancelAll(): void {
    for (const id of [...this.queue].reverse()) this.cancel(id);
    for (const id of this.active.keys()) this.cancel(id);
  }

  /** Resolves with every ended run's final record once nothing is queued or running. */
  whenIdle(): Promise<RunRecord[]> {
    if (this.queue.length === 0 && this.active.size === 0) return Promise.resolve([...this.ended]);
    return new Promise((resolve) => this.idleWaiters.push(() => resolve([...this.ended])));
  }

  private emit(event: SchedulerEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private pump(): void {
    while (this.active.size < this.parallel && this.queue.length > 0) this.start(this.queue.shift()!);
    if (this.queue.length === 0 && this.active.size === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const wake of waiters) wake();
    }
  }

  private start(id: string): void {
    const { store } = this.options;
    const record = store.readLaunch(id);
    if (!record || record.status !== 'queued') return;
    const dir = store.runDir(id);
    const gpu = this.freeGpus.shift();
    const out = openSync(join(dir, STDOUT_FILE), 'a');
    const err = openSync(join(dir, STDERR_FILE), 'a');
    const env: NodeJS.ProcessEnv = {
      ...(this.options.env ?? process.env),
      [RunEnv.runDir]: dir,
      [RunEnv.runId]: id,
      [RunEnv.params]: JSON.stringify(record.overrides),
      [RunEnv.backends]: JSON.stringify(this.options.plan.candidates),
      [RunEnv.backendNotes]: JSON.stringify(this.options.plan.skipped),
    };
    if (this.options.batchIntervalMs !== undefined) env[RunEnv.batchIntervalMs] = String(this.options.batchIntervalMs);
    if (this.options.detached) env[RunEnv.detached] = '1';
    else delete env[RunEnv.detached];
    if (this.options.threads !== undefined) env[RunEnv.wasmThreads] = String(this.options.threads);
    if (gpu !== undefined) {
      env.CUDA_VISIBLE_DEVICES = gpu;
      // GPU ids come from /proc/driver/nvidia/gpus, listed by PCI bus; make CUDA number devices the same way.
      env.CUDA_DEVICE_ORDER ??= 'PCI_BUS_ID';
    }
    let child: ChildProcess;
    try {
      child = spawn(this.options.nodePath ?? process.execPath, [this.options.runnerPath, record.file, id], {
        cwd: this.options.cwd,
        env,
        stdio: ['ignore', out, err, 'ipc'],
        // A detached run gets its own process group, so a Ctrl+C in the launcher's terminal does not reach it.
        detached: this.options.detached ?? false,
      });
    } finally {
      closeSync(out);
      closeSync(err);
    }
    // What the launcher knows: it spawned this pid. The run writes "running" itself once it is up.
    record.pid = child.pid ?? null;
    record.supervisorPid = process.pid;
    record.host = hostname();
    record.detached = this.options.detached ?? false;
    store.write(record);
    const shown: RunRecord = { ...record, status: 'running', startedAt: new Date().toISOString(), cudaVisibleDevices: gpu ?? null };
    const active: Active = { child, startedMs: Date.now(), cancelRequested: false, gpu, error: null, record: shown };
    this.active.set(id, active);
    this.emit({ type: 'started', record: shown });
    child.on('message', (message: unknown) => {
      if (isRunMessage(message)) this.onMessage(active, message);
    });
    child.on('error', (e) => {
      active.error = `could not start ${this.options.nodePath ?? process.execPath}: ${e.message}`;
    });
    child.on('close', (code, signal) => this.onClose(active, code, signal));
  }

  private onMessage(active: Active, message: RunMessage): void {
    const record = active.record;
    switch (message.type) {
      case 'started':
        record.pid = message.pid;
        record.node = message.node;
        record.backend = message.backend;
        record.tfjsVersion = message.tfjsVersion;
        return;
      case 'params':
        record.params = message.params;
        return;
      case 'epoch': {
        record.progress = { epoch: message.epoch + 1, epochs: message.epochs };
        Object.assign(record.finalMetrics, message.values);
        const elapsed = (Date.now() - active.startedMs) / 1000;
        const remaining = message.epochs - message.epoch - 1;
        const etaSeconds = remaining >= 0 ? (elapsed / (message.epoch + 1)) * remaining : null;
        this.emit({ type: 'progress', record, epoch: message.epoch + 1, epochs: message.epochs, etaSeconds, values: message.values });
        return;
      }
      case 'log':
        Object.assign(record.finalMetrics, message.values);
        return;
      case 'artifact':
        return;
      case 'ended':
        if (!message.ok) active.error = message.error;
        return;
      default: {
        const never: never = message;
        throw new Error(`unhandled run message ${JSON.stringify(never)}`);
      }
    }
  }

  private onClose(active: Active, code: number | null, signal: NodeJS.Signals | null): void {
    const { store } = this.options;
    const id = active.record.id;
    this.active.delete(id);
    if (active.gpu !== undefined) this.freeGpus.push(active.gpu);
    const own = store.readOwnState(id);
    if (!own || !isFinalStatus(own.status)) {
      // The process ended without writing how (SIGKILL, a crash before its first write): record what was seen.
      try {
        this.recordExit(active, own, code, signal);
      } catch (err) {
        const diskFull = diskFullText(err);
        if (!diskFull) throw err;
        // Nothing more fits in the store: say so for this run, in memory, and go on with the others.
        this.finish({ ...active.record, status: 'failed', message: diskFull, endedAt: new Date().toISOString(), exitCode: code, signal });
        return;
      }
    }
    this.finish(store.read(id) ?? { ...active.record, status: 'killed', message: 'its record is gone' });
  }

  /** Writes what the launcher saw of an exit the run did not record itself. */
  private recordExit(active: Active, own: RunOwnState | null, code: number | null, signal: NodeJS.Signals | null): void {
    const { store } = this.options;
    const id = active.record.id;
    store.update(id, (launch) => {
      launch.endedAt = new Date().toISOString();
      launch.exitCode = code;
      launch.signal = signal;
      if (active.cancelRequested) {
        launch.status = 'cancelled';
        launch.message = 'cancelled while running';
      } else if (signal) {
        launch.status = 'killed';
        launch.message = `killed by ${signal}`;
      } else {
        launch.status = code === 0 ? 'finished' : 'failed';
        launch.message = code === 0 ? null : (active.error?.split('\n')[0] ?? `exited with code ${code}`);
      }
      // The metrics file holds points the run's own state may not have caught up with.
      launch.finalMetrics = { ...(own?.finalMetrics ?? {}), ...store.lastMetricValues(id) };
    });
  }

  private finish(record: RunRecord): void {
    if (isFinalStatus(record.status)) this.ended.push(record);
    this.emit({ type: 'ended', record });
    this.pump();
  }
}
