// The typed protocol between the run dashboard (browser code) and whoever feeds it: the VS Code webview host
// (extension/src/dashboard/) or the `mlts ui` HTTP server (cli/src/ui/). Both hosts run the same session logic
// (runtime/src/dashboard/dashboardSession.ts), so the messages are identical; only the transport differs (postMessage in
// VS Code, fetch + Server-Sent Events in a browser). Messages are discriminated on `type`; both sides check what
// arrives with the guards below, because run data (names, parameters, messages) is untrusted.
// Shared by Node and browser code: no vscode, no DOM, no Node imports.
import type { ParamValue } from '../store/runRecord';

export type { ParamValue } from '../store/runRecord';

/** What the dashboard shows of one run: the parts of its RunRecord a table, a chart or a compare view needs. */
export interface RunSummary {
  id: string;
  /** The name given with `mlts run --name`, shown instead of the id; absent or null when none. */
  name?: string | null;
  status: string;
  /** The experiment file, relative to the launcher's folder. */
  file: string;
  params: Record<string, ParamValue>;
  finalMetrics: Record<string, number | null>;
  /** The backend option the run ended up on (`wasm`, `node-gpu`…), or the one asked for while it is unknown. */
  backend: string | null;
  group: string | null;
  queuedAt: string;
  startedAt: string | null;
  endedAt: string | null;
  message: string | null;
  progress: { epoch: number; epochs: number } | null;
  /** Where a cluster run runs (`slurm 12_3 on node1, GPU 0, attempt 2`); null for runs on the launcher's machine. */
  where: string | null;
  /**
   * What is wrong with this run's files, in words (`metrics.jsonl is a folder, not a file`; `3 damaged lines
   * skipped`), or null. A run whose run.json cannot be read at all has status `unreadable` and only its id.
   */
  problem?: string | null;
}

/** Suffix that tells a batch series apart from the epoch series of the same metric (`loss · batch`). */
export const BATCH_SUFFIX = ' · batch';

/** Point kinds, numbered so chunks stay small: epoch-end logs, sampled batch logs, and `mlts.log` calls. */
export const PointKind = { epoch: 0, batch: 1, log: 2 } as const;
export type PointKindCode = (typeof PointKind)[keyof typeof PointKind];

/**
 * Metric points of one run in columns, starting at the run's point number `from` (0 = from the start, which also
 * replaces whatever the receiver had). All arrays have the same length; `values[name][i]` is null where point i
 * lacks the metric or the value was not finite.
 */
export interface MetricChunk {
  runId: string;
  from: number;
  t: number[];
  step: number[];
  /** Batch index for batch points, -1 otherwise. */
  batch: number[];
  kind: PointKindCode[];
  /** Which fit call the point belongs to; 0 for log points. */
  fit: number[];
  values: Record<string, (number | null)[]>;
  /**
   * Points of each series read from the run's metrics.jsonl so far, before the host thinned them to bound its memory
   * (keys as the dashboard names series: `loss` for epoch and log points, `loss · batch` for batch points). A series
   * absent here has nothing left out. Sent with every chunk, so the chart can say "N of M points shown".
   */
  totals?: Record<string, number>;
}

// ---- host → dashboard ----
export type ToDashboard =
  /** The first message after `ready`: where the runs come from. */
  | { type: 'hello'; store: string; canLaunch: boolean }
  /** Runs that appeared or changed (`reset`: this is the whole list), and runs whose directory went away. */
  | { type: 'runs'; reset: boolean; runs: RunSummary[]; removed: string[] }
  | { type: 'metrics'; chunk: MetricChunk }
  /**
   * The answer to a `window` request: the run's points between two held points read again from its metrics file,
   * each one (or 1 in `stride` batch and logged points when the stretch holds more than the host sends at once; epoch
   * points always), with the values of the asked series only; or `problem` when it could not be read.
   */
  | { type: 'window'; request: number; runId: string; chunk: MetricChunk | null; stride: number; problem: string | null }
  | { type: 'notice'; level: 'info' | 'warning' | 'error'; text: string };

