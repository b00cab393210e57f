// The runtime-oracle tier: runs the examples, the shape fixtures and the fixed programs of the shared shape corpus for
// real (tfjs 4.22, cpu backend) and holds the static analysis to what they do: no expression may have a rank or a
// size (a number) in the analysis that the run contradicts, no error may sit on a line that ran without throwing,
// and every program without `// expect-error` lines must
// run to the end (one with them may stop on a consequence of its deliberate bugs). It prints the shape coverage, the
// share of observed tensor expressions whose full shape the analysis knew, per program and in total.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { defaultPrograms, runOracle } from '../../scripts/shapeOracle/oracle';
import { SHAPE_CORPUS_DIR } from '../support/shapeCorpus';

const ROOT = path.resolve(__dirname, '..', '..');

test('the shape corpus is present', () => {
  assert.ok(fs.existsSync(SHAPE_CORPUS_DIR), `shape corpus not found at ${SHAPE_CORPUS_DIR}; set MLTS_SHAPE_CORPUS`);
});

const programs = defaultPrograms(ROOT, SHAPE_CORPUS_DIR);
let observed = 0;
let known = 0;

for (const file of programs) {
  const name = path.relative(ROOT, file);
  test(`oracle: ${name}`, async (t) => {
    const r = await runOracle(file);
    observed += r.observed;
    known += r.known;
    t.diagnostic(`shape coverage ${r.known}/${r.observed}`);
    assert.deepEqual(r.problems, []);
    if (!r.expectsErrors) assert.equal(r.crash, undefined, `${name} stopped early`);
    assert.ok(r.observed > 0, `${name}: the run observed no tensor expression`);
    const lines = r.disagreements.map((d) => `${name}:${d.line}:${d.column} ${d.expression}: analysis ${d.analysis}, tfjs ${d.runtime}`);
    assert.deepEqual(lines, [], 'the analysis contradicts the run');
    const alarms = r.falseAlarms.map((a) => `${name}:${a.line}:${a.column} ${a.code}: ${a.message}`);
    assert.deepEqual(alarms, [], 'the analysis reports errors on lines that ran without throwing');
  });
}

after(() => {
  const share = observed === 0 ? 0 : (100 * known) / observed;
  console.log(`shape oracle: ${programs.length} programs, ${observed} tensor expressions observed, shape coverage ${share.toFixed(1)}% (${known}/${observed})`);
});
