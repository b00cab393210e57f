// `mlts check` as a real process (the bundled dist/cli.js): text and JSON output, exit codes 0/1/2, on the
// examples folder and the deliberately broken example.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseFixtureExpectations } from '../unit/fixtureExpectations';
import { dist, repoRoot, runNode } from './processes';

const cli = dist('cli.js');

test('the working examples check clean (exit 0)', async () => {
  const r = await runNode([cli, 'check', 'examples/mnist-convnet.ml.ts', 'examples/flowers-tabular.ml.ts']);
  assert.equal(r.stderr, '');
  assert.match(r.stdout, /2 files checked, 0 errors/);
  assert.equal(r.code, 0);
});

test('the broken example reports its errors like tsc and exits 1', async () => {
  const r = await runNode([cli, 'check', 'examples/broken-shapes.ml.ts']);
  assert.equal(r.code, 1);
  const text = readFileSync(join(repoRoot, 'examples', 'broken-shapes.ml.ts'), 'utf8');
  const expectedLines = parseFixtureExpectations(text).errors.map((e) => e.line + 1);
  const reported = [...r.stdout.matchAll(/^examples\/broken-shapes\.ml\.ts:(\d+):(\d+) - error ([a-z-]+): (.+)$/gm)];
  assert.deepEqual(reported.map((m) => Number(m[1])), expectedLines, r.stdout);
});

test('--format json gives 1-based positions and a file count', async () => {
  const r = await runNode([cli, 'check', '--format', 'json', 'examples/broken-shapes.ml.ts']);
  assert.equal(r.code, 1);
  const json = JSON.parse(r.stdout);
  assert.equal(json.files, 1);
  for (const d of json.diagnostics) {
    assert.deepEqual(Object.keys(d).sort(), ['code', 'column', 'endColumn', 'endLine', 'file', 'line', 'message', 'severity']);
    assert.ok(d.line >= 1 && d.column >= 1);
  }
});

test('a directory argument recurses; the examples folder holds exactly the broken example errors', async () => {
  const r = await runNode([cli, 'check', 'examples', '--format=json']);
  const json = JSON.parse(r.stdout);
  assert.ok(json.files >= 3);
  assert.ok(json.diagnostics.every((d: { file: string }) => d.file === join('examples', 'broken-shapes.ml.ts')), r.stdout);
});

test('usage and I/O errors exit 2 with a clear message', async () => {
  const missing = await runNode([cli, 'check', 'no-such-file.ml.ts']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no such file or directory: no-such-file\.ml\.ts/);
  const badFormat = await runNode([cli, 'check', '--format', 'xml']);
  assert.equal(badFormat.code, 2);
  assert.match(badFormat.stderr, /--format must be text or json/);
  const unknown = await runNode([cli, 'frobnicate']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command frobnicate/);
});

test('--stats prints per file the models analysed, the unknown ones with the reason, and shape coverage', async () => {
  const file = 'test/fixtures/stats/loaded-model.ml.ts';
  const r = await runNode([cli, 'check', '--stats', file]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^${file}: 1 model analysed, 1 unknown; shape coverage [\\d.]+% \\(\\d+/\\d+ tensor expressions\\)$`, 'm'));
  assert.match(r.stdout, new RegExp(`^  ${file}:6 model \`backbone\` unknown: \`backbone\` comes from \`tf.loadLayersModel\`$`, 'm'));

  const json = JSON.parse((await runNode([cli, 'check', '--stats', '--format=json', file])).stdout);
  const [stats] = json.stats;
  assert.equal(stats.file, file);
  assert.equal(stats.modelsAnalysed, 1);
  assert.deepEqual(stats.modelsUnknown, [{ name: 'backbone', reason: '`backbone` comes from `tf.loadLayersModel`', line: 6 }]);
  // tf.zeros twice, head.predict and scores are known; backbone.predict and features are not.
  assert.deepEqual([stats.knownShapeExpressions, stats.tensorExpressions], [4, 6]);
  assert.equal(stats.shapeCoverage, 4 / 6);
});

test('without --stats the output has no stats', async () => {
  const r = await runNode([cli, 'check', '--format=json', 'test/fixtures/stats/loaded-model.ml.ts']);
  assert.equal(JSON.parse(r.stdout).stats, undefined);
});
