// The embedded run store: one directory per run under `<store>/runs/<id>/` (the store is `.mlts/` in the workspace
// by default), holding run.json (the launcher's RunRecord), state.json (the run process's own RunOwnState), both
// replaced atomically (written to a temporary file, then renamed), metrics.jsonl (appended by the run, see
// metricsLog.ts), stdout.log, stderr.log and artifacts/. Each record has one writer: run.json the launcher or
// executor, state.json the run process. `read` and `list` merge them (runRecord.ts's mergeRunRecord). Readers
// repair one thing: a local run still "running" whose process is gone is marked killed in its state.json, and a
// queued one whose launcher is gone cancelled in its run.json (the writer of each is gone), so a crash never
// leaves a run "running" forever. Used by the CLI, the extension and the dashboard alike; it never imports `vscode`.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { lastValues, METRICS_FILE, readMetrics, type MetricsReadResult } from './metricsLog';
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
    throw err;
  }
  if (durable) syncDirectory(dirname(path));
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

/** Reads a JSON file; undefined when it is missing or not JSON. */
function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
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
    if (!existsSync(ignore)) writeFileSync(ignore, '# mlts run store: never commit it\n*\n');
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
    const value = readJson(join(this.runDir(id), RUN_FILE));
    return isRunRecord(value) ? value : null;
  }

  /** The run's own state; null before the run process wrote it (or when unreadable). */
  readOwnState(id: string): RunOwnState | null {
    const value = readJson(join(this.runDir(id), STATE_FILE));
    return isRunOwnState(value) ? value : null;
  }

  /** Reads one run's merged record (launcher's record with the run's own state over it); null when missing. */
  read(id: string): RunRecord | null {
    const launch = this.readLaunch(id);
    return launch ? mergeRunRecord(launch, this.readOwnState(id)) : null;
  }

  /** Reads, changes and writes back the launcher's record (only the run's launcher or executor calls this). */
  update(id: string, change: (record: RunRecord) => void): RunRecord | null {
    const record = this.readLaunch(id);
    if (!record) return null;
    change(record);
    this.write(record);
    return this.read(id);
  }

  metrics(id: string): MetricsReadResult {
    return readMetrics(join(this.runDir(id), METRICS_FILE));
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
      if (!existsSync(join(this.runDir(name), RUN_FILE))) continue;
      const record = this.read(name);
      if (!record) {
        warnings.push(`${join(this.runDir(name), RUN_FILE)}: not a readable run record; skipped`);
        continue;
      }
      runs.push(options.repair === false ? record : this.repairVanished(record));
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
          const finalMetrics = { ...own.finalMetrics, ...lastValues(this.metrics(record.id).points) };
          this.writeOwnState({ ...own, status: 'killed', message, endedAt, finalMetrics }, true);
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
