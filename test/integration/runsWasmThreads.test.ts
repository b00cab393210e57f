// wasm threads through real run processes: `mlts run --backend wasm --threads 2` must start tfjs's threaded-SIMD
// build (wasmThreads.ts) with a pool of two threads, say so in the run record, exit when the file ends (the pool's
// workers must not hold the process), and train to the same losses as the single-threaded build. Bad --threads
// values are usage errors.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { RunStore } from '../../runtime/src/store/runStore';
import { dist, freshWorkspace, repoRoot, runNode } from './processes';

const work = join(repoRoot, 'test-results', 'integration', 'runs-wasm-threads');

// Fixed data, no shuffling and a seed: the only difference between the runs is how many threads share each product.
// The file itself checks, from inside the run, that tfjs believes it runs with threads.
const EXPERIMENT = `import * as tf from '@tensorflow/tfjs';
/** @mlts-params */
const params = { seed: 7 };
const x = tf.sin(tf.linspace(0, 40, 256 * 64)).reshape([256, 64]);
const y = tf.cos(tf.linspace(0, 9, 256 * 4)).reshape([256, 4]);
const model = tf.sequential({ layers: [
  tf.layers.dense({ inputShape: [64], units: 256, activation: 'relu' }),
  tf.layers.dense({ units: 4 }),
] });
model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
await model.fit(x, y, { epochs: 3, batchSize: 64, shuffle: false, verbose: 0 });
mlts.log({ threadsFlag: (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) ? 1 : 0, seed: params.seed });
`;

const workspace = (name: string) => freshWorkspace(work, name, { 'exp.ml.ts': EXPERIMENT });

function epochLosses(dir: string, id: string): number[] {
  const lines = readFileSync(join(dir, '.mlts', 'runs', id, 'metrics.jsonl'), 'utf8').trim().split('\n');
  return lines
    .map((l) => JSON.parse(l) as { kind: string; values: Record<string, number> })
    .filter((p) => p.kind === 'epoch')
    .map((p) => p.values.loss!);
}

async function trainOnWasm(name: string, threads: string) {
  const dir = workspace(name);
  const r = await runNode([dist('cli.js'), 'run', 'exp.ml.ts', '--backend', 'wasm', '--threads', threads], { cwd: dir, timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  const [run] = new RunStore(join(dir, '.mlts')).list().runs;
  assert.ok(run);
  return { run, losses: epochLosses(dir, run.id) };
}

test('--threads 2 trains on the threaded build with two threads, to the losses of one thread', async () => {
  const one = await trainOnWasm('one', '1');
  const two = await trainOnWasm('two', '2');
  assert.match(one.run.backend?.device ?? '', /\(wasm SIMD, 1 thread[;)]/);
  assert.match(two.run.backend?.device ?? '', /\(wasm SIMD, 2 threads[;)]/);
  assert.equal(one.run.finalMetrics.threadsFlag, 0);
  assert.equal(two.run.finalMetrics.threadsFlag, 1);
  assert.equal(two.losses.length, 3);
  for (const [i, loss] of two.losses.entries()) {
    assert.ok(Math.abs(loss - one.losses[i]!) <= 1e-5 * Math.max(1, Math.abs(one.losses[i]!)), `epoch ${i}: ${loss} vs ${one.losses[i]}`);
  }
});

test('--threads outside 1–8 or not a whole number is a usage error', async () => {
  const dir = workspace('bad');
  for (const bad of ['0', '9', 'two', '1.5']) {
    const r = await runNode([dist('cli.js'), 'run', 'exp.ml.ts', '--threads', bad], { cwd: dir });
    assert.equal(r.code, 2, `${bad}: ${r.stderr}`);
    assert.match(r.stderr, /--threads must be a whole number from 1 to 8/);
  }
});
