// The run store's data types and the guards that check them when they are read back from disk. A run is a
// directory under `.mlts/runs/<id>/` with two records, each with one writer: `run.json` (a `RunRecord` as its
// launcher or executor knows it: queued, submitted, cancelled, what it saw of the exit) and `state.json` (a
// `RunOwnState` that the run process writes about itself: running, progress, final metrics, how it ended).
// Readers see one `RunRecord`, merged by `mergeRunRecord` with the precedence docs/run-store.md states.
// `metrics.jsonl` holds one `MetricPoint` per line. Keep docs/run-store.md in step with this file.
// This module only describes data: reading and writing live in runStore.ts and metricsLog.ts.

/**
 * Version of the on-disk format; readers accept records with this version or older. Format 2 split the run's own
 * state out of run.json; a format 1 run.json (no state.json beside it) still reads as it was written.
 */
export const RUN_STORE_FORMAT = 2;

/** `lost`: a cluster job left the queue without the run writing how it ended. */
export type RunStatus = 'queued' | 'running' | 'finished' | 'failed' | 'killed' | 'cancelled' | 'lost';

export const RUN_STATUSES: readonly RunStatus[] = ['queued', 'running', 'finished', 'failed', 'killed', 'cancelled', 'lost'];

/** Where runs execute: this machine (the launcher's scheduler) or a Slurm cluster (one array job per grid). */
export type ExecutorName = 'local' | 'slurm';

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
  /** The WebGPU adapter Dawn gave, when the backend is `webgpu`. */
  adapter?: WebGpuAdapterRecord;
}

/** A WebGPU adapter as GPUAdapterInfo describes it, and whether it emulates a GPU on the CPU (lavapipe, SwiftShader). */
export interface WebGpuAdapterRecord {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  software: boolean;
  /** Why mlts took it for a software adapter (a fallback adapter, a CPU type, a known software driver's name). */
  softwareReason?: string;
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
  /** A name the person gave the run (`mlts run --name`), shown instead of the id; null when none. */
  name: string | null;
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
  /** Which executor runs it; `local` for records written before executors existed. */
  executor: ExecutorName;
  /** Whether the run outlives its launcher (`--detach`); attached local runs stop when their launcher dies. */
  detached: boolean;
  /** The cluster's job id (`ArrayJobId_TaskId` on Slurm), or null for local runs. */
  jobId: string | null;
  /** Node (machine) the run process ran on, as the run reported it (`host` is where it was launched). */
  nodeName: string | null;
  /** The devices the run was given (`CUDA_VISIBLE_DEVICES` as the run process saw it), or null. */
  cudaVisibleDevices: string | null;
  /** 1 for the first start; a cluster that requeues the job starts attempt 2, and so on. */
  attempt: number;
}

/**
 * What a run process writes about itself in state.json: only facts it knows first-hand. `status` is `running`
 * until it writes one of finished, failed, cancelled (it got SIGTERM/SIGINT, or its launcher died) or killed (a
 * reader found its process gone without a final write).
 */
export interface RunOwnState {
  format: number;
  id: string;
  attempt: number;
  status: RunStatus;
  pid: number;
  /** Host name of the machine the process runs on. */
  nodeName: string;
  node: string;
  startedAt: string;
  endedAt: string | null;
  exitCode: number | null;
  signal: string | null;
  message: string | null;
  params: Record<string, ParamValue> | null;
  backend: BackendChoice | null;
  tfjsVersion: string | null;
  progress: { epoch: number; epochs: number } | null;
  finalMetrics: Record<string, number | null>;
  artifacts: string[];
  jobId: string | null;
  cudaVisibleDevices: string | null;
}

/** The fields a new record needs from its creator; everything else starts empty. */
export type NewRunFields = Pick<
  RunRecord,
  'id' | 'file' | 'relativeFile' | 'fileHash' | 'git' | 'params' | 'overrides' | 'requestedBackend' | 'node' | 'host' | 'supervisorPid' | 'group' | 'queuedAt'
> &
  Partial<Pick<RunRecord, 'executor' | 'detached' | 'name'>>;

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
    executor: 'local',
    detached: false,
    jobId: null,
    nodeName: null,
    cudaVisibleDevices: null,
    attempt: 1,
    name: null,
    ...fields,
    ...changes,
  };
}

