// One measurement for bench/trainingBackends.ts, in its own process so backends never share a tfjs engine:
//   node --import tsx bench/trainingBackendsWorker.ts BACKEND mlp|conv SAMPLES BATCH EPOCHS [THREADS]
// It starts BACKEND the way a run does (runtime/src/backends/backendInit.ts, so wasm gets mlts's conv kernel and
// THREADS threads, default 1) and prints one JSON line: { samplesPerSecond, backend, device, adapter } (adapter only
// on webgpu, for bench/gpu).
import type * as tfjs from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { initBackend } from '../runtime/src/backends/backendInit';
import type { BackendOption } from '../runtime/src/backends/backendOptions';
import { timedFit, type ModelKind } from './trainingModels';

async function main(): Promise<void> {
  const [backend, kind, samples, batch, epochs, threads = '1'] = process.argv.slice(2);
  const userRequire = createRequire(join(__dirname, '..', 'package.json'));
  const tf = userRequire('@tensorflow/tfjs') as typeof tfjs;
  const choice = await initBackend(tf, [backend as BackendOption], userRequire, [], Number(threads));
  const samplesPerSecond = await timedFit(tf, kind as ModelKind, Number(samples), Number(batch), Number(epochs));
  process.stdout.write(`${JSON.stringify({ samplesPerSecond, backend: choice.name, device: choice.device, adapter: choice.adapter ?? null })}\n`);
}

void main();
