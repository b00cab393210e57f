// Conv2DBackpropFilter, the gradient of conv2d with respect to its filter: tfjs-backend-wasm 4.22 has none (so
// without it a conv net cannot train on wasm), and tfjs-backend-cpu's runs at 0.01 GFLOP/s (88% of a conv step).
// For NHWC, the layout tfjs layers use, it is im2col + one matrix product: the input's patches built in JavaScript
// directly in the backend's memory, already transposed (one row per filter tap, one column per output position), so
// dW = patchesᵀ · dy is the backend's own untransposed BatchMatMul (XNNPACK on wasm), a few images at a time so the
// patches matrix stays small. For NCHW, and as a second reference for the unit tests, it falls back to a port of
// tfjs-backend-cpu's conv2DBackpropFilter with flat indexing and a float64 accumulator.
import type * as tfjs from '@tensorflow/tfjs';
import type { KernelBackend, Tf, TensorInfoLike } from './kernelBackend';
import type { PackKernel } from './kernelPack';

/** Limits of the matrix-product path; tests lower them to exercise chunking and the fallback. */
export const conv2DBackpropFilterLimits = {
  /** The patches matrix of one chunk holds at most this many floats (64 MB); larger batches go in chunks. */
  maxPatchFloats: 16 * 1024 * 1024,
};

interface Conv2DBackpropFilterAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tfjs.serialization.ConfigDictValue;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/** tfjs's description of the convolution whose filter gradient is asked for (no dilation, not depthwise). */
function convolutionInfo(tf: Pick<Tf, 'backend_util'>, xShape: number[], attrs: Conv2DBackpropFilterAttrs) {
  const pad = attrs.pad as 'valid' | 'same' | number;
  const dataFormat = tf.backend_util.convertConv2DDataFormat(attrs.dataFormat);
  return tf.backend_util.computeConv2DInfo(xShape as [number, number, number, number], attrs.filterShape, attrs.strides, 1, pad, attrs.dimRoundingMode, false, dataFormat);
}

/** dW[r, c, d1, d2] = Σ over batch and output positions of x[b, r + yR·sH − top, c + yC·sW − left, d1] · dy[b, yR, yC, d2]. */
export function conv2DBackpropFilterValues(
  tf: Pick<Tf, 'backend_util' | 'util'>,
  x: { shape: number[]; values: ArrayLike<number> },
  dy: { shape: number[]; values: ArrayLike<number> },
  attrs: Conv2DBackpropFilterAttrs,
): Float64Array {
  const info = convolutionInfo(tf, x.shape, attrs);
  const { strideHeight, strideWidth, filterHeight, filterWidth, inChannels, outChannels, batchSize } = info;
  const channelsLast = info.dataFormat === 'channelsLast';
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const [xB, xS1, xS2] = tf.util.computeStrides(x.shape);
  const [yB, yS1, yS2] = tf.util.computeStrides(dy.shape);
  // Strides per logical axis (row, column, channel) for either layout.
  const xRow = channelsLast ? xS1! : xS2!;
  const xCol = channelsLast ? xS2! : 1;
  const xCh = channelsLast ? 1 : xS1!;
  const yRow = channelsLast ? yS1! : yS2!;
  const yCol = channelsLast ? yS2! : 1;
  const yCh = channelsLast ? 1 : yS1!;
  const xv = x.values;
  const dyv = dy.values;
  const dW = new Float64Array(filterHeight * filterWidth * inChannels * outChannels);
  for (let wR = 0; wR < filterHeight; ++wR) {
    const yRMin = Math.max(0, Math.ceil((top - wR) / strideHeight));
    const yRMax = Math.min(info.outHeight, (info.inHeight + top - wR) / strideHeight);
    for (let wC = 0; wC < filterWidth; ++wC) {
      const yCMin = Math.max(0, Math.ceil((left - wC) / strideWidth));
      const yCMax = Math.min(info.outWidth, (info.inWidth + left - wC) / strideWidth);
      const wBase = (wR * filterWidth + wC) * inChannels * outChannels;
      for (let b = 0; b < batchSize; ++b) {
        for (let yR = yRMin; yR < yRMax; ++yR) {
          const xR = wR + yR * strideHeight - top;
          for (let yC = yCMin; yC < yCMax; ++yC) {
            const xC = wC + yC * strideWidth - left;
            const xBase = b * xB! + xR * xRow + xC * xCol;
            const yBase = b * yB! + yR * yRow + yC * yCol;
            for (let d1 = 0; d1 < inChannels; ++d1) {
              const xValue = xv[xBase + d1 * xCh]!;
              if (xValue === 0) continue;
              const row = wBase + d1 * outChannels;
              for (let d2 = 0; d2 < outChannels; ++d2) dW[row + d2]! += xValue * dyv[yBase + d2 * yCh]!;
            }
          }
        }
      }
    }
  }
  return dW;
}

