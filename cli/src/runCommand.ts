// `mlts run FILE [--param k=v]... [--grid k=v1,v2,...]... [--backend auto|cpu|wasm|webgpu|node|node-gpu]
// [--parallel N] [--store DIR]`: launches the file as tracked runs (one per point of the grid) and waits for them.
// Run ids go to stdout, one per line, as the runs are queued; progress and results go to stderr. Ctrl+C cancels
// every run (a second one leaves at once). Exit status: 0 when every run finished, 1 when any failed, was killed
// or cancelled, 2 on a usage error (including a forced backend that is not installed).
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { BackendUnavailableError, isBackendRequest, planBackends, type BackendRequest } from '../../runtime/src/backends/backendOptions';
import { expandGrid, parseAssignment, parseGridArg, ParamsError, type Overrides } from '../../runtime/src/params/paramsValues';
import { staticParams } from '../../runtime/src/params/paramsCheck';
import { createQueuedRuns } from '../../runtime/src/runner/runRequests';
import { RunScheduler, type SchedulerEvent } from '../../runtime/src/runner/runScheduler';
import { RunStore, STDERR_FILE, STORE_DIR } from '../../runtime/src/store/runStore';
import type { RunRecord } from '../../runtime/src/store/runRecord';
import { UsageError, type CommandIO } from './commandIO';

export const RUN_USAGE = `usage: mlts run FILE [--param k=v]... [--grid k=v1,v2,...]... [--backend auto|cpu|wasm|webgpu|node|node-gpu]
                [--parallel N] [--store DIR]
`;

export interface RunArgs {
  file: string;
  params: Overrides;
  grid: [string, string[]][];
  backend: BackendRequest;
  parallel: number | undefined;
  store: string | undefined;
}

function optionValue(args: string[], i: number, name: string): [string, number] {
  const arg = args[i]!;
  if (arg.startsWith(`${name}=`)) return [arg.slice(name.length + 1), i];
  const value = args[i + 1];
  if (value === undefined) throw new UsageError(`${name} needs a value`);
  return [value, i + 1];
}

export function parseRunArgs(args: string[]): RunArgs {
  const parsed: RunArgs = { file: '', params: {}, grid: [], backend: 'auto', parallel: undefined, store: undefined };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const name = arg.startsWith('--') ? arg.split('=')[0]! : '';
    let value: string;
    try {
      switch (name) {
        case '--param': {
          [value, i] = optionValue(args, i, name);
          const [key, v] = parseAssignment(value);
          parsed.params[key] = v;
          break;
        }
        case '--grid':
          [value, i] = optionValue(args, i, name);
          parsed.grid.push(parseGridArg(value));
          break;
        case '--backend':
          [value, i] = optionValue(args, i, name);
          if (!isBackendRequest(value)) throw new UsageError(`--backend must be auto, cpu, wasm, webgpu, node or node-gpu, not ${value}`);
          parsed.backend = value;
          break;
        case '--parallel':
          [value, i] = optionValue(args, i, name);
          if (!/^[1-9]\d*$/.test(value)) throw new UsageError(`--parallel wants a positive whole number, not ${value}`);
          parsed.parallel = Number(value);
          break;
        case '--store':
          [value, i] = optionValue(args, i, name);
          parsed.store = value;
          break;
        case '':
          if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
          if (parsed.file) throw new UsageError(`one file per run; got ${parsed.file} and ${arg}`);
          parsed.file = arg;
          break;
        default:
          throw new UsageError(`unknown option ${arg}`);
      }
    } catch (err) {
      if (err instanceof ParamsError) throw new UsageError(err.message);
      throw err;
    }
  }
  if (!parsed.file) throw new UsageError('which file? mlts run FILE');
  const gridNames = parsed.grid.map(([n]) => n);
  const twice = gridNames.find((n, i) => gridNames.indexOf(n) !== i || n in parsed.params);
  if (twice) throw new UsageError(`parameter ${twice} is given more than once`);
  return parsed;
}

function formatValues(values: Record<string, unknown>, keys?: string[]): string {
  return Object.entries(values)
    .filter(([k]) => !keys || keys.includes(k))
    .map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(4)) : JSON.stringify(v)}`)
    .join(' ');
}

function formatSeconds(seconds: number): string {
  return seconds >= 90 ? `${Math.floor(seconds / 60)}m${Math.round(seconds % 60)}s` : `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
}

function describeEvent(event: SchedulerEvent): string {
  const r = event.record;
  switch (event.type) {
    case 'started':
      return `${r.id} started ${formatValues(r.overrides)}`.trimEnd();
    case 'progress': {
      const shown = formatValues(event.values, ['loss', 'acc', 'accuracy', 'val_loss', 'val_acc', 'val_accuracy']);
      const eta = event.etaSeconds === null ? '' : ` ETA ${formatSeconds(event.etaSeconds)}`;
      return `${r.id} epoch ${event.epoch}/${event.epochs} ${shown}${eta}`;
    }
    case 'ended': {
      const seconds = r.startedAt && r.endedAt ? ` in ${formatSeconds((Date.parse(r.endedAt) - Date.parse(r.startedAt)) / 1000)}` : '';
      const backend = r.backend ? ` on ${r.backend.option}` : '';
      const detail = r.status === 'finished' ? formatValues(r.finalMetrics, ['loss', 'acc', 'accuracy', 'val_loss', 'val_acc', 'val_accuracy']) : (r.message ?? '');
      return `${r.id} ${r.status}${backend}${seconds} ${detail}`.trimEnd();
    }
  }
}

/** The last lines of a failed run's stderr, to show why without opening the log. */
function stderrTail(store: RunStore, record: RunRecord, lines = 12): string {
  const path = join(store.runDir(record.id), STDERR_FILE);
  if (!existsSync(path)) return '';
  const text = readFileSync(path, 'utf8').trimEnd();
  return text ? text.split('\n').slice(-lines).map((l) => `  | ${l}`).join('\n') + '\n' : '';
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
  let records: RunRecord[];
  let scheduler: RunScheduler;
  try {
    const plan = planBackends(parsed.backend, dirname(file));
    const parameterSets = expandGrid(parsed.params, parsed.grid);
    records = createQueuedRuns(store, {
      file,
      workspace: io.cwd,
      parameterSets,
      requestedBackend: parsed.backend,
      group: parameterSets.length > 1 ? `${basename(file)}@${new Date().toISOString()}` : null,
    }, staticParams);
    scheduler = new RunScheduler({ store, runnerPath, cwd: io.cwd, plan, parallel: parsed.parallel });
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
  for (const r of records) io.stdout(`${r.id}\n`);
  scheduler.onEvent((event) => {
    io.stderr(`${describeEvent(event)}\n`);
    if (event.type === 'ended' && (event.record.status === 'failed' || event.record.status === 'killed')) io.stderr(stderrTail(store, event.record));
  });
  let interrupts = 0;
  const onInterrupt = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    io.stderr('mlts run: cancelling every run (Ctrl+C again to leave at once)\n');
    scheduler.cancelAll();
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);
  scheduler.enqueue(records.map((r) => r.id));
  const ended = await scheduler.whenIdle();
  process.off('SIGINT', onInterrupt);
  process.off('SIGTERM', onInterrupt);
  const counts = new Map<string, number>();
  for (const r of ended) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  io.stderr(`mlts run: ${[...counts].map(([s, n]) => `${n} ${s}`).join(', ')}\n`);
  return ended.every((r) => r.status === 'finished') ? 0 : 1;
}
