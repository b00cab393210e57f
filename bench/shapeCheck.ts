// Benchmark for `mlts check` (issue 3): generated realistic experiments of 1k, 10k and 50k lines, checked by
// the bundled CLI and by `tsc --noEmit --strict` on the same file, the checker every TypeScript user already
// waits for. Both run as fresh processes, `MLTS_BENCH_RUNS` times each (default 5), interleaved so drift hits
// both alike; we report medians and the ratio. Growth: in-process `analyze` time per 1,000 lines at each size.
// Each file ends with one planted shape bug, and the run fails unless mlts reports exactly that one error: the
// analysis has a time budget per file, and this proves it analysed every line rather than giving up early.
// Run: npm run build && npm run bench -- shape-check
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../server/src/analysis/index';
import { generateExperiment } from './generateExperiment';
import { formatMs, median, timeProcess } from './stats';

const root = join(__dirname, '..');
const SIZES = (process.env.MLTS_BENCH_SIZES ?? '1000,10000,50000').split(',').map(Number);
const RUNS = Number(process.env.MLTS_BENCH_RUNS ?? 5);
/** Valid TypeScript that throws at run time: tsc accepts it, mlts must flag it. */
const PLANTED_BUG = 'const plantedBug = tf.matMul(tf.zeros([2, 3]), tf.zeros([4, 5]));\n';
const TSC_ARGS = ['--noEmit', '--strict', '--target', 'es2022', '--module', 'esnext', '--moduleResolution', 'bundler', '--skipLibCheck'];

export interface ShapeCheckRow {
  lines: number;
  mltsMs: number;
  tscMs: number;
  ratio: number;
  analyzeMs: number;
  analyzeMsPer1kLines: number;
  errors: number;
}

export function benchShapeCheck(): ShapeCheckRow[] {
  const dir = join(root, 'bench', 'generated');
  mkdirSync(dir, { recursive: true });
  const rows: ShapeCheckRow[] = [];
  for (const size of SIZES) {
    const file = join(dir, `experiment-${size}.ml.ts`);
    writeFileSync(file, generateExperiment(size) + PLANTED_BUG);
    const lines = readFileSync(file, 'utf8').split('\n').length;
    const mlts: number[] = [];
    const tsc: number[] = [];
    let errors = 0;
    for (let run = 0; run < RUNS; run++) {
      const m = timeProcess(process.execPath, [join(root, 'dist', 'cli.js'), 'check', '--format', 'json', file], root);
      if (m.status === 2) throw new Error(`mlts check failed:\n${m.output}`);
      const diagnostics = JSON.parse(m.output).diagnostics as { line: number; code: string }[];
      errors = diagnostics.length;
      const plantedLine = readFileSync(file, 'utf8').split('\n').length - 1;
      if (errors !== 1 || diagnostics[0]!.line !== plantedLine || diagnostics[0]!.code !== 'shape-matmul') {
        throw new Error(`expected only the planted bug on line ${plantedLine}, got ${JSON.stringify(diagnostics)}`);
      }
      mlts.push(m.ms);
      const t = timeProcess(process.execPath, [join(root, 'node_modules', 'typescript', 'lib', 'tsc.js'), ...TSC_ARGS, file], root);
      if (t.status !== 0) throw new Error(`tsc reported errors on the generated file:\n${t.output.slice(0, 2000)}`);
      tsc.push(t.ms);
    }
    const text = readFileSync(file, 'utf8');
    const inProcess: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const started = process.hrtime.bigint();
      analyze({ fileName: file, text });
      inProcess.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    const row = {
      lines,
      mltsMs: median(mlts),
      tscMs: median(tsc),
      ratio: median(mlts) / median(tsc),
      analyzeMs: median(inProcess),
      analyzeMsPer1kLines: (median(inProcess) / lines) * 1000,
      errors,
    };
    rows.push(row);
    console.log(
      `${lines} lines: mlts check ${formatMs(row.mltsMs)}, tsc ${formatMs(row.tscMs)}, ratio ${row.ratio.toFixed(3)}; ` +
        `analyze ${formatMs(row.analyzeMs)} (${row.analyzeMsPer1kLines.toFixed(1)} ms per 1k lines), found the planted bug`,
    );
  }
  return rows;
}
