// WebGPU in a Node run process through Dawn (the `webgpu` package, resolved from the experiment's folder): create a
// GPU object, ask it for the adapter tfjs-backend-webgpu will ask for, and describe that adapter for the run record —
// vendor, architecture, description, and whether it is a software adapter that emulates a GPU on the CPU (Mesa's
// lavapipe/llvmpipe, SwiftShader, Microsoft Basic Render). Loading tfjs-backend-webgpu and selecting the backend is backendInit.ts's
// job; this module touches no global until the caller installs the GPU with `installNavigatorGpu`, so an adapter
// that is passed over leaves the process as it found it.
import { pathToFileURL } from 'node:url';
import type { WebGpuAdapterRecord } from '../store/runRecord';

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
 * Loads Dawn from the experiment's folder and requests the adapter tfjs-backend-webgpu will request, so the record
 * names the adapter that really trains. tfjs passes `powerPreference: 'high-performance'` unless its
 * `WEBGPU_USE_LOW_POWER_GPU` flag is set, which no run can have done yet: the backend starts before the user's file.
 * Throws when Dawn does not load or finds no adapter.
 */
export async function requestDawnAdapter(resolveFromExperiment: (name: string) => string): Promise<DawnAdapter> {
  const dawn = (await import(pathToFileURL(resolveFromExperiment('webgpu')).href)) as DawnPackage;
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
