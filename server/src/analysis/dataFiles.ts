// Data contracts of `tf.data`: `tf.data.csv` with a literal or constant path reads the CSV header
// (a small prefix only, through the host) relative to the analysed file, checks `columnConfigs`
// keys against it (tfjs raises that at the first read of the pipeline, so the problem is kept on the
// dataset and reported there), and gives the element its structure ({xs: {...}, ys: {...}}).
// `.map` runs the callback over that element, `.batch(n)` adds the batch axis, and `columnNames()`
// returns the header. Checking a dataset against a model is in models.ts.

import type { Evaluator } from './evaluator';
import { type Dim, ShapeError } from './shapes';
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
  dimOf,
  namespace,
  native,
  num,
  str,
  stringOf,
  tensor,
  truthiness,
} from './values';

/** Bytes read from a data file: enough for the header and a few rows, never the whole file. */
const HEADER_SAMPLE_BYTES = 64 * 1024;

function dirname(file: string): string {
  const i = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return i >= 0 ? file.slice(0, i) : '.';
}

function isAbsolute(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');
}

/** Resolves a `file://` URL or path against the analysed file's folder (string-only, no fs access). */
export function resolveDataPath(fromFile: string, url: string): string | undefined {
  let p = url;
  if (p.startsWith('file://')) p = p.slice('file://'.length);
  else if (/^[a-z]+:\/\//i.test(p)) return undefined;
  if (isAbsolute(p)) return p;
  const parts = `${dirname(fromFile)}/${p}`.split(/[\\/]/);
  const out: string[] = [];
  for (const part of parts) {
    if (part === '..') out.pop();
    else if (part !== '.' && part !== '') out.push(part);
  }
  return (fromFile.startsWith('/') ? '/' : '') + out.join('/');
}

function readHeader(ev: Evaluator, path: string, delimiter: string): string[] | undefined {
  const host = ev.host;
  if (!host) return undefined;
  let text: string | undefined;
  try {
    text = host.readFileHead ? host.readFileHead(path, HEADER_SAMPLE_BYTES) : host.readFile(path)?.slice(0, HEADER_SAMPLE_BYTES);
  } catch {
    return undefined;
  }
  if (text === undefined) return undefined;
  const firstLine = text.split(/\r?\n/)[0];
  if (!firstLine) return undefined;
  return firstLine.split(delimiter).map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

/** The column most like `name` (by edit distance, ignoring case). */
export function closestName(name: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const dist = editDistance(name.toLowerCase(), c.toLowerCase());
    if (dist < bestDistance) {
      best = c;
      bestDistance = dist;
    }
  }
  return best;
}

function csv(ev: Evaluator, c: NativeCall): Value {
  const url = stringOf(c.args[0]);
  const config = c.args[1] && c.args[1].kind === 'object' ? c.args[1] : undefined;
  const dataset: DatasetState = { element: UNKNOWN, origin: c.node };
  const path = url !== undefined ? resolveDataPath(ev.fileName, url) : undefined;
  const hasHeader = config?.props.get('hasHeader');
  const delimiterValue = config?.props.get('delimiter');
  const delimiter = delimiterValue ? stringOf(delimiterValue) : ',';
  // Without a header line (or with a delimiter the analysis cannot read) the columns are unknown.
  const headerless = hasHeader !== undefined && truthiness(hasHeader) !== true;
  const header = path && delimiter && !headerless ? readHeader(ev, path, delimiter) : undefined;
  const columnConfigs = config?.props.get('columnConfigs');
  const configs = columnConfigs && columnConfigs.kind === 'object' && !columnConfigs.open ? columnConfigs.props : undefined;
  const configuredOnly = config?.props.get('configuredColumnsOnly');
  const explicitNames = config?.props.get('columnNames');
  let columns = header;
  if (explicitNames && explicitNames.kind === 'array' && explicitNames.items) {
    const names = explicitNames.items.map(stringOf);
    columns = names.every((n) => n !== undefined) ? (names as string[]) : undefined;
  }
  if (!columns || (columnConfigs && !configs)) return { kind: 'dataset', dataset };
  dataset.columnNames = columns;
  if (configs) {
    for (const key of configs.keys()) {
      if (!columns.includes(key)) {
        const near = closestName(key, columns);
        dataset.deferredError = {
          code: 'data-column',
          message:
            `The key "${key}" provided in columnConfigs does not match any of the column names (${columns.join(',')}).` +
            (near ? ` The closest column is "${near}".` : ''),
          reported: false,
        };
        return { kind: 'dataset', dataset };
      }
    }
  }
  const used = configuredOnly && truthiness(configuredOnly) === true && configs ? columns.filter((col) => configs.has(col)) : columns;
  const isLabel = (col: string) => {
    const cc = configs?.get(col);
    return cc && cc.kind === 'object' ? truthiness(cc.props.get('isLabel') ?? UNDEFINED) === true : false;
  };
  const features: ObjectValue = { kind: 'object', props: new Map(), open: false };
  const labels: ObjectValue = { kind: 'object', props: new Map(), open: false };
  for (const col of used) (isLabel(col) ? labels : features).props.set(col, num());
  dataset.element = labels.props.size > 0 ? { kind: 'object', props: new Map<string, Value>([['xs', features], ['ys', labels]]), open: false } : features;
  return { kind: 'dataset', dataset };
}

/** What `.batch(n)` turns one element into: every leaf gains a leading axis of size n. */
function batchElement(v: Value, n: Dim, depth = 0): Value {
  if (depth > 4) return UNKNOWN;
  if (v.kind === 'number' || v.kind === 'boolean') return tensor([n]);
  if (v.kind === 'tensor') return tensor(v.shape ? [n, ...v.shape] : null, v.origin, v.dtype);
  if (v.kind === 'array') {
    const inferred = inferShape(v);
    return tensor(inferred.complete ? [n, ...inferred.dims] : null);
  }
  if (v.kind === 'object') {
    const props = new Map<string, Value>();
    for (const [k, p] of v.props) props.set(k, batchElement(p, n, depth + 1));
    return { kind: 'object', props, open: v.open };
  }
  return UNKNOWN;
}

function derived(dataset: DatasetState, element: Value): Value {
  const next: DatasetState = { ...dataset, element };
  return { kind: 'dataset', dataset: next };
}

export function datasetMember(dataset: DatasetState, key: string): Value {
  switch (key) {
    case 'map':
      return native(key, (c) => derived(dataset, c.args[0] && dataset.element.kind !== 'unknown' ? c.invoke(c.args[0], [dataset.element]) : UNKNOWN));
    case 'mapAsync':
      return native(key, (c) => derived(dataset, c.args[0] && dataset.element.kind !== 'unknown' ? c.invoke(c.args[0], [dataset.element]) : UNKNOWN));
    case 'batch':
      return native(key, (c) => derived(dataset, batchElement(dataset.element, dimOf(c.args[0]))));
    case 'shuffle':
    case 'take':
    case 'skip':
    case 'prefetch':
    case 'repeat':
    case 'filter':
      return native(key, () => derived(dataset, dataset.element));
    case 'columnNames':
      return native(key, () => {
        checkDataset(dataset);
        return dataset.columnNames ? arrayOf(dataset.columnNames.map((n) => str(n))) : arrayOfLength(null, str());
      });
    case 'forEachAsync':
    case 'toArray':
    case 'iterator':
      return native(key, (c) => {
        checkDataset(dataset);
        if (key === 'forEachAsync' && c.args[0]) c.invoke(c.args[0], [dataset.element]);
        return key === 'toArray' ? arrayOfLength(null, dataset.element) : UNKNOWN;
      });
    default:
      return UNKNOWN;
  }
}

/** Raises a dataset's deferred problem as a diagnostic at the reading call. */
export function checkDataset(dataset: DatasetState): void {
  const problem = dataset.deferredError;
  if (problem && !problem.reported) {
    problem.reported = true;
    throw new ShapeError(problem.code, problem.message);
  }
}

export function createDataNamespace(ev: Evaluator): Value {
  return namespace('tf.data', {
    csv: native('tf.data.csv', (c) => csv(ev, c)),
    array: native('tf.data.array', (c) => {
      const a = c.args[0];
      const element = a && a.kind === 'array' ? (a.items ? a.items[0] ?? UNKNOWN : a.element) : UNKNOWN;
      return { kind: 'dataset', dataset: { element, origin: c.node } };
    }),
    generator: native('tf.data.generator', (c) => ({ kind: 'dataset', dataset: { element: UNKNOWN, origin: c.node } })),
  });
}

