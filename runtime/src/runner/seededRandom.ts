// Repeatable runs: when a file's parameters include a numeric `seed`, the run replaces Math.random with a seeded
// generator before the file's training starts. tfjs draws the seeds of unseeded initializers and random ops, and
// the order of fit's shuffling, from Math.random, so on deterministic backends (cpu, wasm) the same seed gives
// the same run. Explicit seeds in the user's code still win.

/** mulberry32: a small, well-mixed 32-bit generator; returns numbers in [0, 1) like Math.random. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Replaces Math.random with a generator seeded by `seed` (any finite number; fractions are hashed in). */
export function seedMathRandom(seed: number): void {
  const mixed = Math.floor(seed) ^ Math.floor((seed % 1) * 2 ** 31);
  Math.random = mulberry32(mixed);
}
