// Benchmark for the data profiler (issue 8): a generated 1,000,000-row CSV (an id, five float columns with 2–4
// decimals, an integer label), profiled by mlts's streaming profiler (bundled, as its own Node process) and by
// pandas doing `read_csv` plus `describe()` (Debian's python3-pandas, its own Python process). Each side runs
// `MLTS_BENCH_RUNS` times (default 5), interleaved, under `/usr/bin/time` for wall and CPU time and peak RSS; we report
// medians, the in-process work time each side measures itself, and the ratios mlts / pandas. The run fails
// unless both sides read the same row count and the same mean of one column.
// Run: npm run bench -- data-profile   (needs `apt-get install -y python3-pandas`)
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { mulberry32 } from '../runtime/src/runner/seededRandom';
import { formatMs, median } from './stats';

const root = join(__dirname, '..');
const ROWS = Number(process.env.MLTS_BENCH_DATA_ROWS ?? 1_000_000);
const RUNS = Number(process.env.MLTS_BENCH_RUNS ?? 5);
const PYTHON = '/usr/bin/python3';
const TIME = '/usr/bin/time';

const PANDAS_SCRIPT = `
import json, sys, time
started = time.perf_counter()
import pandas as pd
imported = time.perf_counter()
df = pd.read_csv(sys.argv[1])
d = df.describe()
done = time.perf_counter()
col = df.columns[1]
print(json.dumps({"rows": int(len(df)), "columns": int(d.shape[1]), "workMs": (done - imported) * 1000, "importMs": (imported - started) * 1000, "count": int(d[col]["count"]), "mean": float(d[col]["mean"])}))
`;

export interface DataProfileResult {
  rows: number;
  bytes: number;
  runs: number;
  mlts: { wallMs: number; cpuMs: number; workMs: number; peakRssMiB: number };
  pandas: { wallMs: number; cpuMs: number; workMs: number; importMs: number; peakRssMiB: number };
  ratio: { wall: number; cpu: number; work: number; peakRss: number };
}

/** Writes the CSV once per row count, streaming, so the generator itself stays small. */
async function generate(file: string, rows: number): Promise<void> {
  if (existsSync(file)) return;
  const random = mulberry32(8);
  const out = createWriteStream(file);
  const write = (text: string) => (out.write(text) ? Promise.resolve() : new Promise<void>((resolve) => out.once('drain', () => resolve())));
  await write('id,sepal_length,sepal_width,petal_length,petal_width,weight,species\n');
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    chunk += `${i},${(4 + random() * 4).toFixed(2)},${(2 + random() * 2.5).toFixed(2)},${(1 + random() * 6).toFixed(3)},${(random() * 2.5).toFixed(4)},${(random() * 1000 - 500).toFixed(3)},${Math.floor(random() * 3)}\n`;
    if (chunk.length > 1 << 16) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

interface Measured {
  wallMs: number;
  /** User + system CPU time: steadier than wall time on a shared machine. */
  cpuMs: number;
  peakRssKiB: number;
  report: { rows: number; columns: number; workMs: number; importMs?: number; count: number; mean: number };
}

/** Runs a command under /usr/bin/time: wall seconds and peak RSS come from time, the report from stdout. */
function measure(command: string, args: string[]): Measured {
  const r = spawnSync(TIME, ['-f', 'MLTS_TIME %e %M %U %S', command, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (r.error) throw r.error;
  const timing = /MLTS_TIME ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(r.stderr);
  if (r.status !== 0 || !timing) throw new Error(`${command} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return { wallMs: Number(timing[1]) * 1000, cpuMs: (Number(timing[3]) + Number(timing[4])) * 1000, peakRssKiB: Number(timing[2]), report: JSON.parse(r.stdout.trim().split('\n').pop()!) };
}

export async function benchDataProfile(): Promise<DataProfileResult> {
  const dir = join(root, 'bench', 'generated');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `profile-${ROWS}.csv`);
  await generate(file, ROWS);
  const worker = join(dir, 'dataProfileWorker.mjs');
  await esbuild.build({ entryPoints: [join(root, 'bench', 'dataProfileWorker.ts')], bundle: true, platform: 'node', target: 'node20', format: 'esm', outfile: worker, logLevel: 'warning', minify: true });
  const pandasProbe = spawnSync(PYTHON, ['-c', 'import pandas; print(pandas.__version__)'], { encoding: 'utf8' });
  if (pandasProbe.status !== 0) throw new Error('pandas is missing: apt-get install -y python3-pandas');
  const bytes = statSync(file).size;
  console.log(`${ROWS.toLocaleString('en-US')} rows, ${(bytes / 1e6).toFixed(1)} MB; pandas ${pandasProbe.stdout.trim()}; ${RUNS} runs each, interleaved`);
  const mlts: Measured[] = [];
  const pandas: Measured[] = [];
  for (let run = 0; run < RUNS; run++) {
    mlts.push(measure(process.execPath, [worker, file]));
    pandas.push(measure(PYTHON, ['-c', PANDAS_SCRIPT, file]));
  }
  const [m, p] = [mlts[0]!.report, pandas[0]!.report];
  if (m.rows !== p.rows || m.count !== p.count || Math.abs(m.mean - p.mean) > 1e-9 * Math.abs(p.mean)) {
    throw new Error(`the two sides disagree: mlts ${JSON.stringify(m)} pandas ${JSON.stringify(p)}`);
  }
  const med = (xs: Measured[], f: (x: Measured) => number) => median(xs.map(f));
  const result: DataProfileResult = {
    rows: ROWS,
    bytes,
    runs: RUNS,
    mlts: { wallMs: med(mlts, (x) => x.wallMs), cpuMs: med(mlts, (x) => x.cpuMs), workMs: med(mlts, (x) => x.report.workMs), peakRssMiB: med(mlts, (x) => x.peakRssKiB) / 1024 },
    pandas: {
      wallMs: med(pandas, (x) => x.wallMs),
      cpuMs: med(pandas, (x) => x.cpuMs),
      workMs: med(pandas, (x) => x.report.workMs),
      importMs: med(pandas, (x) => x.report.importMs ?? 0),
      peakRssMiB: med(pandas, (x) => x.peakRssKiB) / 1024,
    },
    ratio: { wall: 0, cpu: 0, work: 0, peakRss: 0 },
  };
  result.ratio = {
    wall: result.mlts.wallMs / result.pandas.wallMs,
    cpu: result.mlts.cpuMs / result.pandas.cpuMs,
    work: result.mlts.workMs / result.pandas.workMs,
    peakRss: result.mlts.peakRssMiB / result.pandas.peakRssMiB,
  };
  console.log('| | process wall time | process CPU time | profile work (in process) | peak RSS |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  console.log(`| mlts profiler (node) | ${formatMs(result.mlts.wallMs)} | ${formatMs(result.mlts.cpuMs)} | ${formatMs(result.mlts.workMs)} | ${result.mlts.peakRssMiB.toFixed(0)} MiB |`);
  console.log(
    `| pandas read_csv + describe | ${formatMs(result.pandas.wallMs)} | ${formatMs(result.pandas.cpuMs)} | ${formatMs(result.pandas.workMs)} (+ import ${formatMs(result.pandas.importMs)}) | ${result.pandas.peakRssMiB.toFixed(0)} MiB |`,
  );
  console.log(`| **ratio mlts / pandas** | **${result.ratio.wall.toFixed(2)}** | **${result.ratio.cpu.toFixed(2)}** | ${result.ratio.work.toFixed(2)} | ${result.ratio.peakRss.toFixed(2)} |`);
  return result;
}
