// Unit tests of the dashboard's pure parts: the debiased EMA, min–max downsampling, grouping with mean and band,
// stable run colours, the table's filter and sort, CSV export, the series a run's points make on each x axis, and
// the protocol guards that check every message crossing the webview or HTTP boundary.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isFromDashboard, isToDashboard, runDurationMs, type MetricChunk, type RunSummary } from '../../runtime/src/dashboard/dashboardProtocol';
import { minMaxDownsample } from '../../webviews/src/dashboard/downsample';
import { csvField, csvText, safeFileName } from '../../webviews/src/dashboard/exportData';
import { aggregateGroups, groupRuns } from '../../webviews/src/dashboard/grouping';
import { hashString, paletteSize, runColour, withAlpha } from '../../webviews/src/dashboard/runColours';
import { BATCH_SUFFIX, RunData } from '../../webviews/src/dashboard/runData';
import { differingParams, matchesFilter, sortRuns, tableColumns } from '../../webviews/src/dashboard/runQuery';
import { debiasedEma, emaInto } from '../../webviews/src/dashboard/smoothing';
import { restoreViewState } from '../../webviews/src/dashboard/viewState';

const close = (a: number | null, b: number, eps = 1e-9) => assert.ok(a !== null && Math.abs(a - b) < eps, `${a} ≈ ${b}`);

test('debiased EMA: the first point is kept, later ones follow TensorBoard’s formula', () => {
  const ys = [1, 2, 3, 10];
  const w = 0.6;
  const out = debiasedEma(ys, w);
  let last = 0;
  ys.forEach((y, i) => {
    last = last * w + (1 - w) * y;
    close(out[i]!, last / (1 - Math.pow(w, i + 1)));
  });
  close(out[0]!, 1);
  assert.deepEqual([...debiasedEma([5, 5, 5], 0.9)].map((v) => Number(v.toFixed(12))), [5, 5, 5]);
  assert.deepEqual([...debiasedEma([1, 2], 0)], [1, 2]);
});

test('debiased EMA: gaps pass through and do not count; extending incrementally equals smoothing at once', () => {
  const ys = [1, null, 3, Number.NaN, 5, 6, 7];
  const whole = debiasedEma(ys, 0.8);
  assert.ok(Number.isNaN(whole[1]!) && Number.isNaN(whole[3]!));
  close(whole[2]!, (0.2 * 0.8 * 1 + 0.2 * 3) / (1 - 0.64));
  const out = new Float64Array(ys.length);
  const state = emaInto(ys.slice(0, 3), out, 0.8);
  emaInto(ys, out, 0.8, 3, state);
  assert.deepEqual(out, whole);
});

test('min–max downsampling keeps every spike, stays bounded and in x order', () => {
  const n = 100_000;
  const x = Array.from({ length: n }, (_, i) => i);
  const y = x.map((i) => (i === 31_337 ? 100 : i === 77_777 ? -100 : Math.sin(i / 1000)));
  const d = minMaxDownsample(x, y, 500);
  assert.ok(d.x.length <= 2000, `${d.x.length} points`);
  assert.ok(d.y.includes(100) && d.y.includes(-100));
  assert.ok(d.x.every((v, i) => i === 0 || v > d.x[i - 1]!));
  assert.equal(d.x[0], 0);
  assert.equal(d.x[d.x.length - 1], n - 1);
  const short = minMaxDownsample([1, 2, 3], [1, null, 3], 500);
  assert.deepEqual(short, { x: [1, 3], y: [1, 3] });
});

test('downsampling on a log axis buckets evenly in log space', () => {
  const x = Array.from({ length: 10_000 }, (_, i) => i + 1);
  const d = minMaxDownsample(x, x, 100, Math.log10);
  // Half the buckets cover x below 100 on a log axis, so the early points survive (linear buckets keep 2 of them).
  assert.ok(d.x.filter((v) => v < 100).length >= 40);
  assert.ok(minMaxDownsample(x, x, 100).x.filter((v) => v < 100).length <= 4);
});

