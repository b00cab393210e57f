// The GPU check (bench/gpu/README.md): on a machine with an NVIDIA GPU, trains the training benchmarks' MLP and conv
// net (bench/trainingModels.ts) on tfjs webgpu (Dawn → the NVIDIA Vulkan driver) and on tfjs-node-gpu where it is
// installed, beside PyTorch CUDA where it is present, and prints samples/s and ratios. It runs anywhere: what is
// missing is reported as missing, a software WebGPU adapter (lavapipe) is labelled as one, and tfjs wasm and PyTorch
// on the CPU are always measured so every row has a peer. Each measurement is a fresh process
// (bench/trainingBackendsWorker.ts, bench/trainingTorchPeer.py), the median of MLTS_BENCH_RUNS of them.
// Run: node --import tsx bench/gpu/gpuCheck.ts   (MLTS_GPU_CHECK_SIZE=full|quick overrides the automatic size)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { cudaDeviceIds, missingPackages, type BackendOption } from '../../runtime/src/backends/backendOptions';
import { requestDawnAdapter } from '../../runtime/src/backends/webgpuAdapter';
import type { WebGpuAdapterRecord } from '../../runtime/src/store/runRecord';
import { median } from '../stats';

const root = join(__dirname, '..', '..');
const PYTHON = process.env.MLTS_PYTHON ?? '/usr/bin/python3';
const VULKAN_ICD_DIRS = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d'];

type Model = 'mlp' | 'conv';
interface Size {
  samples: number;
  batch: number;
  epochs: number;
}

/** Work a GPU needs to get past launch overheads: large batches, several epochs. */
const FULL: Record<Model, Size> = { mlp: { samples: 16384, batch: 256, epochs: 3 }, conv: { samples: 8192, batch: 256, epochs: 2 } };
/** Without a hardware GPU (lavapipe compiles every shader on the CPU) a short check that everything runs. */
const QUICK: Record<Model, Size> = { mlp: { samples: 1024, batch: 128, epochs: 1 }, conv: { samples: 256, batch: 64, epochs: 1 } };

interface Row {
  model: Model;
  what: string;
  samplesPerSecond: number | null;
  note: string;
}

interface TorchInfo {
  version: string;
  cuda: boolean;
  device: string | null;
  cudaVersion: string | null;
}

function firstLine(text: string): string {
  return text.trim().split('\n').find((line) => /error/i.test(line)) ?? text.trim().split('\n').at(-1) ?? '';
}

/** Environment for every child: Mesa warns when XDG_RUNTIME_DIR is unset. */
function childEnv(): NodeJS.ProcessEnv {
  const runtimeDir = join(root, 'bench', 'results', 'xdg-runtime');
  mkdirSync(runtimeDir, { recursive: true, mode: 0o700 });
  return { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? runtimeDir };
}

