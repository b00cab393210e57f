// Messages between a run's supervisor (the launcher: CLI or extension host) and the run's own Node process, over
// the IPC channel `child_process.spawn` opens with `stdio: [..., 'ipc']`. The run process also writes its metrics
// to metrics.jsonl itself, so nothing is lost when the supervisor dies; these messages carry what the supervisor
// records in run.json (environment, effective parameters, progress, artifacts, the error that ended the run).
// The run's settings travel the other way in environment variables, listed in RunEnv.
import type { BackendChoice, ParamValue, RunOwnState } from '../store/runRecord';
import type { BackendOption } from '../backends/backendOptions';

/** Environment variables the supervisor sets for the run process. */
export const RunEnv = {
  /** The run's directory in the store (metrics.jsonl and artifacts/ go there). */
  runDir: 'MLTS_RUN_DIR',
  runId: 'MLTS_RUN_ID',
  /** JSON object: parameter name → value as text (coerced to the default's type in the run). */
  params: 'MLTS_PARAMS',
  /** JSON array of BackendOption to try in order. */
  backends: 'MLTS_BACKENDS',
  /** JSON array of { option, outcome }: candidates the launcher skipped. */
  backendNotes: 'MLTS_BACKEND_NOTES',
  /** Minimum milliseconds between two recorded batch points (default 1000; 0 records every batch). */
  batchIntervalMs: 'MLTS_BATCH_INTERVAL_MS',
  /** `1` when the run must outlive its launcher (`--detach`, cluster jobs); otherwise it stops when the launcher dies. */
  detached: 'MLTS_DETACHED',
  /** Attempt number (1 unless a cluster requeued the job; Slurm runs read SLURM_RESTART_COUNT instead). */
  attempt: 'MLTS_ATTEMPT',
  /** Threads for the wasm backend, 1 to 8 (wasmThreads.ts; default DEFAULT_WASM_THREADS). */
  wasmThreads: 'MLTS_WASM_THREADS',
} as const;

/** What runProcess hands its watchdog worker (runWatchdog.ts). */
export interface WatchdogData {
  storeRoot: string;
  supervisorPid: number;
  state: RunOwnState;
  /** Shared with the main thread's OwnStateRecorder: who writes the final state. */
  shared: SharedArrayBuffer;
}

export type RunMessage =
  /** The backend is up and the parameters are known; the user's file is about to run. */
  | { type: 'started'; pid: number; node: string; backend: BackendChoice | null; tfjsVersion: string | null }
  /** The file's parameters with the overrides applied (sent when the file evaluates its declaration). */
  | { type: 'params'; params: Record<string, ParamValue> }
  /** An epoch ended (`epochs` is the fit call's total, so progress reads epoch/epochs). */
  | { type: 'epoch'; fit: number; epoch: number; epochs: number; values: Record<string, number | null>; samplesPerSecond: number | null }
  /** Values given to `mlts.log`. */
  | { type: 'log'; step: number; values: Record<string, number | null> }
  | { type: 'artifact'; path: string }
  /**
   * The file ran to its end (`ok`) or threw (`error` is the message with its stack). `backendName` is the tfjs
   * backend active at the end, which differs from the one mlts started when the file called tf.setBackend itself.
   */
  | { type: 'ended'; ok: boolean; error: string | null; backendName: string | null };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Runtime guard for messages from the run process (another process: never trusted blindly). */
export function isRunMessage(v: unknown): v is RunMessage {
  if (!isObject(v)) return false;
  switch (v.type) {
    case 'started':
      return typeof v.pid === 'number';
    case 'params':
      return isObject(v.params);
    case 'epoch':
      return typeof v.epoch === 'number' && typeof v.epochs === 'number' && typeof v.fit === 'number' && isObject(v.values);
    case 'log':
      return typeof v.step === 'number' && isObject(v.values);
    case 'artifact':
      return typeof v.path === 'string';
    case 'ended':
      return typeof v.ok === 'boolean';
    default:
      return false;
  }
}

export function parseBackendList(text: string | undefined): BackendOption[] {
  if (!text) return ['cpu'];
  const value: unknown = JSON.parse(text);
  return Array.isArray(value) ? (value.filter((v) => typeof v === 'string') as BackendOption[]) : ['cpu'];
}
