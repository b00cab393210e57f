// Generates the hostile inputs that must keep the shape analysis bounded (issue 11, item 7): binary files
// named `.ml.ts`, huge generated source, and expressions nested thousands deep. Everything is made on the fly
// from a seed, so no binary is committed and every run sees the same bytes.

/** Deterministic bytes (xorshift32), so a failure can be reproduced. */
export function seededBytes(length: number, seed = 0x9e3779b9): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** Bytes that are never valid UTF-8 on their own (0x80–0xff) mixed with ASCII letters, and no NUL. */
export function invalidUtf8Bytes(length: number): Buffer {
  const bytes = seededBytes(length, 7);
  for (let i = 0; i < length; i++) bytes[i] = i % 3 === 0 ? 0x61 + (bytes[i]! % 26) : 0x80 | bytes[i]!;
  return bytes;
}

/** A tensor program of about `chars` characters: many small statements, as a generated file would hold. */
export function generatedSource(chars: number): string {
  const lines = ["import * as tf from '@tensorflow/tfjs';", 'let x = tf.zeros([4, 8]);'];
  let size = lines.join('\n').length;
  for (let i = 0; size < chars; i++) {
    const line = `const t${i} = x.add(tf.ones([4, 8])).mul(${i % 7}).reshape([8, 4]).transpose();`;
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join('\n') + '\n';
}

/** The line (0-based) of the shape error in every deep program: it must still be reported. */
export const DEEP_PROGRAM_ERROR_LINE = 4;

/** Ways an expression nests: each makes a nesting of depth `n` around a tensor `x`. */
export const NESTINGS: Record<string, (n: number) => string> = {
  parentheses: (n) => '('.repeat(n) + 'x' + ')'.repeat(n),
  arrays: (n) => '['.repeat(n) + 'x' + ']'.repeat(n),
  nestedCalls: (n) => 'x.add('.repeat(n) + 'x' + ')'.repeat(n),
  methodChain: (n) => 'x' + '.add(x)'.repeat(n),
  binaryChain: (n) => 'x' + ' + x'.repeat(n),
  conditionals: (n) => 'a ? x : '.repeat(n) + 'x',
  objects: (n) => '{ a: '.repeat(n) + 'x' + ' }'.repeat(n),
};

/** A program whose line 3 (0-based) nests `n` deep and whose line DEEP_PROGRAM_ERROR_LINE holds a real shape error. */
export function deepProgram(nesting: (n: number) => string, n: number): string {
  return [
    "import * as tf from '@tensorflow/tfjs';",
    'const x = tf.zeros([2, 3]);',
    'const a = Math.random() > 0.5;',
    `const deep = ${nesting(n)};`,
    'const bad = tf.zeros([2, 3]).add(tf.zeros([4, 5]));',
    '',
  ].join('\n');
}
