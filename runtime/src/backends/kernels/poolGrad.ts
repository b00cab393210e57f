// MaxPoolGrad and AvgPoolGrad, the gradients of 2-D pooling (NHWC, no dilation), as one pass over the pooled outputs
// that scatters each output's gradient into its window. tfjs-backend-wasm's MaxPoolGrad was 15% of a conv step and
// tfjs-backend-cpu's goes through a positions tensor and per-element buffer accessors.
// MaxPoolGrad sends each output's gradient to the largest input of its window, on a tie (the zeros after a relu) to
// the first in row-major order, as tfjs-backend-cpu's maxPoolPositions does. tfjs-backend-wasm's own kernel is not
// consistent on ties (all-equal windows of 3s send it to the last input, windows of zeros drop it); after a relu a
// tie's gradient is multiplied by zero anyway, so training results do not change. AvgPoolGrad divides by the whole window's size even where the window hangs over padding, as tfjs's does.
import type { KernelBackend, TensorInfoLike } from './kernelBackend';
import type { PackKernel } from './kernelPack';

interface PoolAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function poolInfo(io: KernelBackend, x: TensorInfoLike, attrs: PoolAttrs) {
  return io.tf.backend_util.computePool2DInfo(x.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
}

type Window = (b: number, yR: number, yC: number, xRMin: number, xRMax: number, xCMin: number, xCMax: number) => void;

/** Calls `visit` for every output position with its window's rows and columns clipped to the input. */
function forEachWindow(info: ReturnType<typeof poolInfo>, visit: Window): void {
  const { batchSize, inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  for (let b = 0; b < batchSize; b++) {
    for (let yR = 0; yR < outHeight; yR++) {
      const rowStart = yR * strideHeight - top;
      const xRMin = Math.max(0, rowStart);
      const xRMax = Math.min(inHeight, rowStart + filterHeight);
      for (let yC = 0; yC < outWidth; yC++) {
        const colStart = yC * strideWidth - left;
        visit(b, yR, yC, xRMin, xRMax, Math.max(0, colStart), Math.min(inWidth, colStart + filterWidth));
      }
    }
  }
}

export const maxPoolGradKernel: PackKernel = {
  kernelName: 'MaxPoolGrad',
  backends: ['wasm', 'cpu'],
  run(io, inputs, rawAttrs) {
    const dy = inputs.dy!;
    const x = inputs.input!;
    if (x.shape.length !== 4 || x.dtype !== 'float32' || dy.dtype !== 'float32') return null;
    const info = poolInfo(io, x, rawAttrs as unknown as PoolAttrs);
    const { inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
    const out = io.output(x.shape, 'float32');
    const dx = io.values(out);
    const xv = io.values(x);
    const dyv = io.values(dy);
    dx.fill(0);
    forEachWindow(info, (b, yR, yC, xRMin, xRMax, xCMin, xCMax) => {
      const yBase = ((b * outHeight + yR) * outWidth + yC) * channels;
      const xImage = b * inHeight * inWidth;
      for (let d = 0; d < channels; d++) {
        let best = -Infinity;
        let at = -1;
        for (let xR = xRMin; xR < xRMax; xR++) {
          for (let xC = xCMin; xC < xCMax; xC++) {
            const i = (xImage + xR * inWidth + xC) * channels + d;
            if (xv[i]! > best || at < 0) {
              best = xv[i]!;
              at = i;
            }
          }
        }
        if (at >= 0) dx[at]! += dyv[yBase + d]!;
      }
    });
    return out;
  },
};

export const avgPoolGradKernel: PackKernel = {
  kernelName: 'AvgPoolGrad',
  backends: ['wasm', 'cpu'],
  run(io, inputs, rawAttrs) {
    const dy = inputs.dy!;
    const x = inputs.input!;
    if (x.shape.length !== 4 || dy.dtype !== 'float32') return null;
    const info = poolInfo(io, x, rawAttrs as unknown as PoolAttrs);
    const { inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
    const scale = 1 / (info.filterHeight * info.filterWidth);
    const out = io.output(x.shape, 'float32');
    const dx = io.values(out);
    const dyv = io.values(dy);
    dx.fill(0);
    forEachWindow(info, (b, yR, yC, xRMin, xRMax, xCMin, xCMax) => {
      const yBase = ((b * outHeight + yR) * outWidth + yC) * channels;
      for (let xR = xRMin; xR < xRMax; xR++) {
        for (let xC = xCMin; xC < xCMax; xC++) {
          const xBase = ((b * inHeight + xR) * inWidth + xC) * channels;
          for (let d = 0; d < channels; d++) dx[xBase + d]! += dyv[yBase + d]! * scale;
        }
      }
    });
    return out;
  },
};
