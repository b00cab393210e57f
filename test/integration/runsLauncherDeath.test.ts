// Runs own their record (docs/run-store.md): with real processes, `kill -9` of the `mlts run` launcher mid-grid
// stops every run process within seconds, and each record says why, with the metrics its run really reached;
// with --detach the runs outlive the command that started them and finish.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isProcessAlive } from '../../runtime/src/store/runStore';
import { epochPoints, mlts, runsIn, startMlts, waitFor, workspace } from './runWorkspace';

test('kill -9 of mlts run mid-grid: every run process stops within 5 s and every record says why', async () => {
  const dir = workspace('launcher-death', 'kill-launcher');
  const { cli } = startMlts(['run', 'small.ml.ts', '--grid', 'epochs=100000,100001,100002', '--backend', 'cpu', '--parallel', '2'], dir);
  try {
    const running = await waitFor('two runs to record an epoch', () => {
      const runs = existsSync(join(dir, '.mlts', 'runs')) ? runsIn(dir).filter((r) => r.status === 'running') : [];
      return runs.length === 2 && runs.every((r) => epochPoints(dir, r.id).length >= 1) ? runs : undefined;
    });
    const killedAt = Date.now();
    cli.kill('SIGKILL');
    await waitFor('every run process to end', () => (running.every((r) => !isProcessAlive(r.pid!, r.id)) ? true : undefined), 10_000);
    const stoppedMs = Date.now() - killedAt;
    assert.ok(stoppedMs < 5000, `runs stopped ${stoppedMs} ms after their launcher died`);
    const runs = runsIn(dir, true);
    assert.equal(runs.length, 3);
    for (const run of runs) {
      assert.equal(run.status, 'cancelled', `${run.id}: ${run.message}`);
      assert.ok(run.endedAt, 'an end time is recorded');
    }
    for (const started of running) {
      const run = runs.find((r) => r.id === started.id)!;
      assert.match(run.message ?? '', /its launcher \(pid \d+\) ended, so the run stopped itself/);
      const epochs = epochPoints(dir, run.id);
      assert.equal(run.finalMetrics.loss, epochs.at(-1)!.values.loss, 'final metrics are the last epoch the run reached');
    }
    const queued = runs.find((r) => !running.some((s) => s.id === r.id))!;
    assert.match(queued.message ?? '', /launcher \(pid \d+\) ended before the run started/);
    assert.equal(queued.startedAt, null);
    console.log(`runs stopped ${stoppedMs} ms after kill -9 of their launcher`);
  } finally {
    cli.kill('SIGKILL');
  }
});

test('--detach: the runs outlive mlts run, and their launcher records them to the end', async () => {
  const dir = workspace('launcher-death', 'detach');
  const r = await mlts(['run', 'small.ml.ts', '--grid', 'hidden=4,8', '--backend', 'cpu', '--parallel', '2', '--detach'], dir);
  assert.equal(r.code, 0, r.stderr);
  const ids = r.stdout.trim().split('\n');
  assert.equal(ids.length, 2);
  assert.match(r.stderr, /detached to launcher pid \d+/);
  const runs = await waitFor('both detached runs to end', () => {
    const listed = runsIn(dir);
    return listed.length === 2 && listed.every((run) => run.status === 'finished') ? listed : undefined;
  });
  for (const run of runs) {
    assert.equal(run.detached, true);
    assert.deepEqual(run.progress, { epoch: 3, epochs: 3 });
  }
});
