// mlts's kernel pack: training kernels that mlts registers into the user's own tfjs (passed in, never one bundled with
// mlts) for the wasm and cpu backends, because tfjs's are slow or missing on exactly the shapes training uses (see
// BENCHMARKS.md, "Training runs", for the profile that chose them). Some kernels are added where tfjs has none
// (Conv2DBackpropFilter on wasm); the others replace tfjs's own, which stays reachable: a replacement returns null
// for a case it does not cover and tfjs's kernel runs instead, and unregisterKernelPack puts tfjs's kernels back.
// The kernels themselves live in the modules beside this one; this file only decides which are registered and how.
// tfjs looks kernels up by name on every call, in a registry shared by every tfjs copy in the process, so a
// registration takes effect for the user's code at once; the replaced kernel's setup function is kept so a backend
// initialised later still sets up tfjs's kernel that the replacement may hand work to.
import type * as tfjs from '@tensorflow/tfjs';
import { conv2DBackpropFilterKernel } from './conv2DBackpropFilter';
import { conv2DBackpropInputKernel } from './conv2DBackpropInput';
import { gatherKernel, segmentSumKernel } from './gather';
import { kernelBackend, type KernelAttrs, type KernelBackend, type KernelInputs, type PackBackendName, type RawKernelFunc, type Tf, type TensorInfoLike } from './kernelBackend';
import { matMulKernels } from './matMul';
import { avgPoolGradKernel, maxPoolGradKernel } from './poolGrad';

/** One kernel of the pack. */
export interface PackKernel {
  kernelName: string;
  backends: readonly PackBackendName[];
  /** The result, or null to hand this call to tfjs's own kernel (null is not allowed where tfjs has none). */
  run(io: KernelBackend, inputs: KernelInputs, attrs: KernelAttrs): TensorInfoLike | null;
}

/** Every kernel mlts registers, in the order the run record lists them. */
export const PACK_KERNELS: readonly PackKernel[] = [
  ...matMulKernels,
  gatherKernel,
  segmentSumKernel,
  conv2DBackpropFilterKernel,
  conv2DBackpropInputKernel,
  maxPoolGradKernel,
  avgPoolGradKernel,
];

/** What is in place for one backend after registration: kernels tfjs lacks, and kernels that replace tfjs's. */
export interface KernelPackState {
  added: string[];
  replaced: string[];
}

/** A registered pack kernel carries the config it replaced (null where tfjs has none) under this key. */
const REPLACED = 'mltsReplaced';
type PackConfig = tfjs.KernelConfig & { [REPLACED]: tfjs.KernelConfig | null };

function packConfig(tf: Tf, kernelName: string, backendName: string): PackConfig | undefined {
  const config = tf.getKernel(kernelName, backendName) as PackConfig | undefined;
  return config && REPLACED in config ? config : undefined;
}

/** tfjs's own kernel function for a name, looking through an mlts replacement; undefined where there is none. */
export function tfjsKernelFunc(tf: Tf, kernelName: string, backendName: string): RawKernelFunc | undefined {
  const config = tf.getKernel(kernelName, backendName) as PackConfig | undefined;
  if (!config) return undefined;
  const own = REPLACED in config ? config[REPLACED] : config;
  return own?.kernelFunc as unknown as RawKernelFunc | undefined;
}

function packKernelFunc(tf: Tf, kernel: PackKernel, backendName: PackBackendName, replaced: tfjs.KernelConfig | null): RawKernelFunc {
  const own = replaced?.kernelFunc as unknown as RawKernelFunc | undefined;
  const original = (name: string) => (name === kernel.kernelName ? own : tfjsKernelFunc(tf, name, backendName));
  return (args) => {
    const io = kernelBackend(tf, backendName, args.backend, original);
    const result = kernel.run(io, args.inputs, args.attrs ?? {});
    if (result) return result;
    if (!own) throw new Error(`mlts's ${kernel.kernelName} kernel for ${backendName} cannot handle this call and tfjs has none`);
    return own(args);
  };
}

export interface KernelPackOptions {
  /** Replace tfjs's own kernels too (default); false adds only the kernels tfjs lacks (MLTS_KERNEL_PACK=0). */
  replace?: boolean;
}

/**
 * Registers the pack for `backendName` in `tf` and returns what is in place, whether registered now or by an earlier
 * call (registering twice changes nothing). With `replace: false` replacements already made are undone.
 */
export function registerKernelPack(tf: Tf, backendName: PackBackendName, options: KernelPackOptions = {}): KernelPackState {
  const replace = options.replace ?? true;
  const state: KernelPackState = { added: [], replaced: [] };
  for (const kernel of PACK_KERNELS) {
    if (!kernel.backends.includes(backendName)) continue;
    const present = packConfig(tf, kernel.kernelName, backendName);
    const replaced = present ? present[REPLACED] : (tf.getKernel(kernel.kernelName, backendName) ?? null);
    if (replaced && !replace) {
      if (present) restore(tf, present);
      continue;
    }
    if (!present) {
      if (replaced) tf.unregisterKernel(kernel.kernelName, backendName);
      const config: PackConfig = {
        kernelName: kernel.kernelName,
        backendName,
        kernelFunc: packKernelFunc(tf, kernel, backendName, replaced) as unknown as tfjs.KernelFunc,
        setupFunc: replaced?.setupFunc,
        disposeFunc: replaced?.disposeFunc,
        [REPLACED]: replaced,
      };
      tf.registerKernel(config);
    }
    (replaced ? state.replaced : state.added).push(kernel.kernelName);
  }
  return state;
}

function restore(tf: Tf, config: PackConfig): void {
  tf.unregisterKernel(config.kernelName, config.backendName);
  if (config[REPLACED]) tf.registerKernel(config[REPLACED]);
}

/** Puts tfjs's own kernels back for `backendName` and removes the ones mlts added (tests compare the two). */
export function unregisterKernelPack(tf: Tf, backendName: PackBackendName): void {
  for (const kernel of PACK_KERNELS) {
    const present = packConfig(tf, kernel.kernelName, backendName);
    if (present) restore(tf, present);
  }
}

/** The run record's words for the pack, e.g. "mlts added Conv2DBackpropFilter; mlts replaced BatchMatMul, GatherV2". */
export function describeKernelPack(state: KernelPackState): string {
  const parts = [];
  if (state.added.length) parts.push(`mlts added ${state.added.join(', ')}`);
  if (state.replaced.length) parts.push(`mlts replaced ${state.replaced.join(', ')}`);
  return parts.join('; ');
}
