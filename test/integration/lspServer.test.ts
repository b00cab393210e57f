// The language server over a real LSP connection (the bundled dist/server.js, spawned with --stdio):
// diagnostics arrive for an opened document on its expected lines, follow edits to the newest version,
// and are cleared when the bug is fixed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parseFixtureExpectations } from '../unit/fixtureExpectations';
import { LspTestClient } from './lspClient';
import { repoRoot } from './processes';

let client: LspTestClient;
before(async () => {
  client = await LspTestClient.start();
});
after(async () => {
  await client.stop();
});

test('the broken example gets errors exactly on its expect-error lines', async () => {
  const file = join(repoRoot, 'examples', 'broken-shapes.ml.ts');
  const text = readFileSync(file, 'utf8');
  const published = client.diagnostics(file, 1);
  await client.open(file, text);
  const diagnostics = await published;
  const expected = parseFixtureExpectations(text).errors.map((e) => e.line);
  assert.deepEqual(
    diagnostics.filter((d) => d.severity === 1).map((d) => d.range.start.line),
    expected,
  );
  for (const d of diagnostics) {
    assert.equal(d.source, 'mlts');
    assert.ok(d.code, 'every diagnostic has a stable code');
  }
});

test('diagnostics follow edits: fixing the bug clears them for the new version', async () => {
  const file = join(repoRoot, 'test-results', 'virtual', 'edit.ml.ts');
  const broken = "import * as tf from '@tensorflow/tfjs';\nconst a = tf.zeros([2, 3]);\nconst b = tf.matMul(a, tf.zeros([4, 5]));\n";
  const first = client.diagnostics(file, 1);
  await client.open(file, broken);
  const before = await first;
  assert.equal(before.length, 1);
  assert.equal(before[0]!.range.start.line, 2);
  assert.match(String(before[0]!.message), /matMul/);

  const fixed = broken.replace('[4, 5]', '[3, 5]');
  const second = client.diagnostics(file, 2);
  const version = await client.change(file, fixed);
  assert.equal(version, 2);
  assert.deepEqual(await second, []);
});
