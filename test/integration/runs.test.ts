// Tracked runs through the real bundles (dist/cli.js → dist/runtime/runProcess.mjs) in real processes: a 2×2 grid
// on cpu, two at a time; kill -9 of one run mid-training while another finishes; a corrupted metrics line; a conv
// net on wasm; a forced backend that is not installed. Workspaces live under test-results/ so @tensorflow/tfjs
// resolves from the repository's node_modules. Waits are on files appearing, bounded, never fixed sleeps.
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { RunStore } from '../../runtime/src/store/runStore';
import type { RunRecord } from '../../runtime/src/store/runRecord';
import { repoRoot } from './processes';
import { epochPoints, mlts, runsIn, startMlts, waitFor, workspace as inSuite } from './runWorkspace';

const workspace = (name: string) => inSuite('runs', name);

test('a 2×2 grid on cpu, two at a time, yields four finished runs with per-epoch metrics', async () => {
  const dir = workspace('grid');
  const r = await mlts(['run', 'small.ml.ts', '--grid', 'hidden=4,8', '--grid', 'learningRate=0.1,0.01', '--backend', 'cpu', '--parallel', '2'], dir);
  assert.equal(r.code, 0, r.stderr);
  const ids = r.stdout.trim().split('\n');
  assert.equal(ids.length, 4, r.stdout);
  const runs = runsIn(dir);
  assert.deepEqual(runs.map((run) => run.id).sort(), [...ids].sort());
  const combos = runs.map((run) => `${run.params.hidden}/${run.params.learningRate}`).sort();
  assert.deepEqual(combos, ['4/0.01', '4/0.1', '8/0.01', '8/0.1']);
  for (const run of runs) {
    assert.equal(run.status, 'finished', `${run.id}: ${run.message}`);
    assert.equal(run.backend?.option, 'cpu');
    assert.match(run.backend?.reason ?? '', /forced/);
    assert.equal(run.tfjsVersion, '4.22.0');
    assert.match(run.fileHash, /^[0-9a-f]{64}$/);
    assert.deepEqual(run.progress, { epoch: 3, epochs: 3 });
    const epochs = epochPoints(dir, run.id);
    assert.deepEqual(epochs.map((p) => p.step), [0, 1, 2]);
    for (const p of epochs) assert.equal(typeof p.values.loss, 'number');
    assert.equal(run.finalMetrics.loss, epochs.at(-1)!.values.loss);
    assert.match(readFileSync(join(dir, '.mlts', 'runs', run.id, 'stdout.log'), 'utf8'), /trained/);
  }
  // Never more than two at once, and two did run together.
  const events = runs.flatMap((run) => [
    { t: Date.parse(run.startedAt!), d: 1 },
    { t: Date.parse(run.endedAt!), d: -1 },
  ]);
  events.sort((a, b) => a.t - b.t || a.d - b.d);
  let running = 0;
  let most = 0;
  for (const e of events) most = Math.max(most, (running += e.d));
  assert.equal(most, 2);
  assert.equal(readFileSync(join(dir, '.mlts', '.gitignore'), 'utf8').trim().split('\n').at(-1), '*');

  const listed = await mlts(['runs', '--format', 'json'], dir);
  assert.equal(listed.code, 0, listed.stderr);
  assert.equal((JSON.parse(listed.stdout) as { runs: RunRecord[] }).runs.length, 4);
  const text = await mlts(['runs'], dir);
  assert.match(text.stdout, /finished .*hidden=8/);

  // A corrupted line in the middle of one run's metrics is skipped with a warning; the rest still reads.
  const victim = runs[0]!;
  const metricsFile = join(dir, '.mlts', 'runs', victim.id, 'metrics.jsonl');
  const lines = readFileSync(metricsFile, 'utf8').split('\n');
  lines.splice(1, 0, '{"kind":"epoch","t":12,"st');
  writeFileSync(metricsFile, lines.join('\n'));
  appendFileSync(metricsFile, '{"kind":"epoch","t":1'); // and a torn last line, as a crash mid-write leaves
  const shown = await mlts(['runs', victim.id], dir);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stderr, /warning: .*metrics\.jsonl:2: skipped a line that is not JSON/);
  assert.doesNotMatch(shown.stderr, /metrics\.jsonl:\d+: .*\n.*metrics\.jsonl/, 'only the corrupted line is reported');
  assert.equal(shown.stdout.match(/^ {2}epoch \d/gm)?.length, 3, shown.stdout);
});

