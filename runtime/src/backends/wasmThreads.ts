// Threads for tfjs's wasm backend under Node: how many a run gets (`--threads N`; one by default, because on the
// shared 2-core machine where this was measured two threads trained no faster, see BENCHMARKS.md) and how the run
// process makes tfjs start its threaded-SIMD build.
//
// tfjs never uses that build under Node on its own: its WASM_HAS_MULTITHREAD_SUPPORT flag is false whenever IS_NODE,
// and the build could not start there anyway, because the backend hands emscripten its pthread worker script as a
// `blob:` URL (Node's worker_threads refuse it with ERR_WORKER_PATH) and hands each worker the glue code as a Blob,
// which the worker cannot read synchronously. While `tf.setBackend('wasm')` runs, and only then, this module:
// - sets the flag, so tfjs picks the threaded-SIMD .wasm and its emscripten glue;
// - keeps the text of the JavaScript Blobs tfjs builds (a subclass of the global Blob), writes the worker script
//   and the glue to a temporary folder, and answers `URL.createObjectURL` for the worker script with that file's
//   path; a short suffix to the worker script points the worker's own createObjectURL at the glue file;
// - puts in front of the glue the bundle-level names it refers to (tfjs evaluates `factory.toString()`, which in the
//   Node bundle mentions rollup's `require$$N` aliases, `commonjsGlobal` and three tslib helpers);
// - reports 2N logical cores to emscripten, because tfjs's C++ caps its thread pool at half the logical cores (its
//   guess at hyperthreading) and would otherwise give a 2-core machine one thread whatever was asked.
// Every global is restored and the folder removed once the backend is up: emscripten starts its 8 pool workers and
// waits until each has loaded the glue before the module is ready, and tfjs's pool never needs more than those 8.
// Nothing of tfjs is copied here; the worker script written out is the one the installed package carries.
import type * as tfjs from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

/** tfjs's wasm build pre-creates 8 pthread workers and caps its thread pool at 8 threads. */
export const MAX_WASM_THREADS = 8;

/** How `--threads`, the task property and the run environment are read; throws with the reason when out of range. */
export function parseWasmThreads(text: string): number {
  if (!/^[1-9]\d*$/.test(text.trim()) || Number(text) > MAX_WASM_THREADS) {
    throw new RangeError(`threads must be a whole number from 1 to ${MAX_WASM_THREADS} (tfjs's wasm build runs at most ${MAX_WASM_THREADS} threads), not ${JSON.stringify(text)}`);
  }
  return Number(text);
}

/** Threads per run when none were asked for: what measured fastest (BENCHMARKS.md, training). */
export const DEFAULT_WASM_THREADS = 1;

type Tf = typeof tfjs;

/** The part of @tensorflow/tfjs-backend-wasm's exports this module uses. */
export interface WasmPackage {
  setWasmPaths(prefix: string): void;
  setThreadsCount?(threads: number): void;
  getThreadsCount?(): number;
}

/** The start of the Blob tfjs builds for the threaded glue: `var WasmBackendModuleThreadedSimd = function …`. */
const GLUE_PREFIX = 'var WasmBackendModuleThreadedSimd';
/** Only Blobs of script text are kept: the worker script and the glue are the two tfjs builds. */
const JS_BLOB_TYPES = new Set(['application/javascript', 'text/javascript']);

/**
 * Declarations the glue needs in a worker, where it is evaluated outside the bundle that defined them: the bundle's
 * own `var require$$N = require('M');` lines, `commonjsGlobal`, and tslib's iteration helpers (written here, not
 * copied: they only turn iterables into arrays and iterators). Throws when the glue names a require alias the bundle
 * does not declare, i.e. a tfjs build this module does not know, before any worker starts.
 */
