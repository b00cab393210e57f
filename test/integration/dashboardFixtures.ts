// Helpers for the dashboard's browser tests, e2e test and benchmark: build the dashboard bundle into test-results/
// (so tests never touch dist/, which other builds replace), seed a run store by writing run directories in the
// documented format (docs/run-store.md), and start the real `mlts ui` command on it, reading its URL from stdout.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import * as esbuild from 'esbuild';
import { newRunRecord, type ParamValue, type RunRecord, type RunStatus } from '../../runtime/src/store/runRecord';
import { RunStore } from '../../runtime/src/store/runStore';

export const REPO = resolve(__dirname, '..', '..');
export const RESULTS = join(REPO, 'test-results');

/** Builds webviews/src/dashboardPanel.ts with uPlot's CSS into test-results/<name>/assets. */
export async function buildDashboardAssets(name: string): Promise<string> {
  const outdir = join(RESULTS, name, 'assets');
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  await esbuild.build({
    absWorkingDir: REPO,
    entryPoints: ['webviews/src/dashboardPanel.ts'],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outdir,
    logLevel: 'warning',
    minify: true,
  });
  copyFileSync(join(REPO, 'node_modules', 'uplot', 'dist', 'uPlot.min.css'), join(outdir, 'uPlot.min.css'));
  return outdir;
}

/** A deterministic pseudo-random sequence, so seeded curves are the same on every run of the tests. */
export function noise(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

export function metricLine(epoch: number, t: number, loss: number, extra: Record<string, number> = {}): string {
  return JSON.stringify({ kind: 'epoch', t, step: epoch, fit: 0, values: { loss, ...extra } }) + '\n';
}

export interface SeedOptions {
  id: string;
  status: RunStatus;
  params: Record<string, ParamValue>;
  epochs: number;
  seed: number;
  message?: string;
  /** Milliseconds between points (default 1000). */
  intervalMs?: number;
}

export class SeededStore {
  readonly root: string;
  readonly store: RunStore;
  readonly ids: string[] = [];

  /** A fresh store at `root` (test-results/<name>/store for the browser tests, <workspace>/.mlts for e2e). */
  constructor(root: string) {
    this.root = root;
    rmSync(this.root, { recursive: true, force: true });
    this.store = new RunStore(this.root);
  }

  metricsPath(id: string): string {
    return join(this.store.runDir(id), 'metrics.jsonl');
  }

  updateStatus(id: string, status: RunStatus): void {
    this.store.update(id, (r) => {
      r.status = status;
      r.endedAt = new Date().toISOString();
    });
  }
}

/** Writes one run: run.json (on another host, so no reader "repairs" a running run) and its metrics. */
export function seedRun(seeded: SeededStore, options: SeedOptions): RunRecord {
  const start = Date.UTC(2026, 10, 25, 10, 0, 0) + seeded.ids.length * 60_000;
  const interval = options.intervalMs ?? 1000;
  const rand = noise(options.seed);
  const lr = typeof options.params.lr === 'number' ? options.params.lr : 0.01;
  const lines: string[] = [];
  for (let e = 0; e < options.epochs; e++) {
    const loss = 0.05 + 2.2 * Math.exp(-e * Math.min(1, lr) * 2) + rand() * 0.3;
    lines.push(metricLine(e, start + (e + 1) * interval, Math.max(0.01, loss), { acc: Math.min(1, 0.1 + e / (options.epochs + 5) + rand() * 0.05) }));
  }
  const last = lines.length ? (JSON.parse(lines[lines.length - 1]!) as { values: Record<string, number> }).values : {};
  const final = options.status !== 'queued' && options.status !== 'running';
  const record = newRunRecord(
    {
      id: options.id,
      file: join(seeded.root, 'exp.ml.ts'),
      relativeFile: 'exp.ml.ts',
      fileHash: '0'.repeat(64),
      git: null,
      params: options.params,
      overrides: {},
      requestedBackend: 'auto',
      node: 'v20',
      host: 'seeded-elsewhere',
      supervisorPid: null,
      group: null,
      queuedAt: new Date(start).toISOString(),
    },
    {
      status: options.status,
      startedAt: options.status === 'queued' ? null : new Date(start).toISOString(),
      endedAt: final ? new Date(start + (options.epochs + 1) * interval).toISOString() : null,
      backend: options.status === 'queued' ? null : { name: 'cpu', option: 'cpu', reason: 'seeded', device: 'cpu', attempts: [] },
      finalMetrics: last,
      message: options.message ?? null,
      progress: options.epochs ? { epoch: options.epochs, epochs: Math.max(options.epochs, 10) } : null,
    },
  );
  seeded.store.create(record);
  writeFileSync(seeded.metricsPath(options.id), lines.join(''));
  seeded.ids.push(options.id);
  return record;
}

export interface RunningUi {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts `mlts ui --store <root> --port 0` from the sources (tsx) with the given assets; resolves with its URL. */
export async function startUi(storeRoot: string, assetsDir: string): Promise<RunningUi> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'cli', 'src', 'main.ts'), 'ui', '--store', storeRoot, '--port', '0'], {
    cwd: REPO,
    env: { ...process.env, MLTS_UI_ASSETS: assetsDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolveUrl(line.trim()));
    child.once('exit', (code) => reject(new Error(`mlts ui exited with ${code}: ${stderr}`)));
  });
  return {
    url,
    port: Number(new URL(url).port),
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

/** The built `mlts ui` (dist/cli.js; run `npm run build` first) on `root`, as a user starts it; resolves with its URL. */
export async function startBuiltUi(root: string): Promise<{ url: string; child: ChildProcess; stderr: () => string }> {
  const child = spawn(process.execPath, [join(REPO, 'dist', 'cli.js'), 'ui', '--store', root, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolveUrl(line.trim()));
    child.once('exit', (code) => reject(new Error(`mlts ui exited with ${code}: ${stderr}`)));
  });
  return { url, child, stderr: () => stderr };
}