test('grouping: runs by parameter value, mean with min–max per step, each run counted once', () => {
  const runs: { id: string; params: RunSummary['params'] }[] = [
    { id: 'a', params: { lr: 0.1 } },
    { id: 'b', params: { lr: 0.1 } },
    { id: 'c', params: { lr: '0.1' } },
    { id: 'd', params: {} },
  ];
  assert.deepEqual([...groupRuns(runs, 'lr')], [['0.1', ['a', 'b']], ['"0.1"', ['c']], ['(unset)', ['d']]]);
  const g = aggregateGroups([[{ x: [0, 1, 2], y: [1, 2, 3] }, { x: [0, 1], y: [3, 4] }], [{ x: [1, 2], y: [10, null] }]]);
  assert.deepEqual(g.x, [0, 1, 2]);
  assert.deepEqual(g.groups[0], { mean: [2, 3, 3], min: [1, 2, 3], max: [3, 4, 3] });
  assert.deepEqual(g.groups[1], { mean: [null, 10, null], min: [null, 10, null], max: [null, 10, null] });
});

test('grouping buckets unaligned x values (wall time) into a bounded grid', () => {
  const a = { x: Array.from({ length: 5000 }, (_, i) => i * 1.1), y: Array.from({ length: 5000 }, () => 1) };
  const b = { x: Array.from({ length: 5000 }, (_, i) => i * 1.3), y: Array.from({ length: 5000 }, () => 3) };
  const g = aggregateGroups([[a, b]], 200);
  assert.ok(g.x.length <= 200 && g.x.length > 150);
  assert.ok(g.x.every((v, i) => i === 0 || v > g.x[i - 1]!));
  const mid = g.x.findIndex((v) => v > 1000);
  assert.deepEqual([g.groups[0]!.mean[mid], g.groups[0]!.min[mid], g.groups[0]!.max[mid]], [2, 1, 3]);
});

test('a run keeps its colour whatever else is on show; colours spread over the palette', () => {
  assert.equal(runColour('20261125-052420-mnist-40160b'), runColour('20261125-052420-mnist-40160b'));
  assert.notEqual(runColour('x', 'dark'), runColour('x', 'light'));
  const slots = new Set(Array.from({ length: 200 }, (_, i) => hashString(`20261125-0524${i}-exp`) % paletteSize()));
  assert.equal(slots.size, paletteSize());
  assert.equal(withAlpha('#ff8000', 0.5), 'rgba(255,128,0,0.5)');
});

function run(id: string, params: RunSummary['params'], extra: Partial<RunSummary> = {}): RunSummary {
  return { id, status: 'finished', file: 'exp.ml.ts', params, finalMetrics: {}, backend: 'cpu', group: null, queuedAt: `2026-11-25T10:00:0${id.length}Z`, startedAt: null, endedAt: null, message: null, progress: null, where: null, ...extra };
}

test('filter: every term must appear in id, status, backend or a name=value parameter', () => {
  const r = run('exp-1', { lr: 0.01, optimizer: 'adam' }, { status: 'running' });
  assert.ok(matchesFilter(r, 'lr=0.01 RUNNING'));
  assert.ok(matchesFilter(r, 'adam'));
  assert.ok(!matchesFilter(r, 'lr=0.1 sgd'));
  assert.ok(matchesFilter(r, '  '));
});

test('sort: numbers numerically, missing values last in both directions, ties by id', () => {
  const runs = [run('a', { lr: 0.1 }), run('b', {}), run('c', { lr: 0.01 }), run('d', { lr: 0.1 })];
  assert.deepEqual(sortRuns(runs, 'param:lr', false).map((r) => r.id), ['c', 'a', 'd', 'b']);
  assert.deepEqual(sortRuns(runs, 'param:lr', true).map((r) => r.id), ['d', 'a', 'c', 'b']);
  const metrics = [run('a', {}, { finalMetrics: { loss: 2 } }), run('b', {}, { finalMetrics: { loss: 0.5 } })];
  assert.deepEqual(sortRuns(metrics, 'metric:loss', false).map((r) => r.id), ['b', 'a']);
  assert.deepEqual(tableColumns(metrics).metrics, ['loss']);
  assert.deepEqual(differingParams([run('a', { lr: 1, h: 2 }), run('b', { lr: 2, h: 2 })]), ['lr']);
  assert.equal(runDurationMs({ startedAt: '2026-01-01T00:00:00Z', endedAt: '2026-01-01T00:01:00Z' }, 0), 60_000);
});

test('CSV fields are quoted when needed and never start a spreadsheet formula', () => {
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
  assert.equal(csvField(null), '');
  assert.equal(csvText(['run', 'x'], [['r', 1]]), 'run,x\nr,1\n');
  assert.equal(safeFileName('val_loss · batch'), 'val_loss_batch');
});

