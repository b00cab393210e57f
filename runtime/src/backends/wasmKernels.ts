// Training kernels that tfjs-backend-wasm 4.22 lacks, written in JavaScript over the wasm backend's tensors, so a
// conv net trains on wasm. Today that is Conv2DBackpropFilter (the gradient of conv2d with respect to its filter),
// a port of tfjs-backend-cpu's conv2DBackpropFilter with flat indexing and a float64 accumulator. Inputs are read
// with `readSync` (copies), the output is allocated with `makeOutput` and filled through its heap view.
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
}

interface Conv2DBackpropFilterAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tfjs.serialization.ConfigDictValue;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/** dW[r, c, d1, d2] = Σ over batch and output positions of x[b, r + yR·sH − top, c + yC·sW − left, d1] · dy[b, yR, yC, d2]. */
export function conv2DBackpropFilterValues(
  tf: Pick<Tf, 'backend_util' | 'util'>,
  x: { shape: number[]; values: ArrayLike<number> },
  dy: { shape: number[]; values: ArrayLike<number> },
  attrs: Conv2DBackpropFilterAttrs,
): Float64Array {
  const dataFormat = tf.backend_util.convertConv2DDataFormat(attrs.dataFormat);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad as 'valid' | 'same' | number,
    attrs.dimRoundingMode,
    false,
    dataFormat,
  );
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

function conv2DBackpropFilterWasm(tf: Tf) {
  return (args: { inputs: Record<string, unknown>; backend: unknown; attrs?: Record<string, unknown> }): TensorInfoLike => {
    const backend = args.backend as WasmBackendLike;
    const x = args.inputs.x as TensorInfoLike;
    const dy = args.inputs.dy as TensorInfoLike;
    const attrs = args.attrs as unknown as Conv2DBackpropFilterAttrs;
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
