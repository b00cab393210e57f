// WebGPU in a Node run process through Dawn (the `webgpu` package, resolved from the experiment's folder): create a
// GPU object, ask it for the adapter tfjs-backend-webgpu will ask for, and describe that adapter for the run record —
// vendor, architecture, description, and whether it is a software adapter that emulates a GPU on the CPU (Mesa's
// lavapipe/llvmpipe, SwiftShader, Microsoft Basic Render). Loading tfjs-backend-webgpu and selecting the backend is backendInit.ts's
// job; this module touches no global until the caller installs the GPU with `installNavigatorGpu`, so an adapter
// that is passed over leaves the process as it found it.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { WebGpuAdapterRecord } from '../store/runRecord';
import type { BackendPlan } from './backendOptions';

/** The parts of a GPUAdapterInfo mlts reads; older Dawn builds lack `isFallbackAdapter`, newer specs add `type`. */
interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
  type?: string;
}

export interface GpuAdapterLike {
  info?: AdapterInfoLike;
  /** Where the spec kept the flag before it moved into `info`. */
  isFallbackAdapter?: boolean;
}

export interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'low-power' | 'high-performance' }): Promise<GpuAdapterLike | null>;
}

/** What `import('webgpu')` gives: `create(dawnOptions)` and the WebGPU classes tfjs expects as globals. */
interface DawnPackage {
  create(options: string[]): GpuLike;
  globals?: Record<string, unknown>;
}

/** Words in an adapter's names that mark a CPU implementation of Vulkan/D3D12/Metal rather than a GPU. */
const SOFTWARE_ADAPTER_NAMES = /\b(llvmpipe|lavapipe|swiftshader|softpipe|microsoft basic render)\b/i;

export interface DawnAdapter {
  gpu: GpuLike;
  globals: Record<string, unknown>;
  adapter: GpuAdapterLike;
  record: WebGpuAdapterRecord;
}

/** Why an adapter is a software one, or null when nothing says so. */
export function softwareAdapterReason(adapter: GpuAdapterLike): string | null {
  const info = adapter.info ?? {};
  if (info.isFallbackAdapter === true || adapter.isFallbackAdapter === true) return 'Dawn reports it as a fallback adapter';
  if (info.type === 'cpu') return "its type is 'cpu'";
  const names = [info.architecture, info.device, info.description].filter((s): s is string => !!s);
  const named = names.map((s) => SOFTWARE_ADAPTER_NAMES.exec(s)?.[1]).find(Boolean);
  if (named) return `it is ${named}, a CPU implementation`;
  if (names.some((s) => /^software$/i.test(s.trim()))) return "its architecture is 'software'";
  return null;
}

export function describeAdapter(adapter: GpuAdapterLike): WebGpuAdapterRecord {
  const info = adapter.info ?? {};
  const software = softwareAdapterReason(adapter);
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    software: software !== null,
    ...(software ? { softwareReason: software } : {}),
  };
}

/** One line for the record's `device`: the adapter's names, and a plain note when it is a software adapter. */
export function adapterDeviceText(record: WebGpuAdapterRecord): string {
  const names = [record.vendor, record.architecture, record.description].filter(Boolean).join(' · ') || 'WebGPU adapter';
  return record.software ? `${names} (software adapter, emulated on the CPU: ${record.softwareReason})` : names;
}

/**
 * Loads the `webgpu` package, an ES module. `require` first: Node 20.19+ requires ES modules, and the CLI runs its
 * bundles through `vm.Script` with a code cache, where `import()` fails ("A dynamic import callback was not
 * specified"). Older Node refuses with ERR_REQUIRE_ESM; then `import()`, which works in the run process.
 */
async function loadDawn(path: string): Promise<DawnPackage> {
  try {
    return createRequire(path)(path) as DawnPackage;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_REQUIRE_ESM') throw err;
    return (await import(pathToFileURL(path).href)) as DawnPackage;
  }
}

/** The attempt outcome `auto` records for a software adapter it did not train on. */
export function passedOverText(record: WebGpuAdapterRecord): string {
  const name = record.description || record.device || 'the adapter';
  return `passed over: ${name} is a software adapter (${record.softwareReason}), slower than wasm; --backend webgpu uses it anyway`;
}

/**
 * Loads Dawn from the experiment's folder and requests the adapter tfjs-backend-webgpu will request, so the record
 * names the adapter that really trains. tfjs passes `powerPreference: 'high-performance'` unless its
 * `WEBGPU_USE_LOW_POWER_GPU` flag is set, which no run can have done yet: the backend starts before the user's file.
 * Throws when Dawn does not load or finds no adapter.
 */
export async function requestDawnAdapter(resolveFromExperiment: (name: string) => string): Promise<DawnAdapter> {
  const dawn = await loadDawn(resolveFromExperiment('webgpu'));
  const gpu = dawn.create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('Dawn found no GPU adapter');
  return { gpu, globals: dawn.globals ?? {}, adapter, record: describeAdapter(adapter) };
}

/**
 * Makes the WebGPU classes (GPUBufferUsage, …) globals and sets `navigator.gpu`, which tfjs-backend-webgpu checks
 * when it loads: it registers itself only if `navigator.gpu` is there. Node 21+ has a `navigator` of its own, so the
 * property is redefined rather than assigned.
 */
export function installNavigatorGpu(dawn: DawnAdapter): void {
  Object.assign(globalThis, dawn.globals);
  const existing = (globalThis as { navigator?: object }).navigator;
  Object.defineProperty(globalThis, 'navigator', { value: { ...existing, gpu: dawn.gpu }, configurable: true, writable: true });
}

/**
 * The launcher's look at WebGPU for `auto`: when webgpu is a candidate, ask Dawn for its adapter once, here, and drop
 * webgpu from the plan when there is none or it is a software one, with the reason in `skipped` (the runs record it
 * as their first attempts). Otherwise every run would load Dawn only to pass it over, and the scheduler, taking
 * webgpu for a GPU backend, would run a grid one at a time on what ends up as wasm. Forced plans are left alone.
 */
export async function withoutUnusableWebgpu(plan: BackendPlan, fromDir: string): Promise<BackendPlan> {
  if (plan.requested !== 'auto' || !plan.candidates.includes('webgpu')) return plan;
  let outcome: string;
  try {
    const require = createRequire(join(fromDir, 'noop.js'));
    const { record } = await requestDawnAdapter((name) => require.resolve(name));
    if (!record.software) return plan;
    outcome = passedOverText(record);
  } catch (err) {
    outcome = `failed: ${err instanceof Error ? err.message.split('\n')[0]! : String(err)}`;
  }
  const skipped = [...plan.skipped, { option: 'webgpu' as const, outcome }];
  return { ...plan, candidates: plan.candidates.filter((option) => option !== 'webgpu'), skipped };
}
