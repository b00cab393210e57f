// Benchmark (1) of training runs: is tracking nearly free? The same experiment (MLP 784-128-10 on wasm, timed inside
// the file after a warm-up epoch) runs under plain `node dist/runtime/runScript.mjs` and under `mlts run` (fit
// hooked, metrics written and fsynced every epoch, a batch point per second, run.json kept up to date).
// Interleaved, MLTS_BENCH_RUNS times each (default 5); we report median samples/s and the ratio mlts/plain
// (goal ≥ 0.98), plus the whole process's wall time, where mlts adds its CLI's start-up.
// Run: npm run build && npm run bench -- training-overhead
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { overheadExperiment } from './trainingModels';
import { formatMs, median, timeProcess } from './stats';

const root = join(__dirname, '..');
const RUNS = Number(process.env.MLTS_BENCH_RUNS ?? 5);

function throughput(output: string): number {
  const match = /THROUGHPUT (\d+(?:\.\d+)?)/.exec(output);
  if (!match) throw new Error(`no THROUGHPUT line in:\n${output}`);
  return Number(match[1]);
}

export interface TrainingOverheadResult {
  runs: number;
  plainSamplesPerSecond: number;
  mltsSamplesPerSecond: number;
  ratio: number;
  /** Median of the per-round ratios (each round runs both back to back), steadier when the machine drifts. */
  pairedRatio: number;
  plainWallMs: number;
  mltsWallMs: number;
}

export function benchTrainingOverhead(): TrainingOverheadResult {
  const dir = join(root, 'bench', 'generated', 'training');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'throughput.ml.ts');
  writeFileSync(file, overheadExperiment(4096, 64, 4));
  const plain: number[] = [];
  const tracked: number[] = [];
  const plainWall: number[] = [];
  const trackedWall: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const p = timeProcess(process.execPath, [join(root, 'dist', 'runtime', 'runScript.mjs'), file], dir);
    if (p.status !== 0) throw new Error(`plain run failed:\n${p.output}`);
    plain.push(throughput(p.output));
    plainWall.push(p.ms);
    const m = timeProcess(process.execPath, [join(root, 'dist', 'cli.js'), 'run', file, '--backend', 'wasm'], dir);
    if (m.status !== 0) throw new Error(`mlts run failed:\n${m.output}`);
    const id = m.output.split('\n')[0]!.trim();
    tracked.push(throughput(readFileSync(join(dir, '.mlts', 'runs', id, 'stdout.log'), 'utf8')));
    trackedWall.push(m.ms);
  }
  const result: TrainingOverheadResult = {
    runs: RUNS,
    plainSamplesPerSecond: median(plain),
    mltsSamplesPerSecond: median(tracked),
    ratio: median(tracked) / median(plain),
    pairedRatio: median(tracked.map((t, i) => t / plain[i]!)),
    plainWallMs: median(plainWall),
    mltsWallMs: median(trackedWall),
  };
  console.log(`plain node  ${result.plainSamplesPerSecond.toFixed(0)} samples/s  (process ${formatMs(result.plainWallMs)})   all: ${plain.map((v) => v.toFixed(0)).join(' ')}`);
  console.log(`mlts run    ${result.mltsSamplesPerSecond.toFixed(0)} samples/s  (process ${formatMs(result.mltsWallMs)})   all: ${tracked.map((v) => v.toFixed(0)).join(' ')}`);
  console.log(`ratio mlts/plain ${result.ratio.toFixed(3)} of medians, ${result.pairedRatio.toFixed(3)} median of paired rounds (goal ≥ 0.98)`);
  return result;
}
