// Benchmark (1) of training runs: is tracking nearly free? The same experiment (MLP 784-128-10 on wasm, timed inside
// the file after a warm-up epoch) runs under plain `node dist/runtime/runScript.mjs` and under `mlts run` (fit
// hooked, metrics written and fsynced every epoch, a batch point per second, run.json kept up to date).
// Interleaved, MLTS_BENCH_RUNS times each (default 5; the order flips every round); we report median samples/s and
// the ratio mlts/plain (goal ≥ 0.98), both per wall-clock second and per CPU second of the training process (the
// steadier number on a shared machine: other processes stretch wall time, not our CPU time), plus the whole
// process's wall time, where mlts adds its CLI's start-up.
// Run: npm run build && npm run bench -- training-overhead
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { overheadExperiment } from './trainingModels';
import { formatMs, median, timeProcess } from './stats';

const root = join(__dirname, '..');
const RUNS = Number(process.env.MLTS_BENCH_RUNS ?? 5);

function throughput(output: string): { wall: number; cpu: number } {
  const match = /THROUGHPUT (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)/.exec(output);
  if (!match) throw new Error(`no THROUGHPUT line in:\n${output}`);
  return { wall: Number(match[1]), cpu: Number(match[2]) };
}

export interface TrainingOverheadResult {
  runs: number;
  plainSamplesPerSecond: number;
  mltsSamplesPerSecond: number;
  ratio: number;
  /** Median of the per-round ratios (each round runs both back to back), steadier when the machine drifts. */
  pairedRatio: number;
  plainSamplesPerCpuSecond: number;
  mltsSamplesPerCpuSecond: number;
  cpuRatio: number;
  plainWallMs: number;
  mltsWallMs: number;
}

export function benchTrainingOverhead(): TrainingOverheadResult {
  const dir = join(root, 'bench', 'generated', 'training');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'throughput.ml.ts');
  writeFileSync(file, overheadExperiment(4096, 64, 4));
  const plain: { wall: number; cpu: number }[] = [];
  const tracked: { wall: number; cpu: number }[] = [];
  const plainWall: number[] = [];
  const trackedWall: number[] = [];
  const runPlain = () => {
    const p = timeProcess(process.execPath, [join(root, 'dist', 'runtime', 'runScript.mjs'), file], dir);
    if (p.status !== 0) throw new Error(`plain run failed:\n${p.output}`);
    plain.push(throughput(p.output));
    plainWall.push(p.ms);
  };
  const runTracked = () => {
    const m = timeProcess(process.execPath, [join(root, 'dist', 'cli.js'), 'run', file, '--backend', 'wasm'], dir);
    if (m.status !== 0) throw new Error(`mlts run failed:\n${m.output}`);
    const id = m.output.split('\n')[0]!.trim();
    tracked.push(throughput(readFileSync(join(dir, '.mlts', 'runs', id, 'stdout.log'), 'utf8')));
    trackedWall.push(m.ms);
  };
  for (let run = 0; run < RUNS; run++) {
    if (run % 2 === 0) {
      runPlain();
      runTracked();
    } else {
      runTracked();
      runPlain();
    }
  }
  const wall = (list: { wall: number }[]) => list.map((t) => t.wall);
  const cpu = (list: { cpu: number }[]) => list.map((t) => t.cpu);
  const result: TrainingOverheadResult = {
    runs: RUNS,
    plainSamplesPerSecond: median(wall(plain)),
    mltsSamplesPerSecond: median(wall(tracked)),
    ratio: median(wall(tracked)) / median(wall(plain)),
    pairedRatio: median(tracked.map((t, i) => t.wall / plain[i]!.wall)),
    plainSamplesPerCpuSecond: median(cpu(plain)),
    mltsSamplesPerCpuSecond: median(cpu(tracked)),
    cpuRatio: median(cpu(tracked)) / median(cpu(plain)),
    plainWallMs: median(plainWall),
    mltsWallMs: median(trackedWall),
  };
  const all = (values: number[]) => values.map((v) => v.toFixed(0)).join(' ');
  console.log(`plain node  ${result.plainSamplesPerSecond.toFixed(0)} samples/s, ${result.plainSamplesPerCpuSecond.toFixed(0)} per CPU s  (process ${formatMs(result.plainWallMs)})   wall: ${all(wall(plain))}`);
  console.log(`mlts run    ${result.mltsSamplesPerSecond.toFixed(0)} samples/s, ${result.mltsSamplesPerCpuSecond.toFixed(0)} per CPU s  (process ${formatMs(result.mltsWallMs)})   wall: ${all(wall(tracked))}`);
  console.log(`ratio mlts/plain: wall ${result.ratio.toFixed(3)} of medians, ${result.pairedRatio.toFixed(3)} median of paired rounds; CPU ${result.cpuRatio.toFixed(3)} (goal ≥ 0.98)`);
  return result;
}