function chunk(runId: string, from: number, points: { t: number; step: number; kind?: 0 | 1 | 2; batch?: number; fit?: number; loss: number | null }[]): MetricChunk {
  return {
    runId,
    from,
    t: points.map((p) => p.t),
    step: points.map((p) => p.step),
    batch: points.map((p) => p.batch ?? -1),
    kind: points.map((p) => p.kind ?? 0),
    fit: points.map((p) => p.fit ?? 0),
    values: { loss: points.map((p) => p.loss) },
  };
}

test('run data: x by step, epoch, wall and relative time; a second fit continues the step count', () => {
  const data = new RunData();
  assert.ok(data.apply(chunk('r', 0, [
    { t: 1000, step: 0, loss: 3 },
    { t: 2000, step: 1, loss: 2 },
    { t: 2500, step: 0, fit: 1, loss: 1.5 },
    { t: 2600, step: 1, kind: 1, batch: 3, fit: 1, loss: 1.4 },
  ])));
  assert.deepEqual(data.seriesKeys(), ['loss', `loss${BATCH_SUFFIX}`]);
  assert.deepEqual(data.series('loss', 'step', 0).x, [0, 1, 2]);
  assert.deepEqual(data.series('loss', 'epoch', 0).x, [1, 2, 3]);
  assert.deepEqual(data.series('loss', 'wall', 0).x, [1, 2, 2.5]);
  assert.deepEqual(data.series('loss', 'relative', 0).x, [0, 1, 1.5]);
  assert.deepEqual(data.series(`loss${BATCH_SUFFIX}`, 'step', 0).x, [3 + 3 / 4]);
});

test('run data: appended chunks extend cached smoothed series exactly; gaps are refused, rewinds replace', () => {
  const points = Array.from({ length: 50 }, (_, i) => ({ t: i * 100, step: i, loss: Math.cos(i) + i / 10 }));
  const whole = new RunData();
  whole.apply(chunk('r', 0, points));
  const live = new RunData();
  live.apply(chunk('r', 0, points.slice(0, 20)));
  live.series('loss', 'step', 0.7);
  live.apply(chunk('r', 20, points.slice(20, 21)));
  live.series('loss', 'step', 0.7);
  live.apply(chunk('r', 21, points.slice(21)));
  const a = live.series('loss', 'step', 0.7);
  const b = whole.series('loss', 'step', 0.7);
  assert.deepEqual([a.x, a.y, Array.from(a.smoothed)], [b.x, b.y, Array.from(b.smoothed)]);
  assert.deepEqual(live.series('loss', 'step', 0).smoothed, b.y);
  assert.equal(live.apply(chunk('r', 60, points.slice(0, 1))), false);
  assert.ok(live.apply(chunk('r', 0, points.slice(0, 5))));
  assert.equal(live.length, 5);
  assert.equal(live.series('loss', 'step', 0.7).x.length, 5);
});

test('run data: a series that shared the run’s columns copies them once a gap or a second fit arrives', () => {
  const data = new RunData();
  data.apply(chunk('r', 0, [{ t: 0, step: 0, loss: 3 }, { t: 1, step: 1, loss: 2 }]));
  assert.deepEqual(data.series('loss', 'step', 0).x, [0, 1]);
  data.apply(chunk('r', 2, [{ t: 2, step: 2, loss: null }, { t: 3, step: 0, fit: 1, loss: 1 }]));
  const s = data.series('loss', 'step', 0.5);
  assert.deepEqual([s.x, s.y], [[0, 1, 3], [3, 2, 1]]);
  assert.equal(data.step.length, 4, 'the run keeps its own columns');
  close(s.smoothed[2]!, debiasedEma([3, 2, 1], 0.5)[2]!);
});

test('protocol guards accept well-formed messages and refuse anything else', () => {
  assert.ok(isFromDashboard({ type: 'ready' }));
  assert.ok(isFromDashboard({ type: 'subscribe', runs: [{ id: 'a', from: 0 }] }));
  assert.ok(!isFromDashboard({ type: 'subscribe', runs: [{ id: 'a', from: -1 }] }));
  assert.ok(isFromDashboard({ type: 'saveFile', fileName: 'loss.png', mime: 'image/png', base64: '' }));
  assert.ok(!isFromDashboard({ type: 'saveFile', fileName: '../../.bashrc', mime: 'text/csv', base64: '' }));
  assert.ok(!isFromDashboard({ type: 'saveFile', fileName: 'x.sh', mime: 'text/csv', base64: '' }));
  assert.ok(!isFromDashboard({ type: 'eval', code: '1' }));
  assert.ok(isToDashboard({ type: 'metrics', chunk: chunk('r', 0, [{ t: 1, step: 0, loss: null }]) }));
  assert.ok(!isToDashboard({ type: 'metrics', chunk: { ...chunk('r', 0, [{ t: 1, step: 0, loss: 1 }]), step: [] } }));
  assert.ok(isToDashboard({ type: 'runs', reset: true, runs: [run('a', { lr: 1 })], removed: [] }));
  assert.ok(!isToDashboard({ type: 'runs', reset: true, runs: [{ id: 1 }], removed: [] }));
});

