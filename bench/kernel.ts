// Benchmark for the cell kernel (issue 5): the round trip of a trivial cell (`1 + 1`) from the client's `execute`
// through the pipe, esbuild compile, REPL-mode evaluate, value preview and back, median and p95 of many runs.
// Peers measured in the same run on the same machine, in interleaved blocks so drift hits all alike:
// - `pipe echo`: a Node child echoing NDJSON lines over an fd-3 pipe, the kernel's own transport with no work: the
//   floor of any out-of-process kernel built this way;
// - `ipc echo`: a Node child echoing `process.send` messages (Node IPC), the usual way to talk to a child;
// - a Jupyter kernel (ipykernel through jupyter_client) when `/usr/bin/python3 -c 'import jupyter_client'` works (Debian's python3-jupyter-client, python3-ipykernel).
// The anchors from the issue (not measured here): a Jupyter kernel round trip is about 8 ms; VS Code's Jupyter
// extension logs 16-25 ms per trivial cell. Goal: under 3 ms in the kernel.
// Run: npm run build && npm run bench -- kernel   (MLTS_BENCH_ROUND_TRIPS sets N, default 500)
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { KernelClient } from '../runtime/src/kernel/kernelClient';
import { LineDecoder } from '../runtime/src/kernel/kernelProtocol';
import { median, quantile } from './stats';

/** Debian's Python (`apt-get install python3-jupyter-client python3-ipykernel`), not a pyenv shim on PATH. */
const PYTHON = process.env.MLTS_PYTHON ?? '/usr/bin/python3';

const root = join(__dirname, '..');
const ROUND_TRIPS = Number(process.env.MLTS_BENCH_ROUND_TRIPS ?? 500);
const BLOCKS = 5;
const WARMUP = 50;
const JUPYTER_ANCHOR_MS = 8;
const VSCODE_JUPYTER_ANCHOR_MS = [16, 25] as const;

export interface Timing {
  medianMs: number;
  p95Ms: number;
  n: number;
}

export interface KernelRoundTripResult {
  roundTrips: number;
  kernel: Timing;
  /** The kernel's own `durationMs` (compile + evaluate + preview, no transport), median. */
  kernelInsideMedianMs: number;
  pipeEcho: Timing;
  ipcEcho: Timing;
  jupyter: Timing | { unavailable: string };
  ratios: {
    kernelOverPipeEcho: number;
    kernelOverIpcEcho: number;
    kernelOverJupyter: number | null;
    kernelOverJupyterAnchor: number;
    kernelOverVsCodeJupyterAnchorLow: number;
  };
  goalUnder3Ms: boolean;
}

const timing = (samples: number[]): Timing => ({ medianMs: median(samples), p95Ms: quantile(samples, 0.95), n: samples.length });
const now = () => performance.now();

/** A peer that answers one request at a time; `roundTrip` resolves when the answer is back. */
interface Peer {
  roundTrip(): Promise<void>;
  close(): void;
}

const ECHO_PIPE = `const net = require('node:net');
const channel = new net.Socket({ fd: 3, readable: true, writable: true });
channel.on('data', (chunk) => channel.write(chunk));`;

function pipeEchoPeer(): Peer {
  const child = spawn(process.execPath, ['-e', ECHO_PIPE], { stdio: ['ignore', 'inherit', 'inherit', 'pipe'] });
  const channel = child.stdio[3] as Writable & Readable;
  const decoder = new LineDecoder();
  let waiting: (() => void) | undefined;
  channel.setEncoding('utf8');
  channel.on('data', (chunk: string) => decoder.push(chunk).forEach(() => waiting?.()));
  let id = 0;
  return {
    roundTrip: () =>
      new Promise<void>((resolve) => {
        waiting = resolve;
        channel.write(`${JSON.stringify({ type: 'execute', requestId: `r${++id}`, code: '1 + 1' })}\n`);
      }),
    close: () => child.kill(),
  };
}

