// Unit tests of the run feed's typed-array point columns (runtime/src/dashboard/pointColumns.ts): points pushed past
// several growths come back as the protocol's plain columns with null for a missing or non-finite value, a series
// first seen late reads null before it, thinning drops points in place and freed slots read as "no value" again,
// and capacity stays within the run's share.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PointColumns } from '../../runtime/src/dashboard/pointColumns';
import type { MetricPoint } from '../../runtime/src/store/runRecord';

const epoch = (step: number, values: MetricPoint['values']): MetricPoint => ({ kind: 'epoch', t: 1000 + step, step, fit: 1, values });
const batch = (step: number, index: number, values: MetricPoint['values']): MetricPoint => ({ kind: 'batch', t: 2000 + index, step, batch: index, fit: 0, values });
const log = (step: number, values: MetricPoint['values']): MetricPoint => ({ kind: 'log', t: 3000 + step, step, values });

test('points come back as plain columns: batch -1 and fit 0 where they do not apply, null where a value is missing or not finite', () => {
  const c = new PointColumns();
  c.push(epoch(0, { loss: 2, acc: null }), 0, 100);
  c.push(batch(1, 7, { loss: 1.5, acc: Infinity }), 0, 100);
  c.push(log(4, { lr: 0.1 }), 0, 100);
  assert.deepEqual(c.chunk(0), {
    t: [1000, 2007, 3004],
    step: [0, 1, 4],
    batch: [-1, 7, -1],
    kind: [0, 1, 2],
    fit: [1, 0, 0],
    values: { loss: [2, 1.5, null], lr: [null, null, 0.1] },
  });
  assert.deepEqual(c.chunk(2).values, { lr: [0.1] }, 'a series with no value in the stretch is left out');
  assert.deepEqual(c.chunk(3), { t: [], step: [], batch: [], kind: [], fit: [], values: {} });
});

test('columns grow past their first capacity and keep every value, a late series reading null before it', () => {
  const c = new PointColumns();
  const n = 5000;
  for (let i = 0; i < n; i++) c.push(epoch(i, i >= 3000 ? { loss: i, val: -i } : { loss: i }), 0, Infinity);
  const chunk = c.chunk(0);
  assert.equal(c.length, n);
  assert.deepEqual(chunk.values.loss, Array.from({ length: n }, (_, i) => i));
  assert.deepEqual(chunk.values.val, Array.from({ length: n }, (_, i) => (i >= 3000 ? -i : null)));
});

test('compact keeps the chosen points in order, and slots it freed read as no value when refilled', () => {
  const c = new PointColumns();
  for (let i = 0; i < 10; i++) c.push(batch(0, i, { loss: i, odd: i % 2 ? i : null }), 0, 16);
  assert.equal(c.compact((i) => i % 2 === 0), 5);
  assert.deepEqual(c.chunk(0).batch, [0, 2, 4, 6, 8]);
  assert.equal(c.chunk(0).values.odd, undefined, 'only the odd points had it');
  for (let i = 10; i < 15; i++) c.push(batch(0, i, { loss: i }), 0, 16);
  assert.deepEqual(c.chunk(0).values.loss, [0, 2, 4, 6, 8, 10, 11, 12, 13, 14]);
  assert.equal(c.chunk(0).values.odd, undefined, 'freed slots were cleared');
});

test('capacity doubles up to the limit, not past it, and trim gives back what a smaller share does not need', () => {
  const c = new PointColumns();
  for (let i = 0; i < 1000; i++) c.push(epoch(i, { loss: i }), 0, 1000);
  assert.equal(c.t.length, 1000, 'capacity stopped at the limit');
  c.push(epoch(1000, { loss: 1000 }), 0, 1000);
  assert.equal(c.t.length, 2000, 'points past the limit (epoch points are never thinned) double it again');
  c.compact((i) => i < 300);
  c.trim(500);
  assert.equal(c.t.length, 500);
  assert.equal(c.values.get('loss')!.length, 500);
  assert.deepEqual(c.chunk(298).values.loss, [298, 299]);
  c.trim(100);
  assert.equal(c.t.length, 300, 'never below the points held');
});
