// The run store's data types and the guards that check them when they are read back from disk. A run is a
// directory under `.mlts/runs/<id>/`; `run.json` holds one `RunRecord` and `metrics.jsonl` one `MetricPoint` per
// line. docs/run-store.md describes the same format for other tools; keep the two in step.
// This module only describes data: reading and writing live in runStore.ts and metricsLog.ts.

/** Version of the on-disk format; readers accept records with this version or older. */
export const RUN_STORE_FORMAT = 1;

export type RunStatus = 'queued' | 'running' | 'finished' | 'failed' | 'killed' | 'cancelled';

export const RUN_STATUSES: readonly RunStatus[] = ['queued', 'running', 'finished', 'failed', 'killed', 'cancelled'];

/** Statuses after which nothing about the run changes any more. */
export function isFinalStatus(status: RunStatus): boolean {
  return status !== 'queued' && status !== 'running';
}

export type ParamValue = number | string | boolean | null | ParamValue[] | { [key: string]: ParamValue };

/** Which backend a run used and why it was chosen; `attempts` lists the candidates skipped on the way. */
export interface BackendChoice {
  /** tfjs backend name as the run reported it: `tensorflow`, `webgpu`, `wasm` or `cpu`. */
  name: string;
  /** The mlts backend option that produced it: `node-gpu`, `webgpu`, `node`, `wasm` or `cpu`. */
  option: string;
  reason: string;
  device: string;
  attempts: { option: string; outcome: string }[];
}

export interface RunRecord {
  format: number;
  id: string;
  status: RunStatus;
  /** Absolute path of the experiment file, and the path relative to the workspace that owns the store. */
  file: string;
  relativeFile: string;
  /** sha256 of the file's content when the run was queued. */
  fileHash: string;
  git: { commit: string; dirty: boolean } | null;
  /** Parameters the run used: defaults merged with overrides (updated by the run once it has started). */
  params: Record<string, ParamValue>;
  /** The overrides as given (`--param`/`--grid`), before coercion. */
  overrides: Record<string, string>;
  /** The backend asked for (`auto` or a forced one) and, once started, the one chosen. */
  requestedBackend: string;
  backend: BackendChoice | null;
  tfjsVersion: string | null;
  node: string;
  host: string;
  /** Process id of the run's own Node process while it runs; liveness checks use it. */
  pid: number | null;
  /** Process id of the process that launched and supervises the run (the CLI, the extension host). */
  supervisorPid: number | null;
  /** Grid this run belongs to, if any (all runs launched by one `mlts run` share it). */
  group: string | null;
  queuedAt: string;
  startedAt: string | null;
  endedAt: string | null;
  exitCode: number | null;
  signal: string | null;
  /** Why the run ended the way it did, when that is not plain success (error message, who killed it). */
  message: string | null;
  /** Training progress as last reported: epochs done of the total for the current fit. */
  progress: { epoch: number; epochs: number } | null;
  /** Last value of each metric (from the last epoch or `log` call). */
  finalMetrics: Record<string, number | null>;
  /** Files the run saved under its `artifacts/` folder, relative to that folder. */
  artifacts: string[];
}

/** The fields a new record needs from its creator; everything else starts empty. */
export type NewRunFields = Pick<
  RunRecord,
  'id' | 'file' | 'relativeFile' | 'fileHash' | 'git' | 'params' | 'overrides' | 'requestedBackend' | 'node' | 'host' | 'supervisorPid' | 'group' | 'queuedAt'
>;

/** A queued record with no run-time facts yet; `changes` may set any field (tests use it for other states). */
export function newRunRecord(fields: NewRunFields, changes: Partial<RunRecord> = {}): RunRecord {
  return {
    format: RUN_STORE_FORMAT,
    status: 'queued',
    backend: null,
    tfjsVersion: null,
    pid: null,
    startedAt: null,
    endedAt: null,
    exitCode: null,
    signal: null,
    message: null,
    progress: null,
    finalMetrics: {},
    artifacts: [],
    ...fields,
    ...changes,
  };
}

/** One line of metrics.jsonl. `kind` says where it came from. */
export interface MetricPoint {
  kind: 'epoch' | 'batch' | 'log';
  /** Milliseconds since the Unix epoch. */
  t: number;
  /** Epoch (0-based) for `epoch` and `batch` points; the caller's step for `log` points. */
  step: number;
  /** Batch index inside the epoch, for `batch` points. */
  batch?: number;
  /** Which fit call of the run this belongs to (0-based), for `epoch` and `batch` points. */
  fit?: number;
  /** Metric values; JSON has no NaN or Infinity, so a non-finite value is written as null. */
  values: Record<string, number | null>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function isRunStatus(v: unknown): v is RunStatus {
  return typeof v === 'string' && (RUN_STATUSES as readonly string[]).includes(v);
}

/** Checks the fields every reader relies on; other fields are trusted to have the documented shape. */
export function isRunRecord(v: unknown): v is RunRecord {
  return (
    isObject(v) &&
    typeof v.id === 'string' &&
    typeof v.format === 'number' &&
    v.format <= RUN_STORE_FORMAT &&
    isRunStatus(v.status) &&
    typeof v.file === 'string' &&
    isObject(v.params) &&
    isObject(v.finalMetrics)
  );
}

export function isMetricPoint(v: unknown): v is MetricPoint {
  if (!isObject(v) || !isObject(v.values)) return false;
  if (v.kind !== 'epoch' && v.kind !== 'batch' && v.kind !== 'log') return false;
  if (typeof v.t !== 'number' || typeof v.step !== 'number') return false;
  return Object.values(v.values).every((x) => typeof x === 'number' || x === null);
}
