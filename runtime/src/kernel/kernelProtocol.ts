// The message protocol between a kernel client (the extension, tests, the bench) and a cell kernel process.
// Every message is one JSON object on one line ("NDJSON") over the kernel's file descriptor 3, a pipe the client
// creates when it spawns the kernel; stdout and stderr stay the user's raw streams. Messages are discriminated
// unions on `type`; each request carries a `requestId` that its reply repeats. Events that belong to a cell run
// (`stream`, `display`) carry that run's `requestId` and `cellId`, or null when they come while no cell runs
// (a timer firing later): clients show those under the last cell that ran.
// This module holds types, runtime guards for everything that crosses the process boundary, and the line framing.
// It does not spawn or run anything (kernelClient.ts and kernelMain.ts do). Lines and columns are 0-based here,
// as in VS Code and LSP, except inside the `stack` text, which reads like Node's (1-based).
// The human-readable description of this protocol is docs/kernel-protocol.md; keep both true together.

export const KERNEL_PROTOCOL_VERSION = 1;

/** The file descriptor of the protocol pipe in the kernel process. */
export const KERNEL_CHANNEL_FD = 3;

// ---- client → kernel ----------------------------------------------------------------------------------------

/** Runs one cell. Replies with `result` after any number of `stream` and `display` events. */
export interface ExecuteRequest {
  type: 'execute';
  requestId: string;
  /** The client's id of the cell (e.g. `cell-2`); echoed on events and on the result. */
  cellId: string;
  /** A number the client increments per run; with `cellId` it makes the cell's script URL unique. */
  runId: number;
  /** The cell's code, without its `// %%` marker line. */
  code: string;
  /** Absolute path of the `.ml.ts` file: the source in stack traces and source maps, and the base for imports. */
  file: string;
  /** 0-based line of the file where `code` starts. */
  startLine: number;
}

/**
 * Stops the running cell. The kernel answers `interruptReply`; when the cell was stopped its `result` comes too,
 * with status `interrupted`. `force` terminates JavaScript even where that can crash the kernel (see outcomes).
 */
export interface InterruptRequest {
  type: 'interrupt';
  requestId: string;
  force?: boolean;
}

/** Lists the globals that cells defined. Replies `variablesReply`. */
export interface InspectVariablesRequest {
  type: 'inspectVariables';
  requestId: string;
}

/** Reads tfjs memory (when tfjs is loaded) and process memory. Replies `memoryReply`. */
export interface MemoryRequest {
  type: 'memory';
  requestId: string;
}

/** Asks the kernel to exit. Replies `shutdownReply`, then the process exits with code 0. */
export interface ShutdownRequest {
  type: 'shutdown';
  requestId: string;
}

export type KernelRequest = ExecuteRequest | InterruptRequest | InspectVariablesRequest | MemoryRequest | ShutdownRequest;

// ---- rich values ---------------------------------------------------------------------------------------------

export type TableCell = string | number | boolean | null;

export interface ChartSeries {
  name: string;
  x: number[];
  y: number[];
}

export interface HistogramBin {
  start: number;
  end: number;
  count: number;
}

interface ChartLabels {
  title?: string;
  xLabel?: string;
  yLabel?: string;
}

export type ChartSpec =
  | ({ type: 'line'; series: ChartSeries[] } & ChartLabels)
  | ({ type: 'scatter'; series: ChartSeries[] } & ChartLabels)
  | ({ type: 'histogram'; bins: HistogramBin[] } & ChartLabels);

/**
 * A tensor whose shape looks like images (`[h,w]`, `[h,w,1|3|4]`, `[n,h,w,1|3|4]`), drawn as RGBA: the first `count`
 * of `total` images, each `width`×`height`, with values mapped from `range` onto 0–255.
 */
export interface TensorImages {
  width: number;
  height: number;
  count: number;
  total: number;
  range: [number, number];
  rgbaBase64: string[];
}

/** The distribution of a tensor too large to read as numbers. */
export interface TensorHistogram {
  min: number;
  max: number;
  mean: number;
  bins: HistogramBin[];
}

/** Live progress of one `fit`/`fitDataset` call; later records with the same `id` replace earlier ones. */
export interface TrainingProgress {
  kind: 'progress';
  id: string;
  /** 0-based epoch being trained, and the total. */
  epoch: number;
  epochs: number;
  /** Batches done in the current epoch, and per epoch when tfjs knows it. */
  batch: number;
  batches: number | null;
  elapsedMs: number;
  etaMs: number | null;
  /** The latest metrics (loss, acc, val_loss…). */
  values: Record<string, number | null>;
  /** Loss after each finished epoch, and the latest batch losses of the current one, for the small chart. */
  epochLosses: number[];
  done: boolean;
}

