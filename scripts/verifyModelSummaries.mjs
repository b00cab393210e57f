// Proves the model-summary fixtures (test/fixtures/summaries/*.ml.ts) against real TensorFlow.js.
//
//   node --import tsx scripts/verifyModelSummaries.mjs
//
// Each fixture states, next to a `name.summary();` call, what tfjs 4.22's `model.summary()` prints there:
// `// summary: total N, trainable M`. This script runs each fixture once on the cpu backend with those calls
// capturing tfjs's printed "Total params" and "Trainable params" lines, and prints one line per disagreement
// (or a marker whose call never ran). test/unit/modelSummaries.test.ts holds the analysis to the same numbers.
// It is not part of `npm test` (it runs tfjs), but it must pass whenever a summary fixture changes.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import * as tf from '@tensorflow/tfjs';
import { SUMMARY_MARKER } from '../test/unit/fixtureExpectations.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURE_DIR = path.join(ROOT, 'test', 'fixtures', 'summaries');
const IMPORT_RE = /^import \* as tf from '@tensorflow\/tfjs';/m;

/** "Total params: 14949" and "Trainable params: 13525" from the lines `summary` prints. */
function printedCounts(lines) {
  const read = (label) => Number(lines.map((l) => new RegExp(`^${label}: (\\d+)`).exec(l)).find(Boolean)?.[1]);
  return { total: read('Total params'), trainable: read('Trainable params') };
}

async function verify(file, tmpDir) {
  const text = fs.readFileSync(path.join(FIXTURE_DIR, file), 'utf8');
  const expected = new Map();
  // Each marker line becomes a call that captures what tfjs prints; line numbers stay the same.
  const lines = text.split('\n').map((line, i) => {
    const m = SUMMARY_MARKER.exec(line);
    if (!m) return line;
    expected.set(i + 1, { name: m[1], total: Number(m[2]), trainable: Number(m[3]) });
    return `{ const printed = []; ${m[1]}.summary(undefined, undefined, (s) => printed.push(s)); globalThis.__summaryCounts(${i + 1}, printed); }`;
  });
  const seen = new Map();
  globalThis.__summaryFixtureTf = tf;
  globalThis.__summaryCounts = (line, printed) => seen.set(line, printedCounts(printed));
  const code = esbuild.transformSync(lines.join('\n').replace(IMPORT_RE, 'const tf = globalThis.__summaryFixtureTf;'), {
    loader: 'ts', format: 'esm', target: 'es2022', sourcefile: file,
  }).code;
  const outFile = path.join(tmpDir, file.replace(/\.ts$/, '.mjs'));
  fs.writeFileSync(outFile, code);
  const problems = [];
  try {
    await import(pathToFileURL(outFile).href);
  } catch (e) {
    problems.push(`${file}: threw ${e instanceof Error ? e.message : String(e)}`);
  }
  for (const [line, want] of expected) {
    const got = seen.get(line);
    if (!got) problems.push(`${file}:${line} ${want.name}.summary() did not run`);
    else if (got.total !== want.total || got.trainable !== want.trainable) {
      problems.push(`${file}:${line} ${want.name}: tfjs prints total ${got.total}, trainable ${got.trainable}; the fixture says total ${want.total}, trainable ${want.trainable}`);
    }
  }
  return { problems, checked: expected.size };
}

await tf.setBackend('cpu');
const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlts-summary-fixtures-'));
let problems = [];
let checked = 0;
try {
  for (const file of fs.readdirSync(FIXTURE_DIR).filter((f) => f.endsWith('.ml.ts'))) {
    const r = await verify(file, tmpDir);
    problems = problems.concat(r.problems);
    checked += r.checked;
  }
} finally {
  fs.rmSync(tmpDir, { recursive: true, force: true });
}
for (const p of problems) console.log(p);
console.log(`${checked} summaries checked against tfjs, ${problems.length} disagreement${problems.length === 1 ? '' : 's'}`);
process.exitCode = problems.length ? 1 : 0;
