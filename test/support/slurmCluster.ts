// A real one-node Slurm cluster for integration tests, from Debian's slurm-wlm and munge (.ci/run installs them),
// started as root without systemd in a few seconds: a private munge socket and key, slurmctld and slurmd in the
// foreground on random non-default ports, state and logs in a temporary folder, two fake GPUs (character devices
// made with mknod: Slurm drops file-less GPUs and gives no CUDA_VISIBLE_DEVICES for plain files). Every path is
// absolute, because slurmctld changes to `/`. The daemons are children of the test process, stopped by the pids
// kept here (slurmctld may remove its own pid file). Clients reach the cluster through `env` (SLURM_CONF).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SlurmCluster {
  /** Environment for Slurm's client commands (and so for `mlts run --executor slurm`). */
  env: NodeJS.ProcessEnv;
  dir: string;
  partition: string;
  stop(): Promise<void>;
}

function slurmConf(dir: string, ports: number, cpus: number): string {
  return `# Written by test/support/slurmCluster.ts for one test run.
ClusterName=mltstest
SlurmctldHost=${spawnSync('hostname', { encoding: 'utf8' }).stdout.trim()}(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=${dir}/munge/socket
SlurmctldPort=${ports}
SlurmdPort=${ports + 1}
StateSaveLocation=${dir}/state
SlurmdSpoolDir=${dir}/spool
SlurmctldPidFile=${dir}/slurmctld.pid
SlurmdPidFile=${dir}/slurmd.pid
SlurmctldLogFile=${dir}/log/slurmctld.log
SlurmdLogFile=${dir}/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
ReturnToService=2
MinJobAge=600
KillWait=5
GresTypes=gpu
SchedulerParameters=sched_interval=1
MpiDefault=none
# The node's CPUs as declared here, whatever the machine has: tests ask for at most two runs at once.
SlurmdParameters=config_overrides
NodeName=localhost NodeAddr=127.0.0.1 CPUs=${cpus} RealMemory=2000 Gres=gpu:2 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
`;
}

function daemon(command: string, args: string[], env: NodeJS.ProcessEnv, log: string): ChildProcess {
  const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'ignore'] });
  child.on('error', (err) => writeFileSync(log, `could not start ${command}: ${err.message}\n`, { flag: 'a' }));
  return child;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts the cluster and resolves once its node is idle (or rejects with the daemons' logs). */
export async function startSlurmCluster(cpus = 2): Promise<SlurmCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'mlts-slurm-'));
  for (const sub of ['munge', 'state', 'spool', 'log']) mkdirSync(join(dir, sub));
  chmodSync(join(dir, 'munge'), 0o711);
  writeFileSync(join(dir, 'munge', 'munge.key'), Buffer.from(Array.from({ length: 1024 }, () => Math.floor(Math.random() * 256))), { mode: 0o400 });
  for (const gpu of ['gpu0', 'gpu1']) {
    const made = spawnSync('mknod', [join(dir, gpu), 'c', '1', '3']);
    if (made.status !== 0) throw new Error(`mknod ${gpu} failed: ${made.stderr}`);
  }
  const ports = 20000 + Math.floor(Math.random() * 20000);
  writeFileSync(join(dir, 'slurm.conf'), slurmConf(dir, ports, cpus));
  writeFileSync(join(dir, 'gres.conf'), `AutoDetect=off\nNodeName=localhost Name=gpu File=${dir}/gpu0\nNodeName=localhost Name=gpu File=${dir}/gpu1\n`);
  const env = { ...process.env, SLURM_CONF: join(dir, 'slurm.conf') };
  const munge = ['-F', '-f', `--socket=${dir}/munge/socket`, `--key-file=${dir}/munge/munge.key`, `--log-file=${dir}/log/munged.log`, `--pid-file=${dir}/munge/munged.pid`, `--seed-file=${dir}/munge/seed`];
  const daemons = [daemon('munged', munge, env, join(dir, 'log', 'start.log'))];
  const stop = async () => {
    for (const d of [...daemons].reverse()) d.kill('SIGTERM');
    await Promise.all(daemons.map(exited));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntil('munged', () => spawnSync('test', ['-S', `${dir}/munge/socket`]).status === 0);
    daemons.push(daemon('slurmctld', ['-D', '-i', '-f', env.SLURM_CONF], env, join(dir, 'log', 'start.log')));
    daemons.push(daemon('slurmd', ['-D', '-N', 'localhost', '-f', env.SLURM_CONF], env, join(dir, 'log', 'start.log')));
    await waitUntil('an idle node', () => /idle/.test(spawnSync('sinfo', ['--noheader', '--format=%t'], { env, encoding: 'utf8' }).stdout ?? ''));
  } catch (err) {
    const logs = spawnSync('sh', ['-c', `tail -n 20 ${dir}/log/*`], { encoding: 'utf8' }).stdout;
    await stop();
    throw new Error(`${(err as Error).message}\n${logs}`);
  }
  return { env, dir, partition: 'debug', stop };
}

async function waitUntil(what: string, probe: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`the test Slurm cluster did not come up: no ${what} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
