// `tf.data` pipelines as tfjs-data 4.22 builds them: where a dataset's elements come from (`tf.data.array`,
// `generator`, `func`, `zip`, `csv` in dataFiles.ts, and the `webcam`/`microphone` iterators), what each
// Dataset method does to one element (`map` runs its callback on it, `batch` stacks it under a leading axis)
// and to the element count (`size`, which decides whether every batch is full), and how an element is
// described for hovers. A dataset is lazy in tfjs, so callbacks run here once, when the pipeline is built,
// on the element the analysis knows. Checking a dataset against a model is in datasetTraining.ts.

import type * as ts from 'typescript';
import { type Evaluator, GENERATOR_YIELDS_FOLLOWED } from './evaluator';
import { csv } from './dataFiles';
import { type Dim, BATCH_DIM, ShapeError, formatShape } from './shapes';
import { inferShape } from './tensorCreation';
import {
  type DatasetState,
  type NativeCall,
  type ObjectValue,
  type Value,
  UNDEFINED,
  UNKNOWN,
  arrayOf,
  arrayOfLength,
  bool,
  dimOf,
  joinValues,
  namespace,
  native,
  num,
  numberOf,
  objectOf,
  str,
  tensor,
  truthiness,
} from './values';

/** The element count of a dataset as tfjs keeps it: a number (Infinity for endless streams), or null when unknown. */
type Size = number | null;

function dataset(element: Value, origin: ts.Node, size: Size, iterator = false): Value {
  const state: DatasetState = { element, origin, size };
  if (iterator) state.iterator = true;
  return { kind: 'dataset', dataset: state };
}

function derived(from: DatasetState, element: Value, size: Size = from.size ?? null): Value {
  return { kind: 'dataset', dataset: { ...from, element, size } };
}

/** An array summary's element, or unknown for an empty array (whose summary is the join identity). */
function elementOfArray(v: Value): Value {
  if (v.kind !== 'array') return UNKNOWN;
  return v.element.kind === 'unknown' ? UNKNOWN : v.element;
}

function containsTensor(v: Value, depth = 0): boolean {
  if (depth > 4) return false;
  if (v.kind === 'tensor') return true;
  if (v.kind === 'array') return (v.items ?? [v.element]).some((i) => containsTensor(i, depth + 1));
  return false;
}

/**
 * What `.batch(n)` turns one element into (tfjs `deepBatchConcat`): a tensor, number or array leaf is stacked
 * into one tensor with a leading axis of `n`; objects keep their keys. An array holding tensors is a leaf too,
 * and `tf.tensor` of tensors is not a tensor of their values, so that batch has no shape the analysis can give.
 */
export function batchElement(v: Value, n: Dim, depth = 0): Value {
  if (depth > 4) return UNKNOWN;
  if (v.kind === 'number' || v.kind === 'boolean') return tensor([n]);
  if (v.kind === 'tensor') return tensor(v.shape ? [n, ...v.shape] : null, v.origin, v.dtype);
  if (v.kind === 'array') {
    const inferred = inferShape(v);
    const batched = tensor(inferred.complete && !containsTensor(v) ? [n, ...inferred.dims] : null);
    if (containsTensor(v)) batched.unknownReason = 'tfjs batches an array of tensors with tf.tensor, which does not stack them';
    return batched;
  }
  if (v.kind === 'object') {
    const props = new Map<string, Value>();
    for (const [k, p] of v.props) props.set(k, batchElement(p, n, depth + 1));
    return { kind: 'object', props, open: v.open };
  }
  return UNKNOWN;
}

/**
 * The size of every batch: `n` when all batches are full (the count divides evenly, or the stream is endless),
 * the count itself when it is smaller than `n`, and the named `batch` size when the last batch is partial or the
 * count is unknown (tfjs keeps a smaller last batch unless `smallLastBatch` is false).
 */
function batchDim(size: Size, n: Dim, smallLastBatch: boolean): Dim {
  if (typeof n !== 'number') return n === null ? BATCH_DIM : n;
  if (size === Infinity) return n;
  if (size === null) return BATCH_DIM;
  if (size <= n) return smallLastBatch ? size : n;
  return size % n === 0 || !smallLastBatch ? n : BATCH_DIM;
}

function batchedSize(size: Size, n: number | undefined, smallLastBatch: boolean): Size {
  if (size === null || size === Infinity || n === undefined || n <= 0) return size === Infinity ? Infinity : null;
  return smallLastBatch ? Math.ceil(size / n) : Math.floor(size / n);
}

/** `Dataset.take/skip/repeat` sizes, as dataset.js computes them. */
function takeSize(size: Size, count: number | undefined): Size {
  if (size === null || count === undefined) return null;
  return size > count ? count : size;
}

