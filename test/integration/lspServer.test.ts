// The language server over a real LSP connection (the bundled dist/server.js, spawned with --stdio):
// diagnostics arrive for an opened document on its expected lines, follow edits to the newest version,
// and are cleared when the bug is fixed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parseFixtureExpectations } from '../unit/fixtureExpectations';
import { generateExperiment } from '../../bench/generateExperiment';
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

test('a burst of edits to a long file: diagnostics come for the newest version, with its error', async () => {
  const file = join(repoRoot, 'test-results', 'virtual', 'burst.ml.ts');
  const text = generateExperiment(1000);
  const opened = client.diagnostics(file, 1);
  await client.open(file, text);
  assert.deepEqual(await opened, []);
  // Keystrokes faster than an analysis: each replaces the last cell's conv filter; older runs are dropped.
  const lastFilter = text.lastIndexOf('tf.ones([3, 3, 1, 4])');
  const withChannels = (c: number) => text.slice(0, lastFilter) + `tf.ones([3, 3, ${c}, 4])` + text.slice(lastFilter + 'tf.ones([3, 3, 1, 4])'.length);
  const finalVersion = 2 + 14;
  const newest = client.diagnostics(file, finalVersion);
  for (let i = 0; i < 15; i++) void client.change(file, withChannels(i === 14 ? 3 : 1 + (i % 2)));
  const diagnostics = await newest;
  assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
  assert.equal(diagnostics[0]!.range.start.line, text.slice(0, lastFilter).split('\n').length - 1);
  assert.match(String(diagnostics[0]!.message), /channel|depth|match/i);
});

const MODEL_DOC = `import * as tf from '@tensorflow/tfjs';
const x = tf.zeros([2, 4]);
const model = tf.sequential();
model.add(tf.layers.dense({ units: 8, inputShape: [4] }));
model.add(tf.layers.dense({ units: 3, trainable: false }));
const y = model.predict(x);
`;

async function openFresh(name: string, text: string): Promise<string> {
  const file = join(repoRoot, 'test-results', 'virtual', name);
  const published = client.diagnostics(file, 1);
  await client.open(file, text);
  await published;
  return file;
}

test('hover on a tensor variable shows its inferred shape', async () => {
  const file = await openFresh('hover.ml.ts', MODEL_DOC);
  const hover = await client.request<{ contents: { kind: string; value: string } } | null>('textDocument/hover', file, {
    position: { line: 1, character: 6 },
  });
  assert.ok(hover, 'a hover is returned');
  assert.equal(hover.contents.kind, 'markdown');
  assert.match(hover.contents.value, /`\[2, 4\]`/);
  const overPredict = await client.request<{ contents: { value: string } } | null>('textDocument/hover', file, {
    position: { line: 5, character: 6 },
  });
  assert.match(overPredict?.contents.value ?? '', /\[2, 3\]/);
});

test('inlay hints show shapes after tensor declarations', async () => {
  const file = await openFresh('inlay.ml.ts', MODEL_DOC);
  const hints = await client.request<{ position: { line: number; character: number }; label: string }[]>('textDocument/inlayHint', file, {
    range: { start: { line: 0, character: 0 }, end: { line: 7, character: 0 } },
  });
  const x = hints.find((h) => h.position.line === 1);
  assert.deepEqual(x, { ...x, position: { line: 1, character: 7 }, label: ': [2, 4]' });
  assert.ok(hints.some((h) => h.position.line === 5 && h.label === ': [2, 3]'), JSON.stringify(hints));
});

test('a CodeLens above the model summarises layers and parameters, honouring trainable: false', async () => {
  const file = await openFresh('lens.ml.ts', MODEL_DOC);
  const lenses = await client.request<{ range: { start: { line: number } }; command: { title: string; command: string; arguments: unknown[] } }[]>(
    'textDocument/codeLens',
    file,
  );
  assert.equal(lenses.length, 1);
  // dense 4→8: 4·8+8 = 40 params; dense 8→3 (frozen): 8·3+3 = 27.
  assert.equal(lenses[0]!.command.title, 'Summary · 2 layers · 67 params (40 trainable, 27 non-trainable)');
  assert.equal(lenses[0]!.command.command, 'mlts.showModelSummary');
  assert.equal(lenses[0]!.range.start.line, 2);
});
