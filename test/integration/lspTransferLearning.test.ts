// The transfer-learning pattern over a real LSP connection: a frozen backbone nested in a Sequential with no
// Flatten gets tfjs's own error on `fit`, the hover shows the model's output shape, the summary CodeLens shows
// the backbone as one frozen block with tfjs's parameter counts, a quick fix inserts the Flatten, and the same
// file with the Flatten is clean. A model loaded from a URL says why it has no shapes, in the hover and the
// CodeLens, instead of looking checked.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver-protocol';
import { applyEdits } from '../../server/src/features/quickFixes';
import { parseFixtureExpectations } from '../unit/fixtureExpectations';
import { LspTestClient } from './lspClient';
import { repoRoot } from './processes';

const BUGGY = readFileSync(join(repoRoot, 'test', 'fixtures', 'transfer', 'backbone-no-flatten.ml.ts'), 'utf8');
const FIXED = BUGGY.replace(
  "model.add(tf.layers.dense({ units: 5, activation: 'softmax' }));",
  "model.add(tf.layers.flatten());\nmodel.add(tf.layers.dense({ units: 5, activation: 'softmax' }));",
).replace(' // expect-error fit-target', '');
const LOADED = readFileSync(join(repoRoot, 'test', 'fixtures', 'stats', 'loaded-model.ml.ts'), 'utf8');

type Hover = { contents: { kind: string; value: string } } | null;
type Lens = { range: { start: { line: number } }; command: { title: string } };

let client: LspTestClient;
before(async () => {
  client = await LspTestClient.start();
});
after(async () => {
  await client.stop();
});

async function open(name: string, text: string): Promise<{ file: string; diagnostics: Diagnostic[] }> {
  const file = join(repoRoot, 'test-results', 'virtual', 'transfer', name);
  const published = client.diagnostics(file, 1);
  await client.open(file, text);
  return { file, diagnostics: await published };
}

function lineOf(text: string, fragment: string): number {
  const line = text.split('\n').findIndex((l) => l.includes(fragment));
  assert.ok(line >= 0, `no line holds ${fragment}`);
  return line;
}

test('the missing Flatten after a frozen backbone is reported on fit with tfjs wording, and a quick fix inserts it', async () => {
  const { file, diagnostics } = await open('buggy.ml.ts', BUGGY);
  const errors = diagnostics.filter((d) => d.severity === 1);
  assert.deepEqual(errors.map((d) => d.range.start.line), parseFixtureExpectations(BUGGY).errors.map((e) => e.line));
  assert.equal(errors[0]!.code, 'fit-target');
  // The message tfjs 4.22 throws from this very fit call.
  assert.equal(errors[0]!.message, 'Error when checking target: expected dense_Dense1 to have 4 dimension(s). but got array with shape 4,5');

  const actions = await client.request<CodeAction[]>('textDocument/codeAction', file, {
    range: errors[0]!.range,
    context: { diagnostics: errors },
  });
  const flatten = actions.find((a) => /flatten\(\)/.test(a.title));
  assert.ok(flatten, `a Flatten fix is offered: ${actions.map((a) => a.title).join(' | ')}`);
  const edits = Object.values(flatten.edit?.changes ?? {})[0] as TextEdit[];
  const { diagnostics: after } = await open('quick-fixed.ml.ts', applyEdits(BUGGY, edits));
  assert.deepEqual(after.filter((d) => d.severity === 1), []);
});

test('the hover over the model shows its output shape through the nested backbone', async () => {
  const { file } = await open('hover.ml.ts', BUGGY);
  const hover = await client.request<Hover>('textDocument/hover', file, { position: { line: lineOf(BUGGY, 'const model ='), character: 7 } });
  assert.match(hover?.contents.value ?? '', /^\*\*Model output\*\* `\[batch, 13, 13, 5\]`/);
  const overBackbone = await client.request<Hover>('textDocument/hover', file, { position: { line: lineOf(BUGGY, 'const backbone ='), character: 7 } });
  assert.match(overBackbone?.contents.value ?? '', /`\[batch, 13, 13, 16\]`/);
});

test('the summary CodeLens shows the backbone as one frozen block with the counts model.summary() prints', async () => {
  const { file } = await open('lens.ml.ts', BUGGY);
  const lenses = await client.request<Lens[]>('textDocument/codeLens', file);
  const outer = lenses.find((l) => l.range.start.line === lineOf(BUGGY, 'const model ='));
  // tfjs: Total params: 1509, Trainable params: 85, Non-trainable params: 1424.
  assert.equal(outer?.command.title, 'Summary · 2 layers · 1,509 params (85 trainable, 1,424 non-trainable) · sequential_1 frozen');
  const inner = lenses.find((l) => l.range.start.line === lineOf(BUGGY, 'const net ='));
  assert.equal(inner?.command.title, 'Summary · 4 layers · 1,424 params (0 trainable, 1,424 non-trainable)');
});

test('the same file with the Flatten is clean, and its head trains on flat features', async () => {
  const { file, diagnostics } = await open('fixed.ml.ts', FIXED);
  assert.deepEqual(diagnostics, []);
  const hover = await client.request<Hover>('textDocument/hover', file, { position: { line: lineOf(FIXED, 'const model ='), character: 7 } });
  assert.match(hover?.contents.value ?? '', /`\[batch, 5\]`/);
  const lenses = await client.request<Lens[]>('textDocument/codeLens', file);
  assert.ok(lenses.some((l) => l.command.title === 'Summary · 3 layers · 14,949 params (13,525 trainable, 1,424 non-trainable) · sequential_1 frozen'));
});

test('a model loaded from a URL says why its shapes are unknown, in the hover and the CodeLens', async () => {
  const { file, diagnostics } = await open('loaded.ml.ts', LOADED);
  assert.deepEqual(diagnostics, []);
  const line = lineOf(LOADED, 'const backbone =');
  const hover = await client.request<Hover>('textDocument/hover', file, { position: { line, character: 7 } });
  assert.match(hover?.contents.value ?? '', /unknown: `backbone` comes from `tf\.loadLayersModel`/);
  const features = await client.request<Hover>('textDocument/hover', file, { position: { line: lineOf(LOADED, 'const features ='), character: 7 } });
  assert.match(features?.contents.value ?? '', /`\?`[\s\S]*unknown: `backbone` comes from `tf\.loadLayersModel`/);
  const lenses = await client.request<Lens[]>('textDocument/codeLens', file);
  assert.equal(lenses.find((l) => l.range.start.line === line)?.command.title, 'Summary unavailable: `backbone` comes from `tf.loadLayersModel`');
});