export function gluePrelude(glue: string, bundleSource: string): string {
  const aliases = new Map([...bundleSource.matchAll(/^var (require\$\$\d+) = require\('([^']+)'\);$/gm)].map((m) => [m[1]!, m[2]!]));
  const needed = [...new Set(glue.match(/require\$\$\d+/g) ?? [])];
  const unknown = needed.filter((name) => !aliases.has(name));
  if (unknown.length) throw new Error(`the threaded wasm glue refers to ${unknown.join(', ')}, which its bundle does not declare as a require`);
  return [
    ...needed.map((name) => `var ${name} = require(${JSON.stringify(aliases.get(name))});`),
    'var commonjsGlobal = globalThis;',
    'var __values = (o) => o[Symbol.iterator]();',
    'var __read = (o, n) => { const all = Array.from(o); return n === undefined ? all : all.slice(0, n); };',
    'var __spreadArray = (to, from) => to.concat(Array.from(from));',
    '',
  ].join('\n');
}

/** Patches globals for the length of `body`, then restores them, whatever happens. */
async function withThreadedBuildGlobals<T>(bundleSource: string, threads: number, body: () => Promise<T>): Promise<T> {
  const folder = mkdtempSync(join(os.tmpdir(), 'mlts-wasm-threads-'));
  const gluePath = join(folder, 'glue.js');
  const workerPath = join(folder, 'worker.js');
  const texts = new WeakMap<Blob, string>();
  const OriginalBlob = globalThis.Blob;
  const originalCreateObjectURL = URL.createObjectURL;
  const originalCpus = os.cpus;

  globalThis.Blob = class KeptTextBlob extends OriginalBlob {
    constructor(...args: ConstructorParameters<typeof OriginalBlob>) {
      super(...args);
      const [parts, options] = args;
      if (!JS_BLOB_TYPES.has(options?.type ?? '') || !parts?.every((p) => typeof p === 'string')) return;
      const text = parts.join('');
      texts.set(this, text);
      // The glue's Blob never passes through createObjectURL on this side (it is posted to each worker), so it is
      // written out as soon as tfjs builds it, before the first worker asks for it.
      if (text.startsWith(GLUE_PREFIX)) writeFileSync(gluePath, gluePrelude(text, bundleSource) + text);
    }
  };
  URL.createObjectURL = (blob: Blob) => {
    const text = texts.get(blob);
    if (text === undefined || text.startsWith(GLUE_PREFIX)) return originalCreateObjectURL(blob);
    // The worker turns the glue Blob it is sent into an object URL and reads that as a file: give it the file.
    writeFileSync(workerPath, `${text}\n;URL.createObjectURL = () => ${JSON.stringify(gluePath)}; URL.revokeObjectURL = () => {};\n`);
    return workerPath;
  };
  os.cpus = () => {
    const real = originalCpus();
    return Array.from({ length: Math.max(real.length, 2 * threads) }, (_, i) => real[i % real.length]!);
  };
  try {
    return await body();
  } finally {
    globalThis.Blob = OriginalBlob;
    URL.createObjectURL = originalCreateObjectURL;
    os.cpus = originalCpus;
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * Selects tfjs's wasm backend with `threads` threads (1: the single-threaded SIMD build, as tfjs picks under Node)
 * and returns the number of threads its pool really has. `wasmFolder` ends with a slash.
 */
export async function startWasmBackend(tf: Tf, wasm: WasmPackage, wasmFolder: string, bundlePath: string, threads: number): Promise<number> {
  wasm.setWasmPaths(wasmFolder);
  if (threads <= 1) {
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialize');
    return 1;
  }
  if (!wasm.setThreadsCount || !wasm.getThreadsCount) throw new Error('this @tensorflow/tfjs-backend-wasm has no setThreadsCount; use --threads 1');
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(threads);
  const bundleSource = readFileSync(bundlePath, 'utf8');
  const ok = await withThreadedBuildGlobals(bundleSource, threads, () => tf.setBackend('wasm'));
  if (!ok) throw new Error(`the wasm backend did not initialize with ${threads} threads (--threads 1 uses the single-threaded build)`);
  // emscripten refs a worker while its pthread runs, and the pool's threads run until the backend is disposed: left
  // so, they would keep the process alive after the user's file ends. The main thread waits for them synchronously
  // (Atomics.wait), never through the event loop, so they need not hold it open.
  const module = (tf.backend() as { wasm?: { PThread?: { runningWorkers?: { unref(): void }[] } } }).wasm;
  for (const worker of module?.PThread?.runningWorkers ?? []) worker.unref();
  return wasm.getThreadsCount();
}
