// Runs on a real one-node Slurm cluster (test/support/slurmCluster.ts: Debian's slurm-wlm and munge, two fake
// GPUs), through the real bundles: a 2×2 grid with one GPU per run two at a time; a failing grid point; cancel of
// one task and of a whole grid with `mlts runs --cancel`; `scontrol requeue` giving attempt 2 with each attempt's
// metrics apart; kill -9 of the launcher losing nothing; and bad input refused before anything is submitted.
// This suite needs the cluster: without slurm-wlm it fails rather than skipping, so CI cannot pass it silently.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { RunStore } from '../../runtime/src/store/runStore';
import type { RunRecord } from '../../runtime/src/store/runRecord';
import { startSlurmCluster, type SlurmCluster } from '../support/slurmCluster';
import { epochPoints, mlts, startMlts, waitFor, workspace } from './runWorkspace';

let cluster: SlurmCluster;
before(async () => {
  cluster = await startSlurmCluster();
});
after(async () => {
  await cluster?.stop();
});

const slurm = (args: string[], dir: string, timeoutMs = 120_000) => mlts(args, dir, timeoutMs, cluster.env);

/** `mlts runs --format json`, which asks the queue about unfinished cluster runs as any later reader would. */
async function listRuns(dir: string): Promise<RunRecord[]> {
  const r = await slurm(['runs', '--format', 'json'], dir);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { runs: RunRecord[] }).runs;
}

async function waitForRuns(dir: string, what: string, accept: (runs: RunRecord[]) => boolean, timeoutMs = 90_000): Promise<RunRecord[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const runs = await listRuns(dir);
    if (accept(runs)) return runs;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}: ${JSON.stringify(runs.map((r) => [r.status, r.message, r.attempt]))}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

test('a 2×2 grid with one GPU per run, two at a time, ends with four finished runs, each on its own GPU', async () => {
  const dir = workspace('slurm', 'grid');
  const r = await slurm(['run', 'small.ml.ts', '--executor', 'slurm', '--gpus-per-run', '1', '--parallel', '2', '--grid', 'hidden=4,8', '--grid', 'learningRate=0.1,0.01', '--backend', 'cpu'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /4 runs of small\.ml\.ts submitted to Slurm as array job \d+, 1 GPU each, 2 at a time/);
  const runs = new RunStore(join(dir, '.mlts')).list().runs;
  assert.equal(runs.length, 4);
  const arrayJob = runs[0]!.jobId!.split('_')[0];
  for (const run of runs) {
    assert.equal(run.status, 'finished', `${run.id}: ${run.message}`);
    assert.equal(run.executor, 'slurm');
    assert.match(run.jobId ?? '', new RegExp(`^${arrayJob}_[0-3]$`));
    assert.equal(run.nodeName !== null, true);
    assert.match(run.cudaVisibleDevices ?? '', /^[01]$/);
    assert.equal(run.attempt, 1);
    assert.deepEqual(run.progress, { epoch: 3, epochs: 3 });
    assert.match(readFileSync(join(dir, '.mlts', 'runs', run.id, 'stdout.log'), 'utf8'), /trained/, 'the task wrote into the run folder');
  }
  // Runs that overlapped in time held different GPUs; the third started only once one of the first two ended.
  const spans = runs.map((run) => ({ gpu: run.cudaVisibleDevices, start: Date.parse(run.startedAt!), end: Date.parse(run.endedAt!) })).sort((a, b) => a.start - b.start);
  for (const a of spans) for (const b of spans) if (a !== b && a.start < b.end && b.start < a.end) assert.notEqual(a.gpu, b.gpu);
  assert.ok(spans[2]!.start >= Math.min(spans[0]!.end, spans[1]!.end), 'the third run waited for a GPU');
});

test('a failing grid point is failed with its exit code and the tail of its stderr', async () => {
  const dir = workspace('slurm', 'fail');
  writeFileSync(join(dir, 'fail.ml.ts'), `/** @mlts-params */\nconst params = { fail: 0 };\nif (params.fail) throw new Error('grid point says no');\nconsole.log('fine');\n`);
  const r = await slurm(['run', 'fail.ml.ts', '--executor', 'slurm', '--grid', 'fail=0,1', '--backend', 'cpu'], dir);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /failed.*\n(.*\n)*.*\| .*grid point says no/);
  const runs = await listRuns(dir);
  const failed = runs.find((run) => run.params.fail === 1)!;
  assert.equal(failed.status, 'failed');
  assert.equal(failed.exitCode, 1);
  assert.match(failed.message ?? '', /grid point says no/);
  assert.equal(runs.find((run) => run.params.fail === 0)!.status, 'finished');
});

test('mlts runs --cancel cancels one task, then the whole grid; the records say cancelled', async () => {
  const dir = workspace('slurm', 'cancel');
  const r = await slurm(['run', 'small.ml.ts', '--executor', 'slurm', '--detach', '--grid', 'epochs=100000,100001,100002', '--backend', 'cpu'], dir);
  assert.equal(r.code, 0, r.stderr);
  const running = await waitForRuns(dir, 'a run to record an epoch', (runs) => runs.some((run) => run.status === 'running' && (run.progress?.epoch ?? 0) >= 1));
  const first = running.find((run) => run.status === 'running')!;
  const one = await slurm(['runs', '--cancel', first.id], dir);
  assert.equal(one.code, 0, one.stderr);
  assert.match(one.stderr, new RegExp(`scancel ${first.jobId}\\b`));
  const all = await slurm(['runs', '--cancel', first.group!], dir);
  assert.equal(all.code, 0, all.stderr);
  assert.match(all.stderr, /scancel \d+\n/, 'the whole array at once');
  const ended = await waitForRuns(dir, 'every run to end', (runs) => runs.every((run) => run.status === 'cancelled'));
  assert.equal(ended.length, 3);
  // Nothing of the grid is left on the cluster.
  await waitFor('the queue to empty', () => (/RUNNING|PENDING/.test(spawnSync('squeue', ['--noheader', '--format=%T'], { env: cluster.env, encoding: 'utf8' }).stdout) ? undefined : true), 30_000);
});

