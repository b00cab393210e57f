// Helpers for integration tests of tracked runs: a small experiment that trains in a second, fresh workspaces under
// test-results/ (so @tensorflow/tfjs resolves from the repository's node_modules), `mlts` through the real bundle,
// and bounded polling of the store, which is how any reader learns what a run wrote.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunStore } from '../../runtime/src/store/runStore';
import type { RunRecord } from '../../runtime/src/store/runRecord';
import { dist, repoRoot, runNode, type ProcessResult } from './processes';

/** A small MLP on generated data: fast enough for a grid on two shared cores. */
export const SMALL_EXPERIMENT = `import * as tf from '@tensorflow/tfjs';

// %% Parameters
/** @mlts-params */
const params = { learningRate: 0.05, hidden: 8, epochs: 3, samples: 96, seed: 7 };

// %% Data
const xs = tf.randomNormal([params.samples, 6]);
const labels = xs.sum(1).greater(0).cast('int32') as tf.Tensor1D;
const ys = tf.oneHot(labels, 2);

// %% Train
const model = tf.sequential({
  layers: [tf.layers.dense({ inputShape: [6], units: params.hidden, activation: 'relu' }), tf.layers.dense({ units: 2, activation: 'softmax' })],
});
model.compile({ optimizer: tf.train.sgd(params.learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: params.epochs, batchSize: 16, verbose: 0 });
console.log('trained', JSON.stringify(params));
`;

/** A fresh folder under test-results/integration/<suite>/<name> holding small.ml.ts. */
export function workspace(suite: string, name: string): string {
  const dir = join(repoRoot, 'test-results', 'integration', suite, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'small.ml.ts'), SMALL_EXPERIMENT);
  return dir;
}

export function mlts(args: string[], cwd: string, timeoutMs = 120_000, env?: NodeJS.ProcessEnv): Promise<ProcessResult> {
  return runNode([dist('cli.js'), ...args], { cwd, timeoutMs, ...(env ? { env } : {}) });
}

/** Starts `mlts ARGS` without waiting for it, for tests that act on it while it runs. */
export function startMlts(args: string[], cwd: string, env?: NodeJS.ProcessEnv): { cli: ChildProcess; exited: Promise<number | null>; stderr: () => string } {
  const cli = spawn(process.execPath, [dist('cli.js'), ...args], { cwd, env: env ? { ...process.env, ...env } : process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  cli.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => cli.on('close', resolve));
  return { cli, exited, stderr: () => stderr };
}

/** Polls `probe` until it returns a value (bounded); polling a file is how a reader learns a run wrote it. */
export async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export function runsIn(dir: string, repair = false): RunRecord[] {
  return new RunStore(join(dir, '.mlts')).list({ repair }).runs;
}

export function epochPoints(dir: string, id: string) {
  return new RunStore(join(dir, '.mlts')).metrics(id).points.filter((p) => p.kind === 'epoch');
}