test('kill -9 of a run mid-training leaves its metrics readable and marks it killed; the other run finishes', async () => {
  const dir = workspace('kill');
  const { cli, exited, stderr } = startMlts(['run', 'small.ml.ts', '--grid', 'epochs=4,100000', '--backend', 'cpu', '--parallel', '2'], dir);
  try {
    const long = await waitFor('the long run to record an epoch', () => {
      const run = existsSync(join(dir, '.mlts', 'runs')) ? runsIn(dir).find((r) => r.params.epochs === 100000 && r.pid !== null) : undefined;
      return run && epochPoints(dir, run.id).length >= 1 ? run : undefined;
    });
    process.kill(long.pid!, 'SIGKILL');
    const code = await exited;
    assert.equal(code, 1, `a killed run makes mlts run exit 1\n${stderr()}`);
    const runs = runsIn(dir);
    const killed = runs.find((r) => r.id === long.id)!;
    assert.equal(killed.status, 'killed');
    assert.match(killed.message ?? '', /SIGKILL/);
    const points = new RunStore(join(dir, '.mlts')).metrics(killed.id);
    assert.deepEqual(points.warnings, []);
    const epochs = points.points.filter((p) => p.kind === 'epoch');
    assert.ok(epochs.length >= 1);
    assert.deepEqual(epochs.map((p) => p.step), epochs.map((_, i) => i), 'every epoch up to the last is there, in order');
    assert.equal(killed.finalMetrics.loss, epochs.at(-1)!.values.loss);
    const other = runs.find((r) => r.id !== long.id)!;
    assert.equal(other.status, 'finished', other.message ?? '');
    assert.equal(epochPoints(dir, other.id).length, 4);
    assert.match(stderr(), /killed by SIGKILL/);
  } finally {
    cli.kill('SIGKILL');
  }
});

test('Ctrl+C on mlts run cancels every run: running ones stop, queued ones never start', async () => {
  const dir = workspace('cancel');
  const { cli, exited, stderr } = startMlts(['run', 'small.ml.ts', '--grid', 'epochs=100000,100001,3', '--backend', 'cpu', '--parallel', '2'], dir);
  try {
    await waitFor('both running runs to record an epoch', () => {
      const running = existsSync(join(dir, '.mlts', 'runs')) ? runsIn(dir).filter((r) => r.status === 'running') : [];
      return running.length === 2 && running.every((r) => epochPoints(dir, r.id).length >= 1) ? true : undefined;
    });
    cli.kill('SIGINT');
    assert.equal(await exited, 1, stderr());
    const runs = runsIn(dir).sort((a, b) => Number(b.params.epochs) - Number(a.params.epochs));
    assert.deepEqual(runs.map((r) => r.status), ['cancelled', 'cancelled', 'cancelled']);
    // The running ones wrote how they ended themselves; the queued one never started, so its launcher says so.
    assert.match(runs[0]!.message ?? '', /stopped by SIGTERM/);
    assert.match(runs[1]!.message ?? '', /stopped by SIGTERM/);
    assert.equal(runs[2]!.message, 'cancelled before it started');
    assert.equal(runs[2]!.params.epochs, 3);
    assert.equal(runs[2]!.startedAt, null);
    assert.match(stderr(), /cancelling every run/);
  } finally {
    cli.kill('SIGKILL');
  }
});

test('the seed parameter makes runs repeatable: same seed, same losses; another seed, other losses', async () => {
  const dir = workspace('seed');
  const r = await mlts(['run', 'small.ml.ts', '--grid', 'seed=3,3,4', '--backend', 'cpu', '--parallel', '2'], dir);
  assert.equal(r.code, 0, r.stderr);
  const losses = runsIn(dir).map((run) => epochPoints(dir, run.id).map((p) => p.values.loss));
  assert.equal(losses.length, 3);
  const bySeed = runsIn(dir).map((run) => run.params.seed);
  const [a, b] = losses.filter((_, i) => bySeed[i] === 3);
  assert.deepEqual(a, b);
  assert.notDeepEqual(losses[bySeed.indexOf(4)], a);
});

test('a conv net (examples/mnist-convnet.ml.ts) trains on wasm', async () => {
  const dir = workspace('wasm');
  const r = await mlts(['run', join(repoRoot, 'examples', 'mnist-convnet.ml.ts'), '--backend', 'wasm', '--param', 'epochs=2', '--store', '.mlts'], dir);
  assert.equal(r.code, 0, r.stderr);
  const [run] = runsIn(dir);
  assert.equal(run?.status, 'finished', run?.message ?? '');
  assert.equal(run?.backend?.name, 'wasm');
  assert.match(run?.backend?.device ?? '', /Conv2DBackpropFilter/);
  const epochs = epochPoints(dir, run!.id);
  assert.equal(epochs.length, 2);
  assert.ok(epochs[1]!.values.loss! < epochs[0]!.values.loss!, 'the loss falls');
  assert.equal(typeof run?.finalMetrics.testAccuracy, 'number', 'mlts.log from the file is recorded');
});

test('--backend node-gpu without @tensorflow/tfjs-node-gpu exits 2 with an install hint and starts nothing', async () => {
  const dir = workspace('node-gpu');
  const r = await mlts(['run', 'small.ml.ts', '--backend', 'node-gpu'], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /backend node-gpu needs @tensorflow\/tfjs-node-gpu.*Install: npm install @tensorflow\/tfjs-node-gpu/);
  assert.equal(r.stdout, '');
  assert.ok(!existsSync(join(dir, '.mlts', 'runs')) || readdirSync(join(dir, '.mlts', 'runs')).length === 0);
});

test('an unknown parameter is a usage error before any run starts; a bad value names the expected type', async () => {
  const dir = workspace('params');
  const unknown = await mlts(['run', 'small.ml.ts', '--param', 'hiden=4'], dir);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown parameter hiden; small\.ml\.ts declares learningRate, hidden, epochs, samples, seed/);
  const bad = await mlts(['run', 'small.ml.ts', '--grid', 'hidden=4,many'], dir);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /parameter hidden is a number \(default 8\); "many" is not/);
});
