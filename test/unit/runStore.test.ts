// The run store's reader and writer: atomic record writes, metrics lines (torn last line, corrupted lines,
// non-finite values), listing, the merge of the launcher's record with the run's own state, and the repair of
// runs whose process vanished.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { lastValues, MetricsWriter, parseMetrics, tailMetrics } from '../../runtime/src/store/metricsLog';
import { newRunId, RunStore } from '../../runtime/src/store/runStore';
import { mergeRunRecord, newRunRecord, type RunOwnState, type RunRecord } from '../../runtime/src/store/runRecord';
import { newOwnState } from '../../runtime/src/runner/ownState';

const work = join(__dirname, '..', '..', 'test-results', 'unit', 'run-store');

function freshStore(name: string): RunStore {
  const dir = join(work, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return new RunStore(join(dir, '.mlts'));
}

function record(id: string, changes: Partial<RunRecord> = {}): RunRecord {
  const fields = { id, file: '/tmp/x.ml.ts', relativeFile: 'x.ml.ts', fileHash: '0'.repeat(64), git: null, params: { lr: 0.1 } };
  const origin = { overrides: {}, requestedBackend: 'cpu', node: process.version, host: hostname(), supervisorPid: null, group: null };
  return newRunRecord({ ...fields, ...origin, queuedAt: '2026-01-01T00:00:00.000Z' }, { status: 'finished', ...changes });
}

/** A pid that has surely ended: a child that exited and was reaped. */
function deadPid(): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', '0']);
    child.on('close', () => resolve(child.pid!));
  });
}

const point = (step: number, loss: number) => JSON.stringify({ kind: 'epoch', t: 1, step, values: { loss } });

test('metrics: complete lines read, a torn last line is left out silently, a corrupted line is skipped with a warning', () => {
  const text = [point(0, 1), '{"kind":"epo', point(1, 0.5), '["not a point"]', point(2, 0.25), '{"kind":"epoch","t":1,"st'].join('\n');
  const { points, warnings } = parseMetrics(text, 'm.jsonl');
  assert.deepEqual(points.map((p) => p.step), [0, 1, 2]);
  assert.deepEqual(warnings, ['m.jsonl:2: skipped a line that is not JSON', 'm.jsonl:4: skipped a line that is not a metric point']);
});

test('metrics: a whole last point without its newline yet is kept; an empty file has no points', () => {
  assert.deepEqual(parseMetrics(`${point(0, 1)}\n${point(1, 2)}`).points.length, 2);
  assert.deepEqual(parseMetrics(''), { points: [], warnings: [] });
});

test('metrics writer: one line per point, NaN written as null, last values skip batch points', () => {
  const store = freshStore('writer');
  mkdirSync(store.root, { recursive: true });
  const path = join(store.root, 'metrics.jsonl');
  const writer = new MetricsWriter(path);
  writer.append({ kind: 'epoch', t: 1, step: 0, values: { loss: 1, acc: 0.5 } }, true);
  writer.append({ kind: 'batch', t: 2, step: 1, batch: 0, values: { loss: 9 } });
  writer.append({ kind: 'log', t: 3, step: 0, values: { test: NaN } });
  writer.close();
  const { points, warnings } = parseMetrics(readFileSync(path, 'utf8'));
  assert.deepEqual(warnings, []);
  assert.equal(points.length, 3);
  assert.deepEqual(lastValues(points), { loss: 1, acc: 0.5, test: null });
});

test('tailing metrics: each call returns the complete lines since the last, a half-written line waits for its end', () => {
  const store = freshStore('tail');
  mkdirSync(store.root, { recursive: true });
  const path = join(store.root, 'metrics.jsonl');
  assert.deepEqual(tailMetrics(path), { points: [], warnings: [], nextOffset: 0 }, 'no file yet');
  writeFileSync(path, `${point(0, 1)}\n${point(1, 0.5)}\n{"kind":"ep`);
  const first = tailMetrics(path);
  assert.deepEqual(first.points.map((p) => p.step), [0, 1]);
  appendFileSync(path, `och","t":1,"step":2,"values":{"loss":0.25}}\nnot json\n${point(3, 0.1)}\n`);
  const second = tailMetrics(path, first.nextOffset, 3);
  assert.deepEqual(second.points.map((p) => p.step), [2, 3]);
  assert.deepEqual(second.warnings, [`${path}:4: skipped a line that is not JSON`]);
  assert.deepEqual(tailMetrics(path, second.nextOffset).points, []);
});

test('records are written atomically (no temporary files left) and listed oldest first with a .gitignore of *', () => {
  const store = freshStore('records');
  store.create(record('20260101-000002-b'));
  store.create(record('20260101-000001-a', { status: 'failed' }));
  store.update('20260101-000001-a', (r) => (r.message = 'boom'));
  assert.deepEqual(readdirSync(store.runDir('20260101-000001-a')).sort(), ['artifacts', 'run.json']);
  const { runs, warnings } = store.list();
  assert.deepEqual(runs.map((r) => r.id), ['20260101-000001-a', '20260101-000002-b']);
  assert.equal(runs[0]!.message, 'boom');
  assert.deepEqual(warnings, []);
  assert.match(readFileSync(join(store.root, '.gitignore'), 'utf8'), /^\*$/m);
});

