// Conv2DBackpropInput, the gradient of conv2d with respect to its input (NHWC, no dilation): one matrix product and a
// col2im. Every output position's gradient row times the filter's transpose gives that position's gradient for each
// tap of its patch, cols = dy · Wᵀ ([positions, taps]), computed by the backend's own untransposed BatchMatMul with
// the filter transposed once; then each patch row is added back into the input positions it came from.
// tfjs-backend-wasm's own kernel was 19% of a conv step. NCHW and other dtypes go to tfjs's own kernel.
import type { KernelBackend, TensorInfoLike } from './kernelBackend';
import type { PackKernel } from './kernelPack';
import { transposeLastAxes } from './matMul';

/** Limits of the matrix-product path; tests lower them to exercise chunking. */
export const conv2DBackpropInputLimits = {
  /** One chunk's patch gradients hold at most this many floats (64 MB); larger batches go in chunks of images. */
  maxColFloats: 16 * 1024 * 1024,
};

interface Conv2DBackpropInputAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

function backpropInput(io: KernelBackend, dy: TensorInfoLike, filter: TensorInfoLike, attrs: Conv2DBackpropInputAttrs): TensorInfoLike {
  const info = io.tf.backend_util.computeConv2DInfo(attrs.inputShape, filter.shape as [number, number, number, number], attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const taps = filterHeight * filterWidth * inChannels;
  const rowsPerImage = outHeight * outWidth;
  const imagesPerChunk = Math.max(1, Math.min(batchSize, Math.floor(conv2DBackpropInputLimits.maxColFloats / (rowsPerImage * taps))));
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const out = io.output(attrs.inputShape, 'float32');
  io.values(out).fill(0);
  const filterT = transposeLastAxes(io, { dataId: filter.dataId, shape: [taps, outChannels], dtype: 'float32' });
  for (let first = 0; first < batchSize; first += imagesPerChunk) {
    const images = Math.min(imagesPerChunk, batchSize - first);
    const rows = images * rowsPerImage;
    let dyRows: TensorInfoLike = { dataId: dy.dataId, shape: [rows, outChannels], dtype: 'float32' };
    if (images < batchSize) {
      dyRows = io.output([rows, outChannels], 'float32');
      const start = first * rowsPerImage * outChannels;
      io.values(dyRows).set(io.values(dy).subarray(start, start + rows * outChannels));
    }
    const cols = io.run('BatchMatMul', { a: dyRows, b: filterT }, { transposeA: false, transposeB: false });
    if (dyRows.dataId !== dy.dataId) io.dispose(dyRows);
    // Views only after the product's allocation (on wasm it may grow the heap and detach older views).
    const c = io.values(cols);
    const dx = io.values(out);
    let row = 0;
    for (let b = first; b < first + images; b++) {
      const xImage = b * inHeight * inWidth;
      for (let yR = 0; yR < outHeight; yR++) {
        for (let yC = 0; yC < outWidth; yC++, row += taps) {
          for (let wR = 0; wR < filterHeight; wR++) {
            const xR = yR * strideHeight - top + wR;
            if (xR < 0 || xR >= inHeight) continue;
            for (let wC = 0; wC < filterWidth; wC++) {
              const xC = yC * strideWidth - left + wC;
              if (xC < 0 || xC >= inWidth) continue;
              const to = (xImage + xR * inWidth + xC) * inChannels;
              const from = row + (wR * filterWidth + wC) * inChannels;
              for (let d = 0; d < inChannels; d++) dx[to + d]! += c[from + d]!;
            }
          }
        }
      }
    }
    io.dispose(cols);
  }
  io.dispose(filterT);
  return out;
}

export const conv2DBackpropInputKernel: PackKernel = {
  kernelName: 'Conv2DBackpropInput',
  backends: ['wasm', 'cpu'],
  run(io, inputs, rawAttrs) {
    const dy = inputs.dy!;
    const filter = inputs.filter!;
    const attrs = rawAttrs as unknown as Conv2DBackpropInputAttrs;
    if (attrs.dataFormat === 'NCHW' || dy.dtype !== 'float32' || filter.dtype !== 'float32') return null;
    return backpropInput(io, dy, filter, attrs);
  },
};
