// The run process: `node runProcess.mjs FILE RUN_ID`, started by a supervisor (runLauncher.ts) with its settings in
// RunEnv variables. It loads the user's own @tensorflow/tfjs (resolved from the file's folder), starts the chosen
// backend, wraps fit/fitDataset to record metrics, defines the `mlts` global and the parameters hook, then runs
// the whole file top to bottom (every cell in order). It writes metrics.jsonl itself, fsyncing at each epoch, and
// tells the supervisor over IPC what to put in run.json. stdout and stderr are files the supervisor opened.
// The run id is in argv only so a reader can tell this process from another that reused its pid.
import type * as tfjs from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { join, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { initBackend } from '../backends/backendInit';
import { formatValidation, validateDeclaredContracts } from '../data/validate';
import { METRICS_FILE, MetricsWriter } from '../store/metricsLog';
import { ARTIFACTS_DIR } from '../store/runStore';
import type { BackendChoice } from '../store/runRecord';
import { installFitHooks } from './fitHooks';
import { installRunApi } from './runApi';
import { parseBackendList, RunEnv, type RunMessage } from './runProtocol';

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

async function main(argv: string[]): Promise<number> {
  const [fileArg, runId = process.env[RunEnv.runId] ?? 'run'] = argv;
  const runDir = process.env[RunEnv.runDir];
  if (!fileArg || !runDir) {
    process.stderr.write(`usage: ${RunEnv.runDir}=DIR runProcess FILE [RUN_ID]\n`);
    return 2;
  }
  const file = resolvePath(fileArg);
  process.setSourceMapsEnabled(true);
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
      backend = await initBackend(tf, parseBackendList(process.env[RunEnv.backends]), userRequire, notes);
      const interval = Number(process.env[RunEnv.batchIntervalMs] ?? 1000);
      installFitHooks(
        tf,
        {
          epoch: (r) => {
            metrics.append({ kind: 'epoch', t: Date.now(), step: r.epoch, fit: r.fit, values: r.values }, true);
            post({ type: 'epoch', fit: r.fit, epoch: r.epoch, epochs: r.epochs, values: r.values, samplesPerSecond: r.samplesPerSecond });
          },
          batch: (r) => metrics.append({ kind: 'batch', t: Date.now(), step: r.epoch, batch: r.batch, fit: r.fit, values: r.values }),
        },
        Number.isFinite(interval) ? interval : 1000,
      );
    }
    post({ type: 'started', pid: process.pid, node: process.version, backend, tfjsVersion: tf?.version?.tfjs ?? null });
    const api = installRunApi({
      runId,
      artifactsDir: join(runDir, ARTIFACTS_DIR),
      overrides,
      tf,
      hooks: {
        log: (step, values) => {
          metrics.append({ kind: 'log', t: Date.now(), step, values }, true);
          post({ type: 'log', step, values });
        },
        params: (params) => post({ type: 'params', params }),
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
    outcome = { ok: false, error: errorText(err) };
    process.stderr.write(`${outcome.error}\n`);
  }
  metrics.close();
  post({ type: 'ended', ...outcome, backendName: activeBackend() });
  await Promise.all(pending);
  if (process.connected) process.disconnect();
  return outcome.ok ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
