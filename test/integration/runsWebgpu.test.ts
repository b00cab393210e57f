// WebGPU for real: `mlts run --backend webgpu` (the built CLI, a real run process) trains an MLP and a small conv net
// through Dawn (the `webgpu` package) on Mesa's software Vulkan driver, lavapipe, and its losses must match a
// `--backend cpu` run of the same file. `auto` must pass the software adapter over for wasm, plan and schedule the
// runs as CPU runs, and say why.
// The tests pin Vulkan to lavapipe (VK_ICD_FILENAMES), so they check the same adapter on every machine and never
// need a GPU. Without lavapipe they fail, loudly, with the install command: a silent skip would let WebGPU break
// unnoticed. Sizes are tiny because lavapipe compiles every shader with LLVM on two shared cores.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RunRecord } from '../../runtime/src/store/runRecord';
import { RunStore } from '../../runtime/src/store/runStore';
import { dist, freshWorkspace, repoRoot, runNode, type ProcessResult } from './processes';

const work = join(repoRoot, 'test-results', 'integration', 'runs-webgpu');

/** Debian's path of Mesa's lavapipe driver manifest (package mesa-vulkan-drivers). */
const LAVAPIPE_ICD = '/usr/share/vulkan/icd.d/lvp_icd.json';

const INSTALL_HINT =
  'WebGPU tests need Mesa\'s lavapipe Vulkan driver 25.x: on Debian bookworm add the bookworm-backports suite and run `apt-get install -t bookworm-backports mesa-vulkan-drivers` (bash .ci/run does both); bookworm\'s own 22.3.6 is rejected by Dawn';

/**
 * Both models with seeded initializers, seeded data and no shuffling, so every backend starts from the same weights
 * and sees the same batches; the run records each `fit`'s losses per epoch in metrics.jsonl (fit 0 MLP, fit 1 conv).
 */
const EXPERIMENT = `import * as tf from '@tensorflow/tfjs';
/** @mlts-params */
const params = { epochs: 3 };
const init = (seed: number) => tf.initializers.glorotUniform({ seed });
const xs = tf.randomUniform([64, 8, 8, 1], 0, 1, 'float32', 3);
const ys = tf.oneHot(tf.randomUniform([64], 0, 4, 'int32', 4) as tf.Tensor1D, 4).cast('float32');
const mlp = tf.sequential({
  layers: [
    tf.layers.flatten({ inputShape: [8, 8, 1] }),
    tf.layers.dense({ units: 16, activation: 'relu', kernelInitializer: init(1) }),
    tf.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: init(2) }),
  ],
});
mlp.compile({ optimizer: tf.train.adam(1e-2), loss: 'categoricalCrossentropy' });
await mlp.fit(xs, ys, { epochs: params.epochs, batchSize: 32, shuffle: false, verbose: 0 });
const conv = tf.sequential({
  layers: [
    tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: init(3) }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.flatten(),
    tf.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: init(4) }),
  ],
});
conv.compile({ optimizer: tf.train.adam(1e-2), loss: 'categoricalCrossentropy' });
await conv.fit(xs, ys, { epochs: params.epochs, batchSize: 32, shuffle: false, verbose: 0 });
`;

/** Float32 on a GPU sums in another order than the cpu backend; 1e-3 relative still catches a wrong kernel. */
const LOSS_TOLERANCE = 1e-3;

const workspace = (name: string) => freshWorkspace(work, name, { 'exp.ml.ts': EXPERIMENT });

function vulkanEnv(dir: string): NodeJS.ProcessEnv {
  // Mesa warns when XDG_RUNTIME_DIR is unset; any private directory quiets it.
  const runtimeDir = join(dir, 'xdg-runtime');
  mkdirSync(runtimeDir, { recursive: true, mode: 0o700 });
  return { VK_ICD_FILENAMES: LAVAPIPE_ICD, VK_DRIVER_FILES: LAVAPIPE_ICD, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? runtimeDir, CUDA_VISIBLE_DEVICES: '' };
}