/** What the output panel shows for a cell's last value or a `display()` call. */
export type RichValue =
  | { kind: 'text'; typeName: string; text: string }
  | { kind: 'tensor'; shape: number[]; dtype: string; size: number; preview: string; disposed: boolean; images?: TensorImages; histogram?: TensorHistogram }
  | TrainingProgress
  | { kind: 'table'; columns: string[]; rows: TableCell[][]; totalRows: number }
  | { kind: 'chart'; chart: ChartSpec }
  | { kind: 'image'; width: number; height: number; title?: string; rgbaBase64: string };

export interface StackFrame {
  functionName?: string;
  /** An absolute path for files (cells map to their `.ml.ts` file), or a URL such as `node:internal/…`. */
  file: string;
  /** 0-based, like `column`; the panel shows both 1-based, as Node does. */
  line: number;
  column: number;
  /** A frame in `node_modules` or in Node itself: the panel folds these away. */
  library?: boolean;
}

export interface CellError {
  name: string;
  message: string;
  /** The stack as Node prints it, cell frames rewritten to `.ml.ts` lines and kernel frames removed. */
  stack: string;
  frames: StackFrame[];
}

export interface VariableInfo {
  name: string;
  /** `Tensor`, a class name, or `typeof` for primitives and functions. */
  typeName: string;
  preview: string;
  tensor?: { shape: number[]; dtype: string; size: number };
}

export interface MemoryInfo {
  /** `tf.memory()` of the tfjs engine in the kernel, or null when no cell has loaded tfjs. */
  tfjs: { backend: string | null; numTensors: number; numBytes: number; numDataBuffers: number } | null;
  process: { rss: number; heapUsed: number; heapTotal: number; external: number };
}

// ---- kernel → client -----------------------------------------------------------------------------------------

/** The first message: the kernel is ready for requests. */
export interface ReadyEvent {
  type: 'ready';
  protocolVersion: number;
  pid: number;
  nodeVersion: string;
  /** The inspector's WebSocket URL when the kernel was started with `--inspect`, else null. */
  inspectorUrl: string | null;
}

export interface StreamEvent {
  type: 'stream';
  requestId: string | null;
  cellId: string | null;
  name: 'stdout' | 'stderr';
  text: string;
}

export interface DisplayEvent {
  type: 'display';
  requestId: string | null;
  cellId: string | null;
  value: RichValue;
}

export type ResultStatus = 'ok' | 'error' | 'interrupted';

export interface ExecuteResult {
  type: 'result';
  requestId: string;
  cellId: string;
  runId: number;
  status: ResultStatus;
  durationMs: number;
  /** The value of the cell's last expression; absent when it is `undefined` or the cell failed. */
  value?: RichValue;
  /** Present when status is `error`. */
  error?: CellError;
  /** Present when status is `interrupted`: what happened, in a sentence for the user. */
  message?: string;
}

/**
 * `interrupted`: the running cell's JavaScript was stopped (its result says `interrupted`), state kept.
 * `abandoned`: the cell was waiting (`await`) with the kernel idle; the kernel stopped waiting and reported the
 * cell `interrupted`, but the awaited work may still finish in the background.
 * `idle`: nothing was running. `notInterruptible`: JavaScript is running outside a cell's own synchronous code
 * (a timer or I/O callback, code after an `await`), where terminating it can crash the kernel; offer a restart or
 * an interrupt with `force`. `forced`: terminated on request although unsafe; the kernel may exit.
 */
export type InterruptOutcome = 'interrupted' | 'abandoned' | 'idle' | 'notInterruptible' | 'forced';

export interface InterruptReply {
  type: 'interruptReply';
  requestId: string;
  outcome: InterruptOutcome;
  message: string;
}

export interface VariablesReply {
  type: 'variablesReply';
  requestId: string;
  variables: VariableInfo[];
}

export interface MemoryReply {
  type: 'memoryReply';
  requestId: string;
  memory: MemoryInfo;
}

export interface ShutdownReply {
  type: 'shutdownReply';
  requestId: string;
}

/** A request the kernel could not read; `requestId` is null when even that was missing. */
export interface RequestError {
  type: 'requestError';
  requestId: string | null;
  message: string;
}

