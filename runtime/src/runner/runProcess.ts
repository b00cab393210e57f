// The run process: `node runProcess.mjs FILE RUN_ID`, started by a supervisor (the local scheduler, or a cluster
// job) with its settings in RunEnv variables. It loads the user's own @tensorflow/tfjs (resolved from the file's
// folder), starts the chosen backend, wraps fit/fitDataset to record metrics, defines the `mlts` global and the
// parameters hook, then runs the whole file top to bottom (every cell in order). It owns its record: it writes
// metrics.jsonl (fsynced at each epoch) and state.json (started, progress, final metrics, how it ended) itself,
// so the record holds whether or not anyone supervises it; IPC messages only tell a live supervisor what to print.
// SIGTERM and SIGINT end it as cancelled, saying so. Unless detached, a watchdog worker (runWatchdog.ts) stops it
// when its launcher dies. stdout and stderr are files the supervisor opened.
// The run id is in argv only so a reader can tell this process from another that reused its pid.
import type * as tfjs from '@tensorflow/tfjs';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { dirname, isAbsolute, join, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { initBackend } from '../backends/backendInit';
import { DEFAULT_WASM_THREADS, parseWasmThreads } from '../backends/wasmThreads';
import { formatValidation, validateDeclaredContracts } from '../data/validate';
import { METRICS_FILE, MetricsWriter } from '../store/metricsLog';
import { ARTIFACTS_DIR, RunStore } from '../store/runStore';
import { diskFullText } from '../store/diskFull';
import type { BackendChoice } from '../store/runRecord';
import type { SlurmManifest } from '../executors/slurmSubmit';
import { installFitHooks } from './fitHooks';
import { newOwnState, OWN_STATE_SHARED_BYTES, OwnStateRecorder } from './ownState';
import { installRunApi } from './runApi';
import { parseBackendList, RunEnv, type RunMessage, type WatchdogData } from './runProtocol';

function send(message: RunMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

function errorText(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

function loadTfjs(userRequire: NodeRequire): typeof tfjs | null {
  try {
    return userRequire('@tensorflow/tfjs') as typeof tfjs;
  } catch {
    return null;
  }
}

/** The attempt this process is: Slurm counts restarts of a requeued job; a local run is always attempt 1. */
function attemptNumber(env: NodeJS.ProcessEnv): number {
  const restarts = Number(env.SLURM_RESTART_COUNT ?? NaN);
  if (Number.isInteger(restarts) && restarts >= 0) return restarts + 1;
  const given = Number(env[RunEnv.attempt] ?? 1);
  return Number.isInteger(given) && given >= 1 ? given : 1;
}

/** Moves an earlier attempt's metrics aside (metrics.attempt-N.jsonl), so each attempt's points stay apart. */
function setAsideEarlierMetrics(store: RunStore, id: string, runDir: string): void {
  const earlier = store.readOwnState(id);
  const path = join(runDir, METRICS_FILE);
  if (earlier && existsSync(path)) renameSync(path, join(runDir, `metrics.attempt-${earlier.attempt}.jsonl`));
}

/** Starts the watchdog worker that stops this run when its launcher dies; the worker never keeps it alive. */
function startWatchdog(data: WatchdogData): Worker {
  const worker = new Worker(new URL('./runWatchdog.mjs', import.meta.url), { workerData: data });
  worker.unref();
  return worker;
}

/**
 * `runProcess --slurm-task MANIFEST`: a Slurm array task becomes the run of its grid point, as the manifest
 * slurmSubmit.ts wrote lists them, by setting the environment the local scheduler would have set. Returns the
 * usual arguments (FILE RUN_ID).
 */
function enterSlurmTask(manifestPath: string): string[] {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as SlurmManifest;
  const index = Number(process.env.SLURM_ARRAY_TASK_ID);
  const run = manifest.runs[index];
  if (!run) throw new Error(`${manifestPath} has no run for array task ${process.env.SLURM_ARRAY_TASK_ID}`);
  if (!isAbsolute(manifest.storeRoot)) throw new Error(`the store path ${manifest.storeRoot} in ${manifestPath} is not absolute`);
  Object.assign(process.env, {
    [RunEnv.runDir]: join(manifest.storeRoot, 'runs', run.id),
    [RunEnv.runId]: run.id,
    [RunEnv.params]: JSON.stringify(run.overrides),
    [RunEnv.backends]: JSON.stringify(manifest.backends),
    [RunEnv.backendNotes]: JSON.stringify(manifest.backendNotes),
    // The job outlives whoever submitted it; Slurm, not a watchdog, ends it.
    [RunEnv.detached]: '1',
    ...(manifest.batchIntervalMs !== undefined ? { [RunEnv.batchIntervalMs]: String(manifest.batchIntervalMs) } : {}),
  });
  return [manifest.file, run.id];
}

async function main(args: string[]): Promise<number> {
  const argv = args[0] === '--slurm-task' && args[1] ? enterSlurmTask(args[1]) : args;
  const [fileArg, runId = process.env[RunEnv.runId] ?? 'run'] = argv;
  const runDir = process.env[RunEnv.runDir];
  if (!fileArg || !runDir) {
    process.stderr.write(`usage: ${RunEnv.runDir}=DIR runProcess FILE [RUN_ID]\n`);
    return 2;
  }
  const file = resolvePath(fileArg);
  process.setSourceMapsEnabled(true);
  const store = new RunStore(dirname(dirname(runDir)));
  const attempt = attemptNumber(process.env);
  if (attempt > 1) setAsideEarlierMetrics(store, runId, runDir);
  const shared = new SharedArrayBuffer(OWN_STATE_SHARED_BYTES);
  const own = new OwnStateRecorder(store, newOwnState(runId, attempt, process.env), shared);
  own.writeNow();
  const supervisorPid = process.ppid;
  const watchdog = process.env[RunEnv.detached] === '1' ? null : startWatchdog({ storeRoot: store.root, supervisorPid, state: own.state, shared });
  const changed = () => {
    watchdog?.postMessage(own.state);
    own.writeSoon();
  };
  const stop = (signal: NodeJS.Signals, code: number) => {
    if (own.finish('cancelled', { exitCode: null, signal, message: `stopped by ${signal} (a cancel, or the cluster ending the job)` }, {})) {
      process.stderr.write(`mlts: run stopped by ${signal}\n`);
    }
    process.exit(code);
  };
  process.on('SIGTERM', () => stop('SIGTERM', 143));
  process.on('SIGINT', () => stop('SIGINT', 130));
  const userRequire = createRequire(file);
  const metrics = new MetricsWriter(join(runDir, METRICS_FILE));
  const pending: Promise<void>[] = [];
  const post = (message: RunMessage) => pending.push(send(message));

  let outcome: { ok: boolean; error: string | null } = { ok: true, error: null };
  const tf = loadTfjs(userRequire);
  const activeBackend = () => {
    try {
      return tf?.getBackend() ?? null;
    } catch {
      return null;
    }
  };
  try {
    const overrides = JSON.parse(process.env[RunEnv.params] ?? '{}') as Record<string, string>;
    let backend: BackendChoice | null = null;
    if (tf) {
      const notes = JSON.parse(process.env[RunEnv.backendNotes] ?? '[]') as BackendChoice['attempts'];
      const threads = parseWasmThreads(process.env[RunEnv.wasmThreads] ?? String(DEFAULT_WASM_THREADS));
      backend = await initBackend(tf, parseBackendList(process.env[RunEnv.backends]), userRequire, notes, threads);
      const interval = Number(process.env[RunEnv.batchIntervalMs] ?? 1000);
      installFitHooks(
        tf,
        {
          epoch: (r) => {
            if (!own.appendMetrics(() => metrics.append({ kind: 'epoch', t: Date.now(), step: r.epoch, fit: r.fit, values: r.values }, true))) return;
            own.state.progress = { epoch: r.epoch + 1, epochs: r.epochs };
            Object.assign(own.state.finalMetrics, r.values);
            changed();
            post({ type: 'epoch', fit: r.fit, epoch: r.epoch, epochs: r.epochs, values: r.values, samplesPerSecond: r.samplesPerSecond });
          },
          batch: (r) => own.appendMetrics(() => metrics.append({ kind: 'batch', t: Date.now(), step: r.epoch, batch: r.batch, fit: r.fit, values: r.values })),
        },
        Number.isFinite(interval) ? interval : 1000,
      );
    }
    own.state.backend = backend;
    own.state.tfjsVersion = tf?.version?.tfjs ?? null;
    changed();
    post({ type: 'started', pid: process.pid, node: process.version, backend, tfjsVersion: tf?.version?.tfjs ?? null });
    const api = installRunApi({
      runId,
      artifactsDir: join(runDir, ARTIFACTS_DIR),
      overrides,
      tf,
      hooks: {
        log: (step, values) => {
          if (!own.appendMetrics(() => metrics.append({ kind: 'log', t: Date.now(), step, values }, true))) return;
          Object.assign(own.state.finalMetrics, values);
          changed();
          post({ type: 'log', step, values });
        },
        params: (params) => {
          own.state.params = params;
          changed();
          post({ type: 'params', params });
        },
        artifact: (path) => post({ type: 'artifact', path }),
      },
    });
    // Declared data contracts are validated in full before the run starts; violations are reported, not fatal.
    for (const result of await validateDeclaredContracts(file, readFileSync(file, 'utf8'))) {
      if (!result.ok) process.stderr.write(`${formatValidation(result)}\n`);
    }
    const entryUrl = pathToFileURL(file).href;
    register('./runLoaderHooks.mjs', import.meta.url, { data: { entryUrl } });
    await import(entryUrl);
    if (Object.keys(overrides).length > 0 && !api.paramsApplied()) {
      throw new Error(`parameters ${Object.keys(overrides).join(', ')} were given, but the file declares no /** @mlts-params */ object`);
    }
  } catch (err) {
    // A full disk is said in one line (and becomes the run's final message), not as a stack trace.
    const diskFull = diskFullText(err);
    outcome = { ok: false, error: diskFull ?? errorText(err) };
    process.stderr.write(`${diskFull ? `mlts: ${diskFull}` : outcome.error}\n`);
  }
  try {
    metrics.close();
  } catch (err) {
    // The last points could not be synced; they are in the page cache or lost with the disk space.
    if (!diskFullText(err)) throw err;
  }
  const backendName = activeBackend();
  if (own.state.backend && backendName && backendName !== own.state.backend.name) {
    const started = own.state.backend.name;
    own.state.backend = { ...own.state.backend, name: backendName, reason: `the file switched to ${backendName} itself (mlts had started ${started})` };
  }
  const message = outcome.error?.split('\n')[0] ?? null;
  try {
    own.finish(outcome.ok ? 'finished' : 'failed', { exitCode: outcome.ok ? 0 : 1, signal: null, message }, {});
  } catch (err) {
    const diskFull = diskFullText(err);
    if (!diskFull) throw err;
    // The final state did not fit; the launcher's record (or a later reader) says how the run ended instead.
    process.stderr.write(`mlts: ${diskFull}; the run's final state is not saved\n`);
    outcome = { ok: false, error: outcome.error ?? diskFull };
  }
  post({ type: 'ended', ...outcome, backendName });
  await Promise.all(pending);
  if (process.connected) process.disconnect();
  return outcome.ok ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2)).catch((err: unknown) => {
  const diskFull = diskFullText(err);
  if (!diskFull) throw err;
  process.stderr.write(`mlts: ${diskFull}\n`);
  return 1;
});