/** Runs one measuring process `runs` times; returns the median samples/s and the last JSON line, or the error. */
function measure(command: string, args: string[], runs: number): { sps: number; last: Record<string, unknown> } | { error: string } {
  const values: number[] = [];
  let last: Record<string, unknown> = {};
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(command, args, { cwd: root, env: childEnv(), encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    if (r.error) return { error: r.error.message };
    if (r.status !== 0) return { error: firstLine(`${r.stdout}\n${r.stderr}`) };
    last = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    values.push(last.samplesPerSecond as number);
  }
  return { sps: median(values), last };
}

function tfjsRow(model: Model, backend: BackendOption, size: Size, runs: number): Row {
  const args = ['--import', 'tsx', join(root, 'bench', 'trainingBackendsWorker.ts'), backend, model, String(size.samples), String(size.batch), String(size.epochs)];
  const r = measure(process.execPath, args, runs);
  if ('error' in r) return { model, what: `tfjs ${backend}`, samplesPerSecond: null, note: `failed: ${r.error}` };
  return { model, what: `tfjs ${backend}`, samplesPerSecond: r.sps, note: String(r.last.device ?? '') };
}

function torchRow(model: Model, device: 'cpu' | 'cuda', size: Size, runs: number): Row {
  const threads = device === 'cuda' ? 1 : cpus().length;
  const args = [join(root, 'bench', 'trainingTorchPeer.py'), model, String(size.samples), String(size.batch), String(size.epochs), String(threads), device];
  const r = measure(PYTHON, args, runs);
  const what = device === 'cuda' ? 'PyTorch CUDA' : `PyTorch CPU (${threads} threads)`;
  if ('error' in r) return { model, what, samplesPerSecond: null, note: `failed: ${r.error}` };
  return { model, what, samplesPerSecond: r.sps, note: `torch ${String(r.last.torch)} on ${String(r.last.device)}` };
}

function nvidiaGpus(): string {
  const r = spawnSync('nvidia-smi', ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim().split('\n').join('; ') : 'none (no nvidia-smi, or it found no GPU)';
}

function vulkanDrivers(): string {
  const files = VULKAN_ICD_DIRS.flatMap((dir) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : []));
  return files.length ? files.join(', ') : 'none (no Vulkan driver manifests: Dawn has nothing to run on)';
}

function torchInfo(): TorchInfo | null {
  const probe = 'import json, torch; c = torch.cuda.is_available(); print(json.dumps({"version": torch.__version__, "cuda": c, "device": torch.cuda.get_device_name(0) if c else None, "cudaVersion": torch.version.cuda}))';
  const r = spawnSync(PYTHON, ['-c', probe], { encoding: 'utf8' });
  return r.status === 0 ? (JSON.parse(r.stdout.trim()) as TorchInfo) : null;
}

async function dawnAdapter(): Promise<WebGpuAdapterRecord | string> {
  if (missingPackages('webgpu', root).length) return `webgpu packages missing (${missingPackages('webgpu', root).join(', ')})`;
  try {
    const require = createRequire(join(root, 'package.json'));
    return (await requestDawnAdapter((name) => require.resolve(name))).record;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

function ratio(row: Row, peer: Row | undefined): string {
  if (row.samplesPerSecond === null || !peer?.samplesPerSecond) return '     —';
  return `×${(row.samplesPerSecond / peer.samplesPerSecond).toFixed(3)}`.padStart(8);
}

async function main(): Promise<void> {
  const cuda = cudaDeviceIds();
  const adapter = await dawnAdapter();
  const torch = existsSync(PYTHON) ? torchInfo() : null;
  const nodeGpuMissing = missingPackages('node-gpu', root);
  const hardwareGpu = cuda.length > 0 || (typeof adapter === 'object' && !adapter.software);
  const sizeName = process.env.MLTS_GPU_CHECK_SIZE ?? (hardwareGpu ? 'full' : 'quick');
  const sizes = sizeName === 'full' ? FULL : QUICK;
  const runs = Number(process.env.MLTS_BENCH_RUNS ?? (sizeName === 'full' ? 3 : 1));

  console.log(`== gpu-check (node ${process.version}, ${cpus().length} cores: ${cpus()[0]?.model ?? 'unknown CPU'})`);
  console.log(`NVIDIA GPUs:      ${nvidiaGpus()}`);
  console.log(`CUDA visible:     ${cuda.length ? cuda.join(', ') : 'none'}`);
  console.log(`Vulkan drivers:   ${vulkanDrivers()}`);
  console.log(
    `Dawn adapter:     ${typeof adapter === 'string' ? `none: ${adapter}` : `${adapter.vendor} · ${adapter.architecture} · ${adapter.description}${adapter.software ? ` — SOFTWARE adapter (${adapter.softwareReason}): its numbers are the CPU's, not a GPU's` : ''}`}`,
  );
  console.log(`tfjs-node-gpu:    ${nodeGpuMissing.length ? 'not installed (see README: needs libtensorflow 2.9.1, CUDA 11.2, cuDNN 8.1)' : cuda.length ? 'installed' : 'installed, but no CUDA GPU is visible'}`);
  console.log(`PyTorch:          ${torch ? `${torch.version}, CUDA ${torch.cuda ? `${torch.cudaVersion} on ${torch.device}` : 'not available'}` : `not importable by ${PYTHON}`}`);
  console.log(`size:             ${sizeName} (${(Object.keys(sizes) as Model[]).map((m) => `${m} ${sizes[m].samples} samples, batch ${sizes[m].batch}, ${sizes[m].epochs} timed epochs`).join('; ')}), median of ${runs}`);
  console.log('');

  const rows: Row[] = [];
  for (const model of ['mlp', 'conv'] as const) {
    const size = sizes[model];
    const modelRows: Row[] = [];
    if (typeof adapter === 'object') modelRows.push(tfjsRow(model, 'webgpu', size, runs));
    else modelRows.push({ model, what: 'tfjs webgpu', samplesPerSecond: null, note: `not run: ${adapter}` });
    if (nodeGpuMissing.length === 0 && cuda.length > 0) modelRows.push(tfjsRow(model, 'node-gpu', size, runs));
    else modelRows.push({ model, what: 'tfjs node-gpu', samplesPerSecond: null, note: nodeGpuMissing.length ? 'not installed' : 'no CUDA GPU visible' });
    modelRows.push(tfjsRow(model, 'wasm', size, runs));
    if (torch?.cuda) modelRows.push(torchRow(model, 'cuda', size, runs));
    else modelRows.push({ model, what: 'PyTorch CUDA', samplesPerSecond: null, note: torch ? 'this PyTorch has no CUDA device' : 'no PyTorch' });
    if (torch) modelRows.push(torchRow(model, 'cpu', size, runs));
    const torchCuda = modelRows.find((r) => r.what === 'PyTorch CUDA');
    const torchCpu = modelRows.find((r) => r.what.startsWith('PyTorch CPU'));
    console.log(`${model.padEnd(5)} ${'what'.padEnd(28)} ${'samples/s'.padStart(10)} ${'vs torch CUDA'.padStart(13)} ${'vs torch CPU'.padStart(13)}   device / note`);
    for (const row of modelRows) {
      const sps = row.samplesPerSecond === null ? '—' : row.samplesPerSecond.toFixed(0);
      console.log(`${model.padEnd(5)} ${row.what.padEnd(28)} ${sps.padStart(10)} ${ratio(row, torchCuda).padStart(13)} ${ratio(row, torchCpu).padStart(13)}   ${row.note}`);
    }
    console.log('');
    rows.push(...modelRows);
  }
  const out = join(root, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'gpu-check.json'), JSON.stringify({ date: new Date().toISOString(), cuda, adapter, torch, size: sizeName, sizes, runs, rows }, null, 2));
  console.log(`numbers written to ${join('bench', 'results', 'gpu-check.json')}`);
}

void main();