test('view state restores valid fields only', () => {
  const s = restoreViewState({ view: 'compare', smoothing: 5, xAxis: 'wall', selected: ['a', 3], logY: 'yes' });
  assert.equal(s.view, 'compare');
  assert.equal(s.smoothing, 0.6);
  assert.equal(s.xAxis, 'wall');
  assert.deepEqual(s.selected, ['a']);
  assert.equal(s.logY, false);
  assert.equal(restoreViewState(null).view, 'charts');
});

test('a zoomed stretch: pointRange finds the held points around an x range, spliced swaps in the full-resolution points', () => {
  // A run of 1 epoch point and batch points 0, 4, 8 … 396 (1 in 4 held), read again at full resolution for batches 100–200.
  const held: MetricChunk = { runId: 'r', from: 0, t: [], step: [], batch: [], kind: [], fit: [], values: { loss: [] } };
  const push = (c: MetricChunk, batch: number) => {
    c.t.push(1000 + batch);
    c.step.push(0);
    c.batch.push(batch);
    c.kind.push(1);
    c.fit.push(0);
    c.values.loss!.push(batch);
  };
  for (let b = 0; b < 400; b += 4) push(held, b);
  held.totals = { [`loss${BATCH_SUFFIX}`]: 400 };
  const run = new RunData();
  run.apply(held);
  const key = `loss${BATCH_SUFFIX}`;
  const whole = run.series(key, 'relative', 0);
  assert.equal(whole.x.length, 100);
  // Relative time in seconds: batch b is at b / 1000 s.
  const stretch = run.pointRange(key, 'relative', 0.1, 0.2)!;
  // Held points 24 (batch 96, one before 0.1 s) to 50 (batch 200, the first at or past 0.2 s), end exclusive.
  assert.deepEqual(stretch, { from: 24, to: 51 });
  const window: MetricChunk = { runId: 'r', from: 0, t: [], step: [], batch: [], kind: [], fit: [], values: { loss: [] } };
  for (let b = 96; b <= 200; b++) push(window, b);
  const zoomed = run.spliced(stretch.from, stretch.to, window);
  const s = zoomed.series(key, 'relative', 0);
  assert.equal(s.x.length, 24 + 105 + (100 - 51));
  assert.deepEqual(s.y.slice(22, 28), [88, 92, 96, 97, 98, 99]);
  assert.deepEqual(zoomed.totals, held.totals);
  assert.equal(run.series(key, 'relative', 0).x.length, 100, 'the run itself is untouched');
  // Downsampling a stretch only: indexes [10, 20) of 100 points.
  assert.deepEqual(minMaxDownsample(whole.x, whole.y, 100, undefined, 10, 20).y, whole.y.slice(10, 20));
});

test('window messages: a request names a stretch of held points, an answer a chunk or a problem', () => {
  assert.ok(isFromDashboard({ type: 'window', request: 1, runId: 'r', from: 3, to: 9, key: 'loss · batch' }));
  assert.ok(!isFromDashboard({ type: 'window', request: 1, runId: 'r', from: 9, to: 3, key: 'loss' }), 'an empty stretch');
  assert.ok(!isFromDashboard({ type: 'window', request: -1, runId: 'r', from: 0, to: 3, key: 'loss' }));
  const chunk = { runId: 'r', from: 0, t: [1], step: [0], batch: [-1], kind: [0], fit: [0], values: { loss: [1] }, totals: { loss: 5 } };
  assert.ok(isToDashboard({ type: 'window', request: 1, runId: 'r', chunk, stride: 1, problem: null }));
  assert.ok(isToDashboard({ type: 'window', request: 1, runId: 'r', chunk: null, stride: 1, problem: 'gone' }));
  assert.ok(!isToDashboard({ type: 'window', request: 1, runId: 'r', chunk, stride: 0, problem: null }));
  assert.ok(!isToDashboard({ type: 'metrics', chunk: { ...chunk, totals: { loss: -1 } } }), 'a negative total');
});