function mlts(args: string[], cwd: string): Promise<ProcessResult> {
  return runNode([dist('cli.js'), ...args], { cwd, timeoutMs: 180_000, env: vulkanEnv(cwd) });
}

/** Runs the file once on `backend` and returns its record and its losses as [fit][epoch]. */
async function trainOn(dir: string, backend: string): Promise<{ run: RunRecord; losses: number[][] }> {
  const r = await mlts(['run', 'exp.ml.ts', '--backend', backend], dir);
  const store = new RunStore(join(dir, '.mlts'));
  const run = store.list().runs.find((candidate) => candidate.requestedBackend === backend);
  assert.equal(r.code, 0, `mlts run --backend ${backend} failed${backend === 'webgpu' ? ` (${INSTALL_HINT})` : ''}:\n${r.stderr}`);
  assert.ok(run, `no ${backend} run in the store`);
  const losses: number[][] = [];
  for (const point of store.metrics(run.id).points) {
    if (point.kind !== 'epoch' || typeof point.values.loss !== 'number') continue;
    (losses[point.fit ?? 0] ??= [])[point.step] = point.values.loss;
  }
  return { run, losses };
}

test('lavapipe is installed, so WebGPU has an adapter to run on', () => {
  assert.ok(existsSync(LAVAPIPE_ICD), `${LAVAPIPE_ICD} is missing. ${INSTALL_HINT}`);
});

test('mlts run --backend webgpu trains an MLP and a conv net on the software adapter, with the losses of cpu', async () => {
  const dir = workspace('webgpu-vs-cpu');
  const gpu = await trainOn(dir, 'webgpu');
  const cpu = await trainOn(dir, 'cpu');

  assert.equal(gpu.run.backend?.name, 'webgpu');
  assert.equal(gpu.run.backend?.option, 'webgpu');
  assert.equal(gpu.run.backend?.reason, 'forced with --backend webgpu');
  const adapter = gpu.run.backend?.adapter;
  assert.ok(adapter, 'the record names the WebGPU adapter');
  assert.equal(adapter.vendor, 'mesa');
  assert.match(adapter.description, /llvmpipe/);
  assert.equal(adapter.software, true);
  assert.match(gpu.run.backend?.device ?? '', /llvmpipe.*software adapter, emulated on the CPU/);

  assert.equal(gpu.losses.length, 2, 'two fits: the MLP, then the conv net');
  for (const [fit, name] of ['MLP', 'conv net'].entries()) {
    const expected = cpu.losses[fit]!;
    const actual = gpu.losses[fit]!;
    assert.equal(actual.length, 3, `${name}: one loss per epoch`);
    for (const [epoch, loss] of actual.entries()) {
      const want = expected[epoch]!;
      assert.ok(Math.abs(loss - want) <= LOSS_TOLERANCE * Math.max(1, Math.abs(want)), `${name} epoch ${epoch + 1}: webgpu loss ${loss}, cpu ${want}`);
    }
    assert.ok(actual[2]! < actual[0]!, `${name}: the loss falls (${actual.join(', ')})`);
  }
});

test('auto passes the software adapter over for wasm and records why', async () => {
  const dir = workspace('auto');
  const r = await mlts(['run', 'exp.ml.ts', '--param', 'epochs=1'], dir);
  assert.equal(r.code, 0, r.stderr);
  // The launcher asked Dawn itself, so webgpu is not planned and the runs are scheduled as CPU runs.
  assert.match(r.stderr, new RegExp(`${availableParallelism()} at a time .*backend auto → wasm / cpu;`));
  const [run] = new RunStore(join(dir, '.mlts')).list().runs;
  assert.equal(run?.backend?.option, 'wasm');
  const webgpu = run?.backend?.attempts.find((a) => a.option === 'webgpu');
  assert.match(webgpu?.outcome ?? '', /^passed over: llvmpipe.* is a software adapter \(Dawn reports it as a fallback adapter\), slower than wasm/);
  assert.match(run?.backend?.reason ?? '', /webgpu: passed over/);
});
