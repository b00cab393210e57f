// Runs benchmarks by name and writes each one's numbers to bench/results/<name>.json (gitignored); the
// numbers worth keeping go into BENCHMARKS.md with the command that reproduced them.
// Usage: npm run bench -- [name...]   (no name runs all)
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { benchCellEndToEnd } from './cellEndToEnd';
import { benchCliStartup } from './cliStartup';
import { benchDashboard } from './dashboard';
import { benchDashboardScale } from './dashboardScale';
import { benchDataProfile } from './dataProfile';
import { benchKernelRoundTrip } from './kernel';
import { benchLspLatency } from './lspLatency';
import { benchShapeCheck } from './shapeCheck';
import { benchTrainingBackends } from './trainingBackends';
import { benchTrainingHooks } from './trainingHookOverhead';
import { benchTrainingOverhead } from './trainingOverhead';
import { benchTrainingStore } from './trainingStore';

const BENCHMARKS: Record<string, () => unknown> = {
  'shape-check': benchShapeCheck,
  'lsp-latency': benchLspLatency,
  'cli-startup': benchCliStartup,
  'kernel-round-trip': benchKernelRoundTrip,
  'cell-end-to-end': benchCellEndToEnd,
  'training-overhead': benchTrainingOverhead,
  'training-hooks': benchTrainingHooks,
  'training-store': benchTrainingStore,
  'training-backends': benchTrainingBackends,
  'data-profile': benchDataProfile,
  dashboard: benchDashboard,
  'dashboard-scale': benchDashboardScale,
};

async function main(): Promise<void> {
  const names = process.argv.slice(2);
  const unknown = names.filter((n) => !(n in BENCHMARKS));
  if (unknown.length) {
    console.error(`unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}`);
    process.exit(2);
  }
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  for (const name of names.length ? names : Object.keys(BENCHMARKS)) {
    console.log(`== ${name} (node ${process.version}, ${cpus().length} cores: ${cpus()[0]?.model ?? 'unknown CPU'})`);
    const result = await BENCHMARKS[name]!();
    writeFileSync(join(dir, `${name}.json`), JSON.stringify({ date: new Date().toISOString(), result }, null, 2));
  }
}

void main();
