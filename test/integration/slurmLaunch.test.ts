// The editor's side of Slurm on a real one-node cluster (test/support/slurmCluster.ts), through the functions the
// extension calls, which need no vscode: the launcher panel's launch (launchFromPanel → launchRuns, the path the
// `mlts-run` task with "executor": "slurm" takes) submits a grid as one array job that ends finished with each run
// on its own GPU, and refuses bad Slurm choices and an unknown partition before anything is queued; the Runs view's
// and dashboard's cancel (cancelRunFromEditor → the path of `mlts runs --cancel`) scancels a detached Slurm run and
// SIGTERMs a detached local run by pid, and both records end cancelled. The partitions the launcher lists come
// from the cluster's sinfo. Like slurm.test.ts, this suite fails without slurm-wlm rather than skipping.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { reconcileSlurmRuns } from '../../runtime/src/executors/slurmExecutor';
import { listSlurmPartitions } from '../../runtime/src/executors/slurmSubmit';
import { RunStore } from '../../runtime/src/store/runStore';
import type { RunRecord } from '../../runtime/src/store/runRecord';
import { launchFromPanel, LaunchRefusedError, type PanelLaunchRequest } from '../../extension/src/dashboard/launchRequest';
import { cancelRunFromEditor } from '../../extension/src/runs/liveExecutors';
import { startSlurmCluster, type SlurmCluster } from '../support/slurmCluster';
import { dist } from './processes';
import { mlts, waitFor, workspace } from './runWorkspace';

let cluster: SlurmCluster;
before(async () => {
  cluster = await startSlurmCluster();
});
after(async () => {
  await cluster?.stop();
});

const RUNNER = dist('runtime/runProcess.mjs');

function panelLaunch(root: string, fields: Partial<PanelLaunchRequest>): PanelLaunchRequest {
  return { root, file: 'small.ml.ts', grid: [], backend: 'cpu', parallel: null, target: { kind: 'local' }, runnerPath: RUNNER, env: cluster.env, ...fields };
}

/** The runs as a reader sees them after one look at the queue (what `mlts runs` and the dashboard's feed do). */
async function runsNow(root: string): Promise<RunRecord[]> {
  const store = RunStore.forWorkspace(root);
  return reconcileSlurmRuns(store, store.list().runs, cluster.env);
}

async function waitForRuns(root: string, what: string, accept: (runs: RunRecord[]) => boolean, timeoutMs = 90_000): Promise<RunRecord[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const runs = await runsNow(root);
    if (accept(runs)) return runs;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}: ${JSON.stringify(runs.map((r) => [r.status, r.message]))}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

test('the launcher lists the cluster’s partitions and submits a grid as one array job that ends finished', async () => {
  assert.deepEqual(await listSlurmPartitions(cluster.env), { partitions: [cluster.partition] });
  assert.deepEqual(await listSlurmPartitions({ ...cluster.env, PATH: '/nonexistent' }), { problem: 'sinfo is not on PATH' });
  const root = workspace('slurm-launch', 'grid');
  const launched = launchFromPanel(
    panelLaunch(root, {
      grid: [{ name: 'hidden', values: ['4', '8'] }],
      parallel: 2,
      target: { kind: 'slurm', partition: cluster.partition, gpusPerRun: 1, timeLimit: '00:10:00' },
    }),
  );
  assert.match(launched.summary, /^2 runs of small\.ml\.ts submitted to Slurm as array job \d+, 1 GPU each, 2 at a time$/);
  const ended = await launched.executor.whenIdle();
  assert.deepEqual(ended.map((r) => r.status), ['finished', 'finished'], JSON.stringify(ended.map((r) => r.message)));
  const runs = RunStore.forWorkspace(root).list().runs;
  const arrayJob = runs[0]!.jobId!.split('_')[0];
  for (const run of runs) {
    assert.equal(run.executor, 'slurm');
    assert.equal(run.detached, true);
    assert.match(run.jobId ?? '', new RegExp(`^${arrayJob}_[01]$`));
    assert.match(run.cudaVisibleDevices ?? '', /^[01]$/);
  }
});