/**
 * Page-side probes the browser tests and the benchmark install with `page.addInitScript` (plain JavaScript, since the
 * Node-side type check has no DOM): canvas pixel counts and diffs, the points the charts drew, and a frame wait.
 */
export const PAGE_PROBES = `
window.mltsProbe = {
  canvas(metric) {
    return document.querySelector('.chart[data-metric="' + metric + '"] canvas');
  },
  points() {
    const charts = document.querySelector('.charts');
    return charts ? Number(charts.dataset.points || 0) : 0;
  },
  colouredPixels(metric, rgb) {
    const canvas = this.canvas(metric);
    if (!canvas) return 0;
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 200 && Math.abs(data[i] - rgb[0]) + Math.abs(data[i + 1] - rgb[1]) + Math.abs(data[i + 2] - rgb[2]) < 40) n++;
    }
    return n;
  },
  /** The CSS position, relative to the canvas, of the middle one of its pixels close to rgb. */
  findColour(metric, rgb) {
    const canvas = this.canvas(metric);
    if (!canvas) return null;
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    const hits = [];
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 200 && Math.abs(data[i] - rgb[0]) + Math.abs(data[i + 1] - rgb[1]) + Math.abs(data[i + 2] - rgb[2]) < 20) hits.push(i / 4);
    }
    if (!hits.length) return null;
    const p = hits[hits.length >> 1];
    const scale = canvas.getBoundingClientRect().width / canvas.width;
    return { x: (p % canvas.width) * scale, y: Math.floor(p / canvas.width) * scale };
  },
  snapshot(metric) {
    const canvas = this.canvas(metric);
    return canvas ? canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data.slice() : null;
  },
  differingPixels(metric, before) {
    const now = this.snapshot(metric);
    if (!now || !before || now.length !== before.length) return -1;
    let n = 0;
    for (let i = 0; i < now.length; i += 4) if (now[i] !== before[i] || now[i + 1] !== before[i + 1] || now[i + 2] !== before[i + 2]) n++;
    return n;
  },
  frames(n) {
    return new Promise((resolve) => {
      const step = () => (n-- <= 0 ? resolve(true) : requestAnimationFrame(step));
      requestAnimationFrame(step);
    });
  },
};
`;

/** The probes' type, for page functions (`globalThis as unknown as ProbeWindow`). */
export interface ProbeWindow {
  mltsProbe: {
    canvas(metric: string): unknown;
    points(): number;
    colouredPixels(metric: string, rgb: [number, number, number]): number;
    findColour(metric: string, rgb: [number, number, number]): { x: number; y: number } | null;
    snapshot(metric: string): unknown;
    differingPixels(metric: string, before: unknown): number;
    frames(n: number): Promise<boolean>;
  };
  rawLoss?: unknown;
}
