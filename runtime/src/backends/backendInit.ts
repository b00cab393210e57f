// The run process's half of backend choice: given the launcher's candidates (backendOptions.ts), load each
// backend's packages from the experiment's folder and keep the first that initializes in the user's tfjs, recording
// why the others were passed over. WebGPU needs `globalThis.navigator.gpu` before its backend loads, so Dawn (the
// `webgpu` package) is created first and asked for an adapter (webgpuAdapter.ts); without a GPU it has none and the
// next candidate is tried. Under `auto` a software adapter (lavapipe, SwiftShader) is passed over too: it runs the
// GPU's shaders on the CPU and trains slower than wasm. tfjs falls back to another backend silently when one fails
// to start, so each case checks `tf.getBackend()` after selecting. wasm gets its .wasm files from its own package
// folder and its threads (wasmThreads.ts); wasm and cpu get mlts's training kernels (kernels/kernelPack.ts), which the device description lists;
// MLTS_KERNEL_PACK=0 keeps only those tfjs lacks.
import type * as tfjs from '@tensorflow/tfjs';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import type { BackendChoice, WebGpuAdapterRecord } from '../store/runRecord';
import { BACKENDS, type BackendOption } from './backendOptions';
import { describeKernelPack, registerKernelPack } from './kernels/kernelPack';
import { adapterDeviceText, installNavigatorGpu, passedOverText, requestDawnAdapter } from './webgpuAdapter';
import { startWasmBackend, type WasmPackage } from './wasmThreads';

type Tf = typeof tfjs;
type UserRequire = NodeRequire;

/** A candidate that started, or could have, but is worse here than the next one; its outcome is not a failure. */
class PassedOver extends Error {}

interface Started {
  device: string;
  adapter?: WebGpuAdapterRecord;
}

function cpuDevice(): string {
  const list = cpus();
  return `${list[0]?.model.trim() ?? 'CPU'} × ${list.length}`;
}

/** MLTS_KERNEL_PACK=0 measures tfjs's own kernels (the benchmarks' "before"); kernels tfjs lacks stay. */
function kernelPackOptions(): { replace: boolean } {
  return { replace: process.env.MLTS_KERNEL_PACK !== '0' };
}

/** Selects `name` in tfjs and checks that tfjs really switched, since a failed backend is skipped without a throw. */
async function select(tf: Tf, name: string): Promise<void> {
  const ok = await tf.setBackend(name);
  if (!ok || tf.getBackend() !== name) throw new Error(`the ${name} backend did not initialize (tfjs is on ${tf.getBackend() ?? 'none'})`);
}

/**
 * Loads and selects one backend; returns the device description, or throws with the reason it cannot. `forced`
 * (the user named this backend) lets a software WebGPU adapter train, since it was asked for.
 */
async function tryBackend(tf: Tf, option: BackendOption, userRequire: UserRequire, forced: boolean, wasmThreads: number): Promise<Started> {
  switch (option) {
    case 'node-gpu':
    case 'node': {
      userRequire(BACKENDS[option].packages[0]!);
      await select(tf, 'tensorflow');
      return { device: option === 'node-gpu' ? `CUDA GPU ${process.env.CUDA_VISIBLE_DEVICES ?? 'all'} (TensorFlow C library)` : `${cpuDevice()} (TensorFlow C library)` };
    }
    case 'webgpu': {
      const dawn = await requestDawnAdapter((name) => userRequire.resolve(name));
      const { record } = dawn;
      if (record.software && !forced) throw new PassedOver(passedOverText(record));
      installNavigatorGpu(dawn);
      userRequire('@tensorflow/tfjs-backend-webgpu');
      await select(tf, 'webgpu');
      return { device: adapterDeviceText(record), adapter: record };
    }
    case 'wasm': {
      const wasm = userRequire('@tensorflow/tfjs-backend-wasm') as WasmPackage;
      const wasmFile = userRequire.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm');
      const bundle = userRequire.resolve('@tensorflow/tfjs-backend-wasm');
      const threads = await startWasmBackend(tf, wasm, dirname(wasmFile) + '/', bundle, wasmThreads);
      if (tf.getBackend() !== 'wasm') throw new Error(`the wasm backend did not initialize (tfjs is on ${tf.getBackend() ?? 'none'})`);
      const pack = describeKernelPack(registerKernelPack(tf, 'wasm', kernelPackOptions()));
      const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
      return { device: `${cpuDevice()} (wasm${simd ? ' SIMD' : ''}, ${threads} thread${threads === 1 ? '' : 's'}${pack ? `; ${pack}` : ''})` };
    }
    case 'cpu': {
      await select(tf, 'cpu');
      const pack = describeKernelPack(registerKernelPack(tf, 'cpu', kernelPackOptions()));
      return { device: `${cpuDevice()} (plain JavaScript${pack ? `; ${pack}` : ''})` };
    }
  }
}

/**
 * Selects the first candidate that works. `planned` carries the launcher's notes on candidates it skipped;
 * `wasmThreads` is the thread count wasm starts with.
 * Throws when none works (only possible when cpu is not among the candidates, i.e. a forced backend failed).
 */
export async function initBackend(
  tf: Tf,
  candidates: readonly BackendOption[],
  userRequire: UserRequire,
  planned: BackendChoice['attempts'] = [],
  wasmThreads = 1,
): Promise<BackendChoice> {
  const attempts = [...planned];
  // `auto` always ends with cpu and records what it skipped, so a lone candidate with no notes is one the user named.
  const forced = candidates.length === 1 && planned.length === 0;
  for (const option of candidates) {
    try {
      const { device, adapter } = await tryBackend(tf, option, userRequire, forced, wasmThreads);
      const reason = forced
        ? `forced with --backend ${option}`
        : attempts.length
          ? `fastest that works here (${attempts.map((a) => `${a.option}: ${a.outcome}`).join('; ')})`
          : 'fastest backend, and it works here';
      return { name: tf.getBackend(), option, reason, device, attempts, ...(adapter ? { adapter } : {}) };
    } catch (err) {
      const message = err instanceof Error ? err.message.split('\n')[0]! : String(err);
      attempts.push({ option, outcome: err instanceof PassedOver ? message : `failed: ${message}` });
    }
  }
  throw new Error(`no backend could start: ${attempts.map((a) => `${a.option}: ${a.outcome}`).join('; ')}`);
}