export type KernelMessage =
  | ReadyEvent
  | StreamEvent
  | DisplayEvent
  | ExecuteResult
  | InterruptReply
  | VariablesReply
  | MemoryReply
  | ShutdownReply
  | RequestError;

export type KernelReply = Exclude<KernelMessage, ReadyEvent | StreamEvent | DisplayEvent | RequestError>;

export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}

// ---- runtime guards ------------------------------------------------------------------------------------------

type Guard<T> = (value: unknown) => value is T;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
const isNullable =
  <T>(guard: Guard<T>): Guard<T | null> =>
  (v): v is T | null =>
    v === null || guard(v);
const isOptional =
  <T>(guard: Guard<T>): Guard<T | undefined> =>
  (v): v is T | undefined =>
    v === undefined || guard(v);
const isArrayOf =
  <T>(guard: Guard<T>): Guard<T[]> =>
  (v): v is T[] =>
    Array.isArray(v) && v.every(guard);
const isOneOf =
  <T extends string>(...values: T[]): Guard<T> =>
  (v): v is T =>
    typeof v === 'string' && (values as string[]).includes(v);

/** Checks that `value` has each listed field passing its guard. */
function hasFields(value: Record<string, unknown>, fields: Record<string, Guard<unknown>>): boolean {
  return Object.entries(fields).every(([key, guard]) => guard(value[key]));
}

const isTableCell = (v: unknown): v is TableCell => v === null || isString(v) || isBoolean(v) || typeof v === 'number';
const isSeries = (v: unknown): v is ChartSeries => isRecord(v) && hasFields(v, { name: isString, x: isArrayOf(isNumber), y: isArrayOf(isNumber) });
const isBin = (v: unknown): v is HistogramBin => isRecord(v) && hasFields(v, { start: isNumber, end: isNumber, count: isNumber });

function isChartSpec(v: unknown): v is ChartSpec {
  if (!isRecord(v) || !hasFields(v, { title: isOptional(isString), xLabel: isOptional(isString), yLabel: isOptional(isString) })) return false;
  if (v.type === 'line' || v.type === 'scatter') return isArrayOf(isSeries)(v.series);
  return v.type === 'histogram' && isArrayOf(isBin)(v.bins);
}

const isTensorImages = (v: unknown): v is TensorImages =>
  isRecord(v) &&
  hasFields(v, { width: isNumber, height: isNumber, count: isNumber, total: isNumber, rgbaBase64: isArrayOf(isString) }) &&
  Array.isArray(v.range) &&
  v.range.length === 2 &&
  v.range.every(isNumber);

export function isRichValue(v: unknown): v is RichValue {
  if (!isRecord(v)) return false;
  switch (v.kind) {
    case 'text':
      return hasFields(v, { typeName: isString, text: isString });
    case 'tensor':
      return (
        hasFields(v, { shape: isArrayOf(isNumber), dtype: isString, size: isNumber, preview: isString, disposed: isBoolean }) &&
        (v.images === undefined || isTensorImages(v.images)) &&
        (v.histogram === undefined || (isRecord(v.histogram) && hasFields(v.histogram, { min: isNumber, max: isNumber, mean: isNumber, bins: isArrayOf(isBin) })))
      );
    case 'progress':
      return (
        hasFields(v, { id: isString, epoch: isNumber, epochs: isNumber, batch: isNumber, batches: isNullable(isNumber), elapsedMs: isNumber, etaMs: isNullable(isNumber) }) &&
        hasFields(v, { epochLosses: isArrayOf(isNumber), done: isBoolean }) &&
        isRecord(v.values) &&
        Object.values(v.values).every(isNullable(isNumber))
      );
    case 'table':
      return hasFields(v, { columns: isArrayOf(isString), rows: isArrayOf(isArrayOf(isTableCell)), totalRows: isNumber });
    case 'chart':
      return isChartSpec(v.chart);
    case 'image':
      return hasFields(v, { width: isNumber, height: isNumber, title: isOptional(isString), rgbaBase64: isString });
    default:
      return false;
  }
}

const isStackFrame = (v: unknown): v is StackFrame =>
  isRecord(v) && hasFields(v, { functionName: isOptional(isString), file: isString, line: isNumber, column: isNumber, library: isOptional(isBoolean) });
const isCellError = (v: unknown): v is CellError =>
  isRecord(v) && hasFields(v, { name: isString, message: isString, stack: isString, frames: isArrayOf(isStackFrame) });