// ---- dashboard → host ----
export type FromDashboard =
  | { type: 'ready' }
  /**
   * The runs whose metrics the dashboard wants, each with how many points it already holds. It replaces the
   * previous subscription; the host sends what is missing and then streams appends.
   */
  | { type: 'subscribe'; runs: { id: string; from: number }[] }
  /**
   * A zoomed chart asks for the stretch of run `runId` between its held points `from` and `to` (exclusive) at full
   * resolution, for series `key` (see BATCH_SUFFIX); `request` numbers the answer.
   */
  | { type: 'window'; request: number; runId: string; from: number; to: number; key: string }
  /** Save an exported chart or table (VS Code only; a browser saves by itself). `data` is base64. */
  | { type: 'saveFile'; fileName: string; mime: string; base64: string }
  /**
   * Save every point of series `key` of these runs, read from their metrics files (metricsCsv.ts), as CSV: the
   * chart's export when the host left points out. VS Code saves through a dialog; `mlts ui` serves /api/export.csv.
   */
  | { type: 'exportMetrics'; fileName: string; runs: string[]; key: string }
  /** Open the launcher panel (VS Code only). */
  | { type: 'openLauncher' }
  /** Cancel these runs (VS Code only): scancel for Slurm runs, SIGTERM by pid for local ones; see cancelRuns.ts. */
  | { type: 'cancelRuns'; ids: string[] };

/** The messages a host, not the session, acts on. */
export type HostMessage = Extract<FromDashboard, { type: 'saveFile' | 'exportMetrics' | 'openLauncher' | 'cancelRuns' }>;

/** Most runs one cancel may name. */
const MAX_CANCEL_IDS = 10_000;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
/** Plain loops: chunks carry up to a million values, and this guard runs on every one of them. */
function isNumberArray(v: unknown): v is number[] {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'number') return false;
  return true;
}

function isNullableNumberArray(v: unknown, length: number): v is (number | null)[] {
  if (!Array.isArray(v) || v.length !== length) return false;
  for (let i = 0; i < v.length; i++) if (v[i] !== null && typeof v[i] !== 'number') return false;
  return true;
}
const isStringOrNull = (v: unknown) => v === null || typeof v === 'string';
const isMetricValues = (v: unknown): v is Record<string, number | null> =>
  isRecord(v) && Object.values(v).every((x) => x === null || typeof x === 'number');

/** Longest file name a dashboard may ask to save, and the largest export it may send (base64 characters). */
const MAX_FILE_NAME = 200;
export const MAX_EXPORT_BASE64 = 64 * 1024 * 1024;
/** A saved export's name: a plain file name with one of the extensions the dashboard writes. */
export const EXPORT_FILE_NAME = /^[\w.-]{1,200}\.(png|csv)$/;

/** Most runs one full-resolution export may name (a chart draws at most what is selected). */
const MAX_EXPORT_RUNS = 10_000;

/** Checks the fields of a full-resolution export request (the message, or `mlts ui`'s query string). */
export function isExportRequest(v: Record<string, unknown>): v is { fileName: string; runs: string[]; key: string } {
  return (
    typeof v.fileName === 'string' &&
    EXPORT_FILE_NAME.test(v.fileName) &&
    v.fileName.endsWith('.csv') &&
    Array.isArray(v.runs) &&
    v.runs.length > 0 &&
    v.runs.length <= MAX_EXPORT_RUNS &&
    v.runs.every((id) => typeof id === 'string') &&
    typeof v.key === 'string' &&
    v.key.length > 0 &&
    v.key.length <= 1000
  );
}

