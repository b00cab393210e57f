// Scratch cells (`// %% [scratch]`, issue 15 item 7) through the real bundles in real processes: a tracked grid of
// a file whose scratch cells throw or never end still finishes every run, Run File as Script skips them too, and a
// later error still points at its own line (the scratch cell's lines are blanked, not removed).
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { RunStore } from '../../runtime/src/store/runStore';
import { dist, repoRoot, runNode } from './processes';

const work = join(repoRoot, 'test-results', 'integration', 'scratch-cells');

const EXPERIMENT = `import * as tf from '@tensorflow/tfjs';

// %% Parameters
/** @mlts-params */
const params = { hidden: 4, epochs: 2 };

// %% [scratch] poking at the data
const probe = tf.zeros([2, 3]);
probe.print();
throw new Error('a scratch cell that fails');

// %% [scratch] an endless loop left from exploring
while (true) { /* spin */ }

// %% Train
const xs = tf.randomNormal([32, 3]);
const ys = tf.randomNormal([32, 1]);
const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: params.hidden }), tf.layers.dense({ units: 1 })] });
model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
await model.fit(xs, ys, { epochs: params.epochs, verbose: 0 });
console.log('trained', params.hidden);
`;

function workspace(name: string, text: string): string {
  const dir = join(work, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'explore.ml.ts'), text);
  return dir;
}

test('a grid of a file with a failing and an endless scratch cell finishes every run', async () => {
  const dir = workspace('grid', EXPERIMENT);
  const r = await runNode([dist('cli.js'), 'run', 'explore.ml.ts', '--grid', 'hidden=2,4', '--backend', 'cpu', '--parallel', '2'], { cwd: dir, timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  const runs = new RunStore(join(dir, '.mlts')).list({ repair: false }).runs;
  assert.equal(runs.length, 2);
  for (const run of runs) assert.equal(run.status, 'finished', `${run.id}: ${run.message}`);
});

test('Run File as Script leaves scratch cells out, and a later error keeps its line', async () => {
  const ok = workspace('script', EXPERIMENT);
  const r = await runNode([dist('runtime/runScript.mjs'), join(ok, 'explore.ml.ts')], { cwd: ok, timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /trained 4/);
  assert.doesNotMatch(r.stdout, /Tensor/, 'the scratch cell did not print');

  const failing = workspace('script-fails', `// %% [scratch]\nconsole.log('scratch ran');\n\n// %%\nfunction fail(): never {\n  throw new Error('after scratch');\n}\nfail();\n`);
  const f = await runNode([dist('runtime/runScript.mjs'), join(failing, 'explore.ml.ts')], { cwd: failing, timeoutMs: 60_000 });
  assert.equal(f.code, 1);
  assert.doesNotMatch(f.stdout, /scratch ran/);
  assert.match(f.stderr, /explore\.ml\.ts:6:\d+/, `the stack maps to line 6:\n${f.stderr}`);
});
