// Which tfjs backends a run may use, what each needs installed, and the static half of choosing one: the launcher
// (CLI or extension) checks which optional packages resolve from the experiment's folder and whether CUDA is
// present, before any run starts, so a forced backend that is missing fails at once with an install hint and the
// scheduler knows whether runs share GPUs. The run process does the other half (backendInit.ts): it loads the
// candidates in order and keeps the first that initializes, e.g. WebGPU only if Dawn finds an adapter.
// Native packages (tfjs-node, tfjs-node-gpu, webgpu) are optional peers: mlts never ships or installs them.
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export type BackendOption = 'node-gpu' | 'webgpu' | 'node' | 'wasm' | 'cpu';
export type BackendRequest = BackendOption | 'auto';

export const BACKEND_REQUESTS: readonly BackendRequest[] = ['auto', 'cpu', 'wasm', 'webgpu', 'node', 'node-gpu'];

/** `auto` tries these in order: fastest first. */
export const AUTO_ORDER: readonly BackendOption[] = ['node-gpu', 'webgpu', 'node', 'wasm', 'cpu'];

export interface BackendSpec {
  /** The name tfjs registers the backend under. */
  tfjsName: string;
  /** Packages that must resolve from the experiment's folder. */
  packages: string[];
  /** Whether runs on it share GPUs (one run per GPU at a time). */
  gpu: boolean;
  installHint: string;
}

export const BACKENDS: Record<BackendOption, BackendSpec> = {
  'node-gpu': {
    tfjsName: 'tensorflow',
    packages: ['@tensorflow/tfjs-node-gpu'],
    gpu: true,
    installHint: 'npm install @tensorflow/tfjs-node-gpu (Linux x64 with an NVIDIA GPU; it downloads libtensorflow 2.9.1, which needs CUDA 11.2 and cuDNN 8.1; mirrors: docs/backends.md)',
  },
  webgpu: {
    tfjsName: 'webgpu',
    packages: ['@tensorflow/tfjs-backend-webgpu', 'webgpu'],
    gpu: true,
    installHint: 'npm install webgpu @tensorflow/tfjs-backend-webgpu (webgpu ships a prebuilt Dawn; it needs a Vulkan, Metal or D3D12 GPU)',
  },
  node: {
    tfjsName: 'tensorflow',
    packages: ['@tensorflow/tfjs-node'],
    gpu: false,
    installHint: 'npm install @tensorflow/tfjs-node (downloads the TensorFlow C library 2.9.1 for this platform; mirrors: docs/backends.md)',
  },
  wasm: {
    tfjsName: 'wasm',
    packages: ['@tensorflow/tfjs-backend-wasm'],
    gpu: false,
    installHint: 'npm install @tensorflow/tfjs-backend-wasm (same version as @tensorflow/tfjs)',
  },
  cpu: { tfjsName: 'cpu', packages: [], gpu: false, installHint: 'npm install @tensorflow/tfjs' },
};

export function isBackendRequest(value: string): value is BackendRequest {
  return (BACKEND_REQUESTS as readonly string[]).includes(value);
}

/** A forced backend that cannot work here; the message says what to install. */
export class BackendUnavailableError extends Error {}

/** Packages of `option` that do not resolve from `fromDir`. */
export function missingPackages(option: BackendOption, fromDir: string): string[] {
  const require = createRequire(join(fromDir, 'noop.js'));
  return BACKENDS[option].packages.filter((name) => {
    try {
      require.resolve(`${name}/package.json`);
      return false;
    } catch {
      try {
        require.resolve(name);
        return false;
      } catch {
        return true;
      }
    }
  });
}

/**
 * NVIDIA GPUs visible to runs: the ones `CUDA_VISIBLE_DEVICES` lists when set, otherwise the ones the driver
 * exposes under /proc. Zero means no CUDA.
 */
export function cudaDeviceIds(env: NodeJS.ProcessEnv = process.env, procDir = '/proc/driver/nvidia/gpus'): string[] {
  const visible = env.CUDA_VISIBLE_DEVICES;
  if (visible !== undefined) return visible.split(',').map((s) => s.trim()).filter((s) => s !== '' && s !== '-1');
  if (!existsSync(procDir)) return [];
  return readdirSync(procDir).map((_, i) => String(i));
}

export interface BackendPlan {
  requested: BackendRequest;
  /** What the run process tries, in order. */
  candidates: BackendOption[];
  /** Candidates of `auto` left out here, and why. */
  skipped: { option: BackendOption; outcome: string }[];
  /** GPU ids runs are spread over when the first candidate is a GPU backend; empty for CPU backends. */
  gpus: string[];
}

/** Chooses the candidates for a request; throws BackendUnavailableError for a forced backend that is missing. */
export function planBackends(requested: BackendRequest, fromDir: string, env: NodeJS.ProcessEnv = process.env): BackendPlan {
  const cuda = cudaDeviceIds(env);
  if (requested !== 'auto') {
    const missing = missingPackages(requested, fromDir);
    if (missing.length) {
      throw new BackendUnavailableError(
        `backend ${requested} needs ${missing.join(' and ')}, which ${missing.length > 1 ? 'do' : 'does'} not resolve from ${fromDir}. Install: ${BACKENDS[requested].installHint}`,
      );
    }
    if (requested === 'node-gpu' && cuda.length === 0) {
      throw new BackendUnavailableError('backend node-gpu needs an NVIDIA GPU with CUDA, and none is visible (no /proc/driver/nvidia/gpus, or CUDA_VISIBLE_DEVICES is empty)');
    }
    return { requested, candidates: [requested], skipped: [], gpus: requested === 'node-gpu' ? cuda : [] };
  }
  const candidates: BackendOption[] = [];
  const skipped: BackendPlan['skipped'] = [];
  for (const option of AUTO_ORDER) {
    const missing = missingPackages(option, fromDir);
    if (missing.length) skipped.push({ option, outcome: `not installed (${missing.join(', ')})` });
    else if (option === 'node-gpu' && cuda.length === 0) skipped.push({ option, outcome: 'installed, but no CUDA GPU is visible' });
    else candidates.push(option);
  }
  const first = candidates[0];
  return { requested, candidates, skipped, gpus: first === 'node-gpu' ? cuda : [] };
}
