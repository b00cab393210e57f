// Matrix products with a transposed operand, as tfjs asks for them in every weight gradient (dW = xᵀ·dy) and every
// input gradient (dx = dy·Wᵀ). tfjs-backend-wasm's XNNPACK product takes a slow path for transposed operands
// (~1.2 GFLOP/s against ~20 without: 15.8 ms against 1.15 ms on one MLP gradient), and tfjs-backend-cpu's product
// reads a transposed operand with a large stride. So the transposed operand is copied once into row-major order
// (a blocked transpose of the last two axes) and the backend's own untransposed product does the arithmetic.
// Covers BatchMatMul and _FusedMatMul (the same product plus bias and activation, passed through unchanged).
import type { KernelBackend, TensorInfoLike } from './kernelBackend';
import type { PackKernel } from './kernelPack';

/** Tile edge of the blocked transpose: a tile of rows and one of columns stay in cache together. */
const TILE = 32;

/** A new float32 tensor holding `x` with its last two axes swapped. */
export function transposeLastAxes(io: KernelBackend, x: TensorInfoLike): TensorInfoLike {
  const rank = x.shape.length;
  const rows = x.shape[rank - 2]!;
  const cols = x.shape[rank - 1]!;
  const batches = x.shape.slice(0, -2).reduce((a, b) => a * b, 1);
  const out = io.output([...x.shape.slice(0, -2), cols, rows], 'float32');
  // Views only after the allocation (on wasm it may grow the heap).
  const from = io.values(x);
  const to = io.values(out);
  for (let b = 0; b < batches; b++) {
    const base = b * rows * cols;
    for (let r0 = 0; r0 < rows; r0 += TILE) {
      const r1 = Math.min(rows, r0 + TILE);
      for (let c0 = 0; c0 < cols; c0 += TILE) {
        const c1 = Math.min(cols, c0 + TILE);
        for (let r = r0; r < r1; r++) {
          const row = base + r * cols;
          for (let c = c0; c < c1; c++) to[base + c * rows + r] = from[row + c]!;
        }
      }
    }
  }
  return out;
}

function untransposedProduct(kernelName: string): PackKernel['run'] {
  return (io, inputs, attrs) => {
    const a = inputs.a!;
    const b = inputs.b!;
    const transposeA = attrs.transposeA === true;
    const transposeB = attrs.transposeB === true;
    if ((!transposeA && !transposeB) || a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return null;
    const aRows = transposeA ? transposeLastAxes(io, a) : a;
    const bRows = transposeB ? transposeLastAxes(io, b) : b;
    try {
      return io.run(kernelName, { ...inputs, a: aRows, b: bRows }, { ...attrs, transposeA: false, transposeB: false });
    } finally {
      if (aRows !== a) io.dispose(aRows);
      if (bRows !== b) io.dispose(bRows);
    }
  };
}

export const matMulKernels: PackKernel[] = [
  { kernelName: 'BatchMatMul', backends: ['wasm', 'cpu'], run: untransposedProduct('BatchMatMul') },
  { kernelName: '_FusedMatMul', backends: ['wasm', 'cpu'], run: untransposedProduct('_FusedMatMul') },
];
