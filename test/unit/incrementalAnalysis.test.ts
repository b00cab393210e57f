// Incremental analysis must give what a whole analysis gives: for every shape fixture, every example and a
// sample of the shape corpus, a chain of random single-cell edits is analysed by one IncrementalAnalyzer (which
// resumes from cell snapshots) and, separately, from scratch by `analyze`; diagnostics, every recorded shape,
// hovers, model summaries and stats must be equal. Files without `// %%` lines are split into one cell per
// top-level statement first, so that every file exercises resuming. Edits are seeded and deterministic.
// Also: a changed data file and a changed import invalidate snapshots; an edit in the last cell resumes late.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as ts from 'typescript';
import { analyze, type AnalysisHost, type AnalysisResult } from '../../server/src/analysis/index';
import { IncrementalAnalyzer } from '../../server/src/analysis/incrementalAnalysis';
import { generateExperiment } from '../../bench/generateExperiment';
import { SHAPE_CORPUS_DIR } from '../support/shapeCorpus';
import { mulberry32 } from '../../runtime/src/runner/seededRandom';

const ROOT = path.join(__dirname, '..', '..');
const SEED = Number(process.env.MLTS_INCREMENTAL_SEED ?? 20261205);
const EDITS_PER_FILE = 6;
const CORPUS_SAMPLE = 30;

