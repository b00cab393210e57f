// The little that mlts's kernels need from a tfjs backend, the same for wasm and cpu: a tensor's values as a typed
// array, a fresh output tensor, freeing an intermediate, and calling one of the backend's own kernels. Each kernel in
// this folder is written once against this interface instead of once per backend.
// On wasm, values are views into the wasm heap: allocating (an output, or a kernel that allocates) may grow the heap
// and detach every older view, so a kernel takes its views only after its last allocation. On cpu they are the
// backend's own arrays. Nothing here knows about particular kernels; kernelPack.ts decides which are registered.
import type * as tfjs from '@tensorflow/tfjs';

export type Tf = typeof tfjs;
export type PackBackendName = 'wasm' | 'cpu';
export type Values = Float32Array | Int32Array | Uint8Array;

export interface TensorInfoLike {
  dataId: object;
  shape: number[];
  dtype: string;
}

export type KernelInputs = Record<string, TensorInfoLike | undefined>;
export type KernelAttrs = Record<string, unknown>;

/** The kernel function shape tfjs calls; `backend` is the backend object itself. */
export type RawKernelFunc = (args: { inputs: KernelInputs; backend: unknown; attrs?: KernelAttrs }) => TensorInfoLike | TensorInfoLike[];

/** The parts of tfjs-backend-wasm's BackendWasm used here. */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: string): TensorInfoLike;
  typedArrayFromHeap(info: TensorInfoLike): Values;
  disposeData(dataId: object): boolean;
}

/** The parts of tfjs-backend-cpu's MathBackendCPU used here. */
interface CpuBackendLike {
  readSync(dataId: object): Values;
  makeTensorInfo(shape: number[], dtype: string, values?: Values): TensorInfoLike;
  disposeIntermediateTensorInfo(info: TensorInfoLike): void;
}

export interface KernelBackend {
  readonly name: PackBackendName;
  readonly tf: Tf;
  /** The tensor's values; on wasm a heap view that the next allocation may detach. */
  values(info: TensorInfoLike): Values;
  /** A new tensor; its values start as zeros on cpu and are unset on wasm. */
  output(shape: number[], dtype: string): TensorInfoLike;
  /** Frees an intermediate tensor a kernel made. */
  dispose(info: TensorInfoLike): void;
  /** Runs one of the backend's kernels: tfjs's own where mlts replaced it, else whatever is registered. */
  run(kernelName: string, inputs: KernelInputs, attrs?: KernelAttrs): TensorInfoLike;
}

/** Typed-array constructors by tfjs dtype, for the dtypes the kernels here handle. */
export function arrayFor(dtype: string, length: number): Values {
  if (dtype === 'int32') return new Int32Array(length);
  if (dtype === 'bool') return new Uint8Array(length);
  return new Float32Array(length);
}

/**
 * Wraps `backend` (a BackendWasm or MathBackendCPU). `original` finds tfjs's own kernel for a name mlts replaced,
 * so a replacement can hand work to the kernel it replaces without calling itself.
 */
export function kernelBackend(tf: Tf, name: PackBackendName, backend: unknown, original: (kernelName: string) => RawKernelFunc | undefined): KernelBackend {
  const run = (kernelName: string, inputs: KernelInputs, attrs: KernelAttrs = {}): TensorInfoLike => {
    const kernelFunc = original(kernelName) ?? (tf.getKernel(kernelName, name)?.kernelFunc as unknown as RawKernelFunc | undefined);
    if (!kernelFunc) throw new Error(`${name} has no ${kernelName} kernel`);
    return kernelFunc({ inputs, backend, attrs }) as TensorInfoLike;
  };
  if (name === 'wasm') {
    const wasm = backend as WasmBackendLike;
    return {
      name,
      tf,
      values: (info) => wasm.typedArrayFromHeap(info),
      output: (shape, dtype) => wasm.makeOutput(shape, dtype),
      dispose: (info) => void wasm.disposeData(info.dataId),
      run,
    };
  }
  const cpu = backend as CpuBackendLike;
  return {
    name,
    tf,
    values: (info) => cpu.readSync(info.dataId),
    output: (shape, dtype) => cpu.makeTensorInfo(shape, dtype, arrayFor(dtype, shape.reduce((a, b) => a * b, 1))),
    dispose: (info) => cpu.disposeIntermediateTensorInfo(info),
    run,
  };
}
