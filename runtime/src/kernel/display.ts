// The `display()` function cells call to show rich output: `display(value)` shows a tensor, a table of records or
// text; `display.table`, `display.line`, `display.scatter`, `display.histogram` and `display.image` build the
// chart and image records of the protocol. Each call emits one `display` event for the running cell.
// Runs on the kernel's main thread. It only builds JSON records; drawing them is the output panel's job.
import type { ChartSeries, ChartSpec, RichValue } from './kernelProtocol';
import { histogramBins } from './tensorViews';
import { describeValue, isTensorLike, tableValue, type TensorLike } from './valuePreview';

export interface ChartOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
}

/** Numbers, a tensor, or a list of numbers per series name. */
type NumbersInput = ArrayLike<number> | TensorLike;
type SeriesInput = NumbersInput | { x?: NumbersInput; y: NumbersInput } | Record<string, NumbersInput>;

export interface DisplayFunction {
  (value: unknown): void;
  table(rows: Record<string, unknown>[]): void;
  line(series: SeriesInput, options?: ChartOptions): void;
  scatter(points: { x: NumbersInput; y: NumbersInput } | Record<string, { x: NumbersInput; y: NumbersInput }>, options?: ChartOptions): void;
  histogram(values: NumbersInput, options?: ChartOptions & { bins?: number }): void;
  /** An image from a `[height, width]`, `[height, width, 1|3|4]` tensor (values 0–1 for floats, 0–255 for ints). */
  image(pixels: TensorLike, options?: { title?: string }): void;
}

const MAX_POINTS = 10_000;

function numbers(input: NumbersInput): number[] {
  const values = isTensorLike(input) ? input.dataSync() : input;
  return Array.from({ length: Math.min(values.length, MAX_POINTS) }, (_, i) => Number(values[i]));
}

const isNumbers = (v: unknown): v is NumbersInput => isTensorLike(v) || ArrayBuffer.isView(v) || Array.isArray(v);
const indexes = (n: number) => Array.from({ length: n }, (_, i) => i);

function toSeries(input: SeriesInput): ChartSeries[] {
  if (isNumbers(input)) {
    const y = numbers(input);
    return [{ name: 'y', x: indexes(y.length), y }];
  }
  if ('y' in input && isNumbers(input.y)) {
    const y = numbers(input.y);
    return [{ name: 'y', x: input.x && isNumbers(input.x) ? numbers(input.x) : indexes(y.length), y }];
  }
  return Object.entries(input as Record<string, NumbersInput>).map(([name, values]) => {
    const y = numbers(values);
    return { name, x: indexes(y.length), y };
  });
}

function imageValue(pixels: TensorLike, title: string | undefined): RichValue {
  const [height = 0, width = 0, channels = 1] = pixels.shape;
  if (pixels.shape.length < 2 || pixels.shape.length > 3 || ![1, 3, 4].includes(channels)) {
    throw new TypeError(`display.image wants a [height, width] or [height, width, 1|3|4] tensor, got [${pixels.shape.join(', ')}]`);
  }
  const data = pixels.dataSync();
  const scale = pixels.dtype === 'float32' ? 255 : 1;
  const rgba = Buffer.alloc(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const at = (c: number) => Math.max(0, Math.min(255, Math.round(Number(data[p * channels + c]) * scale)));
    const [r, g, b] = channels >= 3 ? [at(0), at(1), at(2)] : [at(0), at(0), at(0)];
    rgba.set([r, g, b, channels === 4 ? at(3) : 255], p * 4);
  }
  return { kind: 'image', width, height, rgbaBase64: rgba.toString('base64'), ...(title ? { title } : {}) };
}

function chart(spec: ChartSpec): RichValue {
  return { kind: 'chart', chart: spec };
}

/** Builds the `display` function; `emit` sends one record to the client for the running cell. */
export function createDisplay(emit: (value: RichValue) => void): DisplayFunction {
  const display = ((value: unknown) => {
    const described = describeValue(value);
    // A dataset's preview reads its first elements asynchronously; it shows when they arrive.
    if (described instanceof Promise) void described.then(emit, (err: unknown) => emit({ kind: 'text', typeName: 'Error', text: String(err) }));
    else if (described) emit(described);
  }) as DisplayFunction;
  display.table = (rows) => emit(tableValue(rows));
  display.line = (series, options = {}) => emit(chart({ type: 'line', series: toSeries(series), ...options }));
  display.scatter = (points, options = {}) => {
    type Points = { x: NumbersInput; y: NumbersInput };
    const entries: [string, Points][] = 'x' in points && isNumbers(points.x) ? [['points', points as Points]] : Object.entries(points as Record<string, Points>);
    const series = entries.map(([name, p]) => ({ name, x: numbers(p.x), y: numbers(p.y) }));
    emit(chart({ type: 'scatter', series, ...options }));
  };
  display.histogram = (values, { bins = 20, ...options } = {}) => emit(chart({ type: 'histogram', bins: histogramBins(numbers(values), bins), ...options }));
  display.image = (pixels, { title } = {}) => emit(imageValue(pixels, title));
  return display;
}
