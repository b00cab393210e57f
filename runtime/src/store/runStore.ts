// The embedded run store: one directory per run under `<store>/runs/<id>/` (the store is `.mlts/` in the workspace
// by default), holding run.json (the launcher's RunRecord), state.json (the run process's own RunOwnState), both
// replaced atomically (written to a temporary file, then renamed), metrics.jsonl (appended by the run, see
// metricsLog.ts), stdout.log, stderr.log and artifacts/. Each record has one writer: run.json the launcher or
// executor, state.json the run process. `read` and `list` merge them (runRecord.ts's mergeRunRecord). Readers
// repair one thing: a local run still "running" whose process is gone is marked killed in its state.json, and a
// queued one whose launcher is gone cancelled in its run.json (the writer of each is gone), so a crash never
// leaves a run "running" forever. Used by the CLI, the extension and the dashboard alike; it never imports `vscode`.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { isUtf8 } from 'node:buffer';
import { basename, dirname, join } from 'node:path';
import { METRICS_FILE, readLastValues, readMetrics, type MetricsFileOptions, type MetricsFileResult } from './metricsLog';
import { describeFileError } from './metricsReader';
import { isRunOwnState, isRunRecord, mergeRunRecord, type RunOwnState, type RunRecord } from './runRecord';

export const STORE_DIR = '.mlts';
export const RUN_FILE = 'run.json';
export const STATE_FILE = 'state.json';
export const STDOUT_FILE = 'stdout.log';
export const STDERR_FILE = 'stderr.log';
export const ARTIFACTS_DIR = 'artifacts';

/**
 * Writes `text` to `path` so that readers see the old or the new content, never a mix. `durable` also fsyncs the
 * file before the rename and the directory after it, so the new content survives a crash of the machine.
 */
export function writeFileAtomic(path: string, text: string, durable = false): void {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const fd = openSync(temp, 'w');
    try {
      writeSync(fd, text);
      if (durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    if (rewriteInPlaceWhenFull(path, text, err)) return;
    // writeSync's error names no file; the record's path makes "disk full" say where.
    if (err && typeof err === 'object') (err as NodeJS.ErrnoException).path ??= path;
    throw err;
  }
  if (durable) syncDirectory(dirname(path));
}

/**
 * On a full disk a temporary copy cannot be made, but an existing record's own blocks can still be overwritten:
 * when the new text fits in the blocks the file already holds, it is written in place (not atomic: a reader may see
 * a torn record for a moment, which readers report and get past). This is how a run's final state still says
 * "disk full". True when it was written.
 */
function rewriteInPlaceWhenFull(path: string, text: string, err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code !== 'ENOSPC' && code !== 'EDQUOT') return false;
  try {
    const bytes = Buffer.from(text);
    const stat = statSync(path);
    if (!stat.isFile() || bytes.length > stat.blocks * 512) return false;
    const fd = openSync(path, 'r+');
    try {
      writeSync(fd, bytes, 0, bytes.length, 0);
      ftruncateSync(fd, bytes.length);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return true;
  } catch {
    return false;
  }
}

function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some file systems refuse to fsync a directory; the rename itself is still atomic.
  }
}

/** A JSON file as read: its value (undefined when unreadable) and, when something is wrong with it, why. */
export interface JsonRead {
  value: unknown;
  /** Null when the file is fine or missing; else one short reason naming the file (`run.json is not JSON: …`). */
  problem: string | null;
  missing: boolean;
}

/**
 * Reads a JSON record and says exactly what is wrong with it when something is: a folder in its place, no
 * permission, empty, torn or garbage text, bytes that are not UTF-8 (the value is still used, with U+FFFD in place
 * of the bad bytes, so one bad byte in a message does not hide a run). Never throws.
 */
export function readJsonFile(path: string, name = basename(path)): JsonRead {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    return { value: undefined, problem: missing ? null : describeFileError(err, name), missing };
  }
  if (bytes.length === 0) return { value: undefined, problem: `${name} is empty (0 bytes)`, missing: false };
  const badUtf8 = !isUtf8(bytes);
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return { value, problem: badUtf8 ? `${name} has bytes that are not valid UTF-8 (shown as \uFFFD)` : null, missing: false };
  } catch (err) {
    const reason = badUtf8 ? 'is not valid UTF-8 or JSON' : `is not valid JSON (${(err as Error).message.slice(0, 120)})`;
    return { value: undefined, problem: `${name} ${reason}`, missing: false };
  }
}

