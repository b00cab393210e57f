// Where the analysis cannot know a shape, the hover says why instead of looking clean (issue 11, item 5): a call into
// code it cannot see, a tensor-typed parameter with no `@shape` and no call, a value from a built-in it does not
// compute, a loop it widened, a model loaded from a file. What is computed from such a value keeps the reason.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/analysis/index';
import { hoverMarkdown } from '../../server/src/features/hoverContent';

const PROGRAM = `import * as tf from '@tensorflow/tfjs';
import { preprocess } from './helpers';
const a = preprocess(tf.zeros([2, 3]));
const a2 = tf.relu(a);
const width = a.shape[1];
let acc = tf.zeros([1, 3]);
for (let i = 0; i < Math.random() * 10; i++) { acc = tf.concat([acc, tf.ones([1, 3])]); }
const b = acc;
const m = await tf.loadLayersModel('x/model.json');
const p = m.predict(tf.zeros([1, 4])) as tf.Tensor;
function f(x: tf.Tensor) { return x.relu(); }
const q = tf.tensor(JSON.parse('[]'));
const known = tf.zeros([2, 3]).relu();
`;

function hoverAt(word: string, occurrence = 0): ReturnType<ReturnType<typeof analyze>['shapeAt']> {
  const result = analyze({ fileName: '/work/reasons.ml.ts', text: PROGRAM });
  const lines = PROGRAM.split('\n');
  let seen = 0;
  for (let line = 0; line < lines.length; line++) {
    const at = new RegExp(`\\b${word}\\b`).exec(lines[line]);
    if (at && seen++ === occurrence) return result.shapeAt({ line, character: at.index });
  }
  throw new Error(`${word} not in the program`);
}

test('a value from code the analysis cannot see says so, and so does what is computed from it', () => {
  assert.equal(hoverAt('a')?.unknownReason, 'it depends on `preprocess(…)`, code the analysis cannot see');
  assert.equal(hoverAt('a')?.kind, 'value');
  assert.equal(hoverAt('a2')?.unknownReason, 'it depends on `preprocess(…)`, code the analysis cannot see');
  assert.equal(hoverAt('width')?.unknownReason, 'it depends on `preprocess(…)`, code the analysis cannot see');
  assert.match(hoverMarkdown(hoverAt('a2')!), /^\*\*Tensor\*\* `\?`\n\nunknown: it depends on `preprocess\(…\)`/);
});

test('a widened loop, a loaded model, an unannotated parameter and a built-in each give their reason', () => {
  assert.equal(hoverAt('b')?.unknownReason, 'it changes in a loop the analysis could not follow exactly');
  assert.equal(hoverAt('p')?.unknownReason, '`m` comes from `tf.loadLayersModel`');
  assert.match(hoverAt('x', 1)?.unknownReason ?? '', /^it depends on the parameter `x`, which has no `@shape` annotation/);
  assert.equal(hoverAt('q')?.unknownReason, 'it depends on `JSON.parse(…)`, whose result the analysis does not model');
});

test('a known shape carries no reason, and an unknown never becomes an error', () => {
  assert.equal(hoverAt('known')?.text, '[2, 3]');
  assert.equal(hoverAt('known')?.unknownReason, undefined);
  const result = analyze({ fileName: '/work/reasons.ml.ts', text: PROGRAM });
  assert.deepEqual(result.diagnostics.filter((d) => d.severity === 'error'), []);
});
