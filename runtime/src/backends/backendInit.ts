// The run process's half of backend choice: given the launcher's candidates (backendOptions.ts), load each
// backend's packages from the experiment's folder and keep the first that initializes in the user's tfjs, recording
// why the others were passed over. WebGPU needs `globalThis.navigator.gpu` before its backend loads, so Dawn (the
// `webgpu` package) is created first and asked for an adapter; without a GPU it has none and the next candidate
// is tried. wasm gets its .wasm files from its own package folder; wasm and cpu get mlts's training kernels
// (kernels/kernelPack.ts), which the device description lists; MLTS_KERNEL_PACK=0 keeps only those tfjs lacks.
import type * as tfjs from '@tensorflow/tfjs';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import type { BackendChoice } from '../store/runRecord';
import { BACKENDS, type BackendOption } from './backendOptions';
import { describeKernelPack, registerKernelPack } from './kernels/kernelPack';

type Tf = typeof tfjs;
type UserRequire = NodeRequire;

interface WebGpuAdapterLike {
  info?: { vendor?: string; architecture?: string; description?: string };
}
interface WebGpuPackage {
  create(options: string[]): { requestAdapter(): Promise<WebGpuAdapterLike | null> };
  globals?: Record<string, unknown>;
}

function cpuDevice(): string {
  const list = cpus();
  return `${list[0]?.model.trim() ?? 'CPU'} × ${list.length}`;
}

/** MLTS_KERNEL_PACK=0 measures tfjs's own kernels (the benchmarks' "before"); kernels tfjs lacks stay. */
function kernelPackOptions(): { replace: boolean } {
  return { replace: process.env.MLTS_KERNEL_PACK !== '0' };
}

/** Loads and selects one backend; returns the device description, or throws with the reason it cannot. */
async function tryBackend(tf: Tf, option: BackendOption, userRequire: UserRequire): Promise<string> {
  switch (option) {
    case 'node-gpu':
    case 'node': {
      userRequire(BACKENDS[option].packages[0]!);
      if (!(await tf.setBackend('tensorflow'))) throw new Error('the tensorflow backend did not initialize');
      return option === 'node-gpu' ? `CUDA GPU ${process.env.CUDA_VISIBLE_DEVICES ?? 'all'} (TensorFlow C library)` : `${cpuDevice()} (TensorFlow C library)`;
    }
    case 'webgpu': {
      const dawn = userRequire('webgpu') as WebGpuPackage;
      if (dawn.globals) Object.assign(globalThis, dawn.globals);
      const gpu = dawn.create([]);
      const adapter = await gpu.requestAdapter();
      if (!adapter) throw new Error('Dawn found no GPU adapter');
      const existing = (globalThis as { navigator?: object }).navigator;
      Object.defineProperty(globalThis, 'navigator', { value: { ...existing, gpu }, configurable: true, writable: true });
      userRequire('@tensorflow/tfjs-backend-webgpu');
      if (!(await tf.setBackend('webgpu'))) throw new Error('the webgpu backend did not initialize');
      const info = adapter.info;
      return [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ') || 'WebGPU adapter';
    }
    case 'wasm': {
      const wasm = userRequire('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(prefix: string): void };
      const wasmFile = userRequire.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm');
      wasm.setWasmPaths(dirname(wasmFile) + '/');
      if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialize');
      const pack = describeKernelPack(registerKernelPack(tf, 'wasm', kernelPackOptions()));
      const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
      const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
      return `${cpuDevice()} (wasm${simd ? ' SIMD' : ''}${threads ? ' threads' : ''}${pack ? `; ${pack}` : ''})`;
    }
    case 'cpu': {
      if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend did not initialize');
      const pack = describeKernelPack(registerKernelPack(tf, 'cpu', kernelPackOptions()));
      return `${cpuDevice()} (plain JavaScript${pack ? `; ${pack}` : ''})`;
    }
  }
}

/**
 * Selects the first candidate that works. `planned` carries the launcher's notes on candidates it skipped.
 * Throws when none works (only possible when cpu is not among the candidates, i.e. a forced backend failed).
 */
export async function initBackend(
  tf: Tf,
  candidates: readonly BackendOption[],
  userRequire: UserRequire,
  planned: BackendChoice['attempts'] = [],
): Promise<BackendChoice> {
  const attempts = [...planned];
  for (const option of candidates) {
    try {
      const device = await tryBackend(tf, option, userRequire);
      const forced = candidates.length === 1 && planned.length === 0;
      const reason = forced
        ? `forced with --backend ${option}`
        : attempts.length
          ? `fastest that works here (${attempts.map((a) => `${a.option}: ${a.outcome}`).join('; ')})`
          : 'fastest backend, and it works here';
      return { name: tf.getBackend(), option, reason, device, attempts };
    } catch (err) {
      attempts.push({ option, outcome: `failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` });
    }
  }
  throw new Error(`no backend could start: ${attempts.map((a) => `${a.option}: ${a.outcome}`).join('; ')}`);
}