function ipcEchoPeer(): Peer {
  const child: ChildProcess = spawn(process.execPath, ['-e', "process.on('message', (m) => process.send(m));"], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let waiting: (() => void) | undefined;
  child.on('message', () => waiting?.());
  let id = 0;
  return {
    roundTrip: () =>
      new Promise<void>((resolve) => {
        waiting = resolve;
        child.send({ type: 'execute', requestId: `r${++id}`, code: '1 + 1' });
      }),
    close: () => child.kill(),
  };
}

function kernelPeer(kernel: KernelClient, inside: number[]): Peer {
  const file = join(root, 'bench', 'generated', 'kernel-bench.ml.ts');
  return {
    roundTrip: async () => {
      const result = await kernel.execute({ cellId: 'bench', code: '1 + 1', file, startLine: 0 });
      if (result.status !== 'ok') throw new Error(`the bench cell failed: ${JSON.stringify(result)}`);
      inside.push(result.durationMs);
    },
    close: () => void kernel.shutdown(),
  };
}

const JUPYTER_SCRIPT = `
import json, sys, time
from jupyter_client.manager import start_new_kernel
n, warmup = int(sys.argv[1]), int(sys.argv[2])
km, kc = start_new_kernel(kernel_name='python3')
try:
    samples = []
    for i in range(warmup + n):
        started = time.perf_counter()
        kc.execute_interactive('1 + 1', timeout=30, output_hook=lambda msg: None)
        if i >= warmup:
            samples.append((time.perf_counter() - started) * 1000)
    print(json.dumps(samples))
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)
`;

/** A Jupyter kernel's trivial-cell round trip, measured by jupyter_client itself; unavailable without it. */
function measureJupyter(n: number): Timing | { unavailable: string } {
  const probe = spawnSync(PYTHON, ['-c', 'import jupyter_client, ipykernel'], { encoding: 'utf8' });
  if (probe.status !== 0) return { unavailable: 'python3 cannot import jupyter_client and ipykernel' };
  const run = spawnSync(PYTHON, ['-c', JUPYTER_SCRIPT, String(n), String(WARMUP)], { encoding: 'utf8', timeout: 300_000 });
  if (run.status !== 0) return { unavailable: `the Jupyter run failed: ${run.stderr.slice(-500)}` };
  return timing(JSON.parse(run.stdout.trim().split('\n').pop()!) as number[]);
}

async function sample(peer: Peer, count: number, into: number[]): Promise<void> {
  for (let i = 0; i < count; i++) {
    const started = now();
    await peer.roundTrip();
    into.push(now() - started);
  }
}

export async function benchKernelRoundTrip(): Promise<KernelRoundTripResult> {
  const kernel = await KernelClient.start({ kernelScript: join(root, 'dist', 'runtime', 'kernelMain.mjs'), cwd: root });
  const inside: number[] = [];
  const peers = { kernel: kernelPeer(kernel, inside), pipeEcho: pipeEchoPeer(), ipcEcho: ipcEchoPeer() };
  const samples = { kernel: [] as number[], pipeEcho: [] as number[], ipcEcho: [] as number[] };
  try {
    for (const peer of Object.values(peers)) await sample(peer, WARMUP, []);
    inside.length = 0;
    const perBlock = Math.ceil(ROUND_TRIPS / BLOCKS);
    for (let block = 0; block < BLOCKS; block++) {
      for (const name of Object.keys(peers) as (keyof typeof peers)[]) await sample(peers[name], perBlock, samples[name]);
    }
  } finally {
    for (const peer of Object.values(peers)) peer.close();
  }
  const jupyter = measureJupyter(ROUND_TRIPS);
  const k = timing(samples.kernel);
  const result: KernelRoundTripResult = {
    roundTrips: samples.kernel.length,
    kernel: k,
    kernelInsideMedianMs: median(inside),
    pipeEcho: timing(samples.pipeEcho),
    ipcEcho: timing(samples.ipcEcho),
    jupyter,
    ratios: {
      kernelOverPipeEcho: k.medianMs / median(samples.pipeEcho),
      kernelOverIpcEcho: k.medianMs / median(samples.ipcEcho),
      kernelOverJupyter: 'medianMs' in jupyter ? k.medianMs / jupyter.medianMs : null,
      kernelOverJupyterAnchor: k.medianMs / JUPYTER_ANCHOR_MS,
      kernelOverVsCodeJupyterAnchorLow: k.medianMs / VSCODE_JUPYTER_ANCHOR_MS[0],
    },
    goalUnder3Ms: k.medianMs < 3,
  };
  printSummary(result);
  return result;
}

function printSummary(r: KernelRoundTripResult): void {
  const row = (name: string, t: Timing) => `  ${name.padEnd(22)} median ${t.medianMs.toFixed(3)} ms   p95 ${t.p95Ms.toFixed(3)} ms   (n=${t.n})`;
  console.log(row('kernel trivial cell', r.kernel));
  console.log(`  ${'  of which in kernel'.padEnd(22)} median ${r.kernelInsideMedianMs.toFixed(3)} ms (compile + evaluate + preview)`);
  console.log(row('pipe echo (floor)', r.pipeEcho));
  console.log(row('ipc echo', r.ipcEcho));
  console.log('medianMs' in r.jupyter ? row('jupyter kernel', r.jupyter) : `  jupyter kernel: ${r.jupyter.unavailable}`);
  console.log(
    `  ratios: kernel/pipe echo ${r.ratios.kernelOverPipeEcho.toFixed(1)}x, kernel/ipc echo ${r.ratios.kernelOverIpcEcho.toFixed(1)}x, ` +
      `kernel/Jupyter anchor (8 ms) ${r.ratios.kernelOverJupyterAnchor.toFixed(2)}x, kernel/VS Code Jupyter anchor (16 ms) ${r.ratios.kernelOverVsCodeJupyterAnchorLow.toFixed(2)}x` +
      (r.ratios.kernelOverJupyter === null ? '' : `, kernel/Jupyter measured ${r.ratios.kernelOverJupyter.toFixed(2)}x`),
  );
  console.log(`  goal (median under 3 ms): ${r.goalUnder3Ms ? 'met' : 'MISSED'}`);
}

if (require.main === module) {
  benchKernelRoundTrip().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
