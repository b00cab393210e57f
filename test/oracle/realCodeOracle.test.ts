// The runtime oracle over real tfjs code nobody in this project wrote: the jasmine specs of tfjs-core's ops, as npm
// installs them (`node_modules/@tensorflow/tfjs-core/dist/ops/**/*_test.js`), run for real on the cpu backend through
// a jasmine stand-in (scripts/shapeOracle/jasmineHarness.ts). The static analysis must not contradict any shape those
// runs produce, and must report no error on a line that ran without throwing. A file that imports tfjs internals
// cannot run here and is counted as such; the run must cover most of the files and thousands of specs, so that a
// broken harness cannot pass for a clean result.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { realCodePrograms, runOracle } from '../../scripts/shapeOracle/oracle';

const ROOT = path.resolve(__dirname, '..', '..');

test('oracle over tfjs-core\'s own op specs: 0 disagreements, 0 false alarms', async (t) => {
  const programs = realCodePrograms(ROOT);
  assert.ok(programs.length >= 150, `tfjs-core's op specs are installed (${programs.length} files)`);
  let [observed, known, specs, ran, skipped] = [0, 0, 0, 0, 0];
  const wrong: string[] = [];
  const threw: string[] = [];
  for (const file of programs) {
    const r = await runOracle(file);
    const name = path.relative(ROOT, file);
    if (r.skipped) {
      skipped++;
      continue;
    }
    ran++;
    observed += r.observed;
    known += r.known;
    specs += r.specs?.specs ?? 0;
    for (const f of r.specs?.failures ?? []) threw.push(`${name}: ${f.name}: ${f.message}`);
    if (r.crash) wrong.push(`${name} stopped: ${r.crash}`);
    for (const d of r.disagreements) wrong.push(`${name}:${d.line}:${d.column} ${d.expression}: analysis ${d.analysis}, tfjs ${d.runtime}`);
    for (const a of r.falseAlarms) wrong.push(`${name}:${a.line}:${a.column} false alarm ${a.code}: ${a.message}`);
  }
  const coverage = observed === 0 ? 0 : (100 * known) / observed;
  const summary = `${ran} spec files run (${skipped} import tfjs internals), ${specs} specs (${threw.length} threw), ` +
    `${observed} tensor expressions observed, shape coverage ${coverage.toFixed(1)}% (${known}/${observed})`;
  t.diagnostic(summary);
  console.log(`real-code oracle: ${summary}`);
  assert.deepEqual(wrong, [], 'the analysis contradicts tfjs on its own specs');
  // The specs pass under jasmine; under the stand-in one may throw only where it lacks a jasmine feature.
  assert.ok(threw.length <= specs / 100, `specs that threw under the stand-in:\n${threw.slice(0, 20).join('\n')}`);
  assert.ok(ran >= 150 && specs >= 2500 && observed >= 15000, summary);
  assert.ok(coverage >= 85, summary);
});
