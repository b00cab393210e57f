// Checks the oracle's own parts, so that "0 disagreements" means something: the instrumenter probes the expressions
// the analysis records and nothing it must not touch (callees, assignment targets, optional chains), the recorder sees
// real shapes, the judge flags a size or a rank the run contradicts while letting named sizes and `?` pass, and an
// error on a line that ran is flagged as a false alarm.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import type { ShapeDiagnostic } from '../../server/src/analysis/api';
import { compareShapes, contradiction, parseShapeText } from '../../scripts/shapeOracle/compare';
import { findFalseAlarms } from '../../scripts/shapeOracle/falseAlarms';
import { instrumentForOracle } from '../../scripts/shapeOracle/instrument';
import { runOracle } from '../../scripts/shapeOracle/oracle';

test('the instrumenter probes reads, not callees, targets or chain links', () => {
  const source = [
    "import * as tf from '@tensorflow/tfjs';",
    'let a = tf.zeros([2, 3]);',
    'a = a.add(1);',
    'const o = { a };',
    'const n = o?.a.shape;',
    'const m = o?.a.add(1).shape;',
    'const [p, q] = tf.split(a, 3, 1);',
  ].join('\n');
  const { text, probes } = instrumentForOracle('/x.ml.ts', source, []);
  const probed = probes.map((p) => source.slice(p.start, p.end));
  // `tf` is probed too (as the receiver of `tf.zeros`); it simply is not a tensor. Links inside an optional chain
  // (`o?.a`, `o?.a.add(1)`) are not: wrapping one would break the chain's short-circuit.
  const expected = ['tf', 'tf', 'tf.zeros([2, 3])', 'a', 'a.add(1)', 'a', 'o', 'o?.a.shape', 'o', 'o?.a.add(1).shape', 'a', 'tf.split(a, 3, 1)', 'p', 'q'];
  assert.deepEqual(probed.sort(), expected.sort());
  assert.match(text, /^a = __mltsOracle\(\d+, __mltsOracle\(\d+, a\)\.add\(1\)\);$/m);
  assert.match(text, /const o = \{ a: __mltsOracle\(\d+, a\) \};/);
  assert.equal(text.split('\n').length, source.split('\n').length);
});

test('the judge flags numbers the run contradicts and lets names and unknowns pass', () => {
  const tensor = (dims: Array<number | null>) => ({ dims, kind: 'tensor' as const });
  assert.equal(contradiction(parseShapeText('[2, 3]'), tensor([2, 3])), undefined);
  assert.equal(contradiction(parseShapeText('[batch, ?]'), tensor([7, 9])), undefined);
  assert.equal(contradiction(parseShapeText('?'), tensor([7])), undefined);
  assert.equal(contradiction(parseShapeText('[2, 4]'), tensor([2, 3])), 'axis 1');
  assert.equal(contradiction(parseShapeText('[2]'), tensor([2, 3])), 'rank');
  assert.equal(contradiction(parseShapeText('[32, 10]'), { dims: [null, 10], kind: 'symbolic' }), 'axis 0');
  const range = { start: { line: 1, character: 0 }, end: { line: 1, character: 5 }, text: 'x' };
  const r = compareShapes([range], new Map([[0, [tensor([2, 3])]]]), [{ range, info: { text: '[2, 4]', kind: 'tensor' } }]);
  assert.equal(r.observed, 1);
  assert.equal(r.known, 1);
  assert.deepEqual(r.disagreements.map((d) => [d.line, d.analysis, d.runtime]), [[2, '[2, 4]', '[2, 3]']]);
});

test('an error on a line that ran is a false alarm unless the line is marked or may have been caught', () => {
  const source = ['const a = 1;', 'try {', '  const b = 2;', '} catch {}', 'const c = 3;'].join('\n');
  const sf = ts.createSourceFile('/x.ml.ts', source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const at = (line: number): ShapeDiagnostic => ({
    code: 'shape-reshape', severity: 'error', message: 'm', related: [],
    range: { start: { line, character: 6 }, end: { line, character: 7 } },
  });
  const alarms = findFalseAlarms(sf, [at(0), at(2), at(4)], new Set([0, 2, 4]), new Set([4]));
  assert.deepEqual(alarms.map((a) => a.line), [1]);
  assert.deepEqual(findFalseAlarms(sf, [at(0)], new Set([2]), new Set()), [], 'a line that never ran is not judged');
});

test('a real run is observed and compared with the analysis', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlts-oracle-test-'));
  try {
    const file = path.join(dir, 'probe.ml.ts');
    fs.writeFileSync(file, [
      "import * as tf from '@tensorflow/tfjs';",
      'const x = tf.ones([4, 3]);',
      'const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });',
      'const y = model.predict(x) as tf.Tensor;',
      'const rows = Math.random() < 2 ? 5 : 6;', // The analysis cannot know which; the run can.
      'const z = tf.zeros([rows, 2]).add(y.slice([0, 0], [1, 2]));',
      'tf.reshape(z, [3, 5]); // expect-error',
    ].join('\n'));
    const r = await runOracle(file);
    assert.deepEqual(r.disagreements, []);
    assert.equal(r.crash, undefined);
    const unknown = r.unknowns.map((u) => `${u.line}:${u.expression}=${u.runtime}`);
    assert.ok(unknown.includes('6:tf.zeros([rows, 2])=[5, 2]'), unknown.join('; '));
    assert.ok(r.known >= 5 && r.observed === r.known + r.unknowns.length, JSON.stringify(r));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
