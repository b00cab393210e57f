// Views of tfjs objects that print badly as text: the History that `fit` resolves to becomes a chart of its
// metrics per epoch (so a trailing `await model.fit(…)` draws the curves instead of dumping the object), a layers
// model becomes its summary table (layer, type, output shape, parameters), and a tf.data dataset shows its first
// elements as a table. Recognised by shape, as valuePreview.ts recognises tensors: tfjs is never imported here.
import type { RichValue, TableCell } from './kernelProtocol';
import { isTensorLike, type TensorLike } from './valuePreview';

/** Elements of a dataset read for its preview. */
const DATASET_PREVIEW_ROWS = 5;
/** A tensor in a dataset row shows its values when it has at most this many. */
const INLINE_TENSOR_VALUES = 8;

interface HistoryLike {
  epoch: number[];
  history: Record<string, unknown[]>;
}

interface LayerLike {
  name: string;
  outputShape: unknown;
  getClassName(): string;
  countParams(): number;
}

interface ModelLike {
  layers: LayerLike[];
  countParams(): number;
  summary(): void;
}

interface DatasetLike {
  size: number | null;
  take(count: number): { toArray(): Promise<unknown[]> };
  iterator(): unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function isHistory(v: unknown): v is HistoryLike {
  return isObject(v) && Array.isArray(v.epoch) && isObject(v.history) && !Array.isArray(v.history) && 'params' in v;
}

function isModel(v: unknown): v is ModelLike {
  return isObject(v) && Array.isArray(v.layers) && typeof v.summary === 'function' && typeof v.countParams === 'function';
}

function isDataset(v: unknown): v is DatasetLike {
  return isObject(v) && typeof v.iterator === 'function' && typeof v.take === 'function' && 'size' in v && !isTensorLike(v);
}

/** The chart of a History: one line per metric over epochs. */
export function historyChart(history: HistoryLike): RichValue {
  const series = Object.entries(history.history).map(([name, values]) => ({
    name,
    x: history.epoch.map((e) => e + 1),
    y: values.map((v) => (typeof v === 'number' ? v : isTensorLike(v) ? Number(v.dataSync()[0]) : NaN)),
  }));
  return { kind: 'chart', chart: { type: 'line', series, title: `History: ${history.epoch.length} epochs`, xLabel: 'epoch' } };
}

function shapeText(shape: unknown): string {
  if (!Array.isArray(shape)) return String(shape);
  // A layer with several outputs has a list of shapes.
  if (shape.some(Array.isArray)) return shape.map(shapeText).join(', ');
  return `[${shape.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`;
}

/** The summary table of a layers model, the same columns as `model.summary()` prints. */
export function modelTable(model: ModelLike): RichValue {
  const rows: TableCell[][] = model.layers.map((layer) => {
    let shape: string;
    try {
      shape = shapeText(layer.outputShape);
    } catch {
      shape = '(not built)';
    }
    return [layer.name, layer.getClassName(), shape, layer.countParams()];
  });
  rows.push(['Total', '', '', model.countParams()]);
  return { kind: 'table', columns: ['Layer', 'Type', 'Output shape', 'Params'], rows, totalRows: rows.length };
}

function cellOf(value: unknown): TableCell {
  if (isTensorLike(value)) return tensorCell(value);
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean' || value === null) return value;
  return JSON.stringify(value) ?? String(value);
}

function tensorCell(tensor: TensorLike): string {
  const head = `Tensor [${tensor.shape.join(', ')}] ${tensor.dtype}`;
  if (tensor.size > INLINE_TENSOR_VALUES) return head;
  return `${head} ${JSON.stringify(Array.from(tensor.dataSync()))}`;
}

function disposeAll(value: unknown): void {
  if (isTensorLike(value)) (value as TensorLike).dispose?.();
  else if (isObject(value)) Object.values(value).forEach(disposeAll);
}

/** The first elements of a dataset as a table: one column per field of object elements, else one `value` column. */
export async function datasetTable(dataset: DatasetLike): Promise<RichValue> {
  const elements = await dataset.take(DATASET_PREVIEW_ROWS).toArray();
  try {
    const records = elements.every((e) => isObject(e) && !isTensorLike(e) && !Array.isArray(e));
    const columns = records ? [...new Set(elements.flatMap((e) => Object.keys(e as object)))] : ['value'];
    const rows = elements.map((e) => (records ? columns.map((c) => cellOf((e as Record<string, unknown>)[c])) : [cellOf(e)]));
    const size = typeof dataset.size === 'number' && Number.isFinite(dataset.size) ? dataset.size : rows.length;
    return { kind: 'table', columns, rows, totalRows: size };
  } finally {
    elements.forEach(disposeAll);
  }
}

/** A view of a tfjs object, or undefined for anything else. */
export function describeLibraryObject(value: unknown): RichValue | Promise<RichValue> | undefined {
  if (isHistory(value)) return historyChart(value);
  if (isModel(value)) return modelTable(value);
  if (isDataset(value)) return datasetTable(value);
  return undefined;
}