test('an unreadable run.json is skipped with a warning', () => {
  const store = freshStore('unreadable');
  store.create(record('20260101-000001-ok'));
  mkdirSync(store.runDir('20260101-000002-bad'), { recursive: true });
  writeFileSync(join(store.runDir('20260101-000002-bad'), 'run.json'), '{"id": ');
  const { runs, warnings } = store.list();
  assert.deepEqual(runs.map((r) => r.id), ['20260101-000001-ok']);
  assert.match(warnings[0] ?? '', /20260101-000002-bad: run.json is not valid JSON.*skipped/);
});

test('a running run whose process vanished is marked killed, and the repair is written back', async () => {
  const store = freshStore('vanished');
  const gone = await deadPid();
  store.create(record('20260101-000001-gone', { status: 'running', pid: gone, supervisorPid: gone }));
  store.create(record('20260101-000002-alive', { status: 'running', pid: process.pid, supervisorPid: process.pid }));
  const { runs } = store.list();
  assert.equal(runs[0]!.status, 'killed');
  assert.match(runs[0]!.message ?? '', /ended without reporting/);
  assert.equal(store.read('20260101-000001-gone')!.status, 'killed');
  // This test process is alive, but its command line does not carry the run id: a reused pid is no proof of life.
  assert.equal(runs[1]!.status, 'killed');
  assert.equal(store.list({ repair: false }).runs.length, 2);
});

test('a queued run whose launcher is gone is marked cancelled; one whose launcher lives stays queued', async () => {
  const store = freshStore('queued');
  store.create(record('20260101-000001-orphan', { status: 'queued', supervisorPid: await deadPid() }));
  store.create(record('20260101-000002-waiting', { status: 'queued', supervisorPid: process.pid }));
  assert.deepEqual(store.list().runs.map((r) => r.status), ['cancelled', 'queued']);
});

test('run ids sort by time and carry the file name', () => {
  const id = newRunId('mnist-convnet.ml.ts', new Date('2026-11-25T05:12:19.000Z'));
  assert.match(id, /^20261125-051219-mnist-convnet-[0-9a-f]{6}$/);
});

/** A run's own state as its process would write it. */
function ownState(id: string, changes: Partial<RunOwnState> = {}): RunOwnState {
  return { ...newOwnState(id, 1, {}), ...changes };
}

test('merge: the run\'s own final state wins over what its launcher saw; its "running" loses to a launcher\'s final status', () => {
  const launch = record('20260101-000001-m', { status: 'queued', finalMetrics: { loss: 9 } });
  assert.equal(mergeRunRecord(launch, null).status, 'queued');
  const running = ownState(launch.id, { progress: { epoch: 2, epochs: 5 }, finalMetrics: { loss: 0.5 } });
  const merged = mergeRunRecord(launch, running);
  assert.equal(merged.status, 'running');
  assert.deepEqual(merged.progress, { epoch: 2, epochs: 5 });
  assert.equal(merged.finalMetrics.loss, 0.5);
  const finished = ownState(launch.id, { status: 'finished', exitCode: 0, endedAt: '2026-01-01T00:01:00.000Z', finalMetrics: { loss: 0.1 } });
  const killedByLauncher = { ...launch, status: 'killed' as const, message: 'killed by SIGKILL' };
  assert.equal(mergeRunRecord(killedByLauncher, finished).status, 'finished', 'a run that wrote finished finished');
  assert.equal(mergeRunRecord(killedByLauncher, finished).message, null);
  assert.equal(mergeRunRecord(killedByLauncher, running).status, 'killed', 'the launcher saw the exit the run could not write');
  // A requeued job's new attempt: the earlier attempt's final state says nothing about the status any more.
  const requeued = { ...launch, attempt: 2 };
  assert.equal(mergeRunRecord(requeued, finished).status, 'queued');
  assert.equal(mergeRunRecord(requeued, { ...running, attempt: 2 }).attempt, 2);
});

test('a format 1 record (no state.json) reads with the fields format 2 added', () => {
  const store = freshStore('format1');
  const old: Record<string, unknown> = { ...record('20260101-000001-old'), format: 1 };
  for (const key of ['executor', 'detached', 'jobId', 'nodeName', 'cudaVisibleDevices', 'attempt']) delete old[key];
  mkdirSync(store.runDir('20260101-000001-old'), { recursive: true });
  writeFileSync(join(store.runDir('20260101-000001-old'), 'run.json'), JSON.stringify(old));
  const read = store.read('20260101-000001-old')!;
  assert.equal(read.status, 'finished');
  assert.deepEqual([read.executor, read.attempt, read.jobId], ['local', 1, null]);
});

test('a running run whose own state names a dead process is marked killed in its state.json, with the last metrics', async () => {
  const store = freshStore('own-vanished');
  const id = '20260101-000001-own';
  store.create(record(id, { status: 'queued', supervisorPid: await deadPid() }));
  store.writeOwnState(ownState(id, { pid: await deadPid(), finalMetrics: { loss: 3 } }), true);
  appendFileSync(join(store.runDir(id), 'metrics.jsonl'), `${point(0, 2)}\n${point(1, 1)}\n`);
  const [run] = store.list().runs;
  assert.equal(run!.status, 'killed');
  assert.equal(run!.finalMetrics.loss, 1, 'metrics.jsonl holds the last word');
  assert.equal(store.readOwnState(id)!.status, 'killed');
  assert.equal(store.readLaunch(id)!.status, 'queued', "the launcher's record is left to its writer");
});