/**
 * The record readers see: the launcher's record with the run's own state laid over it. Precedence:
 * 1. the run's own state of the current attempt wins for every fact it holds, and its status wins when final
 *    (a run that wrote "finished" finished, whatever its launcher saw afterwards);
 * 2. else a final status the launcher or executor wrote (cancelled before it started, what it saw of an exit the
 *    run could not report, lost) wins over the run's "running";
 * 3. else the run's own "running", else the launcher's "queued".
 * The own state of an earlier attempt (the cluster requeued the job) no longer says anything about the status.
 */
export function mergeRunRecord(launch: RunRecord, own: RunOwnState | null): RunRecord {
  const base = withDefaults(launch);
  if (!own || own.id !== base.id || own.attempt < base.attempt) return base;
  const merged: RunRecord = {
    ...base,
    attempt: own.attempt,
    pid: own.pid,
    node: own.node,
    nodeName: own.nodeName,
    startedAt: own.startedAt,
    params: own.params ?? base.params,
    backend: own.backend ?? base.backend,
    tfjsVersion: own.tfjsVersion ?? base.tfjsVersion,
    progress: own.progress ?? base.progress,
    finalMetrics: { ...base.finalMetrics, ...own.finalMetrics },
    artifacts: own.artifacts.length ? own.artifacts : base.artifacts,
    jobId: own.jobId ?? base.jobId,
    cudaVisibleDevices: own.cudaVisibleDevices ?? base.cudaVisibleDevices,
  };
  if (isFinalStatus(own.status) || !isFinalStatus(base.status)) {
    return { ...merged, status: own.status, endedAt: own.endedAt, exitCode: own.exitCode, signal: own.signal, message: own.message };
  }
  return merged;
}

/**
 * Where a cluster run runs, for tables and tooltips: `slurm 12_3 on node1, GPU 0, attempt 2`; null for local runs.
 */
export function describePlacement(record: RunRecord): string | null {
  if (record.executor === 'local') return null;
  const parts = [record.nodeName && `on ${record.nodeName}`, record.cudaVisibleDevices !== null && `GPU ${record.cudaVisibleDevices}`, record.attempt > 1 && `attempt ${record.attempt}`].filter(Boolean);
  return `${record.executor}${record.jobId ? ` ${record.jobId}` : ''}${parts.length ? ` ${parts.join(', ')}` : ''}`;
}

/** Fills the fields format 1 records lack, so readers can rely on every field of the current format. */
function withDefaults(record: RunRecord): RunRecord {
  return {
    ...record,
    executor: record.executor ?? 'local',
    detached: record.detached ?? false,
    jobId: record.jobId ?? null,
    nodeName: record.nodeName ?? null,
    cudaVisibleDevices: record.cudaVisibleDevices ?? null,
    attempt: record.attempt ?? 1,
    name: record.name ?? null,
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

/** The fields both records share and every reader relies on: id, a known format, a status, final metrics. */
function hasRecordCore(v: unknown): v is Record<string, unknown> {
  return isObject(v) && typeof v.id === 'string' && typeof v.format === 'number' && v.format <= RUN_STORE_FORMAT && isRunStatus(v.status) && isObject(v.finalMetrics);
}

/** Checks the fields every reader relies on; other fields are trusted to have the documented shape. */
export function isRunRecord(v: unknown): v is RunRecord {
  return hasRecordCore(v) && typeof v.file === 'string' && isObject(v.params);
}

export function isRunOwnState(v: unknown): v is RunOwnState {
  return hasRecordCore(v) && typeof v.attempt === 'number' && typeof v.pid === 'number' && Array.isArray(v.artifacts);
}

export function isMetricPoint(v: unknown): v is MetricPoint {
  if (!isObject(v) || !isObject(v.values)) return false;
  if (v.kind !== 'epoch' && v.kind !== 'batch' && v.kind !== 'log') return false;
  if (typeof v.t !== 'number' || typeof v.step !== 'number') return false;
  return Object.values(v.values).every((x) => typeof x === 'number' || x === null);
}
