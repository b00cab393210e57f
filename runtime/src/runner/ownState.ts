// The run process's record of itself (state.json, see docs/run-store.md): started, progress, parameters, backend,
// final metrics and how it ended. The main thread and the watchdog worker (runWatchdog.ts) each hold one
// OwnStateRecorder over the same file; a shared word decides which of them writes the final state, so a run that
// finished is never overwritten by a watchdog that saw its launcher die a moment later, nor the other way round.
// A second shared word is a lock around metrics appends, so once the final state is claimed no metric point comes
// after the final metrics it records. Progress writes are coalesced and not fsynced; the first and final are.
import { readdirSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, relative } from 'node:path';
import { RunStore, ARTIFACTS_DIR } from '../store/runStore';
import { RUN_STORE_FORMAT, type RunOwnState, type RunStatus } from '../store/runRecord';

/** Progress writes of state.json are coalesced to at most one per this many milliseconds. */
const PROGRESS_WRITE_MS = 500;

/** Index of the shared word that is 0 while the run goes on, 1 once someone claimed the final write. */
const FINAL_CLAIMED = 0;
/** Index of the shared word that is 1 while a thread appends metrics or claims the final write. */
const METRICS_LOCK = 1;
/** Bytes of the SharedArrayBuffer the two threads share. */
export const OWN_STATE_SHARED_BYTES = 8;

export function newOwnState(id: string, attempt: number, env: NodeJS.ProcessEnv, now = new Date()): RunOwnState {
  return {
    format: RUN_STORE_FORMAT,
    id,
    attempt,
    status: 'running',
    pid: process.pid,
    nodeName: hostname(),
    node: process.version,
    startedAt: now.toISOString(),
    endedAt: null,
    exitCode: null,
    signal: null,
    message: null,
    params: null,
    backend: null,
    tfjsVersion: null,
    progress: null,
    finalMetrics: {},
    artifacts: [],
    jobId: env.SLURM_ARRAY_JOB_ID && env.SLURM_ARRAY_TASK_ID ? `${env.SLURM_ARRAY_JOB_ID}_${env.SLURM_ARRAY_TASK_ID}` : (env.SLURM_JOB_ID ?? null),
    cudaVisibleDevices: env.CUDA_VISIBLE_DEVICES ?? null,
  };
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

export class OwnStateRecorder {
  private timer: NodeJS.Timeout | null = null;
  private readonly claim: Int32Array;

  /** `shared` holds OWN_STATE_SHARED_BYTES, the same buffer in the main thread and the watchdog. */
  constructor(
    private readonly store: RunStore,
    readonly state: RunOwnState,
    shared: SharedArrayBuffer,
  ) {
    this.claim = new Int32Array(shared, 0, 2);
  }

  get ended(): boolean {
    return Atomics.load(this.claim, FINAL_CLAIMED) !== 0;
  }

  /** Runs `action` under the metrics lock (held for microseconds: one append, or one claim). */
  private locked<T>(action: () => T): T {
    while (Atomics.compareExchange(this.claim, METRICS_LOCK, 0, 1) !== 0) Atomics.wait(this.claim, METRICS_LOCK, 1, 1);
    try {
      return action();
    } finally {
      Atomics.store(this.claim, METRICS_LOCK, 0);
      Atomics.notify(this.claim, METRICS_LOCK);
    }
  }

  /** Appends a metric point through `append` unless the final state was claimed; false when it was dropped. */
  appendMetrics(append: () => void): boolean {
    return this.locked(() => {
      if (this.ended) return false;
      append();
      return true;
    });
  }

  /** Claims the final write; after true, no metrics are appended any more. */
  claimFinal(): boolean {
    return this.locked(() => Atomics.compareExchange(this.claim, FINAL_CLAIMED, 0, 1) === 0);
  }

  /** Writes now and durably (used for the first write). */
  writeNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.store.writeOwnState(this.state, true);
  }

  /** Writes within PROGRESS_WRITE_MS, coalescing the changes made meanwhile. */
  writeSoon(): void {
    if (this.timer || this.ended) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.ended) this.store.writeOwnState(this.state, false);
    }, PROGRESS_WRITE_MS);
    this.timer.unref();
  }

  /** Claims and writes the final state, durably; false when the other thread already claimed it. */
  finish(status: RunStatus, end: { exitCode: number | null; signal: string | null; message: string | null }, finalMetrics: Record<string, number | null>): boolean {
    if (!this.claimFinal()) return false;
    this.writeFinal(status, end, finalMetrics);
    return true;
  }

  /** Writes the final state after a successful claimFinal; artifacts are listed from the run's folder. */
  writeFinal(status: RunStatus, end: { exitCode: number | null; signal: string | null; message: string | null }, finalMetrics: Record<string, number | null>): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    Object.assign(this.state, { status, endedAt: new Date().toISOString(), ...end });
    this.state.finalMetrics = { ...this.state.finalMetrics, ...finalMetrics };
    this.state.artifacts = listFiles(join(this.store.runDir(this.state.id), ARTIFACTS_DIR));
    this.store.writeOwnState(this.state, true);
  }
}