/** Whether `pid` is a live process on this machine; with `marker`, also that its command line contains it. */
export function isProcessAlive(pid: number, marker?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (marker === undefined) return true;
  // On Linux the command line tells a reused pid apart from the run's own process.
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
  } catch {
    return !existsSync('/proc/self');
  }
}

/** A new run id: sortable by time, readable, unique enough for one workspace. */
export function newRunId(fileStem: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const stem = fileStem.replace(/\.ml\.ts$|\.ts$/, '').replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 40);
  return `${stamp}-${stem}-${randomBytes(3).toString('hex')}`;
}

export interface RunInspection {
  record: RunRecord | null;
  /** What is wrong with the run's records, one reason each; empty when nothing is. */
  problems: string[];
  /** True when the folder has no run.json at all (not a run, or one being created). */
  missing: boolean;
}

export interface ListedRuns {
  runs: RunRecord[];
  warnings: string[];
}

export class RunStore {
  readonly runsDir: string;

  /** `root` is the store directory itself (`<workspace>/.mlts` by default). */
  constructor(readonly root: string) {
    this.runsDir = join(root, 'runs');
  }

  static forWorkspace(workspace: string): RunStore {
    return new RunStore(join(workspace, STORE_DIR));
  }

  runDir(id: string): string {
    return join(this.runsDir, id);
  }

  /** Creates the store (with a `.gitignore` of `*`, so runs never end up in git) and the run's directory. */
  create(record: RunRecord): void {
    mkdirSync(join(this.runDir(record.id), ARTIFACTS_DIR), { recursive: true });
    const ignore = join(this.root, '.gitignore');
    // Atomic, so a full disk leaves no .gitignore (tried again next time) rather than an empty one that ignores nothing.
    if (!existsSync(ignore)) writeFileAtomic(ignore, '# mlts run store: never commit it\n*\n', true);
    this.write(record);
  }

  /** Replaces run.json, the launcher's record (only the run's launcher or executor calls this). */
  write(record: RunRecord): void {
    writeFileAtomic(join(this.runDir(record.id), RUN_FILE), JSON.stringify(record, null, 2) + '\n', true);
  }

  /** Replaces state.json, the run's own record (only the run process, or a reader repairing a vanished one). */
  writeOwnState(state: RunOwnState, durable: boolean): void {
    writeFileAtomic(join(this.runDir(state.id), STATE_FILE), JSON.stringify(state, null, 2) + '\n', durable);
  }

  /** The launcher's record as written, without the run's own state; null when missing or unreadable. */
  readLaunch(id: string): RunRecord | null {
    const { value } = readJsonFile(join(this.runDir(id), RUN_FILE));
    return isRunRecord(value) ? value : null;
  }

  /** The run's own state; null before the run process wrote it (or when unreadable). */
  readOwnState(id: string): RunOwnState | null {
    const { value } = readJsonFile(join(this.runDir(id), STATE_FILE));
    return isRunOwnState(value) ? value : null;
  }

  /** Reads one run's merged record (launcher's record with the run's own state over it); null when missing. */
  read(id: string): RunRecord | null {
    return this.inspect(id).record;
  }

  /**
   * Reads one run and says what is wrong with its records: `record` is null when run.json is missing or unusable
   * (then `problems` says why, unless it is simply missing); a broken state.json leaves the launcher's record with
   * the reason in `problems`.
   */
  inspect(id: string): RunInspection {
    const problems: string[] = [];
    const launch = readJsonFile(join(this.runDir(id), RUN_FILE));
    if (launch.problem) problems.push(launch.problem);
    if (!isRunRecord(launch.value)) {
      if (launch.value !== undefined) problems.push(`${RUN_FILE} is not a run record this version of mlts reads`);
      return { record: null, problems, missing: launch.missing };
    }
    const own = readJsonFile(join(this.runDir(id), STATE_FILE));
    if (own.problem) problems.push(`${own.problem}; showing the launcher's record`);
    else if (own.value !== undefined && !isRunOwnState(own.value)) problems.push(`${STATE_FILE} is not a run state this version of mlts reads; showing the launcher's record`);
    return { record: mergeRunRecord(launch.value, isRunOwnState(own.value) ? own.value : null), problems, missing: false };
  }

  /** Reads, changes and writes back the launcher's record (only the run's launcher or executor calls this). */
  update(id: string, change: (record: RunRecord) => void): RunRecord | null {
    const record = this.readLaunch(id);
    if (!record) return null;
    change(record);
    this.write(record);
    return this.read(id);
  }

