// Summary statistics and timing helpers shared by the benchmarks. Machines are noisy: benchmarks report
// medians and ratios against a peer measured in the same run, never single timings.
import { spawnSync } from 'node:child_process';

export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index]!;
}

export const median = (values: number[]) => quantile(values, 0.5);

/** Runs a command to completion and returns its wall time in milliseconds; throws if it could not start. */
export function timeProcess(command: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): { ms: number; status: number | null; output: string } {
  const started = process.hrtime.bigint();
  const r = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.error) throw r.error;
  return { ms, status: r.status, output: `${r.stdout}${r.stderr}` };
}

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}
