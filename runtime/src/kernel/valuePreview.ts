// Turns live values in the kernel into the protocol's JSON records: a tensor becomes shape, dtype and a value
// preview; an array of plain records becomes a table; anything else becomes `util.inspect` text. Also lists the
// globals cells defined (for the Variables view) and reads tfjs and process memory.
// Runs on the kernel's main thread, next to the values. tfjs is never imported here: tensors are recognized by
// shape (duck typing), and tfjs memory is read from the engine tfjs registers on `globalThis._tfengine`, so a
// kernel that never loaded tfjs pays nothing for it.
import { inspect } from 'node:util';
import { describeLibraryObject } from './libraryValues';
import type { MemoryInfo, RichValue, TableCell, VariableInfo } from './kernelProtocol';
import { imageLayout, MAX_GRID_IMAGES, tensorHistogram, tensorImages } from './tensorViews';

/** The part of a tfjs Tensor this module reads. */
export interface TensorLike {
  shape: number[];
  dtype: string;
  size: number;
  isDisposed: boolean;
  dataSync(): ArrayLike<number | string | boolean>;
  toString(verbose?: boolean): string;
  slice?(begin: number[], size: number[]): TensorLike;
  dispose?(): void;
}

interface TfEngineLike {
  backendName?: string | null;
  memory(): { numTensors: number; numBytes: number; numDataBuffers: number };
}

const MAX_TABLE_ROWS = 200;
const MAX_TABLE_COLUMNS = 50;
/** Tensors larger than this are previewed without reading their values (a GPU download can be slow). */
const MAX_PREVIEW_TENSOR_SIZE = 1_000_000;
/** Tensors at least this large also show a histogram of their values (their printed preview is mostly `...`). */
const MIN_HISTOGRAM_SIZE = 1000;
const INSPECT_OPTIONS = { depth: 2, maxArrayLength: 50, maxStringLength: 2000, breakLength: 100, compact: 3 } as const;

export function isTensorLike(value: unknown): value is TensorLike {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<TensorLike>;
  return Array.isArray(v.shape) && typeof v.dtype === 'string' && typeof v.size === 'number' && typeof v.dataSync === 'function';
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || isTensorLike(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function tensorValue(tensor: TensorLike): Extract<RichValue, { kind: 'tensor' }> {
  const base = { kind: 'tensor' as const, shape: [...tensor.shape], dtype: tensor.dtype, size: tensor.size };
  if (tensor.isDisposed) return { ...base, preview: '(disposed)', disposed: true };
  if (tensor.size > MAX_PREVIEW_TENSOR_SIZE) return { ...base, preview: `(${tensor.size} values, not read)`, disposed: false, ...tensorPictures(tensor) };
  try {
    // tfjs prints "Tensor\n    [[1, 2],\n     [3, 4]]": drop the heading and its four-space indent.
    const preview = tensor.toString().replace(/^Tensor\n/, '').replace(/^ {4}/gm, '');
    return { ...base, preview, disposed: false, ...tensorPictures(tensor) };
  } catch (err) {
    return { ...base, preview: `(cannot read values: ${err instanceof Error ? err.message : String(err)})`, disposed: false };
  }
}

/** Images for tensors shaped like images, else a histogram for large ones; nothing for small numeric tensors. */
function tensorPictures(tensor: TensorLike): Pick<Extract<RichValue, { kind: 'tensor' }>, 'images' | 'histogram'> {
  if (tensor.dtype === 'string') return {};
  const layout = imageLayout(tensor.shape, tensor.dtype);
  if (layout) {
    // Only the images drawn are read: a batch of 60000 digits is sliced to its first few.
    const batch = layout.count > MAX_GRID_IMAGES && tensor.shape.length === 4 && tensor.slice ? tensor.slice([0, 0, 0, 0], [MAX_GRID_IMAGES, -1, -1, -1]) : tensor;
    try {
      if (batch.size > MAX_PREVIEW_TENSOR_SIZE) return {};
      const images = tensorImages(batch.dataSync() as ArrayLike<number>, { ...layout, count: Math.min(layout.count, MAX_GRID_IMAGES) });
      return { images: { ...images, total: layout.count } };
    } finally {
      if (batch !== tensor) batch.dispose?.();
    }
  }
  if (tensor.size < MIN_HISTOGRAM_SIZE) return {};
  const histogram = tensorHistogram(tensor.dataSync() as ArrayLike<number>);
  return histogram ? { histogram } : {};
}

function tableCell(value: unknown): TableCell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (isTensorLike(value)) return `Tensor [${value.shape.join(', ')}] ${value.dtype}`;
  return inspect(value, { ...INSPECT_OPTIONS, depth: 0, breakLength: Infinity });
}

/** Whether a value shows as a table: a non-empty array whose (first rows) are all plain records. */
export function isTableLike(value: unknown): value is Record<string, unknown>[] {
  return Array.isArray(value) && value.length > 0 && value.slice(0, MAX_TABLE_ROWS).every(isPlainRecord);
}

export function tableValue(rows: Record<string, unknown>[]): Extract<RichValue, { kind: 'table' }> {
  const shown = rows.slice(0, MAX_TABLE_ROWS);
  const columns: string[] = [];
  for (const row of shown) for (const key of Object.keys(row)) if (!columns.includes(key) && columns.length < MAX_TABLE_COLUMNS) columns.push(key);
  return { kind: 'table', columns, rows: shown.map((row) => columns.map((c) => tableCell(row[c]))), totalRows: rows.length };
}

export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (isTensorLike(value)) return 'Tensor';
  if (typeof value !== 'object') return typeof value;
  if (isModuleNamespace(value)) return 'Module';
  const name = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor?.name;
  return Array.isArray(value) ? 'Array' : (name ?? 'Object');
}