function skipSize(size: Size, count: number | undefined): Size {
  if (size === null) return null;
  if (count === undefined || count < 0 || size < count) return 0;
  return size - count;
}

function repeatSize(size: Size, count: number | undefined, given: boolean): Size {
  if (count === 0) return 0;
  if (size !== null && count !== undefined && count > 0) return size * count;
  if (size !== null && (!given || (count !== undefined && count < 0))) return Infinity;
  return null;
}

function sizeOf(v: Value | undefined): number | undefined {
  const n = numberOf(v);
  return n !== undefined && Number.isFinite(n) ? n : undefined;
}

/** Members shared by datasets and the iterators tfjs hands out (`map`, `take`, ...), and those of datasets only. */
export function datasetMember(ds: DatasetState, key: string): Value {
  const size = ds.size ?? null;
  switch (key) {
    case 'map':
    case 'mapAsync':
      // tfjs calls the transform lazily; the analysis runs it once now, on the element it knows.
      return native(key, (c) => derived(ds, c.args[0] ? c.invoke(c.args[0], [ds.element]) : UNKNOWN));
    case 'filter':
      return native(key, (c) => {
        if (c.args[0]) c.invoke(c.args[0], [ds.element]);
        return derived(ds, ds.element, size === Infinity ? Infinity : null);
      });
    case 'take':
      return native(key, (c) => derived(ds, ds.element, takeSize(size, sizeOf(c.args[0]))));
    case 'skip':
      return native(key, (c) => derived(ds, ds.element, skipSize(size, sizeOf(c.args[0]))));
    case 'shuffle':
    case 'prefetch':
      return native(key, (c) => {
        const buffer = c.args[0];
        const missing = !buffer || buffer.kind === 'undefined' || buffer.kind === 'null';
        // tfjs checks a dataset's buffer size when the pipeline is built, with a RangeError.
        if (!ds.iterator && (missing || (key === 'shuffle' && (numberOf(buffer) ?? 0) < 0))) {
          const hint = key === 'shuffle' && size !== null
            ? `  If your data fits in main memory (for regular JS objects), and/or GPU memory (for \`tf.Tensor\`s), consider setting bufferSize to the dataset size (${size} elements)`
            : '';
          throw new ShapeError('data-config', `\`Dataset.${key}()\` requires bufferSize to be specified.${hint}`);
        }
        return derived(ds, ds.element);
      });
    case 'forEachAsync':
      return native(key, (c) => {
        checkDataset(ds);
        if (c.args[0]) c.invoke(c.args[0], [ds.element]);
        return UNDEFINED;
      });
    case 'toArray':
      return native(key, () => {
        checkDataset(ds);
        if (size === Infinity && !ds.iterator) throw new ShapeError('data-config', 'Can not convert infinite data stream to array.');
        return arrayOfLength(size !== null && Number.isFinite(size) ? size : null, ds.element);
      });
    default:
      return ds.iterator ? iteratorMember(ds, key) : datasetOnlyMember(ds, key);
  }
}

function datasetOnlyMember(ds: DatasetState, key: string): Value {
  const size = ds.size ?? null;
  switch (key) {
    case 'batch':
      return native(key, (c) => {
        const small = c.args[1] === undefined || truthiness(c.args[1]) !== false;
        const n = dimOf(c.args[0]);
        // tfjs's message keeps the line break and indentation of its template literal.
        if (typeof n === 'number' && n <= 0) throw new ShapeError('data-config', `batchSize needs to be positive, but it is\n      ${n}`);
        return derived(ds, batchElement(ds.element, batchDim(size, n, small)), batchedSize(size, sizeOf(c.args[0]), small));
      });
    case 'repeat':
      return native(key, (c) => derived(ds, ds.element, repeatSize(size, sizeOf(c.args[0]), c.args[0] !== undefined && c.args[0].kind !== 'undefined')));
    case 'concatenate':
      return native(key, (c) => {
        const other = c.args[0];
        if (!other || other.kind !== 'dataset') return derived(ds, ds.element, null);
        const otherSize = other.dataset.size ?? null;
        const total = size === Infinity || otherSize === Infinity ? Infinity : size !== null && otherSize !== null ? size + otherSize : null;
        return derived(ds, joinValues(ds.element, other.dataset.element), total);
      });
    case 'iterator':
      return native(key, () => {
        checkDataset(ds);
        return derived({ ...ds, iterator: true }, ds.element);
      });
    case 'size':
      return size === null ? { kind: 'null' } : num(size);
    case 'columnNames':
      return native(key, () => {
        checkDataset(ds);
        return ds.columnNames ? arrayOf(ds.columnNames.map((n) => str(n))) : arrayOfLength(null, str());
      });
    default:
      return UNKNOWN;
  }
}

