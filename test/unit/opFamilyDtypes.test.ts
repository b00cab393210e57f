// The dtypes the op families of issue 11 give their outputs, as tfjs 4.22 does on the cpu backend
// (checked by hand against tfjs; the shape fixtures prove only shapes). Hovers show them, and the
// Fourier transforms depend on them: fft needs complex64 input, which rfft produces.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/analysis/index';

/** The dtype shapeAt reports for each `const name = expression;` line, keyed by name. */
function dtypesOf(lines: string[]): Record<string, string | undefined> {
  const text = `import * as tf from '@tensorflow/tfjs';\n${lines.join('\n')}\n`;
  const result = analyze({ fileName: '/work/dtypes.ml.ts', text });
  const out: Record<string, string | undefined> = {};
  lines.forEach((line, i) => {
    const m = /^const (\w+) =/.exec(line);
    if (m) out[m[1]] = result.shapeAt({ line: i + 1, character: 6 })?.dtype;
  });
  return out;
}

test('Fourier transforms: rfft, fft and ifft give complex64, irfft float32', () => {
  assert.deepEqual(
    dtypesOf([
      'const spectrum = tf.rfft(tf.ones([4, 8]));',
      'const forward = tf.spectral.fft(spectrum);',
      'const back = spectrum.ifft();',
      'const signal = tf.irfft(spectrum);',
      'const frames = tf.signal.stft(tf.ones([100]), 16, 8);',
    ]),
    { spectrum: 'complex64', forward: 'complex64', back: 'complex64', signal: 'float32', frames: 'complex64' },
  );
});

test('tf.image: crops and transforms are float32, thresholds and selected indices int32', () => {
  assert.deepEqual(
    dtypesOf([
      'const crops = tf.image.cropAndResize(tf.ones([1, 4, 4, 3], "int32"), tf.ones([2, 4]), [0, 0], [2, 2]);',
      'const binary = tf.image.threshold(tf.ones([4, 4, 3]));',
      'const picked = tf.image.nonMaxSuppressionWithScore(tf.ones([3, 4]), tf.ones([3]), 2).selectedIndices;',
      'const pickedScores = tf.image.nonMaxSuppressionWithScore(tf.ones([3, 4]), tf.ones([3]), 2).selectedScores;',
    ]),
    { crops: 'float32', binary: 'int32', picked: 'int32', pickedScores: 'float32' },
  );
});

test('sparse, string and ragged results: int32 indices and splits, bool row flags, string tokens', () => {
  assert.deepEqual(
    dtypesOf([
      'const filled = tf.sparse.sparseFillEmptyRows(tf.ones([2, 2], "int32"), tf.ones([2]), [3, 3], 0);',
      'const flags = filled.emptyRowIndicator;',
      'const rowIndices = filled.outputIndices;',
      'const hashed = tf.string.stringToHashBucketFast(["a", "b"], 4);',
      'const tokens = tf.string.stringSplit(["a b"], " ").values;',
      'const splits = tf.raggedRange([0], [3], [1]).rtNestedSplits;',
      'const ranged = tf.raggedRange([0], [3], [1]).rtDenseValues;',
    ]),
    { filled: undefined, flags: 'bool', rowIndices: 'int32', hashed: 'int32', tokens: 'string', splits: 'int32', ranged: 'float32' },
  );
});
