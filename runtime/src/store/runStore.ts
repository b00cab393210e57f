// The embedded run store: one directory per run under `<store>/runs/<id>/` (the store is `.mlts/` in the workspace
// by default), holding run.json (the RunRecord, replaced atomically: written to a temporary file, then renamed),
// metrics.jsonl (appended by the run, see metricsLog.ts), stdout.log, stderr.log and artifacts/.
// One writer per run.json: the process that launched the run. Readers repair one thing: a run still marked
// running (or queued) whose process is gone is marked killed (or cancelled), so a crash never leaves a run
// "running" forever. Used by the CLI, the extension and the dashboard alike; it never imports `vscode`.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { METRICS_FILE, readMetrics, type MetricsReadResult } from './metricsLog';
import { isRunRecord, type RunRecord } from './runRecord';

export const STORE_DIR = '.mlts';
export const RUN_FILE = 'run.json';
export const STDOUT_FILE = 'stdout.log';
export const STDERR_FILE = 'stderr.log';
export const ARTIFACTS_DIR = 'artifacts';

/** Writes `text` to `path` so that readers see the old or the new content, never a mix. */
export function writeFileAtomic(path: string, text: string): void {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, text);
  try {
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
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

  write(record: RunRecord): void {
    writeFileAtomic(join(this.runDir(record.id), RUN_FILE), JSON.stringify(record, null, 2) + '\n');
  }

  /** Reads one run's record; null when it is missing or unreadable. */
  read(id: string): RunRecord | null {
    try {
      const value: unknown = JSON.parse(readFileSync(join(this.runDir(id), RUN_FILE), 'utf8'));
      return isRunRecord(value) ? value : null;
    } catch {
      return null;
    }
  }

  /** Reads, changes and writes back one record (only the run's supervisor should call this). */
  update(id: string, change: (record: RunRecord) => void): RunRecord | null {
    const record = this.read(id);
    if (!record) return null;
    change(record);
    this.write(record);
    return record;
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

  /** Marks a run whose process is gone as killed (or a queued run whose launcher is gone as cancelled). */
  repairVanished(record: RunRecord, now = new Date()): RunRecord {
    if (record.host !== hostname()) return record;
    let status: RunRecord['status'] | null = null;
    let message = '';
    if (record.status === 'running' && (record.pid === null || !isProcessAlive(record.pid, record.id))) {
      // A run between spawn and its first report has no pid yet; its supervisor being alive means it is starting.
      if (record.pid === null && record.supervisorPid !== null && isProcessAlive(record.supervisorPid)) return record;
      status = 'killed';
      message = `the run's process (pid ${record.pid ?? 'unknown'}) ended without reporting; found by a reader`;
    } else if (record.status === 'queued' && record.supervisorPid !== null && !isProcessAlive(record.supervisorPid)) {
      status = 'cancelled';
      message = `the launcher (pid ${record.supervisorPid}) ended before the run started`;
    }
    if (!status) return record;
    const repaired: RunRecord = { ...record, status, message, endedAt: record.endedAt ?? now.toISOString() };
    try {
      this.write(repaired);
    } catch {
      // A read-only store still lists the run with its true status.
    }
    return repaired;
  }
}
