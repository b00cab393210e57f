// Benchmark (3) of training runs: samples per second of each backend available here on an MLP 784-128-10 and a small
// conv net (bench/trainingModels.ts), set beside PyTorch on the same machine (Debian's python3-torch with
// OpenBLAS, run by /usr/bin/python3 bench/trainingTorchPeer.py) on one thread and on all cores, as ratios to both.
// Backends: cpu and wasm always, node / node-gpu / webgpu when their packages resolve (backendOptions.ts); each is
// started as a run starts it (backendInit.ts, mlts's kernel pack included), and wasm once more with tfjs's own
// kernels (MLTS_KERNEL_PACK=0) to show what the pack changes, and once with threads on every core (wasmThreads.ts;
// the other wasm rows run on one thread). Then one profiled epoch per model on wasm and cpu
// (bench/trainingKernelProfile.ts): each kernel's share of the epoch's wall time, largest first.
// Each cell is the median of MLTS_BENCH_RUNS (default 3) fresh processes; one warm-up epoch is never timed.
// Run: npm run bench -- training-backends
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { AUTO_ORDER, missingPackages, type BackendOption } from '../runtime/src/backends/backendOptions';
import { MAX_WASM_THREADS } from '../runtime/src/backends/wasmThreads';
import { median } from './stats';
import type { KernelShare } from './trainingKernelProfile';

const root = join(__dirname, '..');
const RUNS = Number(process.env.MLTS_BENCH_RUNS ?? 3);
const PYTHON = '/usr/bin/python3';

/** Work per measurement, sized so the slowest pair (cpu, conv) still takes only seconds. */
const SIZES: Record<'mlp' | 'conv', { samples: number; batch: number; epochs: number; cpuSamples: number }> = {
  mlp: { samples: 4096, batch: 128, epochs: 3, cpuSamples: 2048 },
  conv: { samples: 1024, batch: 64, epochs: 2, cpuSamples: 256 },
};

function lastJsonLine<T>(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): T {
  const r = spawnSync(command, args, { cwd: root, env, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as T;
}

function measure(command: string, args: string[], env?: NodeJS.ProcessEnv): number {
  return lastJsonLine<{ samplesPerSecond: number }>(command, args, env).samplesPerSecond;
}

export interface BackendRow {
  model: 'mlp' | 'conv';
  backend: string;
  samplesPerSecond: number;
  /** Ratio to PyTorch on one thread, and on every core. */
  vsTorch: number | null;
  vsTorchAllThreads: number | null;
}

export interface ProfileRow {
  model: 'mlp' | 'conv';
  backend: string;
  wallMs: number;
  kernels: KernelShare[];
}

const ratio = (value: number, peer: number | null) => (peer === null ? null : value / peer);
const times = (r: number | null) => (r === null ? '' : `×${r.toFixed(3)}`.padStart(9));

export function benchTrainingBackends(): { rows: BackendRow[]; profiles: ProfileRow[] } {
  const backends = AUTO_ORDER.filter((b) => missingPackages(b, root).length === 0) as BackendOption[];
  const haveTorch = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
  const allThreads = cpus().length;
  const rows: BackendRow[] = [];
  for (const model of ['mlp', 'conv'] as const) {
    const size = SIZES[model];
    const torch = (threads: number) =>
      haveTorch
        ? median(Array.from({ length: RUNS }, () => measure(PYTHON, [join(root, 'bench', 'trainingTorchPeer.py'), model, String(size.samples), String(size.batch), String(size.epochs), String(threads)])))
        : null;
    const torch1 = torch(1);
    const torchAll = torch(allThreads);
    const row = (backend: string, sps: number) => rows.push({ model, backend, samplesPerSecond: sps, vsTorch: ratio(sps, torch1), vsTorchAllThreads: ratio(sps, torchAll) });
    const tfjs = (backend: BackendOption, env?: NodeJS.ProcessEnv, threads = 1) => {
      const samples = backend === 'cpu' ? size.cpuSamples : size.samples;
      const args = ['--import', 'tsx', join(root, 'bench', 'trainingBackendsWorker.ts'), backend, model, String(samples), String(size.batch), String(size.epochs), String(threads)];
      return median(Array.from({ length: RUNS }, () => measure(process.execPath, args, env)));
    };
    for (const backend of backends) row(`tfjs ${backend}`, tfjs(backend));
    if (backends.includes('wasm')) row("tfjs wasm, tfjs's kernels", tfjs('wasm', { ...process.env, MLTS_KERNEL_PACK: '0' }));
    const wasmThreads = Math.min(allThreads, MAX_WASM_THREADS);
    if (backends.includes('wasm') && wasmThreads > 1) row(`tfjs wasm, ${wasmThreads} threads`, tfjs('wasm', process.env, wasmThreads));
    if (torch1 !== null) row('PyTorch (1 thread)', torch1);
    if (torchAll !== null) row(`PyTorch (${allThreads} threads)`, torchAll);
  }
  console.log(`${''.padEnd(5)} ${''.padEnd(28)} ${'samples/s'.padStart(10)} ${'÷ torch 1'.padStart(9)} ${`÷ torch ${allThreads}`.padStart(9)}`);
  for (const r of rows) {
    console.log(`${r.model.padEnd(5)} ${r.backend.padEnd(28)} ${r.samplesPerSecond.toFixed(0).padStart(10)} ${times(r.vsTorch)} ${times(r.vsTorchAllThreads)}`);
  }
  if (!haveTorch) console.log(`(no PyTorch peer: ${PYTHON} cannot import torch; apt-get install python3-torch libopenblas0-pthread)`);
  const profiles: ProfileRow[] = [];
  for (const backend of backends.filter((b) => b === 'wasm' || b === 'cpu')) {
    for (const model of ['mlp', 'conv'] as const) {
      const size = SIZES[model];
      const samples = backend === 'cpu' ? size.cpuSamples : size.samples;
      const profile = lastJsonLine<{ wallMs: number; kernels: KernelShare[] }>(process.execPath, ['--import', 'tsx', join(root, 'bench', 'trainingKernelProfile.ts'), backend, model, String(samples), String(size.batch)]);
      profiles.push({ model, backend, wallMs: profile.wallMs, kernels: profile.kernels });
      const top = profile.kernels.slice(0, 8).map((k) => `${k.kernel} ${(k.share * 100).toFixed(0)}%`);
      const rest = 1 - profile.kernels.reduce((sum, k) => sum + k.share, 0);
      console.log(`profile ${model} on ${backend}: ${top.join(', ')}; outside kernels ${(rest * 100).toFixed(0)}%`);
    }
  }
  return { rows, profiles };
}