/** A LazyIterator: `tf.data.webcam`/`microphone` results and `dataset.iterator()`. */
function iteratorMember(ds: DatasetState, key: string): Value {
  switch (key) {
    case 'next':
      return native(key, () => objectOf({ value: ds.element, done: bool() }));
    case 'capture':
      return native(key, () => ds.element);
    case 'stop':
      return native(key, () => UNDEFINED);
    default:
      return UNKNOWN;
  }
}

/** Raises a dataset's deferred problem as a diagnostic at the reading call. */
export function checkDataset(ds: DatasetState): void {
  const problem = ds.deferredError;
  if (problem && !problem.reported) {
    problem.reported = true;
    throw new ShapeError(problem.code, problem.message);
  }
}

/** The value of an iterator result `{value, done}`, unless it says the stream is done. */
function iteratorResultValue(r: Value): Value {
  if (r.kind !== 'object') return UNKNOWN;
  if (truthiness(r.props.get('done') ?? UNDEFINED) === true) return UNKNOWN;
  return r.props.get('value') ?? UNKNOWN;
}

function isGeneratorFunction(fn: Value): boolean {
  return fn.kind === 'function' && !!(fn.node as ts.FunctionDeclaration).asteriskToken;
}

/**
 * `tf.data.generator(fn)`: the element is what `fn()`'s iterator yields. A generator function's call gives
 * the yielded values (see Evaluator.callFunction); a function returning an iterator object gives its `next()`.
 */
function generatorElement(ev: Evaluator, c: NativeCall): Value {
  const fn = c.args[0];
  if (!fn) return UNKNOWN;
  const made = ev.withYieldLimit(GENERATOR_YIELDS_FOLLOWED, () => c.invoke(fn, []));
  if (isGeneratorFunction(fn) || made.kind === 'array') return elementOfArray(made);
  if (made.kind === 'object') {
    const next = made.props.get('next');
    return next ? iteratorResultValue(c.invoke(next, [])) : UNKNOWN;
  }
  return UNKNOWN;
}

/** `tf.data.zip`: an array or object of datasets (nested) gives the same structure of their elements. */
function zipped(v: Value, depth = 0): { element: Value; size: Size } | undefined {
  if (depth > 4) return undefined;
  if (v.kind === 'dataset') return { element: v.dataset.element, size: v.dataset.size ?? null };
  const parts: Array<[string, Value]> = v.kind === 'array' && v.items ? v.items.map((item, i) => [String(i), item]) : v.kind === 'object' && !v.open ? [...v.props] : [];
  if (parts.length === 0 && !(v.kind === 'array' && v.items) && !(v.kind === 'object' && !v.open)) return undefined;
  let size: Size | undefined;
  const elements: Array<[string, Value]> = [];
  for (const [key, part] of parts) {
    const z = zipped(part, depth + 1);
    if (!z) return undefined;
    elements.push([key, z.element]);
    // The zip ends with its shortest member; one member of unknown length leaves the count unknown.
    size = size === undefined ? z.size : size === null || z.size === null ? null : Math.min(size, z.size);
  }
  const element: Value = v.kind === 'array' ? arrayOf(elements.map(([, e]) => e)) : { kind: 'object', props: new Map(elements), open: false };
  return { element, size: size ?? null };
}

/** A config number that may be left out (`config.x || fallback`): the fallback when absent, null when not known. */
function configDim(config: ObjectValue | undefined, key: string, fallback: number): Dim {
  const v = config?.props.get(key);
  if (!v || v.kind === 'undefined' || v.kind === 'null') return fallback;
  const n = numberOf(v);
  if (n === undefined) return null;
  return n === 0 ? fallback : n;
}

/**
 * A flag tfjs compares strictly (`config.x === special`): `special` gives `!otherwise`, anything else known
 * gives `otherwise`, and a value the analysis does not know gives undefined.
 */
function strictFlag(config: ObjectValue | undefined, key: string, special: boolean, otherwise: boolean): boolean | undefined {
  const v = config?.props.get(key);
  if (!v || v.kind === 'undefined' || v.kind === 'null' || v.kind === 'number' || v.kind === 'string') return otherwise;
  if (v.kind === 'boolean') return v.value === undefined ? undefined : v.value === special ? !otherwise : otherwise;
  return undefined;
}

function configObject(v: Value | undefined): ObjectValue | undefined {
  return v && v.kind === 'object' ? v : undefined;
}

