// Unit tests of the store's fault containment, on files in a temporary folder: the streaming metrics reader
// (damaged, non-UTF-8 and over-long lines named and skipped; an unterminated tail not read again; a folder in
// place of the file), records with garbage or bad bytes, the run feed turning each fault into its run's `problem`
// while other runs read on, thinning past the per-run point budget, what a held point costs, and terminal escaping
// of run data.
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { terminalSafe } from '../../cli/src/terminalText';
import { BATCH_SUFFIX } from '../../runtime/src/dashboard/dashboardProtocol';
import { MAX_POINTS_PER_RUN, MIN_POINTS_PER_RUN, RunFeed, STORE_POINT_BUDGET } from '../../runtime/src/dashboard/runFeed';
import { MetricsWriter, readMetrics } from '../../runtime/src/store/metricsLog';
import { diskFullText } from '../../runtime/src/store/diskFull';
import { MAX_METRICS_LINE_BYTES, newMetricsCursor, readMetricsStep } from '../../runtime/src/store/metricsReader';
import { newRunRecord } from '../../runtime/src/store/runRecord';
import { RunStore } from '../../runtime/src/store/runStore';

const dir = mkdtempSync(join(tmpdir(), 'mlts-faults-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const point = (step: number, loss: number, kind = 'epoch') => JSON.stringify({ kind, t: 1000 + step, step, fit: 0, values: { loss } }) + '\n';

function makeRun(store: RunStore, id: string): string {
  store.create(
    newRunRecord(
      { id, file: '/x/exp.ml.ts', relativeFile: 'exp.ml.ts', fileHash: '', git: null, params: {}, overrides: {}, requestedBackend: 'cpu', node: 'v20', host: 'elsewhere', supervisorPid: null, group: null, queuedAt: `2026-11-25T10:00:0${id.length % 10}Z` },
      { status: 'finished' },
    ),
  );
  return join(store.runDir(id), 'metrics.jsonl');
}

test('damaged lines are named and skipped; the points around them are kept', () => {
  const path = join(dir, 'damaged.jsonl');
  writeFileSync(path, Buffer.concat([Buffer.from(point(0, 3) + 'garbage\n{"kind":"epoch","t":1,"st\n'), Buffer.from([0x7b, 0xff, 0xfe, 0x0a]), Buffer.from(point(1, 2) + '{"a":1}\n')]));
  const { points, warnings } = readMetrics(path);
  assert.deepEqual(points.map((p) => p.step), [0, 1]);
  assert.deepEqual(
    warnings.map((w) => w.slice(path.length)),
    [':2: skipped a line that is not JSON', ':3: skipped a line that is not JSON', ':4: skipped a line that is not valid UTF-8', ':6: skipped a line that is not a metric point'],
  );
});

test('an over-long unterminated line is skipped once, not held or read again, and reading resumes after it', () => {
  const path = join(dir, 'long.jsonl');
  writeFileSync(path, point(0, 3) + 'x'.repeat(3 * MAX_METRICS_LINE_BYTES));
  const cursor = newMetricsCursor();
  const got: number[] = [];
  const first = readMetricsStep(path, cursor, (p) => got.push(p.step));
  assert.deepEqual(got, [0]);
  assert.match(first.warnings.join(), /:2: skipped a line longer than 1 MiB/);
  assert.ok(cursor.skipping);
  const again = readMetricsStep(path, cursor, (p) => got.push(p.step));
  assert.deepEqual(again.warnings, [], 'an unchanged file is not read again');
  appendFileSync(path, 'yyy\n' + point(1, 2));
  readMetricsStep(path, cursor, (p) => got.push(p.step));
  assert.deepEqual(got, [0, 1]);
});

test('a folder in place of metrics.jsonl is a problem, not an exception', () => {
  const path = join(dir, 'folder.jsonl');
  mkdirSync(path);
  const step = readMetricsStep(path, newMetricsCursor(), () => undefined, { label: 'metrics.jsonl' });
  assert.equal(step.problem, 'metrics.jsonl is a folder, not a file');
  assert.deepEqual(readMetrics(path).points, []);
});

test('the feed shows each broken run with its reason and goes on reading the others', () => {
  const store = new RunStore(join(dir, 'store'));
  writeFileSync(makeRun(store, 'good'), point(0, 3) + point(1, 2));
  const folder = makeRun(store, 'folder');
  mkdirSync(folder);
  writeFileSync(makeRun(store, 'garbled'), point(0, 1) + 'nonsense\n');
  makeRun(store, 'badjson');
  writeFileSync(join(store.runDir('badjson'), 'run.json'), '{"id": "badjson", ');
  makeRun(store, 'badstate');
  writeFileSync(join(store.runDir('badstate'), 'state.json'), Buffer.from([0x7b, 0xc3, 0x28]));
  const feed = new RunFeed(store);
  feed.scan();
  const byId = new Map(feed.summaries().map((s) => [s.id, s]));
  assert.equal(byId.get('good')?.problem, null);
  assert.equal(feed.pointCount('good'), 2);
  assert.match(byId.get('folder')?.problem ?? '', /metrics\.jsonl is a folder, not a file/);
  assert.match(byId.get('garbled')?.problem ?? '', /1 damaged metrics\.jsonl line skipped/);
  assert.equal(feed.pointCount('garbled'), 1);
  assert.equal(byId.get('badjson')?.status, 'unreadable');
  assert.match(byId.get('badjson')?.problem ?? '', /run\.json is not valid JSON/);
  assert.match(byId.get('badstate')?.problem ?? '', /state\.json is not valid UTF-8 or JSON; showing the launcher's record/);
  // Deleted while watched: gone from the feed, no exception.
  rmSync(store.runDir('good'), { recursive: true });
  assert.deepEqual(feed.scan().removed, ['good']);
});

test('past the per-run budget batch points are thinned, epoch points all kept, and the row says so', () => {
  const store = new RunStore(join(dir, 'thin'));
  const lines: string[] = [];
  for (let i = 0; i < MAX_POINTS_PER_RUN + 10; i++) lines.push(i % 1000 === 0 ? point(i, 1) : point(i, 2, 'batch'));
  writeFileSync(makeRun(store, 'big'), lines.join(''));
  const feed = new RunFeed(store);
  // Each scan reads a bounded slice; scan until the whole file is in.
  do feed.scan();
  while (feed.catchingUp);
  assert.ok(feed.pointCount('big') <= MAX_POINTS_PER_RUN);
  assert.equal(feed.metricsFrom('big', 0)!.kind.filter((k) => k === 0).length, Math.ceil((MAX_POINTS_PER_RUN + 10) / 1000));
  assert.match(feed.summaries()[0]!.problem ?? '', /batch points left out to bound memory \(1 in 2 kept\)/);
  // The totals count what the file holds, not what was kept.
  const epochs = Math.ceil((MAX_POINTS_PER_RUN + 10) / 1000);
  assert.deepEqual(feed.metricsFrom('big', 0)!.totals, { loss: epochs, [`loss${BATCH_SUFFIX}`]: MAX_POINTS_PER_RUN + 10 - epochs });
});

test('the store-wide budget is shared between runs, and mlts.log points are thinned like batch points', () => {
  const store = new RunStore(join(dir, 'budget'));
  // Enough runs that each one's share is the per-run floor, and one run of logged points well past it.
  const runs = Math.ceil(STORE_POINT_BUDGET / MIN_POINTS_PER_RUN) + 1;
  for (let i = 0; i < runs; i++) makeRun(store, `r${String(i).padStart(4, '0')}`);
  const logged = MIN_POINTS_PER_RUN * 5;
  const lines: string[] = [];
  for (let i = 0; i < logged; i++) lines.push(i % 500 === 0 ? point(i, 1) : point(i, 2, 'log'));
  writeFileSync(join(store.runDir('r0000'), 'metrics.jsonl'), lines.join(''));
  const feed = new RunFeed(store);
  do feed.scan();
  while (feed.catchingUp);
  assert.ok(feed.pointCount('r0000') <= MIN_POINTS_PER_RUN, `held ${feed.pointCount('r0000')}`);
  // Epoch points all stay; the row says how many logged points were left out.
  assert.equal(feed.metricsFrom('r0000', 0)!.kind.filter((k) => k === 0).length, logged / 500);
  const problem = feed.summaries().find((r) => r.id === 'r0000')!.problem ?? '';
  assert.match(problem, /\d+ log points left out to bound memory \(1 in 8 kept\)/);
});

test('held points cost their bytes in typed columns, not a pointer and often a boxed number per value', () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const store = new RunStore(join(dir, 'bytes'));
  // A power of two, so the columns are exactly full; batch points with loss and acc, and every 10th an epoch point
  // that adds the validation metrics (a column that is mostly "no value").
  const points = 2 ** 17;
  const lines: string[] = [];
  for (let i = 0; i < points; i++) {
    const values = { loss: 1 / (i + 1), acc: i / points, ...(i % 10 === 9 ? { val_loss: 2 / (i + 1), val_acc: i / points / 2 } : {}) };
    lines.push(JSON.stringify({ kind: i % 10 === 9 ? 'epoch' : 'batch', t: 1.7e12 + i, step: i >> 10, batch: i & 1023, fit: 0, values }));
  }
  const path = makeRun(store, 'held');
  writeFileSync(path, lines.join('\n') + '\n');
  lines.length = 0;
  // The reader keeps one read buffer between calls: have it before measuring.
  readMetricsStep(path, newMetricsCursor(), () => undefined, { budgetBytes: 1 });
  const feed = new RunFeed(store);
  gc();
  const before = process.memoryUsage();
  do feed.scan();
  while (feed.catchingUp);
  gc();
  const after = process.memoryUsage();
  assert.equal(feed.pointCount('held'), points);
  // Time and step as float64, batch and fit as int32, the kind as a byte and four float64 metrics: 57 bytes a point.
  // Plain arrays take 8 bytes for every one of the nine, 16 more for each boxed number among nulls, and slack: 124 here.
  const perPoint = (after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers) / points;
  assert.ok(perPoint < 70, `${perPoint.toFixed(1)} bytes per held point`);
  feed.dispose();
});

test('control characters from run data are shown as escapes', () => {
  assert.equal(terminalSafe('loss\u001b[31m\u0007\u009b\u202e\nx'), 'loss\\u001b[31m\\u0007\\u009b\\u202e\\u000ax');
  assert.equal(terminalSafe('plain ✓'), 'plain ✓');
});

test('a write that meets a full disk says so in one line naming the file (/dev/full answers ENOSPC)', () => {
  const writer = new MetricsWriter('/dev/full');
  let caught: unknown;
  try {
    writer.append({ kind: 'log', t: 1, step: 0, values: { a: 1 } }, true);
  } catch (err) {
    caught = err;
  }
  assert.equal(diskFullText(caught), 'disk full: could not write /dev/full (no space left on device)');
  assert.equal(diskFullText(new Error('other')), null);
});
