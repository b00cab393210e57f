// The js-debug generators of tensorDebugView.ts, run the way js-debug runs them: through the real V8 inspector
// (Runtime.callFunctionOn on the object), the description under `throwOnSideEffect` as js-debug asks. A tfjs tensor
// and variable read as `Tensor [2,3] float32` / `Variable w [3] float32` with their values one expand away; other
// objects, including a plain copy of a tensor's fields, are left as they are.
import assert from 'node:assert/strict';
import { Session } from 'node:inspector';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { TENSOR_DESCRIPTION_GENERATOR, TENSOR_PROPERTIES_GENERATOR } from '../../extension/src/cells/tensorDebugView';

const session = new Session();
session.connect();

function post<T>(method: string, params: object): Promise<T> {
  return new Promise((resolve, reject) => session.post(method, params, (err, result) => (err ? reject(err) : resolve(result as T))));
}

interface Evaluated {
  result: { value?: unknown; objectId?: string; type: string };
  exceptionDetails?: { exception?: { description?: string } };
}

async function objectIdOf(expression: string): Promise<string> {
  const r = await post<Evaluated>('Runtime.evaluate', { expression });
  assert.ok(r.result.objectId, `no object for ${expression}`);
  return r.result.objectId;
}

async function describe(expression: string): Promise<unknown> {
  const r = await post<Evaluated>('Runtime.callFunctionOn', {
    objectId: await objectIdOf(expression),
    functionDeclaration: `function () { return (${TENSOR_DESCRIPTION_GENERATOR}).call(this, '<<default>>'); }`,
    throwOnSideEffect: true,
    returnByValue: true,
  });
  assert.equal(r.exceptionDetails, undefined, r.exceptionDetails?.exception?.description);
  return r.result.value;
}

async function properties(expression: string): Promise<unknown> {
  const r = await post<Evaluated>('Runtime.callFunctionOn', {
    objectId: await objectIdOf(expression),
    functionDeclaration: `function () { return (${TENSOR_PROPERTIES_GENERATOR}).call(this); }`,
    returnByValue: true,
  });
  assert.equal(r.exceptionDetails, undefined, r.exceptionDetails?.exception?.description);
  return r.result.value;
}

const scope = globalThis as Record<string, unknown>;

test('a tensor and a variable are described by kind, shape and dtype, with no side effect', async () => {
  await tf.setBackend('cpu');
  scope.__image = tf.zeros([5, 64, 64, 3]);
  scope.__weights = tf.variable(tf.ones([3]), true, 'w');
  scope.__disposed = tf.ones([2]);
  (scope.__disposed as tf.Tensor).dispose();
  assert.equal(await describe('__image'), 'Tensor [5,64,64,3] float32');
  assert.equal(await describe('__weights'), 'Variable w [3] float32');
  assert.equal(await describe('__disposed'), 'Tensor [2] float32 (disposed)');
});

test('other objects keep their default description, a copy of a tensor\'s fields included', async () => {
  scope.__plain = { shape: [2], dtype: 'float32', dataId: {}, id: 3 };
  scope.__copy = Object.assign({}, tf.ones([2]));
  assert.equal(await describe('__plain'), '<<default>>');
  assert.equal(await describe('__copy'), '<<default>>');
  assert.deepEqual(await properties('__plain'), { shape: [2], dtype: 'float32', dataId: {}, id: 3 });
});

test('the values are one expand away: nested for a small tensor, the first 1000 of a large one', async () => {
  scope.__small = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
  const small = (await properties('__small')) as Record<string, unknown>;
  assert.deepEqual(small.values, [[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual([small.shape, small.dtype, small.size], [[2, 3], 'float32', 6]);
  scope.__large = tf.range(0, 20_000);
  const large = (await properties('__large')) as Record<string, unknown[]>;
  const key = 'values (first 1000 of 20000, flat)';
  assert.equal(large[key]?.length, 1000);
  assert.deepEqual(large[key]?.slice(0, 3), [0, 1, 2]);
});
