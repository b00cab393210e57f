// The op families added for the whole tfjs-core API (issue 11), gathered in one table each for the
// top level (`tf.gatherND`) and for the op namespaces (`tf.linalg.qr`), so that tfNamespace.ts and
// tensorMethods.ts take them in with one line each. The rules live in one file per family.

import type { OpFn } from './tensorOps';
import { CONV3D_OPS } from './conv3dOps';
import { COUNTING_SEARCH_OPS } from './countingSearchOps';
import { FUSED_OPS } from './fusedOps';
import { IMAGE_TRANSFORM_OPS } from './imageTransformOps';
import { LINALG_OPS } from './linalgOps';
import { PLAIN_OPS, WINDOW_SIGNAL_OPS } from './plainOps';
import { POOL2D_OPS } from './pool2dOps';
import { RAGGED_OPS } from './raggedOps';
import { RANK_VARIANT_OPS } from './rankVariantOps';
import { RNN_CELL_OPS } from './rnnCellOps';
import { SCATTER_GATHER_OPS } from './scatterGatherOps';
import { SPACE_BATCH_OPS } from './spaceBatchOps';
import { SPARSE_OPS } from './sparseOps';
import { SIGNAL_FAMILY_OPS, SPECTRAL_OPS } from './spectralOps';
import { STRING_OPS } from './stringOps';

/** `tf.<name>` ops (conv3dOps.ts replaces convOps.ts's coarser conv3d and 3-D pooling). */
export const FAMILY_OPS: Record<string, OpFn> = {
  ...SCATTER_GATHER_OPS,
  ...SPACE_BATCH_OPS,
  ...CONV3D_OPS,
  ...POOL2D_OPS,
  ...SPECTRAL_OPS,
  ...RAGGED_OPS,
  ...RANK_VARIANT_OPS,
  ...COUNTING_SEARCH_OPS,
  ...PLAIN_OPS,
  ...RNN_CELL_OPS,
};

/** The ones tfjs also chains onto tensors (tfjs-core's public/chained_ops): `x.depthToSpace(2)`. */
const CHAINED = ['batchToSpaceND', 'spaceToBatchND', 'depthToSpace', 'unsortedSegmentSum', 'dilation2d', 'pool', 'fft', 'ifft', 'rfft', 'irfft'];

export const FAMILY_METHODS: Record<string, OpFn> = Object.fromEntries(CHAINED.filter((k) => FAMILY_OPS[k]).map((k) => [k, FAMILY_OPS[k]]));

/** `tf.<namespace>.<name>` ops, merged into the namespace's existing members. */
export const NAMESPACED_FAMILY_OPS: Record<string, Record<string, OpFn>> = {
  fused: FUSED_OPS,
  spectral: SPECTRAL_OPS,
  signal: { ...SIGNAL_FAMILY_OPS, ...WINDOW_SIGNAL_OPS },
  image: IMAGE_TRANSFORM_OPS,
  linalg: LINALG_OPS,
  sparse: SPARSE_OPS,
  string: STRING_OPS,
};
