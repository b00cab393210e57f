// Unit tests for what the dashboard tells about metrics: which way is better, which metrics are bounded by [0, 1]
// and the axis ranges that follow, the x range of a single point, a run's label (name or unique part of its id),
// and the best/min/max/last statistics the runs table shows and sorts by.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MetricChunk, RunSummary } from '../../runtime/src/dashboard/dashboardProtocol';
import { goalRule, isBoundedName, metricGoal, xRange, yRange } from '../../webviews/src/dashboard/metricKinds';
import { RunData } from '../../webviews/src/dashboard/runData';
import { runLabel } from '../../webviews/src/dashboard/runLabel';
import { metricStat, parseMetricColumn, sortRuns } from '../../webviews/src/dashboard/runQuery';

test('losses and errors are better low; accuracy and unknown metrics better high, and the rule says so', () => {
  for (const name of ['loss', 'val_loss', 'mse', 'mean_absolute_error', 'perplexity']) assert.equal(metricGoal(name), 'min', name);
  for (const name of ['acc', 'val_accuracy', 'auc', 'f1', 'reward']) assert.equal(metricGoal(name), 'max', name);
  assert.match(goalRule('loss'), /lowest/);
  assert.match(goalRule('acc'), /highest/);
});

test('bounded metrics are recognised by name, with prefixes, and not inside other words', () => {
  for (const name of ['acc', 'accuracy', 'val_acc', 'val_accuracy', 'precision', 'recall', 'auc', 'val_auc', 'f1', 'categorical_accuracy', 'acc · batch']) assert.ok(isBoundedName(name), name);
  for (const name of ['loss', 'lr', 'accumulated', 'aucx', 'a']) assert.ok(!isBoundedName(name), name);
});

test('y ranges: bounded metrics stay inside [0, 1], others pad freely, a single value never gives an empty range', () => {
  assert.deepEqual(yRange('acc', 1, 1, false), [0.9, 1]);
  assert.deepEqual(yRange('acc', 0, 0, false), [0, 0.1]);
  const [lo, hi] = yRange('val_acc', 0.9, 0.995, false)!;
  assert.ok(lo > 0.85 && lo < 0.9 && hi > 0.995 && hi <= 1, `${lo}–${hi}`);
  const [llo, lhi] = yRange('loss', 1.1, 3, false)!;
  assert.ok(llo < 1.1 && lhi > 3 && lhi < 3.2, `${llo}–${lhi}`);
  // A metric named like accuracy whose values leave [0, 1] is not forced into it.
  assert.ok(yRange('acc', 0, 5, false)![1] > 5);
  assert.deepEqual(yRange('a', 1, 1, false), [0.9, 1.1]);
  assert.deepEqual(yRange('a', 0, 0, false), [-0.1, 0.1]);
  assert.deepEqual(yRange('loss', 0.5, 0.5, true), [0.1, 1]);
  assert.deepEqual(yRange('loss', 1, 1, true), [0.1, 10]);
  assert.equal(yRange('loss', null, null, false), null);
});

test('x ranges: a single x value gets one unit each way (a decade on a log axis)', () => {
  assert.deepEqual(xRange(9, 9, false), [8, 10]);
  assert.deepEqual(xRange(0, 10, false), [0, 10]);
  assert.deepEqual(xRange(5, 5, true), [0.5, 50]);
  assert.equal(xRange(null, null, false), null);
});

test('a run is labelled by its name, else by its stem with the time and hex kept whole', () => {
  assert.deepEqual(runLabel('20261205-170408-small-dad9ed', {}), { name: null, stem: 'small', unique: '17:04:08 dad9ed' });
  assert.deepEqual(runLabel('20261205-170408-food-vision-dad9ed', { name: '  aug v2 ' }), { name: 'aug v2', stem: 'food-vision', unique: '17:04:08 dad9ed' });
  assert.deepEqual(runLabel('my-own-id', { name: 3 }), { name: null, stem: 'my-own-id', unique: '' });
  assert.equal(runLabel('20261205-170408-small-dad9ed', { name: 'param' }, 'given').name, 'given');
});

const chunk = (values: Record<string, (number | null)[]>, kind: (0 | 1 | 2)[]): MetricChunk => ({
  runId: 'r',
  from: 0,
  t: kind.map((_, i) => i),
  step: kind.map((_, i) => i),
  batch: kind.map((k, i) => (k === 1 ? i : -1)),
  kind,
  fit: kind.map(() => 0),
  values,
});

test('extremes come from epoch and log points; batch points only for a metric that has nothing else', () => {
  const data = new RunData();
  data.apply(chunk({ loss: [9, 2, null, 3], acc: [null, 0.5, 0.7, null], b: [4, null, null, 1] }, [1, 0, 2, 1]));
  const ex = data.extremes();
  assert.deepEqual(ex.get('loss'), { min: 2, max: 2 });
  assert.deepEqual(ex.get('acc'), { min: 0.5, max: 0.7 });
  assert.deepEqual(ex.get('b'), { min: 1, max: 4 });
  assert.equal(data.extremes(), ex, 'cached until the data changes');
  data.apply({ ...chunk({ loss: [2], acc: [0.6] }, [0]), from: 4, t: [4], step: [4] });
  assert.equal(data.extremes(), ex, 'points inside the ranges leave the same map, so the table is not redrawn');
  data.apply({ ...chunk({ loss: [1] }, [0]), from: 5, t: [5], step: [5] });
  const moved = data.extremes();
  assert.notEqual(moved, ex);
  assert.deepEqual(moved.get('loss'), { min: 1, max: 2 });
  data.apply(chunk({ loss: [7] }, [0]));
  assert.deepEqual([...data.extremes()], [['loss', { min: 7, max: 7 }]], 'a chunk from the start replaces everything');
});

const summary = (id: string, finalMetrics: Record<string, number | null>): RunSummary => ({
  id, status: 'finished', file: 'x.ml.ts', params: {}, finalMetrics, backend: null, group: null, queuedAt: '2026-01-01T00:00:00Z', startedAt: null, endedAt: null, message: null, progress: null, where: null,
});

test('best is min for losses and max for accuracy; the table sorts by any statistic', () => {
  const extremes = new Map([
    ['a', new Map([['loss', { min: 0.2, max: 3 }], ['acc', { min: 0.1, max: 0.9 }]])],
    ['b', new Map([['loss', { min: 0.4, max: 2 }], ['acc', { min: 0.3, max: 0.8 }]])],
  ]);
  const of = (id: string) => extremes.get(id);
  const a = summary('a', { loss: 0.5 });
  const b = summary('b', { loss: 0.45 });
  assert.equal(metricStat(a, 'loss', 'best', of), 0.2);
  assert.equal(metricStat(a, 'acc', 'best', of), 0.9);
  assert.equal(metricStat(a, 'loss', 'last', of), 0.5);
  assert.equal(metricStat(summary('c', {}), 'loss', 'min', of), null);
  assert.deepEqual(parseMetricColumn('metric:loss'), { stat: 'last', metric: 'loss' });
  assert.deepEqual(parseMetricColumn('metric-best:val:x'), { stat: 'best', metric: 'val:x' });
  assert.equal(parseMetricColumn('param:lr'), null);
  assert.deepEqual(sortRuns([a, b], 'metric-best:loss', false, 0, of).map((r) => r.id), ['a', 'b']);
  assert.deepEqual(sortRuns([a, b], 'metric-last:loss', false, 0, of).map((r) => r.id), ['b', 'a']);
  assert.deepEqual(sortRuns([a, b], 'metric-max:loss', true, 0, of).map((r) => r.id), ['a', 'b']);
});
