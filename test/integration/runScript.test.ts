// Runs .ml.ts files through the real runtime bundle (dist/runtime/runScript.mjs) in real Node processes:
// TypeScript is compiled on load, top-level await and tfjs imports work, local .ts modules resolve without an
// extension, and an error's stack points at the .ml.ts line that threw.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { dist, repoRoot, runNode } from './processes';

const work = join(repoRoot, 'test-results', 'integration', 'run-script');
mkdirSync(work, { recursive: true });

function script(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

test('a .ml.ts file with cells, types, top-level await and a tfjs import runs to the end', async () => {
  const file = script(
    'ok.ml.ts',
    `import * as tf from '@tensorflow/tfjs';
import { double } from './helper';
// %%
const x: tf.Tensor2D = tf.ones([2, 3]);
await tf.nextFrame?.().catch(() => undefined);
// %%
const y = await x.mul(double(2)).sum().data();
console.log('sum', y[0]);
`,
  );
  script('helper.ts', 'export function double(n: number): number { return n * 2; }\n');
  const r = await runNode([dist('runtime/runScript.mjs'), file]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /sum 24/);
});

test('an error exits 1 with a stack frame on the .ml.ts line that threw', async () => {
  const file = script(
    'throws.ml.ts',
    `// %%
const a: number = 1;

// %%
function fail(): never {
  throw new Error('planted failure');
}
fail();
`,
  );
  const r = await runNode([dist('runtime/runScript.mjs'), file]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /planted failure/);
  assert.match(r.stderr, /throws\.ml\.ts:6:\d+/, `stack should map to line 6:\n${r.stderr}`);
});

test('a missing file is reported clearly', async () => {
  const r = await runNode([dist('runtime/runScript.mjs'), join(work, 'absent.ml.ts')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /absent\.ml\.ts/);
});
