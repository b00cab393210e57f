// Pictures of tensors for the output panel: a tensor whose shape looks like images becomes RGBA images (with the
// value range mapped onto 0–255), and a large tensor becomes a histogram with min, max and mean. Pure functions
// over shapes and flat value arrays, so tests need no tfjs; valuePreview.ts decides when to use them.
import type { HistogramBin, TensorHistogram, TensorImages } from './kernelProtocol';

/** How a tensor's flat values are laid out as images. */
export interface ImageLayout {
  count: number;
  height: number;
  width: number;
  channels: 1 | 3 | 4;
}

/** Sides smaller than this are a matrix of numbers, not a picture (a `[4, 3]` weight, a `[32, 10]` batch of logits). */
const MIN_IMAGE_SIDE = 8;
/** A side longer than this is not drawn (a `[1, 100000]` row vector is no image). */
const MAX_IMAGE_SIDE = 4096;
/**
 * A plain matrix is drawn only when both sides are at least this and it is roughly square: a `[32, 10]` batch of
 * logits or a `[1000, 20]` table of features is not an image, a `[28, 28]` digit is.
 */
const MIN_MATRIX_SIDE = 16;
const MAX_MATRIX_ASPECT = 3;
/** At most this many images of a batch are drawn. */
export const MAX_GRID_IMAGES = 16;

const isChannels = (c: number | undefined): c is 1 | 3 | 4 => c === 1 || c === 3 || c === 4;
const isSide = (n: number | undefined): n is number => n !== undefined && n >= MIN_IMAGE_SIDE && n <= MAX_IMAGE_SIDE;

/** The image layout of a shape (`[h,w]`, `[h,w,1|3|4]`, `[n,h,w,1|3|4]`), or undefined when it does not look like images. */
export function imageLayout(shape: readonly number[], dtype: string): ImageLayout | undefined {
  if (dtype === 'string' || dtype === 'complex64') return undefined;
  const [a, b, c, d] = shape;
  switch (shape.length) {
    case 2:
      if (!isSide(a) || !isSide(b) || Math.min(a, b) < MIN_MATRIX_SIDE || Math.max(a, b) / Math.min(a, b) > MAX_MATRIX_ASPECT) return undefined;
      return { count: 1, height: a, width: b, channels: 1 };
    case 3:
      return isSide(a) && isSide(b) && isChannels(c) ? { count: 1, height: a, width: b, channels: c } : undefined;
    case 4:
      return a !== undefined && a >= 1 && isSide(b) && isSide(c) && isChannels(d) ? { count: a, height: b, width: c, channels: d } : undefined;
    default:
      return undefined;
  }
}

/**
 * The value range drawn as black to white: 0–1 for values inside it (floats of normalised images), 0–255 for
 * values inside that (bytes), else the values' own minimum and maximum.
 */
export function displayRange(values: ArrayLike<number>): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min === Infinity) return [0, 1];
  if (min >= 0 && max <= 1) return [0, 1];
  if (min >= 0 && max <= 255) return [0, 255];
  return [min, max];
}

/** RGBA bytes of the images of `values` laid out as `layout`, with `range` mapped onto 0–255. */
export function toRgbaImages(values: ArrayLike<number>, layout: ImageLayout, range: [number, number], maxImages = MAX_GRID_IMAGES): Uint8ClampedArray[] {
  const { height, width, channels } = layout;
  const [low, high] = range;
  const scale = high > low ? 255 / (high - low) : 0;
  const pixels = height * width;
  const images: Uint8ClampedArray[] = [];
  for (let n = 0; n < Math.min(layout.count, maxImages); n++) {
    const rgba = new Uint8ClampedArray(pixels * 4);
    const offset = n * pixels * channels;
    const byte = (index: number) => {
      const v = values[offset + index]!;
      return Number.isFinite(v) ? (v - low) * scale : 0;
    };
    for (let p = 0; p < pixels; p++) {
      const base = p * channels;
      const r = byte(base);
      rgba[p * 4] = r;
      rgba[p * 4 + 1] = channels >= 3 ? byte(base + 1) : r;
      rgba[p * 4 + 2] = channels >= 3 ? byte(base + 2) : r;
      rgba[p * 4 + 3] = channels === 4 ? byte(base + 3) : 255;
    }
    images.push(rgba);
  }
  return images;
}

/** The protocol record of a tensor's images. */
export function tensorImages(values: ArrayLike<number>, layout: ImageLayout): TensorImages {
  const range = displayRange(values);
  const images = toRgbaImages(values, layout, range);
  return {
    width: layout.width,
    height: layout.height,
    count: images.length,
    total: layout.count,
    range,
    rgbaBase64: images.map((rgba) => Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength).toString('base64')),
  };
}

/** Equal-width bins over the finite values; all values equal make one bin. */
export function histogramBins(values: ArrayLike<number>, binCount: number): HistogramBin[] {
  const summary = summarise(values);
  if (!summary) return [];
  const { min, max } = summary;
  const count = max > min ? binCount : 1;
  const width = max > min ? (max - min) / count : 1;
  const bins = Array.from({ length: count }, (_, i) => ({ start: min + i * width, end: min + (i + 1) * width, count: 0 }));
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) bins[Math.min(count - 1, Math.floor((v - min) / width))]!.count++;
  }
  return bins;
}

function summarise(values: ArrayLike<number>): { min: number; max: number; mean: number } | undefined {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    n++;
  }
  return n === 0 ? undefined : { min, max, mean: sum / n };
}

/** A histogram with min, max and mean, or undefined when no value is finite. */
export function tensorHistogram(values: ArrayLike<number>, binCount = 30): TensorHistogram | undefined {
  const summary = summarise(values);
  return summary && { ...summary, bins: histogramBins(values, binCount) };
}
