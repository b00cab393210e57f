// What a tracked run offers the user's file: the `mlts` global (typed by extension/tsPlugin/mltsGlobals.d.ts) with `log`, `saveModel`
// and the artifacts folder, and the function the rewritten `/** @mlts-params */` literal calls to get its
// overrides. A global keeps the file free of any mlts import: `globalThis.mlts?.log(...)` is a no-op in a plain
// `node` run, and the parameters literal is plain data there. Writing files and messages is left to callbacks.
import type * as tfjs from '@tensorflow/tfjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyOverrides, type Overrides } from '../params/paramsValues';
import { APPLY_PARAMS_GLOBAL } from '../params/paramsLiteral';
import { finiteOrNull } from '../store/metricsLog';
import type { ParamValue } from '../store/runRecord';
import { seedMathRandom } from './seededRandom';

export interface RunApiHooks {
  log(step: number, values: Record<string, number | null>): void;
  params(params: Record<string, ParamValue>): void;
  artifact(path: string): void;
}

type LogValue = number | { dataSync(): ArrayLike<number> };

function toNumber(value: LogValue): number | null {
  if (typeof value === 'number') return finiteOrNull(value);
  if (value && typeof value.dataSync === 'function') return finiteOrNull(Number(value.dataSync()[0]));
  return finiteOrNull(Number(value));
}

/** Writes a model in the layout tfjs's `file://` handler uses: model.json beside weights.bin. */
async function saveModelFiles(tf: typeof tfjs, model: { save(handler: unknown): Promise<unknown> }, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = artifacts.weightData ? Buffer.from(tf.io.CompositeArrayBuffer.join(artifacts.weightData)) : Buffer.alloc(0);
      writeFileSync(join(dir, 'weights.bin'), weights);
      const { weightData: _weightData, weightSpecs, ...rest } = artifacts;
      const json = { ...rest, weightsManifest: [{ paths: ['weights.bin'], weights: weightSpecs ?? [] }] };
      writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
}

/** Defines `globalThis.mlts` and the parameters hook for this process. */
export function installRunApi(options: {
  runId: string;
  artifactsDir: string;
  overrides: Overrides;
  tf: typeof tfjs | null;
  hooks: RunApiHooks;
}): { paramsApplied(): boolean } {
  let applied = false;
  let lastStep = -1;
  (globalThis as Record<string, unknown>)[APPLY_PARAMS_GLOBAL] = (defaults: Record<string, ParamValue>) => {
    const params = applyOverrides(defaults, options.overrides);
    applied = true;
    if (typeof params.seed === 'number' && Number.isFinite(params.seed)) seedMathRandom(params.seed);
    options.hooks.params(params);
    return params;
  };
  const api: MltsRun = {
    runId: options.runId,
    artifactsDir: options.artifactsDir,
    log(metrics, step) {
      const at = typeof step === 'number' && Number.isFinite(step) ? step : lastStep + 1;
      lastStep = Math.max(lastStep, at);
      const values: Record<string, number | null> = {};
      for (const [key, value] of Object.entries(metrics)) values[key] = toNumber(value);
      options.hooks.log(at, values);
    },
    async saveModel(model, name = 'model') {
      if (!options.tf) throw new Error('mlts.saveModel needs @tensorflow/tfjs next to the experiment');
      const dir = join(options.artifactsDir, name);
      await saveModelFiles(options.tf, model, dir);
      options.hooks.artifact(name);
      return dir;
    },
  };
  globalThis.mlts = api;
  return { paramsApplied: () => applied };
}
