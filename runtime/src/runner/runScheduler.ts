// Launches and supervises runs: each queued run becomes its own Node process (runProcess.mjs) once a slot is free,
// up to `parallel` at a time (default: one per core for CPU backends, one per GPU for GPU backends, each GPU run
// seeing only its own device through CUDA_VISIBLE_DEVICES). The scheduler is the one writer of each run's run.json:
// it records what the run process reports over IPC and, when the process ends, the final status (finished, failed,
// killed by a signal it did not send, cancelled by `cancel`). It emits events for progress (epoch x/y and ETA).
// Used by `mlts run` and the extension alike; it knows nothing of terminals or VS Code.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { join, relative } from 'node:path';
import { BACKENDS, type BackendPlan } from '../backends/backendOptions';
import { lastValues } from '../store/metricsLog';
import { ARTIFACTS_DIR, STDERR_FILE, STDOUT_FILE, type RunStore } from '../store/runStore';
import { isFinalStatus, type RunRecord } from '../store/runRecord';
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
  env?: NodeJS.ProcessEnv;
}

export type SchedulerEvent =
  | { type: 'started'; record: RunRecord }
  | { type: 'progress'; record: RunRecord; epoch: number; epochs: number; etaSeconds: number | null; values: Record<string, number | null> }
  | { type: 'ended'; record: RunRecord };

interface Active {
  child: ChildProcess;
  startedMs: number;
  cancelRequested: boolean;
  gpu: string | undefined;
  error: string | null;
  writeTimer: NodeJS.Timeout | null;
  record: RunRecord;
}

/** How long a cancelled run gets to exit after SIGTERM before SIGKILL. */
const CANCEL_GRACE_MS = 5000;
/** Progress updates of run.json are coalesced to at most one write per this many milliseconds. */
const RECORD_WRITE_MS = 250;

export function defaultParallel(plan: BackendPlan): number {
  const first = plan.candidates[0];
  if (first && BACKENDS[first].gpu) return Math.max(1, plan.gpus.length);
  return Math.max(1, availableParallelism());
}

function listFiles(dir: string, base = dir): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path, base) : [relative(base, path)];
  });
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
    const record = store.read(id);
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
      });
    } finally {
      closeSync(out);
      closeSync(err);
    }
    record.status = 'running';
    record.startedAt = new Date().toISOString();
    record.pid = child.pid ?? null;
    record.supervisorPid = process.pid;
    record.host = hostname();
    store.write(record);
    const active: Active = { child, startedMs: Date.now(), cancelRequested: false, gpu, error: null, writeTimer: null, record };
    this.active.set(id, active);
    this.emit({ type: 'started', record });
    child.on('message', (message: unknown) => {
      if (isRunMessage(message)) this.onMessage(active, message);
    });
    child.on('error', (e) => {
      active.error = `could not start ${this.options.nodePath ?? process.execPath}: ${e.message}`;
    });
    child.on('close', (code, signal) => this.onClose(active, code, signal));
  }

  private writeSoon(active: Active): void {
    if (active.writeTimer) return;
    active.writeTimer = setTimeout(() => {
      active.writeTimer = null;
      this.options.store.write(active.record);
    }, RECORD_WRITE_MS);
  }

  private onMessage(active: Active, message: RunMessage): void {
    const record = active.record;
    switch (message.type) {
      case 'started':
        record.pid = message.pid;
        record.node = message.node;
        record.backend = message.backend;
        record.tfjsVersion = message.tfjsVersion;
        this.options.store.write(record);
        return;
      case 'params':
        record.params = message.params;
        this.writeSoon(active);
        return;
      case 'epoch': {
        record.progress = { epoch: message.epoch + 1, epochs: message.epochs };
        Object.assign(record.finalMetrics, message.values);
        const elapsed = (Date.now() - active.startedMs) / 1000;
        const remaining = message.epochs - message.epoch - 1;
        const etaSeconds = remaining >= 0 ? (elapsed / (message.epoch + 1)) * remaining : null;
        this.writeSoon(active);
        this.emit({ type: 'progress', record, epoch: message.epoch + 1, epochs: message.epochs, etaSeconds, values: message.values });
        return;
      }
      case 'log':
        Object.assign(record.finalMetrics, message.values);
        this.writeSoon(active);
        return;
      case 'artifact':
        this.writeSoon(active);
        return;
      case 'ended':
        if (!message.ok) active.error = message.error;
        if (record.backend && message.backendName && message.backendName !== record.backend.name) {
          const started = record.backend.name;
          record.backend = { ...record.backend, name: message.backendName, reason: `the file switched to ${message.backendName} itself (mlts had started ${started})` };
        }
        return;
      default: {
        const never: never = message;
        throw new Error(`unhandled run message ${JSON.stringify(never)}`);
      }
    }
  }

  private onClose(active: Active, code: number | null, signal: NodeJS.Signals | null): void {
    const { store } = this.options;
    const record = active.record;
    if (active.writeTimer) clearTimeout(active.writeTimer);
    this.active.delete(record.id);
    if (active.gpu !== undefined) this.freeGpus.push(active.gpu);
    record.endedAt = new Date().toISOString();
    record.exitCode = code;
    record.signal = signal;
    if (active.cancelRequested) {
      record.status = 'cancelled';
      record.message = 'cancelled while running';
    } else if (code === 0) {
      record.status = 'finished';
    } else if (signal) {
      record.status = 'killed';
      record.message = `killed by ${signal}`;
    } else {
      record.status = 'failed';
      record.message = active.error?.split('\n')[0] ?? `exited with code ${code}`;
    }
    // The metrics file is the record of truth: it holds points the IPC channel may not have delivered.
    const { points } = store.metrics(record.id);
    record.finalMetrics = { ...record.finalMetrics, ...lastValues(points) };
    record.artifacts = listFiles(join(store.runDir(record.id), ARTIFACTS_DIR));
    store.write(record);
    this.finish(record);
  }

  private finish(record: RunRecord): void {
    if (isFinalStatus(record.status)) this.ended.push(record);
    this.emit({ type: 'ended', record });
    this.pump();
  }
}