const isVariableInfo = (v: unknown): v is VariableInfo =>
  isRecord(v) &&
  hasFields(v, { name: isString, typeName: isString, preview: isString }) &&
  (v.tensor === undefined || (isRecord(v.tensor) && hasFields(v.tensor, { shape: isArrayOf(isNumber), dtype: isString, size: isNumber })));
const isMemoryInfo = (v: unknown): v is MemoryInfo =>
  isRecord(v) &&
  (v.tfjs === null || (isRecord(v.tfjs) && hasFields(v.tfjs, { backend: isNullable(isString), numTensors: isNumber, numBytes: isNumber, numDataBuffers: isNumber }))) &&
  isRecord(v.process) &&
  hasFields(v.process, { rss: isNumber, heapUsed: isNumber, heapTotal: isNumber, external: isNumber });

const REQUEST_FIELDS: { [K in KernelRequest['type']]: Record<string, Guard<unknown>> } = {
  execute: { requestId: isString, cellId: isString, runId: isNumber, code: isString, file: isString, startLine: isNumber },
  interrupt: { requestId: isString, force: isOptional(isBoolean) },
  inspectVariables: { requestId: isString },
  memory: { requestId: isString },
  shutdown: { requestId: isString },
};

const MESSAGE_FIELDS: { [K in KernelMessage['type']]: Record<string, Guard<unknown>> } = {
  ready: { protocolVersion: isNumber, pid: isNumber, nodeVersion: isString, inspectorUrl: isNullable(isString) },
  stream: { requestId: isNullable(isString), cellId: isNullable(isString), name: isOneOf('stdout', 'stderr'), text: isString },
  display: { requestId: isNullable(isString), cellId: isNullable(isString), value: isRichValue },
  result: {
    requestId: isString,
    cellId: isString,
    runId: isNumber,
    status: isOneOf('ok', 'error', 'interrupted'),
    durationMs: isNumber,
    value: isOptional(isRichValue),
    error: isOptional(isCellError),
    message: isOptional(isString),
  },
  interruptReply: { requestId: isString, outcome: isOneOf('interrupted', 'abandoned', 'idle', 'notInterruptible', 'forced'), message: isString },
  variablesReply: { requestId: isString, variables: isArrayOf(isVariableInfo) },
  memoryReply: { requestId: isString, memory: isMemoryInfo },
  shutdownReply: { requestId: isString },
  requestError: { requestId: isNullable(isString), message: isString },
};

export type Parsed<T> = { ok: true; message: T } | { ok: false; error: string; requestId: string | null };

function parseWith<T extends { type: string }>(line: string, table: Record<string, Record<string, Guard<unknown>>>, what: string): Parsed<T> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, error: `${what} is not JSON: ${line.slice(0, 200)}`, requestId: null };
  }
  const requestId = isRecord(value) && isString(value.requestId) ? value.requestId : null;
  if (!isRecord(value) || !isString(value.type) || !Object.hasOwn(table, value.type)) {
    return { ok: false, error: `${what} has an unknown type: ${line.slice(0, 200)}`, requestId };
  }
  const fields = table[value.type]!;
  const bad = Object.keys(fields).filter((key) => !fields[key]!(value[key]));
  if (bad.length > 0) return { ok: false, error: `${what} '${value.type}' has bad fields: ${bad.join(', ')}`, requestId };
  return { ok: true, message: value as unknown as T };
}

/** Reads one line from a client. */
export const parseKernelRequest = (line: string): Parsed<KernelRequest> => parseWith<KernelRequest>(line, REQUEST_FIELDS, 'request');

/** Reads one line from a kernel. */
export const parseKernelMessage = (line: string): Parsed<KernelMessage> => parseWith<KernelMessage>(line, MESSAGE_FIELDS, 'kernel message');

// ---- framing -------------------------------------------------------------------------------------------------

export const encodeMessage = (message: KernelRequest | KernelMessage): string => `${JSON.stringify(message)}\n`;

/**
 * Splits a byte stream into lines; feed it chunks, get complete lines back. Bytes are decoded as a stream, so a
 * UTF-8 character split across two chunks survives. Typed with Uint8Array (Buffer is one) so that browser-side code
 * importing this module's types needs no Node types.
 */
export class LineDecoder {
  private buffer = '';
  private readonly decoder = new TextDecoder();

  push(chunk: Uint8Array | string): string[] {
    this.buffer += typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    const lines = this.buffer.split('\n');
    this.buffer = lines.pop() ?? '';
    return lines.filter((line) => line.length > 0);
  }
}
