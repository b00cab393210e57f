// Where a training step's time goes, kernel by kernel: trains the benchmark models (bench/trainingModels.ts) on one
// backend started the way a run starts it (backendInit.ts, so mlts's kernel pack is in place) and, after a warm-up
// epoch, records one epoch under tf.profile and sums each kernel's time. Prints one JSON line per model with every
// kernel's share of the profiled time, largest first; bench/trainingBackends.ts prints it as a table.
//   node --import tsx bench/trainingKernelProfile.ts BACKEND mlp|conv SAMPLES BATCH
// Kernels that mlts's own kernels call directly (a transpose inside a matMul) are counted in the caller, as they run
// inside it; tf.profile's per-kernel timing adds a little overhead, so shares matter here, not absolute times.
import type * as tfjs from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { initBackend } from '../runtime/src/backends/backendInit';
import type { BackendOption } from '../runtime/src/backends/backendOptions';
import { buildModel, syntheticData, type ModelKind } from './trainingModels';

export interface KernelShare {
  kernel: string;
  ms: number;
  share: number;
  calls: number;
}

async function main(): Promise<void> {
  const [backend, kind, samples, batch] = process.argv.slice(2);
  const userRequire = createRequire(join(__dirname, '..', 'package.json'));
  const tf = userRequire('@tensorflow/tfjs') as typeof tfjs;
  const choice = await initBackend(tf, [backend as BackendOption], userRequire);
  const model = buildModel(tf, kind as ModelKind);
  const { xs, ys } = syntheticData(tf, Number(samples));
  await model.fit(xs, ys, { epochs: 1, batchSize: Number(batch), verbose: 0 });
  const started = performance.now();
  const profile = await tf.profile(() => model.fit(xs, ys, { epochs: 1, batchSize: Number(batch), verbose: 0 }).then(() => []));
  const wallMs = performance.now() - started;
  const byKernel = new Map<string, { ms: number; calls: number }>();
  for (const k of profile.kernels) {
    const entry = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
    entry.ms += k.kernelTimeMs as number;
    entry.calls += 1;
    byKernel.set(k.name, entry);
  }
  const kernelMs = [...byKernel.values()].reduce((sum, e) => sum + e.ms, 0);
  const kernels: KernelShare[] = [...byKernel.entries()]
    .map(([kernel, e]) => ({ kernel, ms: e.ms, share: e.ms / wallMs, calls: e.calls }))
    .sort((a, b) => b.ms - a.ms);
  process.stdout.write(`${JSON.stringify({ backend: choice.name, device: choice.device, wallMs, kernelMs, kernels })}\n`);
}

if (require.main === module) void main();
