// Model summaries against what tfjs 4.22's `model.summary()` prints: the fixtures in test/fixtures/summaries/
// state "Total params" and "Trainable params" next to each `name.summary()` call (proved against tfjs by
// scripts/verifyModelSummaries.mjs); the analysis's summary of the model named there must agree.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyze } from '../../server/src/analysis/index';
import { SUMMARY_MARKER } from './fixtureExpectations';

const dir = join(import.meta.dirname, '..', 'fixtures', 'summaries');

for (const file of readdirSync(dir).filter((f) => f.endsWith('.ml.ts'))) {
  const text = readFileSync(join(dir, file), 'utf8');
  const result = analyze({ fileName: file, text });
  test(`${file}: no diagnostics`, () => assert.deepEqual(result.diagnostics, []));
  text.split('\n').forEach((line, i) => {
    const marker = SUMMARY_MARKER.exec(line);
    if (!marker) return;
    const [, name, total, trainable] = marker;
    test(`${file}:${i + 1} ${name}: ${total} params, ${trainable} trainable`, () => {
      const summary = result.models.find((m) => m.name === name);
      assert.ok(summary, `no summary for ${name}; have ${result.models.map((m) => m.name).join(', ')}`);
      assert.deepEqual([summary.totalParams, summary.trainableParams], [Number(total), Number(trainable)]);
    });
  });
}
