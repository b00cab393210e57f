// Unit tests of the run feed and the dashboard session behind both hosts, on a store written in a temporary
// folder: summaries from run.json, metrics read incrementally with a torn last line left for later, a rewritten
// metrics file starting over, one scan's byte budget shared between runs in turn, per-series point totals, a session
// that sends the whole list on `ready` and only subscribed runs' points, `mlts ui`'s arguments and its Host/Origin
// check.
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { UsageError } from '../../cli/src/commandIO';
import { isOwnRequest } from '../../cli/src/ui/dashboardServer';
import { DashboardSession } from '../../runtime/src/dashboard/dashboardSession';
import { RunFeed } from '../../runtime/src/dashboard/runFeed';
import { MAX_METRICS_LINE_BYTES } from '../../runtime/src/store/metricsReader';
import { parseUiArgs } from '../../cli/src/uiCommand';
import { BATCH_SUFFIX, type ToDashboard } from '../../runtime/src/dashboard/dashboardProtocol';
import { newRunRecord } from '../../runtime/src/store/runRecord';
import { newOwnState } from '../../runtime/src/runner/ownState';
import { RunStore } from '../../runtime/src/store/runStore';

const dir = mkdtempSync(join(tmpdir(), 'mlts-feed-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function makeRun(store: RunStore, id: string): string {
  store.create(
    newRunRecord(
      { id, file: '/x/exp.ml.ts', relativeFile: 'exp.ml.ts', fileHash: '', git: null, params: { lr: 0.1 }, overrides: {}, requestedBackend: 'cpu', node: 'v20', host: 'elsewhere', supervisorPid: null, group: null, queuedAt: '2026-11-25T10:00:00Z' },
      { status: 'running', startedAt: '2026-11-25T10:00:01Z' },
    ),
  );
  return join(store.runDir(id), 'metrics.jsonl');
}

const point = (step: number, loss: number) => JSON.stringify({ kind: 'epoch', t: 1000 + step, step, fit: 0, values: { loss } }) + '\n';

test('the feed reads records and appended metric lines, leaving a torn line until its newline lands', () => {
  const store = new RunStore(join(dir, 'a'));
  const metrics = makeRun(store, 'run-1');
  writeFileSync(metrics, point(0, 3) + point(1, 2) + '{"kind":"epo');
  const feed = new RunFeed(store);
  const first = feed.scan();
  assert.deepEqual(first.runs.map((r) => [r.id, r.status, r.backend]), [['run-1', 'running', 'cpu']]);
  assert.equal(feed.pointCount('run-1'), 2);
  appendFileSync(metrics, 'ch","t":1002,"step":2,"fit":0,"values":{"loss":1}}\n');
  const second = feed.scan();
  assert.deepEqual(second.metrics, ['run-1']);
  assert.deepEqual(second.runs, []);
  assert.deepEqual(feed.metricsFrom('run-1', 1)?.values.loss, [2, 1]);
  writeFileSync(metrics, point(0, 9));
  feed.scan();
  assert.equal(feed.pointCount('run-1'), 1);
  feed.dispose();
});

test('a scan reads every record, then metrics within one byte budget for all runs, taking runs in turn', () => {
  const store = new RunStore(join(dir, 'budget'));
  const ids = ['run-a', 'run-b', 'run-c'];
  const lines = 40_000;
  let text = '';
  for (let i = 0; i < lines; i++) text += point(i, 1 / (i + 1));
  for (const id of ids) writeFileSync(makeRun(store, id), text);
  assert.ok(text.length > 2 * MAX_METRICS_LINE_BYTES, 'each file takes several budgets');
  // A budget below one read: each scan reads one read's worth (MAX_METRICS_LINE_BYTES) of one run, then stops.
  const feed = new RunFeed(store, { scanBudgetBytes: 1 });
  const counts = () => ids.map((id) => feed.pointCount(id));
  const first = feed.start();
  assert.deepEqual(first.runs.map((r) => r.id).sort(), ids, 'every row after the first scan');
  assert.ok(feed.catchingUp);
  const [a] = counts();
  assert.ok(a! > 0 && a! < lines);
  assert.deepEqual(counts().slice(1), [0, 0]);
  feed.scan();
  assert.deepEqual(counts().map((n) => n > 0), [true, true, false], 'the next scan goes on with the next run');
  feed.scan();
  assert.deepEqual(counts().map((n) => n > 0), [true, true, true]);
  feed.scan();
  assert.ok(feed.pointCount('run-a') > a!, 'and then comes round again');
  let scans = 4;
  while (feed.catchingUp) {
    feed.scan();
    scans++;
  }
  assert.deepEqual(counts(), [lines, lines, lines]);
  assert.ok(scans <= ids.length * Math.ceil(text.length / MAX_METRICS_LINE_BYTES) + 2, `${scans} scans`);
  feed.dispose();
});

test('every chunk carries per-series totals of finite values read, batch series named apart; a shorter file resets them', () => {
  const store = new RunStore(join(dir, 'totals'));
  const metrics = makeRun(store, 'run-1');
  const line = (kind: string, values: string) => `{"kind":"${kind}","t":1,"step":0,"batch":0,"fit":0,"values":${values}}\n`;
  writeFileSync(metrics, line('epoch', '{"loss":3,"acc":null}') + line('batch', '{"loss":1,"acc":0.5}') + line('batch', '{"loss":1e999}') + line('log', '{"lr":0.1}'));
  const feed = new RunFeed(store);
  feed.scan();
  const expected = { loss: 1, [`loss${BATCH_SUFFIX}`]: 1, [`acc${BATCH_SUFFIX}`]: 1, lr: 1 };
  assert.deepEqual(feed.metricsFrom('run-1', 0)?.totals, expected);
  assert.deepEqual(feed.metricsFrom('run-1', 3)?.totals, expected, 'the whole run, from any point');
  appendFileSync(metrics, line('epoch', '{"loss":2}'));
  feed.scan();
  assert.deepEqual(feed.metricsFrom('run-1', 4)?.totals, { ...expected, loss: 2 });
  writeFileSync(metrics, line('epoch', '{"loss":9}'));
  feed.scan();
  assert.deepEqual(feed.metricsFrom('run-1', 0)?.totals, { loss: 1 });
  feed.dispose();
});

test("the feed sees a run's own state.json change (progress, its end) though run.json stays as it was", () => {
  const store = new RunStore(join(dir, 'own'));
  makeRun(store, 'run-1');
  const feed = new RunFeed(store);
  feed.scan();
  const own = { ...newOwnState('run-1', 1, { SLURM_ARRAY_JOB_ID: '7', SLURM_ARRAY_TASK_ID: '0', CUDA_VISIBLE_DEVICES: '1' }), nodeName: 'node1' };
  store.update('run-1', (r) => (r.executor = 'slurm'));
  feed.scan();
  store.writeOwnState({ ...own, status: 'finished', progress: { epoch: 3, epochs: 3 } }, false);
  const change = feed.scan();
  assert.deepEqual(change.runs.map((r) => [r.status, r.progress?.epoch, r.where]), [['finished', 3, 'slurm 7_0 on node1, GPU 1']]);
  feed.dispose();
});

test('a session answers ready with the run list and streams points only for subscribed runs', () => {
  const store = new RunStore(join(dir, 'b'));
  const m1 = makeRun(store, 'run-1');
  const m2 = makeRun(store, 'run-2');
  writeFileSync(m1, point(0, 3));
  writeFileSync(m2, point(0, 4));
  const feed = new RunFeed(store);
  feed.scan();
  const sent: ToDashboard[] = [];
  const session = new DashboardSession(feed, (m) => sent.push(m), { canLaunch: false });
  session.handle({ type: 'ready' });
  assert.deepEqual(sent.map((m) => m.type), ['hello', 'runs']);
  session.handle({ type: 'subscribe', runs: [{ id: 'run-2', from: 0 }, { id: 'gone', from: 0 }] });
  assert.deepEqual(sent.slice(2).map((m) => (m.type === 'metrics' ? [m.chunk.runId, m.chunk.from, m.chunk.t.length] : m.type)), [['run-2', 0, 1]]);
  appendFileSync(m1, point(1, 2));
  appendFileSync(m2, point(1, 3));
  feed.refresh();
  assert.deepEqual(sent.slice(3).map((m) => (m.type === 'metrics' ? [m.chunk.runId, m.chunk.from, m.chunk.t.length] : m.type)), [['run-2', 1, 1]]);
  session.dispose();
  feed.dispose();
});

test('mlts ui arguments: store and port, with usage errors for anything else', () => {
  assert.deepEqual(parseUiArgs(['--store', 'runs', '--port=8123']), { store: 'runs', port: 8123 });
  assert.deepEqual(parseUiArgs([]), { store: undefined, port: 0 });
  assert.throws(() => parseUiArgs(['--port', '99999']), UsageError);
  assert.throws(() => parseUiArgs(['--host', '0.0.0.0']), UsageError);
  assert.throws(() => parseUiArgs(['--store']), UsageError);
});

test('the server answers only its own loopback Host and Origin', () => {
  assert.ok(isOwnRequest({ host: '127.0.0.1:8123' }, 8123));
  assert.ok(isOwnRequest({ host: 'localhost:8123', origin: 'http://localhost:8123' }, 8123));
  assert.ok(!isOwnRequest({ host: 'evil.example:8123' }, 8123), 'DNS rebinding: a foreign name resolving to 127.0.0.1');
  assert.ok(!isOwnRequest({ host: '127.0.0.1:8123', origin: 'http://evil.example' }, 8123), 'a cross-site request');
  assert.ok(!isOwnRequest({ host: '127.0.0.1:8124' }, 8123));
  assert.ok(!isOwnRequest({}, 8123));
});

test('a window reads the stretch between two held points again from the file, with the asked series only', () => {
  const store = new RunStore(join(dir, 'window'));
  const metrics = makeRun(store, 'run-w');
  const batch = (b: number) => JSON.stringify({ kind: 'batch', t: 5000 + b, step: 0, batch: b, fit: 0, values: { loss: b, acc: -b } }) + '\n';
  writeFileSync(metrics, point(0, 3) + Array.from({ length: 10 }, (_, b) => batch(b)).join('') + point(1, 2) + 'garbage\n' + batch(10));
  const feed = new RunFeed(store);
  feed.scan();
  assert.equal(feed.pointCount('run-w'), 13);
  // Held points 2 to 5 (exclusive) are batches 1 to 3.
  const middle = feed.readWindow('run-w', 2, 5, `loss${BATCH_SUFFIX}`);
  assert.equal(middle.problem, null);
  assert.deepEqual(middle.chunk?.batch, [1, 2, 3]);
  assert.deepEqual(middle.chunk?.values, { loss: [1, 2, 3] });
  assert.equal(middle.stride, 1);
  // To the end: the epoch point, the damaged line skipped, the last batch; an epoch series' window has its values.
  const tail = feed.readWindow('run-w', 10, 13, 'loss');
  assert.deepEqual(tail.chunk?.kind, [1, 0, 1]);
  assert.deepEqual(tail.chunk?.values, { loss: [9, 2, 10] });
  assert.match(feed.readWindow('run-w', 5, 99, 'loss').problem ?? '', /not held/);
  feed.dispose();
});

test('a session answers a window request, and refuses one made before the points were renumbered', () => {
  const store = new RunStore(join(dir, 'window-session'));
  const metrics = makeRun(store, 'run-s');
  writeFileSync(metrics, point(0, 3) + point(1, 2) + point(2, 1));
  const feed = new RunFeed(store);
  feed.scan();
  const sent: ToDashboard[] = [];
  const session = new DashboardSession(feed, (m) => sent.push(m), { canLaunch: false });
  session.handle({ type: 'ready' });
  session.handle({ type: 'window', request: 7, runId: 'run-s', from: 0, to: 2, key: 'loss' });
  assert.deepEqual(sent.at(-1), { type: 'window', request: 7, runId: 'run-s', chunk: null, stride: 1, problem: 'the run changed; zoom again' }, 'nothing was sent yet');
  session.handle({ type: 'subscribe', runs: [{ id: 'run-s', from: 0 }] });
  session.handle({ type: 'window', request: 8, runId: 'run-s', from: 1, to: 3, key: 'loss' });
  const answer = sent.at(-1);
  assert.ok(answer?.type === 'window' && answer.request === 8 && answer.problem === null);
  assert.deepEqual(answer.chunk?.values.loss, [2, 1]);
  session.dispose();
  feed.dispose();
});

test('a scan of named runs reads only those runs; a poll reads the whole store', () => {
  const store = new RunStore(join(dir, 'targeted'));
  const a = makeRun(store, 'run-a');
  const b = makeRun(store, 'run-b');
  const feed = new RunFeed(store);
  feed.scan();
  appendFileSync(a, point(0, 1));
  appendFileSync(b, point(0, 2));
  const targeted = feed.refresh(new Set(['run-a']));
  assert.deepEqual(targeted.metrics, ['run-a']);
  assert.equal(feed.pointCount('run-b'), 0, 'run-b was not read');
  // A named run that went away leaves; one that appeared is read.
  rmSync(store.runDir('run-a'), { recursive: true });
  makeRun(store, 'run-c');
  const next = feed.refresh(new Set(['run-a', 'run-c']));
  assert.deepEqual(next.removed, ['run-a']);
  assert.deepEqual(next.runs.map((r) => r.id), ['run-c']);
  assert.deepEqual(feed.refresh().metrics, ['run-b']);
  feed.dispose();
});

/** Resolves once the feed has read new points of run `id` (the change its listeners get). */
function metricsRead(feed: RunFeed, id: string): Promise<void> {
  return new Promise((resolve) => {
    const off = feed.onChange((change) => {
      if (!change.metrics.includes(id)) return;
      off();
      resolve();
    });
  });
}

test('a feed of wanted runs only reads what a session subscribed to, and gives back what none wants', async () => {
  const store = new RunStore(join(dir, 'wanted'));
  for (const id of ['run-1', 'run-2']) writeFileSync(makeRun(store, id), point(0, 3) + point(1, 2));
  const feed = new RunFeed(store, { onlyWanted: true, debounceMs: 1 });
  feed.start();
  assert.equal(feed.summaries().length, 2, 'every run is listed');
  assert.equal(feed.pointCount('run-1') + feed.pointCount('run-2'), 0, 'no metrics read before a page wants them');
  const sent: ToDashboard[] = [];
  const session = new DashboardSession(feed, (m) => sent.push(m), { canLaunch: false });
  session.handle({ type: 'ready' });
  let read = metricsRead(feed, 'run-2');
  session.handle({ type: 'subscribe', runs: [{ id: 'run-2', from: 0 }] });
  await read;
  assert.equal(feed.pointCount('run-2'), 2);
  assert.equal(feed.pointCount('run-1'), 0);
  assert.deepEqual(sent.filter((m) => m.type === 'metrics' && m.chunk.t.length).map((m) => m.type === 'metrics' && m.chunk.values.loss), [[3, 2]]);
  read = metricsRead(feed, 'run-1');
  session.handle({ type: 'subscribe', runs: [{ id: 'run-1', from: 0 }] });
  await read;
  assert.equal(feed.pointCount('run-2'), 0, 'run-2 gave its points back');
  assert.equal(feed.pointCount('run-1'), 2);
  session.dispose();
  assert.equal(feed.pointCount('run-1'), 0);
  feed.dispose();
});

test('thinning keeps a spike and a dip that keeping every n-th point would drop, and keeps points in file order', () => {
  const store = new RunStore(join(dir, 'spikes'));
  const metrics = makeRun(store, 'run-x');
  const lines: string[] = [];
  for (let b = 0; b < 10_000; b++) {
    if (b % 1000 === 0) lines.push(JSON.stringify({ kind: 'epoch', t: b, step: b / 1000, fit: 0, values: { loss: 1 } }));
    const loss = b === 7777 ? 50 : b === 3333 ? -50 : 1 + (b % 7) * 1e-3;
    lines.push(JSON.stringify({ kind: 'batch', t: b, step: Math.floor(b / 1000), batch: b % 1000, fit: 0, values: { loss } }));
  }
  writeFileSync(metrics, lines.join('\n') + '\n');
  const feed = new RunFeed(store, { pointsPerRun: 500 });
  feed.scan();
  const chunk = feed.metricsFrom('run-x', 0)!;
  assert.ok(chunk.t.length <= 500, `held ${chunk.t.length}`);
  const batchLoss = chunk.values.loss!.filter((_, i) => chunk.kind[i] === 1);
  assert.ok(batchLoss.includes(50), 'the spike is held');
  assert.ok(batchLoss.includes(-50), 'the dip is held');
  assert.equal(chunk.kind.filter((k) => k === 0).length, 10, 'every epoch point is held');
  assert.deepEqual([...chunk.t].sort((a, b) => a - b), chunk.t, 'points stay in file order');
  assert.equal(chunk.totals?.[`loss${BATCH_SUFFIX}`], 10_000);
  feed.dispose();
});
