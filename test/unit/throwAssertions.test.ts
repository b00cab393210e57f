// Code that tests that tfjs throws means the exception (issue 11: real-code corpus, 0 errors): the checker reports
// nothing inside `expect(f).toThrowError()`, `assert.throws(f)`, or a try block whose catch asserts on the error,
// and still reports the same bug under an ordinary catch that only logs it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/analysis/index';

function errorLines(body: string): number[] {
  const text = `import * as tf from '@tensorflow/tfjs';\n${body}`;
  const result = analyze({ fileName: '/work/throws.ml.ts', text });
  return result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.range.start.line);
}

const BAD = `tf.concat([tf.zeros([2, 3]), tf.zeros([2, 4])], 0)`;

test('an assertion that the call throws silences it', () => {
  assert.deepEqual(errorLines(`expect(() => ${BAD}).toThrowError();`), []);
  assert.deepEqual(errorLines(`const f = () => ${BAD};\nexpect(f).toThrow();`), []);
  assert.deepEqual(errorLines(`assert.throws(() => ${BAD});`), []);
});

test('a catch clause that asserts on the error silences its try block', () => {
  assert.deepEqual(errorLines(`try {\n  ${BAD};\n  throw new Error('should have thrown');\n} catch (ex) {\n  expect(ex.message).toBe('x');\n}`), []);
});

test('a catch that copies the message for an assertion after the try silences it', () => {
  assert.deepEqual(errorLines(`let message = 'none';\ntry {\n  ${BAD};\n} catch (error) {\n  message = error.message;\n}\nexpect(message).toBe('x');`), []);
});

test('an ordinary catch that only logs the error still gets the diagnostic', () => {
  assert.deepEqual(errorLines(`try {\n  ${BAD};\n} catch (e) {\n  console.error(e);\n}`), [2]);
  assert.deepEqual(errorLines(`let message = '';\ntry {\n  ${BAD};\n} catch (error) {\n  message = error.message;\n}\nconsole.log(message);`), [3]);
  assert.deepEqual(errorLines(`expect(() => ${BAD}).not.toThrow();`), [1]);
});