/** `tf.data.microphone(config)`: `{spectrogram: [frames, columns, 1], waveform: [frames * fftSize, 1]}`, either left out by config. */
function microphone(c: NativeCall): Value {
  const config = configObject(c.args[0]);
  const fftSize = configDim(config, 'fftSize', 1024);
  if (typeof fftSize === 'number') {
    const log2 = Math.log2(fftSize);
    if (fftSize < 0 || log2 < 4 || log2 > 14 || !Number.isInteger(log2)) {
      throw new ShapeError('data-config', `Invalid fftSize: it must be a power of 2 between 2 to 4 and 2 to 14, but got ${fftSize}`);
    }
  }
  const frames = configDim(config, 'numFramesPerSpectrogram', 43);
  const columns = configDim(config, 'columnTruncateLength', 0);
  // tfjs includes the spectrogram unless the flag is exactly false, and the waveform only when it is exactly true.
  const spectrogramOn = strictFlag(config, 'includeSpectrogram', false, true);
  const waveformOn = strictFlag(config, 'includeWaveform', true, false);
  if (spectrogramOn === false && waveformOn === false) {
    throw new ShapeError('data-config', 'Both includeSpectrogram and includeWaveform are false. At least one type of data should be returned.');
  }
  const spectrogram = tensor([frames, columns === 0 ? fftSize : columns, 1], c.node, 'float32');
  const waveform = tensor([typeof frames === 'number' && typeof fftSize === 'number' ? frames * fftSize : null, 1], c.node, 'float32');
  const pick = (on: boolean | undefined, t: Value) => (on === true ? t : on === false ? UNDEFINED : UNKNOWN);
  const element = objectOf({ spectrogram: pick(spectrogramOn, spectrogram), waveform: pick(waveformOn, waveform) });
  return dataset(element, c.node, Infinity, true);
}

/**
 * `tf.data.webcam(video, config)`: frames of `[resizeHeight, resizeWidth, 3]` when both sizes are given (tfjs
 * crops and resizes to them, as float32). Without them a frame has the video's own size, unknown here.
 */
function webcam(c: NativeCall): Value {
  const config = configObject(c.args[1]);
  const width = config?.props.get('resizeWidth');
  const height = config?.props.get('resizeHeight');
  const frame = width && height && truthiness(width) !== false && truthiness(height) !== false
    ? tensor([dimOf(height), dimOf(width), 3], c.node, 'float32')
    : tensor([null, null, 3], c.node);
  return dataset(frame, c.node, Infinity, true);
}

export function createDataNamespace(ev: Evaluator): Value {
  return namespace('tf.data', {
    csv: native('tf.data.csv', (c) => csv(ev, c)),
    array: native('tf.data.array', (c) => {
      const a = c.args[0];
      const size = a && a.kind === 'array' && typeof a.length === 'number' ? a.length : null;
      return dataset(a ? elementOfArray(a) : UNKNOWN, c.node, size);
    }),
    generator: native('tf.data.generator', (c) => dataset(generatorElement(ev, c), c.node, null)),
    func: native('tf.data.func', (c) => dataset(c.args[0] ? iteratorResultValue(c.invoke(c.args[0], [])) : UNKNOWN, c.node, null)),
    zip: native('tf.data.zip', (c) => {
      const z = c.args[0] ? zipped(c.args[0]) : undefined;
      return dataset(z?.element ?? UNKNOWN, c.node, z?.size ?? null);
    }),
    microphone: native('tf.data.microphone', microphone),
    webcam: native('tf.data.webcam', webcam),
  });
}

/**
 * How a hover shows a dataset's element: tensors by shape, other leaves by type, objects and arrays by their
 * parts (`{xs: [32, 784], ys: [32, 10]}`); `?` for what the analysis does not know.
 */
export function describeElement(v: Value, depth = 0): string {
  if (depth > 4) return '?';
  switch (v.kind) {
    case 'tensor':
      return formatShape(v.shape);
    case 'number':
    case 'string':
    case 'boolean':
    case 'undefined':
    case 'null':
      return v.kind;
    case 'array': {
      if (!v.items) return `${describeElement(v.element, depth + 1)}[${v.length ?? ''}]`;
      const parts = v.items.map((i) => describeElement(i, depth + 1));
      if (parts.length > 4 && parts.every((p) => p === parts[0])) return `${parts[0]}[${parts.length}]`;
      return `[${parts.join(', ')}]`;
    }
    case 'object': {
      const parts = [...v.props].map(([k, p]) => `${k}: ${describeElement(p, depth + 1)}`);
      if (v.open) parts.push('...');
      return `{${parts.join(', ')}}`;
    }
    default:
      return '?';
  }
}
