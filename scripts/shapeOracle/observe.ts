// The run-time half of the shape oracle: `__mltsOracle(k, value)` (installed on globalThis for one run) notes the
// shape of every tensor, symbolic tensor and model that probe `k` sees, and passes the value through unchanged.
// Tensors are noted at once (they may be disposed later); models are kept and read after the run, because the
// analysis reports a model's final output shape (`model.add` keeps changing it). It does not compare anything.

import * as tf from '@tensorflow/tfjs';
import { PROBE_FUNCTION } from './instrument';

/** One shape a probe saw: `null` is a symbolic (batch) axis. */
export interface ObservedShape {
  dims: Array<number | null>;
  kind: 'tensor' | 'symbolic' | 'model';
}

export class Observations {
  /** Distinct shapes per probe, keyed by their text so that a loop does not pile up copies. */
  private readonly shapes = new Map<number, Map<string, ObservedShape>>();
  private readonly models = new Map<number, Set<tf.LayersModel>>();

  /** Probes that ran at all, whatever their value: the lines that really executed. */
  readonly ran = new Set<number>();

  readonly note = (k: number, value: unknown): unknown => {
    this.ran.add(k);
    if (value instanceof tf.Tensor) this.add(k, { dims: value.shape.slice(), kind: 'tensor' });
    else if (value instanceof tf.SymbolicTensor) this.add(k, { dims: value.shape.slice(), kind: 'symbolic' });
    else if (value instanceof tf.LayersModel) {
      let set = this.models.get(k);
      if (!set) this.models.set(k, (set = new Set()));
      set.add(value);
    }
    return value;
  };

  private add(k: number, shape: ObservedShape): void {
    let byText = this.shapes.get(k);
    if (!byText) this.shapes.set(k, (byText = new Map()));
    const key = `${shape.kind}:${shape.dims.join(',')}`;
    if (!byText.has(key)) byText.set(key, shape);
  }

  /** Everything each probe saw; models are read now, as they are at the end of the run. */
  finish(): Map<number, ObservedShape[]> {
    for (const [k, models] of this.models) {
      for (const model of models) {
        const shape = singleOutputShape(model);
        if (shape) this.add(k, { dims: shape, kind: 'model' });
      }
    }
    const out = new Map<number, ObservedShape[]>();
    for (const [k, byText] of this.shapes) out.set(k, [...byText.values()]);
    return out;
  }

  install(): void {
    (globalThis as Record<string, unknown>)[PROBE_FUNCTION] = this.note;
  }
}

/** A model's output shape when it has exactly one output (a sequential model without layers has none). */
function singleOutputShape(model: tf.LayersModel): Array<number | null> | undefined {
  try {
    return model.outputs?.length === 1 ? model.outputs[0].shape.slice() : undefined;
  } catch {
    return undefined;
  }
}
