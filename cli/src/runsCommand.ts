// `mlts runs [RUN_ID] [--store DIR] [--format text|json] [--cancel ID|GRID]`: lists the store's runs (status,
// where they run, parameters, final metrics), or with a run id shows that run and its epoch and logged metrics.
// Reading repairs local runs whose process vanished (marked killed) and asks Slurm's queue once about unfinished
// cluster runs, whose launcher may be long gone. Unreadable records and metrics lines are skipped with a warning
// on stderr. `--cancel` is runsCancel.ts. Exit status: 0, or 1 when RUN_ID is not in the store, 2 on a usage error.
import { join, resolve } from 'node:path';
import { reconcileSlurmRuns } from '../../runtime/src/executors/slurmExecutor';
import { RunStore, STORE_DIR } from '../../runtime/src/store/runStore';
import { describePlacement, isFinalStatus, type MetricPoint, type RunRecord } from '../../runtime/src/store/runRecord';
import { terminalSafe } from './terminalText';
import { UsageError, type CommandIO } from './commandIO';
import { cancelRuns } from './runsCancel';

export function parseRunsArgs(args: string[]): { id: string | undefined; store: string | undefined; format: 'text' | 'json'; cancel: string | undefined } {
  let id: string | undefined;
  let store: string | undefined;
  let cancel: string | undefined;
  let format: 'text' | 'json' = 'text';
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (name === '--store' || name === '--format' || name === '--cancel') {
      const value = inline ?? args[++i];
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      if (name === '--store') store = value;
      else if (name === '--cancel') cancel = value;
      else if (value === 'text' || value === 'json') format = value;
      else throw new UsageError(`--format must be text or json, not ${value}`);
    } else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else if (id) throw new UsageError(`one run id at a time; got ${id} and ${arg}`);
    else id = arg;
  }
  return { id, store, format, cancel };
}

const short = (v: unknown) => (typeof v === 'number' ? String(Number(v.toPrecision(4))) : JSON.stringify(v));
/** `name=value` pairs, with control characters from run data made visible (terminalText.ts). */
const pairs = (values: Record<string, unknown>) =>
  terminalSafe(
    Object.entries(values)
      .map(([k, v]) => `${k}=${short(v)}`)
      .join(' '),
  );

/** Epoch and logged points `mlts runs ID` shows at most; a longer history is cut with a warning saying so. */
export const MAX_SHOWN_POINTS = 1_000_000;
/** Points per write when streaming JSON, so no single string approaches V8's string length limit. */
const JSON_POINTS_PER_WRITE = 1000;

/** The metrics worth a column: loss and accuracy-like values, not timings. */
function headlineMetrics(metrics: Record<string, number | null>): Record<string, number | null> {
  return Object.fromEntries(Object.entries(metrics).filter(([k]) => !['lr', 'samplesPerSecond', 'epochSeconds'].includes(k)));
}

function duration(r: RunRecord): string {
  if (!r.startedAt) return '';
  const end = r.endedAt ? Date.parse(r.endedAt) : Date.now();
  return `${((end - Date.parse(r.startedAt)) / 1000).toFixed(1)}s`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ').trimEnd()).join('\n') + '\n';
}

/** Writes `{run, metrics, warnings}` as JSON in pieces, so the answer's size is not bounded by one string's. */
function writeRunJson(io: CommandIO, record: RunRecord, points: readonly MetricPoint[], warnings: string[]): void {
  io.stdout(`{\n  "run": ${JSON.stringify(record, null, 2).replace(/\n/g, '\n  ')},\n  "metrics": [`);
  for (let i = 0; i < points.length; i += JSON_POINTS_PER_WRITE) {
    const slice = points.slice(i, i + JSON_POINTS_PER_WRITE).map((p) => `\n    ${JSON.stringify(p)}`);
    io.stdout((i === 0 ? '' : ',') + slice.join(','));
  }
  io.stdout(`${points.length ? '\n  ' : ''}],\n  "warnings": ${JSON.stringify(warnings)}\n}\n`);
}