function filesIn(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ml.ts'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** The file as cells: as it is when it has `// %%` lines, else with one before each top-level statement. */
function celled(text: string): string {
  if (/^\/\/ ?%%/m.test(text)) return text;
  const sf = ts.createSourceFile('x.ts', text, ts.ScriptTarget.Latest, true);
  let out = '';
  let last = 0;
  sf.statements.forEach((s, i) => {
    const start = s.getFullStart();
    out += text.slice(last, start) + (i > 0 ? '\n// %% cell\n' : '');
    last = start;
  });
  return out + text.slice(last);
}

/** One random edit inside one cell: a number changed, a line deleted or repeated, or a token typed. */
function editOneCell(text: string, random: () => number): string {
  const lines = text.split('\n');
  const markers = lines.flatMap((l, i) => (/^\/\/ ?%%/.test(l) ? [i] : []));
  const cell = Math.floor(random() * (markers.length + 1));
  const from = cell === 0 ? 0 : markers[cell - 1] + 1;
  const to = cell < markers.length ? markers[cell] : lines.length;
  if (to <= from) return text;
  const line = from + Math.floor(random() * (to - from));
  const kind = Math.floor(random() * 4);
  if (kind === 0 && /\d+/.test(lines[line])) {
    lines[line] = lines[line].replace(/\d+/, () => String(1 + Math.floor(random() * 40)));
  } else if (kind === 1) lines.splice(line, 1);
  else if (kind === 2) lines.splice(line, 0, lines[line]);
  else lines[line] = lines[line] + (random() < 0.5 ? ' +' : ';');
  return lines.join('\n');
}

/** Everything a result shows, as plain data (hovers sampled at each recorded expression's start and middle). */
function observable(result: AnalysisResult): unknown {
  const shapes = result.recordedShapes();
  const hovers = shapes.flatMap((s) => [result.shapeAt(s.range.start), result.shapeAt({ line: s.range.start.line, character: s.range.start.character + 1 })]);
  return { diagnostics: result.diagnostics, shapes, hovers, models: result.models, stats: result.stats, skipped: result.skipped };
}

function checkChain(file: string, text: string, seed: number, host?: AnalysisHost): number {
  const random = mulberry32(seed);
  const incremental = new IncrementalAnalyzer();
  let current = celled(text);
  let resumed = 0;
  for (let i = 0; i <= EDITS_PER_FILE; i++) {
    if (i > 0) current = editOneCell(current, random);
    const input = host ? { fileName: file, text: current, host } : { fileName: file, text: current };
    const got = observable(incremental.analyze(input));
    if (incremental.lastRun.resumedAt > 0) resumed++;
    assert.deepStrictEqual(got, observable(analyze(input)), `${path.basename(file)}, edit ${i} (seed ${seed}): incremental differs from a whole analysis`);
  }
  return resumed;
}

const fileHost: AnalysisHost = {
  readFile: (p) => (fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : undefined),
};

test('incremental analysis equals a whole analysis after random cell edits', () => {
  const files = [
    ...filesIn(path.join(ROOT, 'test', 'fixtures', 'shapes')),
    ...filesIn(path.join(ROOT, 'examples')),
    ...filesIn(SHAPE_CORPUS_DIR).filter((_, i, all) => i % Math.max(1, Math.floor(all.length / CORPUS_SAMPLE)) === 0),
  ];
  assert.ok(files.length > 20, `too few files: ${files.length}`);
  let resumed = 0;
  files.forEach((file, i) => {
    resumed += checkChain(file, fs.readFileSync(file, 'utf8'), SEED + i, fileHost);
  });
  // The check means something only if most analyses after an edit really resumed from a snapshot.
  assert.ok(resumed > files.length, `only ${resumed} analyses resumed from a snapshot`);
});

test('an edit in the last cell of a long file resumes there; one in the first cell runs it whole', () => {
  const text = generateExperiment(400);
  const file = '/bench/edited.ml.ts';
  const incremental = new IncrementalAnalyzer();
  incremental.analyze({ fileName: file, text });
  const last = text.replace(/(const conv\d+ = tf\.conv2d\(images\d+ as tf\.Tensor4D, tf\.ones\(\[3, 3, 1, )4(\][^\n]*\n[^\n]*\n)$/, '$18$2');
  assert.notEqual(last, text);
  assert.deepStrictEqual(observable(incremental.analyze({ fileName: file, text: last })), observable(analyze({ fileName: file, text: last })));
  // The first edit resumes from the last of the snapshots spread over the file, and takes one at the edited cell.
  const again = last.replace(/, 'same'\);\n([^\n]*)\n$/, ", 'valid');\n$1\n");
  assert.notEqual(again, last);
  assert.deepStrictEqual(observable(incremental.analyze({ fileName: file, text: again })), observable(analyze({ fileName: file, text: again })));
  assert.ok(incremental.lastRun.resumedAt >= incremental.lastRun.statements - 8, `resumed at ${incremental.lastRun.resumedAt} of ${incremental.lastRun.statements}`);
  const first = last.replace('const rows0 = 16;', 'const rows0 = 24;');
  assert.deepStrictEqual(observable(incremental.analyze({ fileName: file, text: first })), observable(analyze({ fileName: file, text: first })));
  // The first cell holds only the import: everything after it runs again.
  assert.ok(incremental.lastRun.resumedAt <= 1);
});

test('a changed data file or import invalidates the snapshots after its read', () => {
  let csv = 'a,b,label\n1,2,0\n';
  const host: AnalysisHost = { readFile: (p) => (p.endsWith('data.csv') ? csv : undefined) };
  const text = [
    "import * as tf from '@tensorflow/tfjs';",
    '// %% data',
    "const ds = tf.data.csv('file://data.csv', { columnConfigs: { label: { isLabel: true } } });",
    '// %% model',
    'const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });',
    '// %% fit',
    'model.fitDataset(ds.batch(4), { epochs: 1 });',
    '',
  ].join('\n');
  const file = '/data/experiment.ml.ts';
  const incremental = new IncrementalAnalyzer();
  const check = (t: string) => assert.deepStrictEqual(observable(incremental.analyze({ fileName: file, text: t, host })), observable(analyze({ fileName: file, text: t, host })));
  check(text);
  csv = 'a,b,c,label\n1,2,3,0\n';
  const edited = text.replace('epochs: 1', 'epochs: 2');
  check(edited);
  assert.equal(incremental.lastRun.resumedAt, 1, 'the snapshot after the read of the changed file must not be used');
  check(edited.replace("import * as tf from '@tensorflow/tfjs';", "import * as tf from '@tensorflow/tfjs-node';"));
  assert.equal(incremental.lastRun.resumedAt, 0);
});
