// GatherV2 and its gradient, UnsortedSegmentSum, as slice copies and slice sums. GatherV2: `fit` shuffles by gathering each batch's rows out of the whole data set, and tfjs's
// kernels do that one element at a time through stride arithmetic (0.07 GB/s on wasm, 20% of an MLP step). Here each
// gathered slice (everything after the gather axis) is one contiguous block, copied with TypedArray.set, or by a
// plain loop when the block is too short for set to pay off. batchDims other than 0 and string tensors go to
// tfjs's own kernel. Out-of-range indices throw tfjs's own message.
// UnsortedSegmentSum (what an embedding's or any gathered variable's gradient runs) is missing from
// tfjs-backend-wasm, and tfjs-backend-cpu's makes one masked pass over the whole input per segment; here it is one
// pass that adds each slice into its segment's row. Ids outside [0, numSegments) add nothing, as in tfjs. Only
// one-dimensional ids, the form gradients use: tfjs's kernels give ids of higher rank a meaning of their own.
import type { PackKernel } from './kernelPack';

/** Below this many elements per slice a loop beats TypedArray.set's call overhead. */
const SHORT_SLICE = 16;

export const gatherKernel: PackKernel = {
  kernelName: 'GatherV2',
  backends: ['wasm', 'cpu'],
  run(io, inputs, attrs) {
    const x = inputs.x!;
    const indices = inputs.indices!;
    const batchDims = (attrs.batchDims as number | undefined) ?? 0;
    if (batchDims !== 0 || !['float32', 'int32', 'bool'].includes(x.dtype) || indices.dtype !== 'int32') return null;
    const axis = io.tf.util.parseAxisParam(attrs.axis as number, x.shape)[0]!;
    const dimSize = x.shape[axis]!;
    // A copy, because the view would not survive the output's allocation on wasm.
    const index = Int32Array.from(io.values(indices));
    for (const i of index) {
      io.tf.util.assert(i <= dimSize - 1 && i >= 0, () => `GatherV2: the index value ${i} is not in [0, ${dimSize - 1}]`);
    }
    const outer = x.shape.slice(0, axis).reduce((a, b) => a * b, 1);
    const slice = x.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const out = io.output([...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)], x.dtype);
    if (outer * slice * index.length === 0) return out;
    const from = io.values(x);
    const to = io.values(out);
    let o = 0;
    for (let b = 0; b < outer; b++) {
      const base = b * dimSize * slice;
      for (const i of index) {
        const start = base + i * slice;
        if (slice < SHORT_SLICE) {
          for (let k = 0; k < slice; k++) to[o + k] = from[start + k]!;
        } else {
          to.set(from.subarray(start, start + slice), o);
        }
        o += slice;
      }
    }
    return out;
  },
};

export const segmentSumKernel: PackKernel = {
  kernelName: 'UnsortedSegmentSum',
  backends: ['wasm', 'cpu'],
  run(io, inputs, attrs) {
    const x = inputs.x!;
    const segmentIds = inputs.segmentIds!;
    if (x.dtype !== 'float32' || segmentIds.dtype !== 'int32' || segmentIds.shape.length !== 1) return null;
    const numSegments = attrs.numSegments as number;
    const ids = Int32Array.from(io.values(segmentIds));
    const rest = x.shape.slice(segmentIds.shape.length);
    const slice = rest.reduce((a, b) => a * b, 1);
    const out = io.output([numSegments, ...rest], 'float32');
    const from = io.values(x);
    const to = io.values(out);
    to.fill(0);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id < 0 || id >= numSegments) continue;
      const src = i * slice;
      const dst = id * slice;
      for (let k = 0; k < slice; k++) to[dst + k]! += from[src + k]!;
    }
    return out;
  },
};