export async function runRunsCommand(args: string[], io: CommandIO): Promise<number> {
  const { id, store: storeArg, format, cancel } = parseRunsArgs(args);
  const store = new RunStore(storeArg ? resolve(io.cwd, storeArg) : join(io.cwd, STORE_DIR));
  const storeProblem = store.storeProblem();
  if (storeProblem) {
    io.stderr(`mlts runs: ${storeProblem}\n`);
    return 2;
  }
  const listed = store.list();
  const { warnings } = listed;
  let runs = listed.runs;
  try {
    runs = await reconcileSlurmRuns(store, runs);
  } catch (err) {
    warnings.push(`could not ask Slurm about cluster runs: ${(err as Error).message}`);
  }
  if (cancel !== undefined) return cancelRuns(store, runs, cancel, io);
  if (id) {
    const record = runs.find((r) => r.id === id || r.id.endsWith(id));
    for (const w of warnings) io.stderr(`mlts runs: warning: ${terminalSafe(w)}\n`);
    if (!record) {
      io.stderr(`mlts runs: no run ${id} in ${store.root}\n`);
      return 1;
    }
    // Streamed and bounded: a metrics file of any size is read in chunks, batch lines are skipped unparsed.
    const metrics = store.metrics(record.id, { skipBatch: true, maxPoints: MAX_SHOWN_POINTS });
    for (const w of metrics.warnings) io.stderr(`mlts runs: warning: ${terminalSafe(w)}\n`);
    const points = metrics.points;
    if (format === 'json') {
      writeRunJson(io, record, points, [...warnings, ...metrics.warnings]);
      return 0;
    }
    io.stdout(terminalSafe(`${record.id}  ${record.status}${record.message ? ` (${record.message})` : ''}`) + '\n');
    io.stdout(terminalSafe(`  file     ${record.relativeFile}  sha256 ${record.fileHash.slice(0, 12)}${record.git ? `  git ${record.git.commit.slice(0, 10)}${record.git.dirty ? ' (dirty)' : ''}` : ''}`) + '\n');
    io.stdout(`  params   ${pairs(record.params)}\n`);
    if (record.backend) io.stdout(terminalSafe(`  backend  ${record.backend.option} (${record.backend.name}) on ${record.backend.device}: ${record.backend.reason}`) + '\n');
    io.stdout(terminalSafe(`  tfjs     ${record.tfjsVersion ?? '?'}  node ${record.node}  ${duration(record)}`) + '\n');
    io.stdout(terminalSafe(`  where    ${describePlacement(record) ?? 'local'}${record.executor === 'local' ? '' : `${record.message && !isFinalStatus(record.status) ? `  (${record.message})` : ''}`}`) + '\n');
    if (record.artifacts.length) io.stdout(terminalSafe(`  artifacts ${record.artifacts.join(', ')}`) + '\n');
    io.stdout(terminalSafe(`  folder   ${store.runDir(record.id)}`) + '\n');
    for (const p of points) io.stdout(`  ${p.kind === 'epoch' ? `epoch ${p.step + 1}` : `log ${p.step}`}  ${pairs(p.values)}\n`);
    return 0;
  }
  for (const w of warnings) io.stderr(`mlts runs: warning: ${terminalSafe(w)}\n`);
  if (format === 'json') {
    io.stdout(JSON.stringify({ store: store.root, runs, warnings }, null, 2) + '\n');
    return 0;
  }
  if (runs.length === 0) {
    io.stdout(`no runs in ${store.root}\n`);
    return 0;
  }
  const rows = [['RUN', 'STATUS', 'WHERE', 'FILE', 'BACKEND', 'TIME', 'PARAMS', 'FINAL METRICS']];
  for (const r of runs) {
    const status = r.status === 'running' && r.progress ? `running ${r.progress.epoch}/${r.progress.epochs}` : r.status;
    const cells = [r.id, status, describePlacement(r) ?? 'local', r.relativeFile, r.backend?.option ?? r.requestedBackend, duration(r)].map(terminalSafe);
    rows.push([...cells, pairs(r.params), pairs(headlineMetrics(r.finalMetrics))]);
  }
  io.stdout(table(rows));
  return 0;
}