test('bad Slurm choices and an unknown partition are refused before anything is queued', () => {
  const root = workspace('slurm-launch', 'refused');
  const refusedWith = (target: PanelLaunchRequest['target'], message: RegExp) =>
    assert.throws(() => launchFromPanel(panelLaunch(root, { target })), (err: unknown) => err instanceof LaunchRefusedError && message.test(err.message));
  refusedWith({ kind: 'slurm', partition: null, gpusPerRun: -1, timeLimit: null }, /GPUs per run must be a whole number/);
  refusedWith({ kind: 'slurm', partition: null, gpusPerRun: 0, timeLimit: '10 minutes' }, /time limit is HH:MM:SS/);
  refusedWith({ kind: 'slurm', partition: 'gpu;reboot', gpusPerRun: 0, timeLimit: null }, /partition is a name/);
  refusedWith({ kind: 'slurm', partition: 'nosuch', gpusPerRun: 0, timeLimit: null }, /the cluster has no partition nosuch; it has debug/);
  assert.throws(
    () => launchFromPanel({ ...panelLaunch(root, { target: { kind: 'slurm', partition: null, gpusPerRun: 0, timeLimit: null } }), env: { ...cluster.env, PATH: '/nonexistent' } }),
    (err: unknown) => err instanceof LaunchRefusedError && /sbatch is not on PATH/.test(err.message),
  );
  assert.deepEqual(RunStore.forWorkspace(root).list().runs, [], 'nothing was queued');
});

test('the editor’s cancel scancels a detached Slurm run and stops a detached local run by pid; both end cancelled', async () => {
  const root = workspace('slurm-launch', 'cancel');
  const launched = launchFromPanel(panelLaunch(root, { grid: [{ name: 'epochs', values: ['100000'] }], target: { kind: 'slurm', partition: null, gpusPerRun: 0, timeLimit: null } }));
  // The window that launched it closes: the run goes on, and a later cancel must reach it through the store alone.
  launched.slurm!.stopFollowing();
  const local = await mlts(['run', 'small.ml.ts', '--detach', '--param', 'epochs=100000', '--backend', 'cpu'], root, 60_000, cluster.env);
  assert.equal(local.code, 0, local.stderr);
  const started = await waitForRuns(root, 'both runs to record an epoch', (runs) => runs.length === 2 && runs.every((r) => r.status === 'running' && (r.progress?.epoch ?? 0) >= 1));
  const store = RunStore.forWorkspace(root);
  const slurmRun = started.find((r) => r.executor === 'slurm')!;
  const localRun = started.find((r) => r.executor === 'local')!;
  assert.equal(cancelRunFromEditor(store, slurmRun, 'the Runs view', cluster.env), `${slurmRun.id} cancelled (scancel ${slurmRun.jobId})`);
  assert.equal(cancelRunFromEditor(store, localRun, 'the Runs view', cluster.env), `${localRun.id} cancelled`);
  const ended = await waitForRuns(root, 'both runs to end cancelled', (runs) => runs.every((r) => r.status === 'cancelled'));
  for (const run of ended) assert.match(run.message ?? '', /cancelled while running \(the Runs view\)|stopped by SIGTERM/, run.message ?? '');
  await waitFor('the local run process to exit', () => {
    try {
      process.kill(localRun.pid!, 0);
      return undefined;
    } catch {
      return true;
    }
  });
  // Nothing of the job is left, not even COMPLETING: a slurmstepd still ending the cancelled task when the fixture
  // stops the daemons keeps slurmd (and so this test file) from exiting.
  const slurmQuiet = () => {
    const queue = spawnSync('squeue', ['--noheader', '--format=%T'], { env: cluster.env, encoding: 'utf8' }).stdout.trim();
    const node = spawnSync('sinfo', ['--noheader', '--format=%T'], { env: cluster.env, encoding: 'utf8' }).stdout.trim();
    return queue === '' && node === 'idle' ? true : undefined;
  };
  await waitFor('the queue to empty and the node to be idle', slurmQuiet, 60_000);
  assert.equal(cancelRunFromEditor(store, store.read(slurmRun.id)!, 'the Runs view', cluster.env), null, 'an ended run is left alone');
});