export function isFromDashboard(v: unknown): v is FromDashboard {
  if (!isRecord(v)) return false;
  switch (v.type) {
    case 'ready':
    case 'openLauncher':
      return true;
    case 'cancelRuns':
      return Array.isArray(v.ids) && v.ids.length > 0 && v.ids.length <= MAX_CANCEL_IDS && v.ids.every((id) => typeof id === 'string');
    case 'exportMetrics':
      return isExportRequest(v);
    case 'window':
      return isCount(v.request) && typeof v.runId === 'string' && isCount(v.from) && isCount(v.to) && v.from < v.to && typeof v.key === 'string' && v.key.length <= 1000;
    case 'subscribe':
      return Array.isArray(v.runs) && v.runs.length <= 100_000 && v.runs.every((r) => isRecord(r) && typeof r.id === 'string' && isCount(r.from));
    case 'saveFile':
      return (
        typeof v.fileName === 'string' &&
        v.fileName.length <= MAX_FILE_NAME &&
        EXPORT_FILE_NAME.test(v.fileName) &&
        (v.mime === 'image/png' || v.mime === 'text/csv') &&
        typeof v.base64 === 'string' &&
        v.base64.length <= MAX_EXPORT_BASE64
      );
    default:
      return false;
  }
}

export function isRunSummary(v: unknown): v is RunSummary {
  return (
    isRecord(v) &&
    typeof v.id === 'string' &&
    (v.name === undefined || isStringOrNull(v.name)) &&
    typeof v.status === 'string' &&
    typeof v.file === 'string' &&
    isRecord(v.params) &&
    isMetricValues(v.finalMetrics) &&
    isStringOrNull(v.backend) &&
    isStringOrNull(v.group) &&
    typeof v.queuedAt === 'string' &&
    isStringOrNull(v.startedAt) &&
    isStringOrNull(v.endedAt) &&
    isStringOrNull(v.message) &&
    isStringOrNull(v.where) &&
    (v.problem === undefined || isStringOrNull(v.problem)) &&
    (v.progress === null || (isRecord(v.progress) && typeof v.progress.epoch === 'number' && typeof v.progress.epochs === 'number'))
  );
}

export function isMetricChunk(v: unknown): v is MetricChunk {
  if (!isRecord(v) || typeof v.runId !== 'string' || !isCount(v.from)) return false;
  const { t, step, batch, kind, fit, values } = v;
  if (!isNumberArray(t) || !isNumberArray(step) || !isNumberArray(batch) || !isNumberArray(fit) || !isNumberArray(kind)) return false;
  const n = t.length;
  if (step.length !== n || batch.length !== n || kind.length !== n || fit.length !== n) return false;
  for (let i = 0; i < n; i++) if (kind[i] !== 0 && kind[i] !== 1 && kind[i] !== 2) return false;
  if (v.totals !== undefined && !(isRecord(v.totals) && Object.values(v.totals).every(isCount))) return false;
  return isRecord(values) && Object.values(values).every((col) => isNullableNumberArray(col, n));
}

export function isToDashboard(v: unknown): v is ToDashboard {
  if (!isRecord(v)) return false;
  switch (v.type) {
    case 'hello':
      return typeof v.store === 'string' && typeof v.canLaunch === 'boolean';
    case 'runs':
      return typeof v.reset === 'boolean' && Array.isArray(v.runs) && v.runs.every(isRunSummary) && Array.isArray(v.removed) && v.removed.every((id) => typeof id === 'string');
    case 'metrics':
      return isMetricChunk(v.chunk);
    case 'window':
      return isCount(v.request) && typeof v.runId === 'string' && (v.chunk === null || isMetricChunk(v.chunk)) && isCount(v.stride) && v.stride >= 1 && isStringOrNull(v.problem);
    case 'notice':
      return (v.level === 'info' || v.level === 'warning' || v.level === 'error') && typeof v.text === 'string';
    default:
      return false;
  }
}

/** Run time in milliseconds: start to end, or to `now` while it runs; null before it starts. */
export function runDurationMs(run: Pick<RunSummary, 'startedAt' | 'endedAt'>, now: number): number | null {
  if (!run.startedAt) return null;
  const start = Date.parse(run.startedAt);
  const end = run.endedAt ? Date.parse(run.endedAt) : now;
  return Number.isFinite(start) && Number.isFinite(end) ? Math.max(0, end - start) : null;
}
