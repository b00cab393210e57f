// Shape rules of tfjs's Fourier transforms: fft/ifft (a complex64 tensor keeps its shape), rfft (the last
// axis becomes floor(n / 2) + 1 complex values), irfft (the inverse, which tfjs returns as a matrix of
// rows except for rank-3 input) and `tf.signal.stft` (frames of the signal, windowed, through rfft).
// The outputs carry their dtype (complex64 or float32) because the analysis keeps dtypes as metadata
// for hovers; a wrong input dtype is not reported here, as tfjs's dtype complaints are not shape errors
// and the dtype of a tensor is not always known to the analysis.

import type * as ts from 'typescript';
import { type Dim, ShapeError, isKnown, productDim } from './shapes';
import { asTensor } from './tensorCreation';
import type { OpFn } from './tensorOps';
import { SIGNAL_OPS } from './indexingOps';
import { type Value, numberOf, tensor } from './values';

/** fft and ifft transform the innermost axis in place: same shape, complex64. */
function complexInPlace(args: Value[], node: ts.Node): Value {
  return tensor(asTensor(args[0])?.shape ?? null, node, 'complex64');
}

/** The number of complex values rfft keeps of a real signal of length n. */
const halfSpectrum = (n: Dim): Dim => (isKnown(n) ? Math.floor(n / 2) + 1 : null);

/** `tf.rfft(x, fftLength?)`: the last axis (cut or zero-padded to fftLength) becomes floor(n/2)+1. */
function rfft(args: Value[], node: ts.Node): Value {
  const s = asTensor(args[0])?.shape;
  if (!s) return tensor(null, node, 'complex64');
  if (s.length === 0) {
    // tfjs divides the size by the missing innermost axis and reshapes to [NaN, undefined].
    throw new ShapeError(
      'shape-reshape',
      'The new shape (NaN,) has NaN elements and the old shape () has 1 elements. The new shape and old shape must have the same number of elements.',
    );
  }
  const fftLength = numberOf(args[1]);
  const n = fftLength ?? s[s.length - 1];
  return tensor([...s.slice(0, -1), halfSpectrum(n)], node, 'complex64');
}

/**
 * `tf.irfft(x)`: a half spectrum of n values gives 2 * (n - 1) real samples (n itself when n <= 2).
 * tfjs flattens the outer axes into rows and restores them only for rank-3 input with a non-empty
 * first axis, so a rank-1 spectrum gives a [1, m] matrix and rank 4 gives [product of outer axes, m].
 */
function irfft(args: Value[], node: ts.Node): Value {
  const s = asTensor(args[0])?.shape;
  if (!s || s.length === 0) return tensor(null, node, 'float32');
  const n = s[s.length - 1];
  const samples: Dim = isKnown(n) ? (n <= 2 ? n : 2 * (n - 1)) : null;
  const outer = s.slice(0, -1);
  if (s.length === 3 && s[0] !== 0) return tensor([s[0], s[1], samples], node, 'float32');
  return tensor([outer.length === 0 ? 1 : productDim(outer), samples], node, 'float32');
}

/** tfjs's `enclosingPowerOfTwo`: the smallest power of two at least `value`. */
const enclosingPowerOfTwo = (value: number): number => Math.floor(Math.pow(2, Math.ceil(Math.log(value) / Math.log(2.0))));

/** Window functions of tf.signal whose output is a vector of frameLength, as stft's multiply expects. */
const STANDARD_WINDOWS = new Set(['tf.signal.hannWindow', 'tf.signal.hammingWindow']);

/**
 * `tf.signal.stft(signal, frameLength, frameStep, fftLength?, windowFn?)`: one row per frame of the
 * signal (as `tf.signal.frame` cuts it), each row the rfft of fftLength samples (by default the power
 * of two enclosing frameLength). A window function of the user's own may broadcast the frames to
 * another shape, so with one the result is unknown.
 */
function stft(args: Value[], node: ts.Node): Value {
  const windowFn = args[4];
  const customWindow = windowFn !== undefined && windowFn.kind !== 'undefined' && !(windowFn.kind === 'native' && STANDARD_WINDOWS.has(windowFn.name));
  if (customWindow) return tensor(null, node, 'complex64');
  const frames = asTensor(SIGNAL_OPS.frame(args.slice(0, 3), node))?.shape;
  const frameLength = numberOf(args[1]);
  const fftLength = numberOf(args[3]) ?? (frameLength !== undefined ? enclosingPowerOfTwo(frameLength) : null);
  return tensor([frames ? frames[0] : null, halfSpectrum(fftLength)], node, 'complex64');
}

/** Top-level and chained (`x.rfft()`) names. */
export const SPECTRAL_OPS: Record<string, OpFn> = { fft: complexInPlace, ifft: complexInPlace, rfft, irfft };

/** `tf.signal.*` additions next to indexingOps.ts's `frame`. */
export const SIGNAL_FAMILY_OPS: Record<string, OpFn> = { stft };
