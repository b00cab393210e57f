// Benchmark (3) of training runs: samples per second of each backend available here on an MLP 784-128-10 and a small
// conv net (bench/trainingModels.ts), set beside PyTorch on the same machine (Debian's python3-torch with
// OpenBLAS, run by /usr/bin/python3 bench/trainingTorchPeer.py, one thread like the tfjs cpu and wasm backends).
// Backends: cpu and wasm always, node / node-gpu / webgpu when their packages resolve (backendOptions.ts).
// Each cell is the median of MLTS_BENCH_RUNS (default 3) fresh processes; one warm-up epoch is never timed.
// Run: npm run bench -- training-backends
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AUTO_ORDER, missingPackages, type BackendOption } from '../runtime/src/backends/backendOptions';
import { median } from './stats';

const root = join(__dirname, '..');
const RUNS = Number(process.env.MLTS_BENCH_RUNS ?? 3);
const PYTHON = '/usr/bin/python3';

/** Work per measurement, sized so the slowest pair (cpu, conv) still takes only seconds. */
const SIZES: Record<'mlp' | 'conv', { samples: number; batch: number; epochs: number; cpuSamples: number }> = {
  mlp: { samples: 4096, batch: 128, epochs: 3, cpuSamples: 2048 },
  conv: { samples: 1024, batch: 64, epochs: 2, cpuSamples: 256 },
};

function measure(command: string, args: string[]): number {
  const r = spawnSync(command, args, { cwd: root, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
  const line = r.stdout.trim().split('\n').at(-1)!;
  return (JSON.parse(line) as { samplesPerSecond: number }).samplesPerSecond;
}

export interface BackendRow {
  model: 'mlp' | 'conv';
  backend: string;
  samplesPerSecond: number;
  vsTorch: number | null;
}

export function benchTrainingBackends(): BackendRow[] {
  const backends = AUTO_ORDER.filter((b) => missingPackages(b, root).length === 0) as BackendOption[];
  const haveTorch = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
  const rows: BackendRow[] = [];
  for (const model of ['mlp', 'conv'] as const) {
    const size = SIZES[model];
    const torch = haveTorch
      ? median(Array.from({ length: RUNS }, () => measure(PYTHON, [join(root, 'bench', 'trainingTorchPeer.py'), model, String(size.samples), String(size.batch), String(size.epochs), '1'])))
      : null;
    for (const backend of backends) {
      const samples = backend === 'cpu' ? size.cpuSamples : size.samples;
      const args = ['--import', 'tsx', join(root, 'bench', 'trainingBackendsWorker.ts'), backend, model, String(samples), String(size.batch), String(size.epochs)];
      const sps = median(Array.from({ length: RUNS }, () => measure(process.execPath, args)));
      rows.push({ model, backend: `tfjs ${backend}`, samplesPerSecond: sps, vsTorch: torch === null ? null : sps / torch });
    }
    if (torch !== null) rows.push({ model, backend: 'PyTorch (1 thread)', samplesPerSecond: torch, vsTorch: 1 });
  }
  for (const r of rows) {
    console.log(`${r.model.padEnd(5)} ${r.backend.padEnd(20)} ${r.samplesPerSecond.toFixed(0).padStart(8)} samples/s${r.vsTorch === null ? '' : `   ×${r.vsTorch.toFixed(3)} of PyTorch`}`);
  }
  if (!haveTorch) console.log(`(no PyTorch peer: ${PYTHON} cannot import torch; apt-get install python3-torch libopenblas0-pthread)`);
  return rows;
}