/**
 * The rich value shown for a cell's last expression; undefined shows nothing. A tf.data dataset is previewed by
 * reading its first elements, which is asynchronous: only then is a promise returned.
 */
export function describeValue(value: unknown): RichValue | undefined | Promise<RichValue> {
  if (value === undefined) return undefined;
  if (isTensorLike(value)) return tensorValue(value);
  if (isTableLike(value)) return tableValue(value);
  const library = describeLibraryObject(value);
  if (library) return library;
  return { kind: 'text', typeName: typeName(value), text: inspect(value, INSPECT_OPTIONS) };
}

/** Global names that exist before any cell runs, and the kernel's own, which the Variables view never lists. */
const HIDDEN_GLOBALS = new Set([...Object.getOwnPropertyNames(globalThis), 'display', '_tfengine', '_tfGlobals']);

/**
 * The globals cells defined: the REPL's lexical names (`let`, `const`, `class`, given by the inspector) plus new
 * properties of `globalThis` (`var`, functions). Values are read with indirect eval, which sees the global scope.
 */
export function listVariables(lexicalNames: readonly string[]): VariableInfo[] {
  const names = new Set([...lexicalNames, ...Object.getOwnPropertyNames(globalThis).filter((n) => !HIDDEN_GLOBALS.has(n))]);
  const globalEval = eval;
  const variables: VariableInfo[] = [];
  for (const name of [...names].sort()) {
    let value: unknown;
    try {
      value = globalEval(name);
    } catch {
      variables.push({ name, typeName: 'uninitialized', preview: '(not initialized)' });
      continue;
    }
    const info: VariableInfo = { name, typeName: typeName(value), preview: variablePreview(value) };
    if (isTensorLike(value)) info.tensor = { shape: [...value.shape], dtype: value.dtype, size: value.size };
    variables.push(info);
  }
  return variables;
}

const isModuleNamespace = (value: object) => Object.prototype.toString.call(value) === '[object Module]';

function variablePreview(value: unknown): string {
  if (typeof value === 'object' && value !== null && isModuleNamespace(value)) return `module (${Object.keys(value).length} exports)`;
  if (isTensorLike(value)) return value.isDisposed ? 'disposed' : `Tensor [${value.shape.join(', ')}] ${value.dtype}`;
  if (typeof value === 'function') return `${value.name || 'anonymous'}(${value.length} ${value.length === 1 ? 'parameter' : 'parameters'})`;
  return inspect(value, { depth: 0, maxArrayLength: 10, maxStringLength: 200, breakLength: Infinity }).slice(0, 300);
}

export function readMemory(): MemoryInfo {
  const engine = (globalThis as { _tfengine?: TfEngineLike })._tfengine;
  const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
  let tfjs: MemoryInfo['tfjs'] = null;
  if (engine && typeof engine.memory === 'function') {
    const m = engine.memory();
    tfjs = { backend: engine.backendName ?? null, numTensors: m.numTensors, numBytes: m.numBytes, numDataBuffers: m.numDataBuffers };
  }
  return { tfjs, process: { rss, heapUsed, heapTotal, external } };
}
