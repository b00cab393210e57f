// `mlts run --name`: the option is parsed and checked, and the name reaches the run record, the dashboard's run
// summary and its guard, so the dashboard can show it instead of the id.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseRunArgs } from '../../cli/src/runArgs';
import { isRunSummary } from '../../runtime/src/dashboard/dashboardProtocol';
import { summarize } from '../../runtime/src/dashboard/runFeed';
import { createQueuedRuns } from '../../runtime/src/runner/runRequests';
import { RunStore } from '../../runtime/src/store/runStore';

test('--name is parsed, trimmed, and refused when empty', () => {
  assert.equal(parseRunArgs(['exp.ml.ts', '--name', ' baseline ']).name, 'baseline');
  assert.equal(parseRunArgs(['exp.ml.ts', '--name=aug v2']).name, 'aug v2');
  assert.equal(parseRunArgs(['exp.ml.ts']).name, undefined);
  assert.throws(() => parseRunArgs(['exp.ml.ts', '--name', ' ']), /--name/);
});

test('the name reaches the record and the dashboard summary; records without one read null', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlts-name-'));
  const file = join(dir, 'exp.ml.ts');
  writeFileSync(file, 'export {};\n');
  const store = new RunStore(join(dir, '.mlts'));
  const [named] = createQueuedRuns(store, { file, workspace: dir, parameterSets: [{}], requestedBackend: 'auto', group: null, name: 'baseline' });
  const [plain] = createQueuedRuns(store, { file, workspace: dir, parameterSets: [{}], requestedBackend: 'auto', group: null });
  assert.equal(store.read(named!.id)?.name, 'baseline');
  const summary = summarize(store.read(named!.id)!);
  assert.equal(summary.name, 'baseline');
  assert.ok(isRunSummary(summary));
  assert.equal(summarize(store.read(plain!.id)!).name, null);
  assert.ok(!isRunSummary({ ...summary, name: 3 }));
});