/**
 * NHWC through the backend's matrix product: for each chunk of images, patchesᵀ[(r, c, d1), n] = x[b, r + yR·sH − top,
 * c + yC·sW − left, d1] (0 outside the image) for output position n = (b, yR, yC), then dW += patchesᵀ · dy[n, d2].
 * Returns null when one image's patches alone would be too large.
 */
function conv2DBackpropFilterByMatMul(io: KernelBackend, x: TensorInfoLike, dy: TensorInfoLike, attrs: Conv2DBackpropFilterAttrs): TensorInfoLike | null {
  const info = convolutionInfo(io.tf, x.shape, attrs);
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const k = filterHeight * filterWidth * inChannels;
  const rowsPerImage = outHeight * outWidth;
  const imagesPerChunk = Math.min(batchSize, Math.floor(conv2DBackpropFilterLimits.maxPatchFloats / (rowsPerImage * k)));
  if (imagesPerChunk < 1) return null;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const chunked = imagesPerChunk < batchSize;
  let total: Float32Array | null = null;
  let result: TensorInfoLike | null = null;
  for (let first = 0; first < batchSize; first += imagesPerChunk) {
    const images = Math.min(imagesPerChunk, batchSize - first);
    const rows = images * rowsPerImage;
    const patches = io.output([k, rows], 'float32');
    const dyChunk = chunked ? io.output([rows, outChannels], 'float32') : { dataId: dy.dataId, shape: [rows, outChannels], dtype: 'float32' };
    // Views only after the allocations (on wasm they may grow the heap and detach older views).
    const p = io.values(patches);
    const xv = io.values(x);
    if (chunked) {
      const start = first * rowsPerImage * outChannels;
      io.values(dyChunk).set(io.values(dy).subarray(start, start + rows * outChannels));
    }
    for (let wR = 0; wR < filterHeight; ++wR) {
      for (let wC = 0; wC < filterWidth; ++wC) {
        for (let d = 0; d < inChannels; ++d) {
          let o = ((wR * filterWidth + wC) * inChannels + d) * rows;
          for (let b = first; b < first + images; ++b) {
            const xImage = b * inHeight * inWidth * inChannels + d;
            for (let yR = 0; yR < outHeight; ++yR) {
              const xR = yR * strideHeight - top + wR;
              if (xR < 0 || xR >= inHeight) {
                p.fill(0, o, o + outWidth);
                o += outWidth;
                continue;
              }
              const xRow = xImage + xR * inWidth * inChannels;
              for (let yC = 0; yC < outWidth; ++yC) {
                const xC = yC * strideWidth - left + wC;
                p[o++] = xC < 0 || xC >= inWidth ? 0 : xv[xRow + xC * inChannels]!;
              }
            }
          }
        }
      }
    }
    const partial = io.run('BatchMatMul', { a: patches, b: dyChunk }, { transposeA: false, transposeB: false });
    io.dispose(patches);
    if (chunked) io.dispose(dyChunk);
    if (!chunked) {
      result = partial;
    } else {
      const values = io.values(partial);
      total ??= new Float32Array(values.length);
      for (let i = 0; i < values.length; i++) total[i]! += values[i]!;
      io.dispose(partial);
    }
  }
  if (result) return { ...result, shape: attrs.filterShape };
  const out = io.output(attrs.filterShape, 'float32');
  io.values(out).set(total!);
  return out;
}

export const conv2DBackpropFilterKernel: PackKernel = {
  kernelName: 'Conv2DBackpropFilter',
  backends: ['wasm', 'cpu'],
  run(io, inputs, rawAttrs) {
    const x = inputs.x!;
    const dy = inputs.dy!;
    const attrs = rawAttrs as unknown as Conv2DBackpropFilterAttrs;
    if (x.dtype !== 'float32' || dy.dtype !== 'float32') return null;
    const fast = attrs.dataFormat === 'NCHW' ? null : conv2DBackpropFilterByMatMul(io, x, dy, attrs);
    if (fast) return fast;
    const out = io.output(attrs.filterShape, 'float32');
    const values = conv2DBackpropFilterValues(io.tf, { shape: x.shape, values: io.values(x) }, { shape: dy.shape, values: io.values(dy) }, attrs);
    io.values(out).set(values);
    return out;
  },
};
