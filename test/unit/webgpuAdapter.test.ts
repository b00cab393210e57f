// Which WebGPU adapters mlts takes for software ones (CPU emulations that `auto` passes over for wasm), as a table of
// GPUAdapterInfo values: the lavapipe one is what Dawn 0.6.2 reports on this machine; the GPU rows are what Dawn
// reports for common drivers. The run-process side is tested for real in test/integration/runsWebgpu.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adapterDeviceText, describeAdapter, softwareAdapterReason, type GpuAdapterLike } from '../../runtime/src/backends/webgpuAdapter';

const LAVAPIPE = {
  vendor: 'mesa',
  architecture: 'software',
  device: 'llvmpipe-llvm-15-0-6-256-bits-',
  description: 'llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1',
  isFallbackAdapter: true,
};

const CASES: { name: string; adapter: GpuAdapterLike; reason: string | null }[] = [
  { name: 'lavapipe as Dawn reports it', adapter: { info: LAVAPIPE }, reason: 'Dawn reports it as a fallback adapter' },
  { name: 'lavapipe from a Dawn without isFallbackAdapter', adapter: { info: { ...LAVAPIPE, isFallbackAdapter: undefined } }, reason: 'it is llvmpipe, a CPU implementation' },
  { name: 'the flag where the spec first kept it', adapter: { isFallbackAdapter: true, info: { vendor: 'google' } }, reason: 'Dawn reports it as a fallback adapter' },
  { name: "an info type of 'cpu'", adapter: { info: { vendor: 'x', type: 'cpu' } }, reason: "its type is 'cpu'" },
  { name: 'SwiftShader', adapter: { info: { vendor: 'google', architecture: '', description: 'SwiftShader Device (Subzero)' } }, reason: 'it is SwiftShader, a CPU implementation' },
  { name: 'a bare software architecture', adapter: { info: { vendor: 'unknown', architecture: 'software' } }, reason: "its architecture is 'software'" },
  { name: 'an NVIDIA GPU', adapter: { info: { vendor: 'nvidia', architecture: 'ada-lovelace', description: 'NVIDIA GeForce RTX 4090', isFallbackAdapter: false } }, reason: null },
  { name: 'an AMD GPU through RADV', adapter: { info: { vendor: 'amd', architecture: 'rdna-3', description: 'AMD Radeon RX 7900 XTX (RADV NAVI31)' } }, reason: null },
  { name: 'an adapter with no info', adapter: {}, reason: null },
];

for (const { name, adapter, reason } of CASES) {
  test(`software adapter? ${name}`, () => {
    assert.equal(softwareAdapterReason(adapter), reason);
    assert.equal(describeAdapter(adapter).software, reason !== null);
  });
}

test('the record and its device line say what the adapter is and that it is software', () => {
  const record = describeAdapter({ info: LAVAPIPE });
  assert.deepEqual(record, {
    vendor: 'mesa',
    architecture: 'software',
    device: 'llvmpipe-llvm-15-0-6-256-bits-',
    description: 'llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1',
    software: true,
    softwareReason: 'Dawn reports it as a fallback adapter',
  });
  assert.equal(adapterDeviceText(record), 'mesa · software · llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1 (software adapter, emulated on the CPU: Dawn reports it as a fallback adapter)');
  assert.equal(adapterDeviceText(describeAdapter({ info: { vendor: 'nvidia', architecture: 'ampere', description: 'NVIDIA A100' } })), 'nvidia · ampere · NVIDIA A100');
});
