// Benchmark (2) of training runs: store ingest. How many metric points per second the run store's MetricsWriter
// appends (one JSON line and one write per point, as a run does for batch points), how many it appends when every
// point is fsynced (as a run does for epoch points), and how fast parseMetrics reads them back. Peers: the least
// any JSON-lines log can do (JSON.stringify + appendFileSync per point), and appendFileSync of lines serialized
// beforehand (the cost of the writes alone).
// Medians over MLTS_BENCH_RUNS (default 5) rounds of POINTS points (default 20,000; 500 for the fsync case).
// Run: npm run bench -- training-store
import { appendFileSync, closeSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { MetricsWriter, parseMetrics } from '../runtime/src/store/metricsLog';
import type { MetricPoint } from '../runtime/src/store/runRecord';
import { median } from './stats';

const root = join(__dirname, '..');
const RUNS = Number(process.env.MLTS_BENCH_RUNS ?? 5);
const POINTS = Number(process.env.MLTS_BENCH_POINTS ?? 20_000);
const SYNCED_POINTS = 500;

function point(i: number): MetricPoint {
  return { kind: 'batch', t: 1_790_000_000_000 + i, step: Math.floor(i / 100), batch: i % 100, fit: 0, values: { loss: 1 / (i + 1), acc: i / (i + 1), lr: 0.001 } };
}

function perSecond(count: number, work: () => void): number {
  const started = process.hrtime.bigint();
  work();
  return count / (Number(process.hrtime.bigint() - started) / 1e9);
}

export interface TrainingStoreResult {
  points: number;
  writerPointsPerSecond: number;
  naiveLoggerPointsPerSecond: number;
  writerVsNaive: number;
  rawAppendLinesPerSecond: number;
  fsyncedPointsPerSecond: number;
  readPointsPerSecond: number;
}

export function benchTrainingStore(): TrainingStoreResult {
  const dir = join(root, 'bench', 'generated', 'training-store');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const points = Array.from({ length: POINTS }, (_, i) => point(i));
  const lines = points.map((p) => JSON.stringify(p) + '\n');
  const writer: number[] = [];
  const naive: number[] = [];
  const raw: number[] = [];
  const synced: number[] = [];
  const read: number[] = [];
  // Round 0 warms the JIT and the file system and is dropped.
  for (let run = 0; run <= RUNS; run++) {
    if (run === 1) for (const list of [writer, naive, raw, synced, read]) list.length = 0;
    const path = join(dir, `writer-${run}.jsonl`);
    writer.push(
      perSecond(POINTS, () => {
        const w = new MetricsWriter(path);
        for (const p of points) w.append(p);
        w.close();
      }),
    );
    naive.push(
      perSecond(POINTS, () => {
        const fd = openSync(join(dir, `naive-${run}.jsonl`), 'a');
        for (const p of points) appendFileSync(fd, JSON.stringify(p) + '\n');
        closeSync(fd);
      }),
    );
    raw.push(
      perSecond(POINTS, () => {
        const fd = openSync(join(dir, `raw-${run}.jsonl`), 'a');
        for (const line of lines) appendFileSync(fd, line);
        closeSync(fd);
      }),
    );
    synced.push(
      perSecond(SYNCED_POINTS, () => {
        const w = new MetricsWriter(join(dir, `synced-${run}.jsonl`));
        for (let i = 0; i < SYNCED_POINTS; i++) w.append(points[i]!, true);
        w.close();
      }),
    );
    const text = readFileSync(path, 'utf8');
    read.push(
      perSecond(POINTS, () => {
        if (parseMetrics(text).points.length !== POINTS) throw new Error('lost points');
      }),
    );
  }
  const result: TrainingStoreResult = {
    points: POINTS,
    writerPointsPerSecond: median(writer),
    naiveLoggerPointsPerSecond: median(naive),
    writerVsNaive: median(writer) / median(naive),
    rawAppendLinesPerSecond: median(raw),
    fsyncedPointsPerSecond: median(synced),
    readPointsPerSecond: median(read),
  };
  const k = (n: number) => `${(n / 1000).toFixed(1)}k`;
  console.log(`MetricsWriter.append    ${k(result.writerPointsPerSecond)} points/s`);
  console.log(`naive JSON-lines logger ${k(result.naiveLoggerPointsPerSecond)} points/s (ratio writer/naive ${result.writerVsNaive.toFixed(2)})`);
  console.log(`pre-serialized appends  ${k(result.rawAppendLinesPerSecond)} lines/s (writes alone)`);
  console.log(`append + fsync each     ${k(result.fsyncedPointsPerSecond)} points/s (a run fsyncs once per epoch)`);
  console.log(`parseMetrics            ${k(result.readPointsPerSecond)} points/s`);
  return result;
}
