// The in-process half of benchmark (1): the same tfjs process trains the same MLP (784-128-10, wasm) alternately
// with and without mlts's fit hooks installed (installFitHooks, writing every epoch point to a real metrics.jsonl
// with fsync and a batch point per second, as a run does), so process start-up, machine load and JIT state hit both
// sides alike. Reports median samples/s of each side over MLTS_BENCH_RUNS rounds (default 8) and their ratio.
// Run: npm run bench -- training-hooks
import type * as tfjs from '@tensorflow/tfjs';
import { mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { initBackend } from '../runtime/src/backends/backendInit';
import { installFitHooks } from '../runtime/src/runner/fitHooks';
import { MetricsWriter } from '../runtime/src/store/metricsLog';
import { buildModel, syntheticData } from './trainingModels';
import { median } from './stats';

const root = join(__dirname, '..');
const RUNS = Number(process.env.MLTS_BENCH_RUNS ?? 8);
const SAMPLES = 2048;
const BATCH = 64;
const EPOCHS = 2;

export interface TrainingHookResult {
  rounds: number;
  plainSamplesPerSecond: number;
  hookedSamplesPerSecond: number;
  ratio: number;
  /** Median of each round's hooked/plain ratio. */
  pairedRatio: number;
}

export async function benchTrainingHooks(): Promise<TrainingHookResult> {
  const userRequire = createRequire(join(root, 'package.json'));
  const tf = userRequire('@tensorflow/tfjs') as typeof tfjs;
  await initBackend(tf, ['wasm'], userRequire);
  const dir = join(root, 'bench', 'generated', 'training-hooks');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const writer = new MetricsWriter(join(dir, 'metrics.jsonl'));
  const model = buildModel(tf, 'mlp');
  const { xs, ys } = syntheticData(tf, SAMPLES);
  await model.fit(xs, ys, { epochs: 1, batchSize: BATCH, verbose: 0 });
  const trial = async (hooked: boolean): Promise<number> => {
    const restore = hooked
      ? installFitHooks(tf, {
          epoch: (r) => writer.append({ kind: 'epoch', t: Date.now(), step: r.epoch, fit: r.fit, values: r.values }, true),
          batch: (r) => writer.append({ kind: 'batch', t: Date.now(), step: r.epoch, batch: r.batch, fit: r.fit, values: r.values }),
        })
      : () => undefined;
    const started = performance.now();
    await model.fit(xs, ys, { epochs: EPOCHS, batchSize: BATCH, verbose: 0 });
    const seconds = (performance.now() - started) / 1000;
    restore();
    return (SAMPLES * EPOCHS) / seconds;
  };
  const plain: number[] = [];
  const hooked: number[] = [];
  for (let round = 0; round < RUNS; round++) {
    // Alternate which side goes first, so drift within a round favours neither.
    if (round % 2 === 0) {
      plain.push(await trial(false));
      hooked.push(await trial(true));
    } else {
      hooked.push(await trial(true));
      plain.push(await trial(false));
    }
  }
  writer.close();
  tf.dispose([xs, ys]);
  const result: TrainingHookResult = {
    rounds: RUNS,
    plainSamplesPerSecond: median(plain),
    hookedSamplesPerSecond: median(hooked),
    ratio: median(hooked) / median(plain),
    pairedRatio: median(hooked.map((h, i) => h / plain[i]!)),
  };
  console.log(`fit without hooks ${result.plainSamplesPerSecond.toFixed(0)} samples/s   all: ${plain.map((v) => v.toFixed(0)).join(' ')}`);
  console.log(`fit with hooks    ${result.hookedSamplesPerSecond.toFixed(0)} samples/s   all: ${hooked.map((v) => v.toFixed(0)).join(' ')}`);
  console.log(`ratio hooked/plain ${result.ratio.toFixed(3)} of medians, ${result.pairedRatio.toFixed(3)} median of paired rounds (goal ≥ 0.98)`);
  return result;
}
