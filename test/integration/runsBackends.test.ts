// Backend choice and GPU scheduling through real run processes, with stand-in packages: tfjs-node and tfjs-node-gpu
// cannot be installed here, and the real webgpu always finds lavapipe (runsWebgpu.test.ts trains on it), so the test
// workspace gets small fake packages that fail the way the real ones do on a machine without the library or the GPU. `auto` must record each failure and
// fall through to wasm; with two CUDA devices visible, a grid runs two at a time, each run seeing one device.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { planBackends } from '../../runtime/src/backends/backendOptions';
import { defaultParallel } from '../../runtime/src/runner/runScheduler';
import { RunStore } from '../../runtime/src/store/runStore';
import { dist, freshWorkspace, repoRoot } from './processes';
import { spawn } from 'node:child_process';

const work = join(repoRoot, 'test-results', 'integration', 'runs-backends');

const EXPERIMENT = `import * as tf from '@tensorflow/tfjs';
/** @mlts-params */
const params = { epochs: 1, tag: 'a' };
const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] });
model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
await model.fit(tf.ones([4, 2]), tf.ones([4, 1]), { epochs: params.epochs, verbose: 0 });
`;

function fakePackage(dir: string, name: string, source: string): void {
  const folder = join(dir, 'node_modules', ...name.split('/'));
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ name, version: '0.0.0-fake', main: 'index.js' }));
  writeFileSync(join(folder, 'index.js'), source);
}

const workspace = (name: string) => freshWorkspace(work, name, { 'exp.ml.ts': EXPERIMENT });

function mlts(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [dist('cli.js'), ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('auto skips what is not installed, records why each installed candidate failed, and trains on wasm', async () => {
  const dir = workspace('fallback');
  fakePackage(dir, '@tensorflow/tfjs-node', `throw new Error('The Node.js native addon module (tfjs_binding.node) can not be found (fake)');`);
  fakePackage(dir, 'webgpu', `exports.create = () => ({ requestAdapter: async () => null });`);
  fakePackage(dir, '@tensorflow/tfjs-backend-webgpu', `throw new Error('must not load without an adapter');`);
  const plan = planBackends('auto', dir, { CUDA_VISIBLE_DEVICES: '' });
  assert.deepEqual(plan.candidates, ['webgpu', 'node', 'wasm', 'cpu']);
  assert.deepEqual(plan.skipped, [{ option: 'node-gpu', outcome: 'not installed (@tensorflow/tfjs-node-gpu)' }]);

  const r = await mlts(['run', 'exp.ml.ts'], dir, { CUDA_VISIBLE_DEVICES: '' });
  assert.equal(r.code, 0, r.stderr);
  const [run] = new RunStore(join(dir, '.mlts')).list().runs;
  assert.equal(run?.backend?.option, 'wasm');
  assert.deepEqual(
    run?.backend?.attempts.map((a) => [a.option, a.outcome.replace(/\(fake\).*/, '(fake)')]),
    [
      ['node-gpu', 'not installed (@tensorflow/tfjs-node-gpu)'],
      ['webgpu', 'failed: Dawn found no GPU adapter'],
      ['node', 'failed: The Node.js native addon module (tfjs_binding.node) can not be found (fake)'],
    ],
  );
  assert.match(run?.backend?.reason ?? '', /^fastest that works here/);
});

test('with two CUDA devices a grid runs one run per GPU, each seeing only its own device', async () => {
  const dir = workspace('gpus');
  // Stands in for tfjs-node-gpu: notes the device it was given and how many runs hold one, then fails as it
  // would without CUDA libraries, so the run goes on on wasm.
  fakePackage(
    dir,
    '@tensorflow/tfjs-node-gpu',
    `const fs = require('fs'); const path = require('path');
const log = path.join(${JSON.stringify(dir)}, 'devices.log');
fs.appendFileSync(log, process.env.CUDA_VISIBLE_DEVICES + ' ' + process.env.CUDA_DEVICE_ORDER + '\\n');
throw new Error('libcudart.so.11.0: cannot open shared object file (fake)');`,
  );
  const plan = planBackends('auto', dir, { CUDA_VISIBLE_DEVICES: '0,1' });
  assert.deepEqual(plan.gpus, ['0', '1']);
  assert.equal(defaultParallel(plan), 2);
  const r = await mlts(['run', 'exp.ml.ts', '--grid', 'tag=a,b,c,d'], dir, { CUDA_VISIBLE_DEVICES: '0,1' });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /4 runs of exp\.ml\.ts, 2 at a time/);
  const seen = readFileSync(join(dir, 'devices.log'), 'utf8').trim().split('\n');
  assert.equal(seen.length, 4);
  for (const line of seen) assert.match(line, /^[01] PCI_BUS_ID$/);
  const runs = new RunStore(join(dir, '.mlts')).list().runs;
  assert.deepEqual(runs.map((run) => run.status), ['finished', 'finished', 'finished', 'finished']);
  assert.ok(runs.every((run) => run.backend?.option === 'wasm' && /libcudart/.test(run.backend.attempts.find((a) => a.option === 'node-gpu')?.outcome ?? '')));
});

test('--backend node-gpu with the package but no visible GPU exits 2 and says so', async () => {
  const dir = workspace('no-gpu');
  fakePackage(dir, '@tensorflow/tfjs-node-gpu', `module.exports = {};`);
  const r = await mlts(['run', 'exp.ml.ts', '--backend', 'node-gpu'], dir, { CUDA_VISIBLE_DEVICES: '' });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /backend node-gpu needs an NVIDIA GPU with CUDA, and none is visible/);
});
