// Training kernels that tfjs-backend-wasm 4.22 lacks, so a conv net trains on wasm. Today that is
// Conv2DBackpropFilter (the gradient of conv2d with respect to its filter). For NHWC, the layout tfjs layers use,
// it is im2col + one matrix product: the input's patches as rows (built in JavaScript directly in the wasm heap),
// dW = patchesᵀ · dy computed by the wasm backend's own BatchMatMul kernel (XNNPACK), a few images at a time so the
// patches matrix stays small. For NCHW, and as the reference the unit tests compare with, it falls back to a
// port of tfjs-backend-cpu's conv2DBackpropFilter with flat indexing and a float64 accumulator.
// Registration goes into the user's own tfjs instance (passed in), never one bundled with mlts.
import type * as tfjs from '@tensorflow/tfjs';

type Tf = typeof tfjs;

interface TensorInfoLike {
  dataId: object;
  shape: number[];
  dtype: string;
}

/** The parts of tfjs-backend-wasm's BackendWasm that these kernels use. */
interface WasmBackendLike {
  readSync(dataId: object): ArrayLike<number>;
  makeOutput(shape: number[], dtype: string): TensorInfoLike;
  typedArrayFromHeap(info: TensorInfoLike): Float32Array;
  disposeData(dataId: object): boolean;
}

/** Limits of the matrix-product path; tests lower them to exercise chunking and the fallback. */
export const wasmKernelLimits = {
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

type KernelArgs = { inputs: Record<string, unknown>; backend: unknown; attrs?: Record<string, unknown> };

/**
 * NHWC through the wasm matrix product: for each chunk of images, patches[n, (r, c, d1)] = x[b, r + yR·sH − top,
 * c + yC·sW − left, d1] (0 outside the image) for output position n = (b, yR, yC), then dW += patchesᵀ · dy[n, d2].
 * Returns null when the backend has no BatchMatMul or one image's patches alone would be too large.
 */
function conv2DBackpropFilterByMatMul(tf: Tf, backend: WasmBackendLike, x: TensorInfoLike, dy: TensorInfoLike, attrs: Conv2DBackpropFilterAttrs): TensorInfoLike | null {
  const matMul = tf.getKernel('BatchMatMul', 'wasm');
  if (!matMul || attrs.dataFormat === 'NCHW' || x.dtype !== 'float32' || dy.dtype !== 'float32') return null;
  const info = convolutionInfo(tf, x.shape, attrs);
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const k = filterHeight * filterWidth * inChannels;
  const rowsPerImage = outHeight * outWidth;
  const imagesPerChunk = Math.min(batchSize, Math.floor(wasmKernelLimits.maxPatchFloats / (rowsPerImage * k)));
  if (imagesPerChunk < 1) return null;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const xv = backend.readSync(x.dataId);
  const dyv = imagesPerChunk < batchSize ? backend.readSync(dy.dataId) : null;
  const run = (a: TensorInfoLike, b: TensorInfoLike) =>
    matMul.kernelFunc({ inputs: { a, b } as never, backend: backend as never, attrs: { transposeA: true, transposeB: false } }) as TensorInfoLike;
  let total: Float32Array | null = null;
  let result: TensorInfoLike | null = null;
  for (let first = 0; first < batchSize; first += imagesPerChunk) {
    const images = Math.min(imagesPerChunk, batchSize - first);
    const rows = images * rowsPerImage;
    const patches = backend.makeOutput([rows, k], 'float32');
    // The heap view is taken after the allocation (allocating may grow wasm memory and detach older views).
    const p = backend.typedArrayFromHeap(patches);
    let o = 0;
    for (let b = first; b < first + images; ++b) {
      const xImage = b * inHeight * inWidth * inChannels;
      for (let yR = 0; yR < outHeight; ++yR) {
        for (let yC = 0; yC < outWidth; ++yC) {
          for (let wR = 0; wR < filterHeight; ++wR) {
            const xR = yR * strideHeight - top + wR;
            for (let wC = 0; wC < filterWidth; ++wC) {
              const xC = yC * strideWidth - left + wC;
              if (xR < 0 || xR >= inHeight || xC < 0 || xC >= inWidth) {
                p.fill(0, o, o + inChannels);
              } else {
                const from = xImage + (xR * inWidth + xC) * inChannels;
                for (let d = 0; d < inChannels; ++d) p[o + d] = xv[from + d]!;
              }
              o += inChannels;
            }
          }
        }
      }
    }
    let dyChunk: TensorInfoLike;
    if (dyv) {
      dyChunk = backend.makeOutput([rows, outChannels], 'float32');
      const start = first * rowsPerImage * outChannels;
      backend.typedArrayFromHeap(dyChunk).set(Array.prototype.slice.call(dyv, start, start + rows * outChannels) as number[]);
    } else {
      dyChunk = { dataId: dy.dataId, shape: [rows, outChannels], dtype: 'float32' };
    }
    const partial = run(patches, dyChunk);
    backend.disposeData(patches.dataId);
    if (dyv) backend.disposeData(dyChunk.dataId);
    if (imagesPerChunk >= batchSize) {
      result = partial;
    } else {
      const values = backend.readSync(partial.dataId);
      total ??= new Float32Array(values.length);
      for (let i = 0; i < values.length; i++) total[i]! += values[i]!;
      backend.disposeData(partial.dataId);
    }
  }
  if (result) return { ...result, shape: attrs.filterShape };
  const out = backend.makeOutput(attrs.filterShape, 'float32');
  backend.typedArrayFromHeap(out).set(total!);
  return out;
}

function conv2DBackpropFilterWasm(tf: Tf) {
  return (args: KernelArgs): TensorInfoLike => {
    const backend = args.backend as WasmBackendLike;
    const x = args.inputs.x as TensorInfoLike;
    const dy = args.inputs.dy as TensorInfoLike;
    const attrs = args.attrs as unknown as Conv2DBackpropFilterAttrs;
    const fast = conv2DBackpropFilterByMatMul(tf, backend, x, dy, attrs);
    if (fast) return fast;
    const values = conv2DBackpropFilterValues(
      tf,
      { shape: x.shape, values: backend.readSync(x.dataId) },
      { shape: dy.shape, values: backend.readSync(dy.dataId) },
      attrs,
    );
    const out = backend.makeOutput(attrs.filterShape, 'float32');
    // Take the heap view only now: makeOutput may grow wasm memory, which detaches older views.
    backend.typedArrayFromHeap(out).set(values);
    return out;
  };
}

/** Registers the kernels wasm lacks in `tf`; returns the names it registered (none when already present). */
export function registerMissingWasmKernels(tf: Tf): string[] {
  const registered: string[] = [];
  if (!tf.getKernel('Conv2DBackpropFilter', 'wasm')) {
    tf.registerKernel({
      kernelName: 'Conv2DBackpropFilter',
      backendName: 'wasm',
      kernelFunc: conv2DBackpropFilterWasm(tf) as unknown as tfjs.KernelFunc,
    });
    registered.push('Conv2DBackpropFilter');
  }
  return registered;
}
