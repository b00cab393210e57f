// The typed protocol between the extension and the cell-output webview: what the panel shows (one entry per
// cell run, with its streams, rich values, result or error, and the kernel's state) and what the panel asks
// of the extension (open a stack frame's location, restart the kernel). Messages are discriminated on `type`;
// both sides check what arrives with the guards below. Shared by extension/ and webviews/: no vscode, no DOM.
import type { CellError, ResultStatus, RichValue } from '../../runtime/src/kernel/kernelProtocol';
import type { SavedCellRun, SavedOutputItem } from '../../runtime/src/outputs/savedOutputFormat';

export type { CellError, ChartSpec, ResultStatus, RichValue, TableCell } from '../../runtime/src/kernel/kernelProtocol';

export type KernelState = 'starting' | 'idle' | 'busy' | 'dead' | 'none';

export type OutputItem = SavedOutputItem;

/** A markdown cell of the file, shown in the panel in file order among the runs. */
export interface MarkdownCell {
  cellId: string;
  /** 0-based line of the cell's marker. */
  line: number;
  markdown: string;
}

/**
 * One run of one cell, as the panel shows it: the fields that are saved to `.mlts/outputs/` (label, 0-based
 * marker line, status, items, last value, error, interruption message; runtime/src/outputs/savedOutputFormat.ts),
 * plus what only the editor knows.
 */
export interface CellRun extends SavedCellRun {
  /** Restored from `.mlts/outputs/`: made by a kernel that no longer runs, so its variables are gone. */
  earlierKernel?: boolean;
}

/** The whole panel state: what setState keeps and what `reset` sends. */
export interface OutputState {
  file: string;
  kernel: KernelState;
  kernelMessage?: string;
  runs: CellRun[];
  markdown?: MarkdownCell[];
}

// ---- extension → webview ----
export type ToWebview =
  | { type: 'reset'; state: OutputState }
  | { type: 'runStarted'; run: CellRun }
  | { type: 'output'; cellId: string; runId: number; item: OutputItem }
  | { type: 'runFinished'; cellId: string; runId: number; status: ResultStatus; durationMs: number; value?: RichValue; error?: CellError; message?: string }
  | { type: 'kernel'; state: KernelState; message?: string }
  /** Removes the outputs of one cell, or of every cell when `cellId` is absent. */
  | { type: 'clear'; cellId?: string }
  | { type: 'markdown'; cells: MarkdownCell[] };

// ---- webview → extension ----
export type FromWebview =
  | { type: 'ready' }
  | { type: 'openLocation'; file: string; line: number; column: number }
  | { type: 'restartKernel' }
  | { type: 'clearOutputs'; cellId?: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function isFromWebview(v: unknown): v is FromWebview {
  if (!isRecord(v)) return false;
  switch (v.type) {
    case 'ready':
    case 'restartKernel':
      return true;
    case 'openLocation':
      return typeof v.file === 'string' && Number.isInteger(v.line) && Number.isInteger(v.column);
    case 'clearOutputs':
      return v.cellId === undefined || typeof v.cellId === 'string';
    default:
      return false;
  }
}

/** A light structural check for messages into the webview (they come from our own extension host). */
export function isToWebview(v: unknown): v is ToWebview {
  return isRecord(v) && ['reset', 'runStarted', 'output', 'runFinished', 'kernel', 'clear', 'markdown'].includes(v.type as string);
}

/** Applies a message to a state; the extension keeps its copy with this too, so both stay equal. */
export function applyToState(state: OutputState, message: ToWebview): OutputState {
  switch (message.type) {
    case 'reset':
      return message.state;
    case 'kernel':
      return { ...state, kernel: message.state, ...(message.message ? { kernelMessage: message.message } : { kernelMessage: undefined }) };
    case 'runStarted':
      // A cell shows its latest run only, like a notebook.
      return { ...state, runs: [...state.runs.filter((r) => r.cellId !== message.run.cellId), message.run] };
    case 'output':
      return {
        ...state,
        runs: state.runs.map((r) => (r.cellId === message.cellId && r.runId === message.runId ? { ...r, items: withItem(r.items, message.item) } : r)),
      };
    case 'clear':
      return { ...state, runs: message.cellId === undefined ? [] : state.runs.filter((r) => r.cellId !== message.cellId) };
    case 'markdown':
      return { ...state, markdown: message.cells };
    case 'runFinished':
      return {
        ...state,
        runs: state.runs.map((r) =>
          r.cellId === message.cellId && r.runId === message.runId
            ? { ...r, status: message.status, durationMs: message.durationMs, value: message.value, error: message.error, message: message.message }
            : r,
        ),
      };
  }
}

/** Adds an output item; a training progress record replaces the earlier record of the same fit. */
function withItem(items: OutputItem[], item: OutputItem): OutputItem[] {
  if (item.kind === 'value' && item.value.kind === 'progress') {
    const id = item.value.id;
    const at = items.findIndex((i) => i.kind === 'value' && i.value.kind === 'progress' && i.value.id === id);
    if (at >= 0) return items.map((existing, i) => (i === at ? item : existing));
  }
  return [...items, item];
}

/**
 * Informational text that libraries write to stderr: tfjs's "install tfjs-node for speed" banner, its notes on
 * re-registered backends, kernels and platforms. These are not errors, so the panel shows them muted.
 */
const INFORMATIONAL_STDERR = [
  /Hi, looks like you are running TensorFlow\.js in Node\.js/,
  /Platform \w+ has already been set\. Overwriting the platform/,
  /backend was already registered\. Reusing existing backend factory/,
  /The kernel '[^']*' for backend '[^']*' is already registered/,
  /^\s*=+\s*$/,
];

/** Whether a stderr chunk is only informational: every non-empty line matches a known library notice. */
export function isInformationalStderr(text: string): boolean {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  return lines.length > 0 && lines.some((line) => !/^\s*=+\s*$/.test(line)) && lines.every((line) => INFORMATIONAL_STDERR.some((re) => re.test(line)));
}

/** The one-line summary shown after a cell in the editor, e.g. `✓ 1.2 s → Tensor [32, 10] float32`. */
export function runSummary(run: Pick<CellRun, 'status' | 'durationMs' | 'value' | 'error' | 'message'>): string {
  const seconds = run.durationMs === undefined ? '' : ` ${formatDuration(run.durationMs)}`;
  switch (run.status) {
    case 'running':
      return '⏳ running…';
    case 'error':
      return `✗${seconds} ${run.error ? `${run.error.name}: ${firstLine(run.error.message)}` : 'failed'}`;
    case 'interrupted':
      return `■${seconds} interrupted`;
    case 'ok':
      return `✓${seconds}${run.value ? ` → ${valueSummary(run.value)}` : ''}`;
  }
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 80 ? `${line.slice(0, 77)}…` : line;
}

export function valueSummary(value: RichValue): string {
  switch (value.kind) {
    case 'tensor':
      return `Tensor [${value.shape.join(', ')}] ${value.dtype}${value.disposed ? ' (disposed)' : ''}`;
    case 'table':
      return `table ${value.totalRows} × ${value.columns.length}`;
    case 'chart':
      return `${value.chart.type} chart`;
    case 'image':
      return `image ${value.width}×${value.height}`;
    case 'text':
      return firstLine(value.text);
    case 'progress':
      return value.done ? `trained ${value.epochs} epochs` : `training epoch ${value.epoch + 1}/${value.epochs}`;
  }
}
