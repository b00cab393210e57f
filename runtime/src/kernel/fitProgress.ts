// Live training progress in the cell output: every `fit`/`fitDataset` of the tfjs a cell imports reports an
// epoch/batch bar, the elapsed time and an estimate of what is left, the current metrics and the loss per epoch,
// with no callback written by the user. It reuses the fit hooks of tracked runs (runner/fitHooks.ts), installed
// once per tfjs the kernel sees imported; batch points are throttled so reading the loss stays rare.
// The progress record is a `display` value whose `id` names the fit call: the panel replaces the previous record
// with the same id instead of adding one. Drawing it is the panel's job.
import type * as tfjs from '@tensorflow/tfjs';
import { installFitHooks } from '../runner/fitHooks';
import type { RichValue, TrainingProgress } from './kernelProtocol';

/** How often a batch point is sent while an epoch runs. */
const BATCH_INTERVAL_MS = 250;

/** The LayersModel classes already hooked: importing tfjs again (or tfjs-node) must not hook twice. */
const hooked = new WeakSet<object>();
let fitCount = 0;

/** The tfjs namespace inside a module namespace (ESM named exports, or a CommonJS `default`), if it is one. */
function tfjsOf(namespace: unknown): typeof tfjs | undefined {
  for (const candidate of [namespace, (namespace as { default?: unknown } | null)?.default]) {
    const tf = candidate as Partial<typeof tfjs> | null | undefined;
    if (typeof tf?.LayersModel?.prototype?.fit === 'function' && typeof tf.Callback === 'function' && typeof tf.CustomCallback === 'function') return tf as typeof tfjs;
  }
  return undefined;
}

/** Fraction done, elapsed and remaining time of a fit. */
export function estimate(epoch: number, epochs: number, batch: number, batches: number | null, elapsedMs: number): { fraction: number; etaMs: number | null } {
  const withinEpoch = batches ? Math.min(1, batch / batches) : 0;
  const fraction = epochs > 0 ? Math.min(1, (epoch + withinEpoch) / epochs) : 0;
  return { fraction, etaMs: fraction > 0 ? (elapsedMs * (1 - fraction)) / fraction : null };
}

/**
 * Hooks the fit methods of a tfjs module a cell imported, once; `emit` shows a record under the running cell. Also
 * makes `model.summary()` without a print function show the model's table (`summaryTable`) instead of a wide text
 * table that wraps.
 */
export function watchTfjsImport(namespace: unknown, emit: (value: RichValue) => void, summaryTable: (model: unknown) => RichValue): void {
  const tf = tfjsOf(namespace);
  if (!tf || hooked.has(tf.LayersModel)) return;
  hooked.add(tf.LayersModel);
  const summary = tf.LayersModel.prototype.summary;
  tf.LayersModel.prototype.summary = function (this: tfjs.LayersModel, ...args: Parameters<typeof summary>) {
    // Sequential's summary passes console.log on as its default print function: that counts as none given.
    if (args[2] !== undefined && args[2] !== console.log) return summary.apply(this, args);
    emit(summaryTable(this));
  };
  const fits = new Map<number, TrainingProgress & { startedAt: number }>();
  const send = (fit: number, changes: Partial<TrainingProgress>) => {
    const progress = fits.get(fit);
    if (!progress) return;
    Object.assign(progress, changes);
    progress.elapsedMs = performance.now() - progress.startedAt;
    progress.etaMs = progress.done ? 0 : estimate(progress.epoch, progress.epochs, progress.batch, progress.batches, progress.elapsedMs).etaMs;
    const { startedAt: _startedAt, ...record } = progress;
    emit({ ...record, values: { ...record.values }, epochLosses: [...record.epochLosses] });
  };
  installFitHooks(
    tf,
    {
      trainBegin: ({ fit, epochs, batches }) => {
        const id = `fit-${++fitCount}`;
        fits.set(fit, { kind: 'progress', id, epoch: 0, epochs, batch: 0, batches, elapsedMs: 0, etaMs: null, values: {}, epochLosses: [], done: false, startedAt: performance.now() });
        send(fit, {});
      },
      batch: ({ fit, epoch, batch, values }) => send(fit, { epoch, batch: batch + 1, values: { ...fits.get(fit)?.values, ...values } }),
      epoch: ({ fit, epoch, values }) => {
        const progress = fits.get(fit);
        if (!progress) return;
        const loss = values.loss;
        const { epochSeconds: _s, samplesPerSecond: _r, lr: _lr, ...metrics } = values;
        send(fit, { epoch: epoch + 1, batch: 0, values: metrics, epochLosses: typeof loss === 'number' ? [...progress.epochLosses, loss] : progress.epochLosses });
      },
      trainEnd: ({ fit }) => {
        const progress = fits.get(fit);
        if (progress) send(fit, { done: true, epoch: progress.epochs, batch: 0 });
        fits.delete(fit);
      },
    },
    BATCH_INTERVAL_MS,
  );
}