  /** The run's metric points, streamed from metrics.jsonl (see MetricsFileOptions to bound what is kept). */
  metrics(id: string, options: MetricsFileOptions = {}): MetricsFileResult {
    return readMetrics(join(this.runDir(id), METRICS_FILE), options);
  }

  /** The last value of each epoch or logged metric, streamed without holding the run's points. */
  lastMetricValues(id: string): Record<string, number | null> {
    return readLastValues(join(this.runDir(id), METRICS_FILE));
  }

  /**
   * Why this store cannot be listed, in words (`… is a file, not a folder`), or null when it can (a store that
   * does not exist yet is fine: it has no runs).
   */
  storeProblem(): string | null {
    for (const [path, what] of [
      [this.root, 'the store'],
      [this.runsDir, "the store's runs folder"],
    ] as const) {
      try {
        if (!statSync(path).isDirectory()) return `${what} ${path} is a file, not a folder`;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        return describeFileError(err, `${what} ${path}`);
      }
    }
    try {
      readdirSync(this.runsDir);
    } catch (err) {
      return describeFileError(err, `the store's runs folder ${this.runsDir}`);
    }
    return null;
  }

  /**
   * All runs, oldest first. Runs whose process vanished are marked killed (running) or cancelled (queued, when
   * their supervisor is gone) and written back, unless `repair` is false.
   */
  list(options: { repair?: boolean } = {}): ListedRuns {
    const warnings: string[] = [];
    const runs: RunRecord[] = [];
    let names: string[];
    try {
      names = readdirSync(this.runsDir).sort();
    } catch {
      return { runs, warnings };
    }
    for (const name of names) {
      const { record, problems, missing } = this.inspect(name);
      if (missing) continue;
      for (const problem of problems) warnings.push(`run ${name}: ${problem}${record ? '' : '; skipped'}`);
      if (record) runs.push(options.repair === false ? record : this.repairVanished(record));
    }
    // Ids sort by the second they were made; the queue time orders runs made in the same second.
    runs.sort((a, b) => a.queuedAt.localeCompare(b.queuedAt) || a.id.localeCompare(b.id));
    return { runs, warnings };
  }

  /**
   * Marks a local run whose process is gone as killed (in its state.json, with the last metrics its metrics.jsonl
   * holds), or a queued local run whose launcher is gone as cancelled (in its run.json). Cluster runs are left to
   * their executor, which asks the cluster rather than this machine's process table.
   */
  repairVanished(record: RunRecord, now = new Date()): RunRecord {
    if (record.host !== hostname() || record.executor !== 'local') return record;
    const endedAt = record.endedAt ?? now.toISOString();
    try {
      if (record.status === 'running') {
        const own = this.readOwnState(record.id);
        if (own && own.nodeName === hostname() && !isProcessAlive(own.pid, record.id)) {
          const message = `the run's process (pid ${own.pid}) ended without writing how; found by a reader`;
          const finalMetrics = { ...own.finalMetrics, ...this.lastMetricValues(record.id) };
          try {
            this.writeOwnState({ ...own, status: 'killed', message, endedAt, finalMetrics }, true);
          } catch {
            // A read-only or full store still shows the run as it is; the next reader that can write records it.
          }
          return { ...record, status: 'killed', message, endedAt, finalMetrics };
        }
        // A format 1 record (no state.json) marked running by its launcher.
        if (!own && (record.pid === null || !isProcessAlive(record.pid, record.id))) {
          // Between spawn and its first report a format 1 run had no pid; a live launcher means it was starting.
          if (record.pid === null && record.supervisorPid !== null && isProcessAlive(record.supervisorPid)) return record;
          const message = `the run's process (pid ${record.pid ?? 'unknown'}) ended without reporting; found by a reader`;
          return this.repairLaunch(record, { status: 'killed', message, endedAt });
        }
      } else if (record.status === 'queued' && record.supervisorPid !== null && !isProcessAlive(record.supervisorPid)) {
        // A run spawned just before its launcher died may still be starting: its own state decides then.
        if (record.pid !== null && isProcessAlive(record.pid, record.id)) return record;
        return this.repairLaunch(record, { status: 'cancelled', message: `the launcher (pid ${record.supervisorPid}) ended before the run started`, endedAt });
      }
    } catch {
      // A read-only store still lists the run; the repair is made by the next reader that can write.
    }
    return record;
  }

  private repairLaunch(record: RunRecord, change: Pick<RunRecord, 'status' | 'message' | 'endedAt'>): RunRecord {
    const launch = this.readLaunch(record.id);
    if (launch) this.write({ ...launch, ...change });
    return { ...record, ...change };
  }
}
