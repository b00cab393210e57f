// Data contracts of `tf.data`: `tf.data.csv` with a literal or constant path reads the CSV header
// (a small prefix only, through the host) relative to the analysed file, checks `columnConfigs`
// keys against it (tfjs raises that at the first read of the pipeline, so the problem is kept on the
// dataset and reported there), and gives the element its structure ({xs: {...}, ys: {...}}). The other
// `tf.data` sources and the Dataset methods are in datasets.ts; checks against a model in datasetTraining.ts.

import type { Evaluator } from './evaluator';
import {
  type DatasetState,
  type NativeCall,
  type ObjectValue,
  type Value,
  UNDEFINED,
  UNKNOWN,
  num,
  stringOf,
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

/** `tf.data.csv(url, config)`: the element's structure from the header and `columnConfigs`. */
export function csv(ev: Evaluator, c: NativeCall): Value {
  const url = stringOf(c.args[0]);
  const config = c.args[1] && c.args[1].kind === 'object' ? c.args[1] : undefined;
  const dataset: DatasetState = { element: UNKNOWN, origin: c.node, size: null };
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
