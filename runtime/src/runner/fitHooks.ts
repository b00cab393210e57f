// Captures training metrics with no change to the user's code: `LayersModel.prototype.fit` and `fitDataset` of the
// user's tfjs are wrapped so every call gets one more callback. It reports each epoch (all of tfjs's epoch logs:
// loss, metrics, validation; plus the optimizer's learning rate where it has one, samples per second and epoch
// seconds) and, at most once per `batchIntervalMs`, a batch point. Reading a batch's loss forces the backend to
// finish its queued work, so batch points are throttled; counting samples costs nothing. The callback is a
// tfjs `Callback` (not a plain object), so tfjs does not start yielding between batches because of it.
// Sequential models delegate fit to an inner LayersModel, so wrapping the base class sees every model once.
// tfjs's training loop chains promises that are already resolved, so without help the event loop would not turn
// until fit returns: the tracker yields to it (setImmediate) every YIELD_MS, so signals (a cancel) and IPC are
// handled while a long fit runs.
import type * as tfjs from '@tensorflow/tfjs';
import { finiteOrNull } from '../store/metricsLog';

type Tf = typeof tfjs;

/** Longest stretch of batches without letting the event loop turn. */
const YIELD_MS = 200;
type Logs = Record<string, unknown>;

export interface EpochReport {
  fit: number;
  epoch: number;
  epochs: number;
  values: Record<string, number | null>;
  samplesPerSecond: number | null;
}

export interface BatchReport {
  fit: number;
  epoch: number;
  batch: number;
  /** Batches per epoch when tfjs knows it (fit always, fitDataset with `batchesPerEpoch`). */
  batches: number | null;
  values: Record<string, number | null>;
}

export interface FitObserver {
  epoch(report: EpochReport): void;
  batch(report: BatchReport): void;
  /** A fit call starts or ends (the cell kernel's progress bar needs both; tracked runs do not). */
  trainBegin?(report: { fit: number; epochs: number; batches: number | null }): void;
  trainEnd?(report: { fit: number }): void;
}

/** Batches per epoch from the params tfjs gives callbacks: `steps`, or samples over batch size. */
function batchesPerEpoch(params: Logs | undefined): number | null {
  if (typeof params?.steps === 'number' && params.steps > 0) return params.steps;
  if (typeof params?.samples === 'number' && typeof params.batchSize === 'number' && params.batchSize > 0) return Math.ceil(params.samples / params.batchSize);
  return null;
}

async function resolveLogs(logs: Logs | undefined): Promise<Record<string, number | null>> {
  const values: Record<string, number | null> = {};
  for (const [key, value] of Object.entries(logs ?? {})) {
    if (key === 'batch' || key === 'size') continue;
    if (typeof value === 'number') values[key] = finiteOrNull(value);
    else if (value && typeof (value as tfjs.Tensor).data === 'function' && !(value as tfjs.Tensor).isDisposed) {
      values[key] = finiteOrNull((await (value as tfjs.Tensor).data())[0]!);
    }
  }
  return values;
}

function learningRate(model: tfjs.LayersModel): number | undefined {
  const rate = (model.optimizer as unknown as { learningRate?: unknown } | undefined)?.learningRate;
  return typeof rate === 'number' ? rate : undefined;
}

/** Whether a callbacks entry is a tfjs callback object rather than a plain `{ onEpochEnd… }` config. */
function isCallbackObject(value: unknown): boolean {
  return typeof (value as { setParams?: unknown } | null)?.setParams === 'function';
}

/**
 * Wraps fit and fitDataset of `tf.LayersModel`; returns a function that restores them. Each call of fit counts as
 * one "fit" (0-based) so epochs of successive fit calls stay apart.
 */
export function installFitHooks(tf: Tf, observer: FitObserver, batchIntervalMs = 1000): () => void {
  let fitCount = 0;
  const now = () => performance.now();

  class RunTracker extends tf.Callback {
    private epochStart = 0;
    private epochSamples = 0;
    private lastBatchPoint = 0;
    private lastYield = 0;
    private currentEpoch = 0;
    private batches: number | null = null;

    constructor(
      private readonly owner: tfjs.LayersModel,
      private readonly fitIndex: number,
      private readonly totalEpochs: number,
    ) {
      super();
    }

    override async onTrainBegin(): Promise<void> {
      this.lastBatchPoint = now();
      this.lastYield = this.lastBatchPoint;
      this.batches = batchesPerEpoch(this.params as Logs | undefined);
      observer.trainBegin?.({ fit: this.fitIndex, epochs: this.totalEpochs, batches: this.batches });
    }

    override async onTrainEnd(): Promise<void> {
      observer.trainEnd?.({ fit: this.fitIndex });
    }

    override async onEpochBegin(epoch: number): Promise<void> {
      this.currentEpoch = epoch;
      this.epochStart = now();
      this.epochSamples = 0;
    }

    override async onBatchEnd(batch: number, logs?: Logs): Promise<void> {
      this.epochSamples += typeof logs?.size === 'number' ? logs.size : 0;
      const t = now();
      if (t - this.lastYield >= YIELD_MS) {
        this.lastYield = t;
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (t - this.lastBatchPoint < batchIntervalMs) return;
      this.lastBatchPoint = t;
      observer.batch({ fit: this.fitIndex, epoch: this.currentEpoch, batch, batches: this.batches, values: await resolveLogs(logs) });
    }

    override async onEpochEnd(epoch: number, logs?: Logs): Promise<void> {
      const values = await resolveLogs(logs);
      const seconds = (now() - this.epochStart) / 1000;
      const rate = learningRate(this.owner);
      if (rate !== undefined) values.lr = rate;
      const samplesPerSecond = this.epochSamples > 0 && seconds > 0 ? this.epochSamples / seconds : null;
      if (samplesPerSecond !== null) values.samplesPerSecond = samplesPerSecond;
      values.epochSeconds = seconds;
      observer.epoch({ fit: this.fitIndex, epoch, epochs: this.totalEpochs, values, samplesPerSecond });
    }
  }

  type FitArgs = { callbacks?: unknown; epochs?: number; yieldEvery?: unknown };
  const withTracker = (model: tfjs.LayersModel, args: FitArgs | undefined): FitArgs => {
    const tracker = new RunTracker(model, fitCount++, args?.epochs ?? 1);
    const given = args?.callbacks;
    const list = given === undefined || given === null ? [] : Array.isArray(given) ? given : [given];
    // tfjs takes either callback objects or plain configs, not a mix: wrap plain configs the way tfjs would.
    const callbacks = list.map((c) => (isCallbackObject(c) ? c : new tf.CustomCallback(c as tfjs.CustomCallbackArgs, args?.yieldEvery as tfjs.ModelFitArgs['yieldEvery'])));
    return { ...args, callbacks: [...callbacks, tracker] };
  };

  const proto = tf.LayersModel.prototype;
  const fit = proto.fit;
  const fitDataset = proto.fitDataset;
  proto.fit = function (this: tfjs.LayersModel, x, y, args) {
    return fit.call(this, x, y, withTracker(this, args as FitArgs) as tfjs.ModelFitArgs);
  };
  proto.fitDataset = function (this: tfjs.LayersModel, dataset, args) {
    return fitDataset.call(this, dataset, withTracker(this, args as FitArgs) as tfjs.ModelFitDatasetArgs<unknown>);
  };
  return () => {
    proto.fit = fit;
    proto.fitDataset = fitDataset;
  };
}
