// Benchmark for the CLI's start-up (issue 11, item 6): `mlts check` of a 50-line experiment as a fresh process,
// against `node -e 0` (Node's own start, the floor any CLI pays) in the same run, interleaved. mlts is measured with
// a warm V8 code cache (the normal case from the second run on), with the cache switched off (MLTS_CODE_CACHE=0,
// what a first run pays), and `mlts help` (the dispatcher alone, no subcommand bundle). Medians of
// MLTS_BENCH_RUNS (default 15) runs each; the goal is `mlts check` ≤ 2.5× `node -e 0`.
// Run: npm run build && npm run bench -- cli-startup   (or build:prod first to measure the shipped bundles)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateExperiment } from './generateExperiment';
import { formatMs, median, timeProcess } from './stats';

const root = join(__dirname, '..');
const RUNS = Number(process.env.MLTS_BENCH_RUNS ?? 15);

interface Peer {
  name: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}

export function benchCliStartup(): unknown {
  const dir = join(root, 'bench', 'generated');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'experiment-50.ml.ts');
  const text = generateExperiment(50).split('\n').slice(0, 50).join('\n') + '\n';
  writeFileSync(file, text);
  const cacheDir = mkdtempSync(join(tmpdir(), 'mlts-bench-cache-'));
  const cli = join(root, 'dist', 'cli.js');
  const peers: Peer[] = [
    { name: 'node -e 0', args: ['-e', '0'] },
    { name: 'mlts check (warm code cache)', args: [cli, 'check', file], env: { MLTS_CACHE_DIR: cacheDir } },
    { name: 'mlts check (no code cache)', args: [cli, 'check', file], env: { MLTS_CODE_CACHE: '0' } },
    { name: 'mlts help', args: [cli, 'help'] },
  ];
  // One untimed run fills the cache, and proves the file checks.
  const first = timeProcess(process.execPath, peers[1]!.args, root, { ...process.env, ...peers[1]!.env });
  if (first.status !== 0) throw new Error(`mlts check failed on the 50-line file:\n${first.output}`);
  const times = peers.map(() => [] as number[]);
  const loads: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    loads.push(loadavg()[0]!);
    peers.forEach((peer, i) => {
      const r = timeProcess(process.execPath, peer.args, root, { ...process.env, ...peer.env });
      if (r.status !== 0) throw new Error(`${peer.name} exited ${r.status}:\n${r.output}`);
      times[i]!.push(r.ms);
    });
  }
  rmSync(cacheDir, { recursive: true, force: true });
  const floor = median(times[0]!);
  const rows = peers.map((peer, i) => ({ name: peer.name, medianMs: median(times[i]!), ratioToNode: median(times[i]!) / floor }));
  for (const row of rows) console.log(`${row.name.padEnd(30)} ${formatMs(row.medianMs).padStart(8)}  ${row.ratioToNode.toFixed(2)}× node -e 0`);
  console.log(`load average (1 min) during the runs: median ${median(loads).toFixed(1)}, max ${Math.max(...loads).toFixed(1)}`);
  return { lines: text.split('\n').length - 1, runs: RUNS, rows, loadAverage: { median: median(loads), max: Math.max(...loads) } };
}
