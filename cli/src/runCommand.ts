// `mlts run FILE [options]` (RUN_USAGE in runArgs.ts): launches the file as tracked runs (one per point of the
// grid) and waits for them. Run ids go to stdout, one per line, as the runs are queued; progress and results go to
// stderr. Ctrl+C cancels every run (a second one leaves at once). Without `--detach` each run stops by itself
// when this process dies (see runWatchdog.ts); with it, a detached launcher (this command again, with the hidden
// --adopt option, in its own session, logging to <store>/launchers/) takes the queued runs over and this process
// exits as soon as it has. Exit status: 0 when every run finished, 1 when any failed, was killed or cancelled,
// 2 on a usage error (including a forced backend that is not installed).
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { BackendUnavailableError, planBackends } from '../../runtime/src/backends/backendOptions';
import { withoutUnusableWebgpu } from '../../runtime/src/backends/webgpuAdapter';
import { expandGrid, ParamsError } from '../../runtime/src/params/paramsValues';
import { staticParams } from '../../runtime/src/params/paramsCheck';
import { createQueuedRuns } from '../../runtime/src/runner/runRequests';
import { RunScheduler } from '../../runtime/src/runner/runScheduler';
import { RunStore, STORE_DIR } from '../../runtime/src/store/runStore';
import type { RunRecord } from '../../runtime/src/store/runRecord';
import { UsageError, type CommandIO } from './commandIO';
import { ADOPT_OPTION, parseRunArgs, RUN_USAGE, type RunArgs } from './runArgs';
import { followRuns } from './runOutput';
import { runOnSlurm } from './runSlurm';

export { parseRunArgs, RUN_USAGE };

/** The line a detached launcher prints once the runs are its own, so the command that started it may leave. */
const ADOPTED_LINE = 'mlts: adopted';

/** Makes this process the launcher of runs another `mlts run --detach` queued. */
function adoptRuns(store: RunStore, ids: string[]): RunRecord[] {
  return ids.map((id) => {
    const record = store.update(id, (launch) => {
      launch.supervisorPid = process.pid;
      launch.detached = true;
    });
    if (!record) throw new UsageError(`no queued run ${id} in ${store.root}`);
    return record;
  });
}

/**
 * Starts a launcher in its own session that adopts the queued runs, waits until it has, and returns: the runs
 * then belong to a process that neither this terminal's Ctrl+C nor its closing reaches.
 */
async function detachLauncher(store: RunStore, records: RunRecord[], args: string[], io: CommandIO): Promise<number> {
  const logDir = join(store.root, 'launchers');
  mkdirSync(logDir, { recursive: true });
  const logPath = join(logDir, `${records[0]!.id}.log`);
  const log = openSync(logPath, 'a');
  const ids = records.map((r) => r.id).join(',');
  const launcherArgs = [join(__dirname, 'cli.js'), 'run', ...args.filter((a) => a !== '--detach'), '--store', store.root, ADOPT_OPTION, ids];
  const child = spawn(process.execPath, launcherArgs, { cwd: io.cwd, detached: true, stdio: ['ignore', 'pipe', log] });
  closeSync(log);
  let out = '';
  const adopted = await new Promise<boolean>((done) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes(ADOPTED_LINE)) done(true);
    });
    child.on('close', () => done(false));
  });
  if (!adopted) {
    io.stderr(`mlts run: the detached launcher ended before it took the runs over; see ${logPath}\n`);
    return 1;
  }
  child.stdout!.destroy();
  child.unref();
  for (const r of records) io.stdout(`${r.id}\n`);
  io.stderr(`mlts run: ${records.length} run${records.length === 1 ? '' : 's'} detached to launcher pid ${child.pid}; its log: ${logPath}; follow with mlts runs\n`);
  return 0;
}

export async function runRunCommand(args: string[], io: CommandIO, runnerPath = join(__dirname, 'runtime', 'runProcess.mjs')): Promise<number> {
  let parsed: RunArgs;
  try {
    parsed = parseRunArgs(args);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`mlts run: ${err.message}\n\n${RUN_USAGE}`);
      return 2;
    }
    throw err;
  }
  const file = resolve(io.cwd, parsed.file);
  if (!existsSync(file)) {
    io.stderr(`mlts run: ${parsed.file} does not exist\n`);
    return 2;
  }
  const store = new RunStore(parsed.store ? resolve(io.cwd, parsed.store) : join(io.cwd, STORE_DIR));
  if (parsed.executor === 'slurm') {
    try {
      return await runOnSlurm(parsed, file, store, runnerPath, io);
    } catch (err) {
      if (err instanceof BackendUnavailableError || err instanceof ParamsError) {
        io.stderr(`mlts run: ${err.message}\n`);
        return 2;
      }
      throw err;
    }
  }
  let records: RunRecord[];
  let scheduler: RunScheduler;
  const adopting = parsed.adopt.length > 0;
  try {
    const plan = await withoutUnusableWebgpu(planBackends(parsed.backend, dirname(file)), dirname(file));
    if (adopting) {
      records = adoptRuns(store, parsed.adopt);
    } else {
      const parameterSets = expandGrid(parsed.params, parsed.grid);
      const group = parameterSets.length > 1 ? `${basename(file)}@${new Date().toISOString()}` : null;
      records = createQueuedRuns(store, { file, workspace: io.cwd, parameterSets, requestedBackend: parsed.backend, group, detached: parsed.detach, name: parsed.name ?? null }, staticParams);
      if (parsed.detach) return await detachLauncher(store, records, args, io);
    }
    scheduler = new RunScheduler({ store, runnerPath, cwd: io.cwd, plan, parallel: parsed.parallel, threads: parsed.threads, detached: adopting });
    const first = plan.candidates[0];
    io.stderr(
      `mlts run: ${records.length} run${records.length === 1 ? '' : 's'} of ${basename(file)}, ${scheduler.parallel} at a time (${availableParallelism()} cores), backend ${parsed.backend}${parsed.backend === 'auto' && first ? ` → ${plan.candidates.join(' / ')}` : ''}; store ${store.root}\n`,
    );
  } catch (err) {
    if (err instanceof BackendUnavailableError || err instanceof ParamsError) {
      io.stderr(`mlts run: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  io.stdout(adopting ? `${ADOPTED_LINE}\n` : records.map((r) => `${r.id}\n`).join(''));
  const ended = followRuns(scheduler, store, io, () => scheduler.enqueue(records.map((r) => r.id)));
  return ended;
}