test('scontrol requeue of a running task starts attempt 2; the metrics of both attempts stay apart', async () => {
  const dir = workspace('slurm', 'requeue');
  const r = await slurm(['run', 'small.ml.ts', '--executor', 'slurm', '--detach', '--param', 'epochs=100000', '--backend', 'cpu'], dir);
  assert.equal(r.code, 0, r.stderr);
  const [run] = await waitForRuns(dir, 'the run to record two epochs', (runs) => (runs[0]?.progress?.epoch ?? 0) >= 2);
  const requeue = spawnSync('scontrol', ['requeue', run!.jobId!], { env: cluster.env, encoding: 'utf8' });
  assert.equal(requeue.status, 0, requeue.stderr);
  // Slurm holds a requeued job for two minutes (reason BeginTime); the test lets it start now.
  await waitForRuns(dir, 'the requeued task to wait as attempt 2', (runs) => runs[0]?.attempt === 2 && runs[0].status === 'queued');
  const release = spawnSync('scontrol', ['update', `JobId=${run!.jobId!}`, 'StartTime=now'], { env: cluster.env, encoding: 'utf8' });
  assert.equal(release.status, 0, release.stderr);
  const [second] = await waitForRuns(dir, 'attempt 2 to record an epoch', (runs) => runs[0]?.attempt === 2 && runs[0].status === 'running' && (runs[0].progress?.epoch ?? 0) >= 1);
  assert.equal(second!.jobId, run!.jobId);
  const runDir = join(dir, '.mlts', 'runs', run!.id);
  const firstAttempt = new RunStore(join(dir, '.mlts')).metrics(run!.id);
  assert.ok(existsSync(join(runDir, 'metrics.attempt-1.jsonl')), readdirSync(runDir).join(' '));
  const earlier = readFileSync(join(runDir, 'metrics.attempt-1.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; step: number });
  assert.ok(earlier.filter((p) => p.kind === 'epoch').length >= 2, 'attempt 1 kept its epochs');
  assert.equal(firstAttempt.points.filter((p) => p.kind === 'epoch')[0]!.step, 0, 'attempt 2 counts its epochs from 0 in metrics.jsonl');
  await slurm(['runs', '--cancel', run!.id], dir);
  const [ended] = await waitForRuns(dir, 'the run to end', (runs) => runs[0]?.status === 'cancelled');
  assert.equal(ended!.attempt, 2);
});

test('kill -9 of the launcher loses nothing: mlts runs later shows the true final states', async () => {
  const dir = workspace('slurm', 'launcher-killed');
  const { cli, exited } = startMlts(['run', 'small.ml.ts', '--executor', 'slurm', '--grid', 'hidden=4,8', '--backend', 'cpu'], dir, cluster.env);
  await waitFor('the job to be submitted', () => {
    const runs = existsSync(join(dir, '.mlts', 'runs')) ? new RunStore(join(dir, '.mlts')).list().runs : [];
    return runs.length === 2 && runs.every((run) => run.jobId) ? true : undefined;
  });
  cli.kill('SIGKILL');
  await exited;
  const runs = await waitForRuns(dir, 'both runs to end', (listed) => listed.every((run) => run.status === 'finished' || run.status === 'failed'));
  for (const run of runs) {
    assert.equal(run.status, 'finished', run.message ?? '');
    assert.equal(run.finalMetrics.loss, epochPoints(dir, run.id).at(-1)!.values.loss);
  }
});

test('bad input is refused before anything is submitted: no sbatch on PATH, a relative store, an unknown partition', async () => {
  const dir = workspace('slurm', 'bad-input');
  // A PATH without Slurm (node itself is started by its absolute path).
  const emptyBin = join(dir, 'empty-bin');
  mkdirSync(emptyBin);
  const noSlurm = await mlts(['run', 'small.ml.ts', '--executor', 'slurm'], dir, 60_000, { ...cluster.env, PATH: emptyBin });
  assert.equal(noSlurm.code, 2);
  assert.match(noSlurm.stderr, /sbatch is not on PATH: --executor slurm needs Slurm's client commands .*nothing was submitted/);
  const relative = await slurm(['run', 'small.ml.ts', '--executor', 'slurm', '--store', 'runs-here'], dir);
  assert.equal(relative.code, 2);
  assert.match(relative.stderr, /--store runs-here is relative; with --executor slurm give an absolute path/);
  const partition = await slurm(['run', 'small.ml.ts', '--executor', 'slurm', '--partition', 'gpu-huge'], dir);
  assert.equal(partition.code, 2);
  assert.match(partition.stderr, /the cluster has no partition gpu-huge; it has debug; nothing was submitted/);
  assert.ok(!existsSync(join(dir, '.mlts', 'runs')), 'no run was created');
});
