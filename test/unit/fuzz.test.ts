// Fuzzes the shape analysis: `analyze` must survive any text a user can type.
//
// It feeds thousands of programs to `analyze`: tfjs programs generated from a small grammar
// (including adversarial ones: deep nesting, recursion, loops that double a shape, huge dims), and
// mutations of the shape corpus (/work/shared/shape-corpus, or $MLTS_SHAPE_CORPUS) and of the
// shape fixtures (tokens deleted, duplicated, swapped, numbers changed, text truncated, garbage
// inserted) or rewritten whole (other line breaks, a byte-order mark). For each program it asserts
// that `analyze` does not throw, that every diagnostic has a known severity and a range inside the
// text (LSP lines: `\n`, `\r\n`, `\r`), that `shapeAt` answers anywhere (even out of range)
// without throwing, and that the program takes under PER_PROGRAM_MS. Some programs are also checked
// against their unedited original, and some analysed twice around another one, to catch state
// that leaks between analyses.
//
// Everything is deterministic: program i is built from its own PRNG seeded with (seed, i), and is
// the same program as long as the corpus and the fixtures are unchanged.
//   MLTS_FUZZ_SEED   the seed (printed by every run)
//   MLTS_FUZZ_COUNT  how many programs (default DEFAULT_COUNT)
//   MLTS_FUZZ_ONLY   run only program i of that seed, to reproduce one failure
//   MLTS_FUZZ_MS     the time limit per program (default PER_PROGRAM_MS), for slow machines
// The programs run in worker threads so that a hang is caught, reported with its program, and the
// worker ended, instead of the test run freezing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { analyze } from '../../server/src/analysis/index';
import type { Range, ShapeDiagnostic } from '../../server/src/analysis/api';
import { splitLines } from './fixtureExpectations';
import { SHAPE_CORPUS_DIR } from '../support/shapeCorpus';

const DEFAULT_SEED = 20261125;
const DEFAULT_COUNT = 2000;
const PER_PROGRAM_MS = Number(process.env.MLTS_FUZZ_MS ?? 2000);
/** A worker whose current program has not finished by then is taken to hang. */
const HANG_MS = 10000;
const MAX_REPORTED = 8;
const FIXTURE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'shapes');

// ------------------------------------------------------------------------------ seeded randomness

/** mulberry32: a tiny, well-mixed 32-bit PRNG, so runs are reproducible without a dependency. */
class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

function programSeed(seed: number, index: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(index + 1, 0xc2b2ae35)) >>> 0;
}

// ------------------------------------------------------------------------------ grammar programs

const DIMS = ['1', '2', '3', '4', '5', '8', '10', '16', '28', '32', '64'];
const ODD_DIMS = ['0', '-1', '-2', 'n', 'batch', '1e9', '2.5', 'NaN', 'undefined', 'null', '2 ** 31', 'x.shape[0]'];
const UNARY = ['relu', 'sigmoid', 'tanh', 'exp', 'log', 'abs', 'neg', 'square', 'sqrt', 'softmax', 'logSoftmax', 'elu'];
const BINARY = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'pow', 'squaredDifference', 'equal', 'greater'];
const REDUCE = ['sum', 'mean', 'max', 'min', 'prod', 'argMax', 'argMin', 'logSumExp', 'any', 'all'];
const LAYERS = [
  'dense({units: %d, activation: "relu"})', 'dense({units: %d})', 'flatten()', 'dropout({rate: 0.5})',
  'conv2d({filters: %d, kernelSize: 3})', 'conv1d({filters: %d, kernelSize: 2, padding: "same"})',
  'maxPooling2d({poolSize: 2})', 'globalAveragePooling2d({})', 'lstm({units: %d, returnSequences: true})',
  'gru({units: %d})', 'simpleRNN({units: %d})', 'reshape({targetShape: [%d, -1]})', 'embedding({inputDim: 10, outputDim: %d})',
  'batchNormalization()', 'activation({activation: "softmax"})', 'permute({dims: [2, 1]})', 'repeatVector({n: %d})',
  'upSampling2d({size: [2, 2]})', 'zeroPadding2d({padding: 1})', 'timeDistributed({layer: tf.layers.dense({units: %d})})',
];

/** Adds `inputShape` to a layer call such as `dense({units: 4})` or `flatten()`. */
function withInputShape(layer: string, shape: string): string {
  if (layer.endsWith('()')) return `${layer.slice(0, -2)}({inputShape: ${shape}})`;
  const at = layer.lastIndexOf('})');
  return `${layer.slice(0, at)}, inputShape: ${shape}})`;
}

class GrammarProgram {
  private readonly lines: string[] = ["import * as tf from '@tensorflow/tfjs';", ''];
  private readonly tensors: string[] = [];
  private readonly symbolic: string[] = [];
  private counter = 0;
  constructor(private readonly r: Rng) {}

  private fresh(prefix: string): string {
    return `${prefix}${this.counter++}`;
  }
  private dim(): string {
    return this.r.chance(0.9) ? this.r.pick(DIMS) : this.r.pick(ODD_DIMS);
  }
  shape(maxRank = 4): string {
    const rank = this.r.int(0, maxRank);
    return `[${Array.from({ length: rank }, () => this.dim()).join(', ')}]`;
  }
  private axis(): string {
    return String(this.r.int(-3, 4));
  }
  private ref(): string {
    return this.tensors.length > 0 && this.r.chance(0.7) ? this.r.pick(this.tensors) : this.leaf();
  }
  private leaf(): string {
    const r = this.r;
    switch (r.int(0, 11)) {
      case 0: return `tf.zeros(${this.shape()})`;
      case 1: return `tf.ones(${this.shape()})`;
      case 2: return `tf.randomNormal(${this.shape()})`;
      case 3: return `tf.randomUniform(${this.shape()}, 0, 1)`;
      case 4: return `tf.scalar(${this.dim()})`;
      case 5: return `tf.tensor2d([[1, 2], [3, 4]${r.chance(0.3) ? ', [5]' : ''}])`;
      case 6: return `tf.tensor([1, 2, 3, 4, 5, 6], ${this.shape(3)})`;
      case 7: return `tf.fill(${this.shape()}, ${this.dim()})`;
      case 8: return `tf.linspace(0, 1, ${this.dim()})`;
      case 9: return `tf.range(0, ${this.dim()})`;
      case 10: return `tf.eye(${this.dim()})`;
      default: return `tf.oneHot(tf.tensor1d([0, 1, 2], 'int32'), ${this.dim()})`;
    }
  }
  expr(depth: number): string {
    const r = this.r;
    if (depth <= 0 || r.chance(0.25)) return this.ref();
    const a = () => this.expr(depth - 1);
    switch (r.int(0, 17)) {
      case 0: return `tf.${r.pick(BINARY)}(${a()}, ${a()})`;
      case 1: return `${a()}.${r.pick(BINARY)}(${a()})`;
      case 2: return `tf.${r.pick(UNARY)}(${a()})`;
      case 3: return `tf.matMul(${a()}, ${a()}, ${r.chance(0.3)}, ${r.chance(0.3)})`;
      case 4: return `tf.reshape(${a()}, ${this.shape()})`;
      case 5: return `${a()}.reshape([-1, ${this.dim()}])`;
      case 6: return `tf.transpose(${a()}${r.chance(0.5) ? `, [${this.axis()}, ${this.axis()}]` : ''})`;
      case 7: return `tf.expandDims(${a()}, ${this.axis()})`;
      case 8: return `tf.squeeze(${a()}${r.chance(0.5) ? `, [${this.axis()}]` : ''})`;
      case 9: return `tf.concat([${a()}, ${a()}], ${this.axis()})`;
      case 10: return `tf.stack([${a()}, ${a()}]${r.chance(0.5) ? `, ${this.axis()}` : ''})`;
      case 11: return `tf.slice(${a()}, [0, ${this.dim()}], [${this.dim()}, -1])`;
      case 12: return `tf.gather(${a()}, tf.tensor1d([0, 1], 'int32'), ${this.axis()})`;
      case 13: return `tf.${r.pick(REDUCE)}(${a()}, ${this.axis()}${r.chance(0.5) ? ', true' : ''})`;
      case 14: return `tf.conv2d(${a()}, tf.zeros([3, 3, ${this.dim()}, ${this.dim()}]), ${r.int(1, 2)}, '${r.pick(['same', 'valid'])}')`;
      case 15: return `tf.maxPool(${a()}, ${r.int(1, 3)}, ${r.int(1, 2)}, 'valid')`;
      case 16: return `tf.tile(${a()}, [${this.dim()}, ${this.dim()}])`;
      default: return `tf.pad(${a()}, [[1, 1], [${this.dim()}, 0]])`;
    }
  }
  private tensorDecl(value: string): string {
    const name = this.fresh('t');
    this.lines.push(`${this.r.chance(0.2) ? 'let' : 'const'} ${name} = ${value};`);
    this.tensors.push(name);
    return name;
  }
  private model(): void {
    const r = this.r;
    const name = this.fresh('model');
    this.lines.push(`const ${name} = tf.sequential();`);
    const count = r.int(1, 5);
    for (let i = 0; i < count; i++) {
      const layer = r.pick(LAYERS).replace('%d', this.dim());
      this.lines.push(`${name}.add(tf.layers.${i === 0 && r.chance(0.9) ? withInputShape(layer, this.shape(3)) : layer});`);
    }
    this.lines.push(`${name}.compile({optimizer: 'adam', loss: '${r.pick(['meanSquaredError', 'categoricalCrossentropy'])}'});`);
    if (r.chance(0.5)) this.lines.push(`await ${name}.fit(${this.ref()}, ${this.ref()}, {epochs: 1, batchSize: ${this.dim()}});`);
    if (r.chance(0.6)) this.tensorDecl(`${name}.predict(${this.ref()}) as tf.Tensor`);
  }
  private functional(): void {
    const r = this.r;
    const input = this.fresh('input');
    this.lines.push(`const ${input} = tf.input({shape: ${this.shape(3)}});`);
    let last = input;
    for (let i = r.int(1, 4); i > 0; i--) {
      const next = this.fresh('h');
      const layer = r.pick(LAYERS).replace('%d', this.dim());
      const arg = r.chance(0.2) && this.symbolic.length > 0 ? `[${last}, ${r.pick(this.symbolic)}]` : last;
      this.lines.push(`const ${next} = tf.layers.${layer}.apply(${arg}) as tf.SymbolicTensor;`);
      this.symbolic.push(next);
      last = next;
    }
    if (this.symbolic.length > 1 && r.chance(0.4)) {
      const merged = this.fresh('m');
      this.lines.push(`const ${merged} = tf.layers.${r.pick(['concatenate', 'add', 'multiply'])}().apply([${r.pick(this.symbolic)}, ${last}]) as tf.SymbolicTensor;`);
      last = merged;
    }
    this.lines.push(`const ${this.fresh('fm')} = tf.model({inputs: ${input}, outputs: ${last}});`);
  }
  statement(): void {
    const r = this.r;
    const e = () => this.expr(r.int(0, 3));
    switch (r.int(0, 13)) {
      case 0: case 1: case 2: this.tensorDecl(e()); break;
      case 3: {
        const [p, q] = [this.fresh('p'), this.fresh('q')];
        this.lines.push(`const [${p}, ${q}] = tf.split(${e()}, ${r.int(1, 3)}, ${this.axis()});`);
        this.tensors.push(p, q);
        break;
      }
      case 4: {
        const f = this.fresh('f');
        this.lines.push(`function ${f}(x: tf.Tensor, n: number): tf.Tensor {`, `  const y = ${this.expr(2).replace(/\bt\d+\b/g, 'x')};`, '  return y.reshape([n, -1]);', '}');
        this.tensorDecl(`${f}(${this.ref()}, ${this.dim()})`);
        break;
      }
      case 5: {
        const v = this.tensorDecl(e());
        this.lines.push(`for (let i = 0; i < ${r.pick(['3', '10', '1e6', 'n'])}; i++) {`, `  ${v} = tf.concat([${v}, ${e()}], ${this.axis()});`, '}');
        break;
      }
      case 6: {
        const v = this.fresh('b');
        this.lines.push(`let ${v} = ${e()};`, `if (${r.pick(['Math.random() > 0.5', 'true', 'n > 2'])}) {`, `  ${v} = ${e()};`, '} else {', `  ${v} = ${e()};`, '}');
        this.tensors.push(v);
        break;
      }
      case 7: this.tensorDecl(`tf.tidy(() => ${e()})`); break;
      case 8: this.model(); break;
      case 9: this.functional(); break;
      case 10: {
        const f = this.fresh('g');
        this.lines.push(`function ${f}(/** @shape ${this.shape().replace(/^\[/, '[batch, ')} */ x: tf.Tensor) {`, `  return ${r.chance(0.8) ? `tf.${r.pick(UNARY)}(x)` : 'x'};`, '}');
        this.tensorDecl(`${f}(${this.ref()})`);
        break;
      }
      case 11: this.lines.push(r.pick(['// %%', `console.log(${this.ref()}.shape);`, `${this.ref()}.print();`, 'const n = 4;']));
        break;
      case 12: {
        const v = this.tensorDecl(e());
        this.lines.push(`${v}.shape[${r.int(-1, 4)}];`, `const ${this.fresh('s')} = ${v}.shape.slice(1);`);
        break;
      }
      default: this.lines.push(`/** @shape ${this.shape()} */`, `const ${this.fresh('a')} = await loadSomething();`);
    }
  }
  text(): string {
    return this.lines.join('\n') + '\n';
  }
}

/** Programs that stress the analysis itself rather than tfjs: depth, recursion, growth, size. */
function adversarialProgram(r: Rng): string {
  const head = "import * as tf from '@tensorflow/tfjs';\n";
  const depth = r.int(50, 400);
  switch (r.int(0, 6)) {
    case 0: return `${head}const x = ${'tf.relu('.repeat(depth)}tf.ones([2, 2])${')'.repeat(depth)};\n`;
    case 1: return `${head}const x = tf.ones([2, 2])${'.add(tf.ones([2]))'.repeat(depth)};\n`;
    case 2: return `${head}function r(x: tf.Tensor): tf.Tensor { return r(tf.concat([x, x], 0)); }\nconst y = r(tf.ones([2, 3]));\n`;
    case 3: return `${head}function a(x: tf.Tensor): tf.Tensor { return b(x.expandDims(0)); }\nfunction b(x: tf.Tensor): tf.Tensor { return a(x.reshape([-1])); }\nconst y = a(tf.ones([2]));\n`;
    case 4: return `${head}let x = tf.ones([1, 2]);\nfor (let i = 0; i < 1e9; i++) { x = tf.concat([x, x], 0); }\nwhile (true) { x = x.expandDims(0); }\n`;
    case 5: return `${head}const x = tf.zeros([${Array.from({ length: depth }, () => r.pick(['1e9', '2 ** 53', '1'])).join(', ')}]);\nconst y = x.reshape([-1]).sum();\n`;
    default: {
      const lines = [head, 'let t0 = tf.ones([2, 3]);'];
      for (let i = 1; i < depth * 5; i++) lines.push(`const t${i} = tf.add(t${i - 1}, t${r.int(0, i - 1)});`);
      return lines.join('\n') + '\n';
    }
  }
}

// ------------------------------------------------------------------------------ mutations

const TOKEN_RE = /\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/|[A-Za-z_$][\w$]*|\d+(?:\.\d+)?(?:e\d+)?|'[^'\n]*'|"[^"\n]*"|`[^`]*`|[^\s]/g;
const WEIRD_NUMBERS = ['0', '-1', '1', '2', '3', '1e9', '1.5', 'NaN', 'Infinity', '2 ** 31', '9007199254740993', '-0', '0x10'];
const GARBAGE = [
  '(', ')', '[', ']', '{', '}', ',', ';', '=>', '...', '?.', '!', '@', '#', '`', "'", '"', '/*', '*/', '//', '\\',
  '\n// %%\n', '\r\n', '\r', '\u2028', '\t', '\u00a0', '😀', 'é', '\0', '<T>', ' as any ', ' as tf.Tensor3D ',
  '/** @shape [batch, */', '/** @shape */', '/** @shape [a, b, c, d, e, f, g, h] */', 'await ', 'yield ', 'new ',
  'tf.', 'tf.layers.', '.shape', '[0]', '.apply(', 'function (', 'class X {', 'import x from "y";', 'export ',
  'const', 'let', 'var', 'if (', 'for (;;)', 'while (', 'return', 'typeof ', 'delete ', 'null', 'undefined',
];

function mutate(text: string, r: Rng): string {
  let out = text;
  for (let m = r.int(1, 5); m > 0; m--) {
    const tokens = out.match(TOKEN_RE) ?? [];
    if (tokens.length === 0) return r.pick(GARBAGE);
    const i = r.int(0, tokens.length - 1);
    const j = r.int(0, tokens.length - 1);
    switch (r.int(0, 8)) {
      case 0: tokens.splice(i, 1); break;
      case 1: tokens.splice(i, 0, tokens[i]); break;
      case 2: [tokens[i], tokens[j]] = [tokens[j], tokens[i]]; break;
      case 3: {
        const numbers = tokens.flatMap((t, k) => (/^\d/.test(t) ? [k] : []));
        if (numbers.length > 0) tokens[r.pick(numbers)] = r.pick(WEIRD_NUMBERS);
        break;
      }
      case 4: {
        const names = tokens.filter((t) => /^[A-Za-z_$]/.test(t));
        if (names.length > 0) tokens[i] = r.pick(names);
        break;
      }
      case 5: tokens.splice(i, 0, r.pick(GARBAGE)); break;
      case 6: tokens.splice(i, r.int(1, 40)); break;
      case 7: tokens.splice(i, 0, ...tokens.slice(j, j + r.int(1, 30))); break;
      default: return tokens.join('').slice(0, r.int(0, out.length));
    }
    out = tokens.join('');
  }
  return out;
}

// ------------------------------------------------------------------------------ programs by index

type Category = 'grammar' | 'adversarial' | 'line-breaks' | 'corpus' | 'fixture' | 'seed-file';

/**
 * Whole-file rewrites that keep the program but change how positions count: LSP lines end at
 * `\n`, `\r\n` or `\r` only, and a byte-order mark or U+2028 is one more UTF-16 character.
 * `keeps` says what the diagnostics must share with the original's: all ranges (the line breaks
 * changed, not the positions), the lines and codes (every line moved right), or nothing checked.
 */
interface WholeFileEdit {
  edit: (text: string) => string;
  keeps: 'ranges' | 'lines' | 'nothing';
}
const WHOLE_FILE_EDITS: WholeFileEdit[] = [
  { edit: (t) => t.replace(/\n/g, '\r\n'), keeps: 'ranges' },
  { edit: (t) => t.replace(/\n/g, '\r'), keeps: 'ranges' },
  { edit: (t) => t.replace(/^/gm, '\t'), keeps: 'lines' },
  { edit: (t) => `\uFEFF${t}`, keeps: 'nothing' },
  { edit: (t) => t.replace(/;\n/g, ';\u2028'), keeps: 'nothing' },
  { edit: (t) => t.replace(/\(/g, '( '), keeps: 'nothing' },
  { edit: (t) => t.split('\n').join('\n\n// %%\n'), keeps: 'nothing' },
  { edit: () => '', keeps: 'nothing' },
  { edit: () => '\n\n\n', keeps: 'nothing' },
];
interface Sources {
  corpus: string[];
  fixtures: string[];
}

function readSources(): Sources {
  const read = (dir: string) =>
    fs.existsSync(dir)
      ? fs.readdirSync(dir).filter((f) => f.endsWith('.ml.ts')).sort().map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
      : [];
  return { corpus: read(SHAPE_CORPUS_DIR), fixtures: read(FIXTURE_DIR) };
}

/** Program `index` of a run: first every source file as it is, then a deterministic mix. */
interface Program {
  category: Category;
  text: string;
  /** For a whole-file edit, the text it was made from and what the two must agree on. */
  original?: string;
  keeps?: WholeFileEdit['keeps'];
}

function programAt(seed: number, index: number, sources: Sources): Program {
  const originals = [...sources.corpus, ...sources.fixtures];
  if (index < originals.length) return { category: 'seed-file', text: originals[index] };
  const r = new Rng(programSeed(seed, index));
  const roll = r.next();
  if (roll < 0.05) return { category: 'adversarial', text: adversarialProgram(r) };
  if (roll < 0.08 && originals.length > 0) {
    const { edit, keeps } = r.pick(WHOLE_FILE_EDITS);
    const original = r.pick(originals);
    return { category: 'line-breaks', text: edit(original), original, keeps };
  }
  if (roll < 0.4 || originals.length === 0) {
    const g = new GrammarProgram(r);
    for (let n = r.int(1, 30); n > 0; n--) g.statement();
    return { category: 'grammar', text: r.chance(0.3) ? mutate(g.text(), r) : g.text() };
  }
  const useCorpus = sources.corpus.length > 0 && (roll < 0.7 || sources.fixtures.length === 0);
  return useCorpus
    ? { category: 'corpus', text: mutate(r.pick(sources.corpus), r) }
    : { category: 'fixture', text: mutate(r.pick(sources.fixtures), r) };
}

// ------------------------------------------------------------------------------ checking one program

function rangeProblem(range: Range, lines: string[]): string | undefined {
  const pos = [range?.start, range?.end];
  for (const p of pos) {
    if (!p || !Number.isInteger(p.line) || !Number.isInteger(p.character)) return `malformed position ${JSON.stringify(p)}`;
    if (p.line < 0 || p.line >= lines.length) return `line ${p.line} outside 0..${lines.length - 1}`;
    if (p.character < 0 || p.character > lines[p.line].length) return `character ${p.character} outside line ${p.line} (length ${lines[p.line].length})`;
  }
  const [s, e] = pos as [Range['start'], Range['end']];
  if (s.line > e.line || (s.line === e.line && s.character > e.character)) return `range ends before it starts: ${JSON.stringify(range)}`;
  return undefined;
}

const SEVERITIES = new Set(['error', 'warning', 'information']);
const KINDS = new Set(['tensor', 'symbolic', 'layer', 'model', 'dataset', 'value']);

/** Runs the analysis on one program and returns what is wrong, or undefined. */
function checkProgram(text: string, r: Rng): string | undefined {
  const lines = splitLines(text);
  const result = analyze({ fileName: '/fuzz/program.ml.ts', text });
  if (!result || !Array.isArray(result.diagnostics) || !Array.isArray(result.models)) return 'result lacks diagnostics or models arrays';
  for (const d of result.diagnostics) {
    if (typeof d.code !== 'string' || typeof d.message !== 'string' || !SEVERITIES.has(d.severity)) return `malformed diagnostic ${JSON.stringify(d)}`;
    const why = rangeProblem(d.range, lines);
    if (why) return `diagnostic ${d.code}: ${why}`;
    for (const rel of d.related ?? []) {
      const relWhy = rel.file === undefined ? rangeProblem(rel.range, lines) : undefined;
      if (relWhy) return `related info of ${d.code}: ${relWhy}`;
    }
  }
  const probes = [{ line: -1, character: 0 }, { line: lines.length + 5, character: 3 }, { line: 0, character: 1e6 }];
  for (let k = 0; k < 25; k++) {
    const line = r.int(0, lines.length - 1);
    probes.push({ line, character: r.int(0, lines[line].length) });
  }
  for (const p of probes) {
    const info = result.shapeAt(p);
    if (info !== undefined && (typeof info.text !== 'string' || !KINDS.has(info.kind))) return `shapeAt(${JSON.stringify(p)}) gave ${JSON.stringify(info)}`;
  }
  return undefined;
}

/** Compares the diagnostics of a whole-file edit with the original's, as far as the edit keeps them. */
function keptProblem(program: Program): string | undefined {
  if (program.original === undefined || program.keeps === undefined || program.keeps === 'nothing') return undefined;
  const keeps = program.keeps;
  const key = (d: ShapeDiagnostic) =>
    keeps === 'ranges'
      ? `${d.code}@${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`
      : `${d.code}@${d.range.start.line}`;
  const list = (text: string) => analyze({ fileName: '/fuzz/program.ml.ts', text }).diagnostics.map(key).sort().join(', ');
  const [before, after] = [list(program.original), list(program.text)];
  return before === after ? undefined : `diagnostics differ from the unedited file's (${keeps} should match): ${after} vs ${before}`;
}

/** How often (one program in this many) the worker checks that analysis keeps no state between runs. */
const REPEAT_EVERY = 20;

/**
 * Analyses `text`, then `other`, then `text` again: the two answers for `text` must be equal, or
 * state leaks from one analysis to the next (the language server analyses many documents in turn).
 */
function repeatProblem(text: string, other: string): string | undefined {
  const answer = (t: string) => {
    const result = analyze({ fileName: '/fuzz/program.ml.ts', text: t });
    const lines = splitLines(t);
    const shapes = lines.map((_, line) => result.shapeAt({ line, character: Math.floor(lines[line].length / 2) })?.text ?? '');
    // Where a time budget stops the analysis depends on the machine's load, not on state left by other files.
    // A stop for the wall-clock budget cuts the file at a point that depends on the load, so two
    // such answers cannot be compared; a stop for the step budget is deterministic and stays in.
    const timedOut = result.diagnostics.some((d) => d.code === 'analysis-stopped' && /time budget/.test(d.message));
    const diagnostics = result.diagnostics.filter((d) => d.code !== 'analysis-stopped');
    return { timedOut, key: JSON.stringify([diagnostics.map((d) => [d.code, d.message, d.range]), shapes]) };
  };
  const first = answer(text);
  answer(other);
  const again = answer(text);
  if (first.timedOut || again.timedOut) return undefined;
  return again.key === first.key ? undefined : 'analysing another file in between changed this file\'s diagnostics or shapes';
}

// ------------------------------------------------------------------------------ worker side

interface Failure {
  index: number;
  category: Category;
  problem: string;
  ms: number;
}

interface WorkerReport {
  programs: number;
  totalMs: number;
  slowestMs: number;
  slowestIndex: number;
  /** Programs and milliseconds in analyze by category, to see where the time goes. */
  byCategory: Partial<Record<Category, { programs: number; ms: number }>>;
  failures: Failure[];
}

function runWorker(): void {
  const { seed, indices, progress } = workerData as { seed: number; indices: number[]; progress: SharedArrayBuffer };
  const slot = new Int32Array(progress);
  const sources = readSources();
  const report: WorkerReport = { programs: 0, totalMs: 0, slowestMs: 0, slowestIndex: -1, byCategory: {}, failures: [] };
  for (const index of indices) {
    Atomics.store(slot, 0, index);
    const program = programAt(seed, index, sources);
    const { category, text } = program;
    const started = performance.now();
    // The time limit holds for the program's own analysis; the extra analyses of the kept-diagnostics
    // and repeat checks would otherwise make one program in REPEAT_EVERY five times as slow.
    let ms = 0;
    let problem: string | undefined;
    try {
      problem = checkProgram(text, new Rng(programSeed(seed, index) ^ 0x5bd1e995));
      ms = performance.now() - started;
      problem ??= keptProblem(program);
      if (!problem && index % REPEAT_EVERY === 0) problem = repeatProblem(text, programAt(seed, index + 1, sources).text);
    } catch (e) {
      ms = performance.now() - started;
      problem = `threw ${e instanceof Error ? (e.stack ?? e.message).split('\n').slice(0, 4).join(' | ') : String(e)}`;
    }
    if (!problem && ms > PER_PROGRAM_MS) problem = `took ${ms.toFixed(0)} ms (limit ${PER_PROGRAM_MS} ms)`;
    if (problem) report.failures.push({ index, category, problem, ms });
    report.programs++;
    report.totalMs += ms;
    const stats = (report.byCategory[category] ??= { programs: 0, ms: 0 });
    stats.programs++;
    stats.ms += ms;
    if (ms > report.slowestMs) [report.slowestMs, report.slowestIndex] = [ms, index];
  }
  parentPort?.postMessage(report);
}

// ------------------------------------------------------------------------------ main thread side

function startWorker(seed: number, indices: number[]): { worker: Worker; slot: Int32Array } {
  const progress = new SharedArrayBuffer(4);
  const slot = new Int32Array(progress);
  slot[0] = -1;
  // tsx's `--import` hooks do not reach worker threads on Node 20, so the worker registers them itself.
  const tsxApi = createRequire(import.meta.url).resolve('tsx/cjs/api');
  const boot = `require(${JSON.stringify(tsxApi)}).register(); require(${JSON.stringify(fileURLToPath(import.meta.url))});`;
  const worker = new Worker(boot, { eval: true, workerData: { seed, indices, progress } });
  return { worker, slot };
}

/** Waits for a worker's report; ends the worker and rejects when one program runs past HANG_MS. */
function awaitReport(worker: Worker, slot: Int32Array, describe: (index: number) => string): Promise<WorkerReport> {
  return new Promise((resolve, reject) => {
    let last = -2;
    let since = performance.now();
    const watchdog = setInterval(() => {
      const current = Atomics.load(slot, 0);
      if (current !== last) [last, since] = [current, performance.now()];
      else if (current >= 0 && performance.now() - since > HANG_MS) {
        clearInterval(watchdog);
        void worker.terminate();
        reject(new Error(`analyze hung for over ${HANG_MS} ms on ${describe(current)}`));
      }
    }, 100);
    worker.once('message', (report: WorkerReport) => {
      clearInterval(watchdog);
      resolve(report);
    });
    worker.once('error', (e) => {
      clearInterval(watchdog);
      reject(e);
    });
  });
}

if (isMainThread) {
  test('fuzz: analyze survives generated and mutated programs', async (t) => {
    const seed = Number(process.env.MLTS_FUZZ_SEED ?? DEFAULT_SEED) >>> 0;
    const count = Number(process.env.MLTS_FUZZ_COUNT ?? DEFAULT_COUNT);
    const only = process.env.MLTS_FUZZ_ONLY;
    const sources = readSources();
    const all = only === undefined ? Array.from({ length: count }, (_, i) => i) : [Number(only)];
    const workers = Math.max(1, Math.min(2, os.availableParallelism()));
    const reproduce = (index: number) => `MLTS_FUZZ_SEED=${seed} MLTS_FUZZ_ONLY=${index}`;
    const describe = (index: number) => {
      const { category, text } = programAt(seed, index, sources);
      return `program ${index} (${category}; reproduce with ${reproduce(index)}):\n${text.slice(0, 1200)}`;
    };
    const banner = `seed ${seed}, ${all.length} programs, ${sources.corpus.length} corpus files, ${sources.fixtures.length} fixtures, ${workers} workers`;
    console.log(`fuzz: ${banner}`);
    t.diagnostic(banner);

    const started = performance.now();
    const running = Array.from({ length: workers }, (_, w) => {
      const { worker, slot } = startWorker(seed, all.filter((_, i) => i % workers === w));
      return awaitReport(worker, slot, describe).finally(() => worker.terminate());
    });
    const reports = await Promise.all(running);
    const wallMs = performance.now() - started;

    const programs = reports.reduce((n, r) => n + r.programs, 0);
    const slowest = reports.reduce((a, b) => (b.slowestMs > a.slowestMs ? b : a));
    const summary =
      `${programs} programs in ${(wallMs / 1000).toFixed(1)} s wall ` +
      `(${(reports.reduce((n, r) => n + r.totalMs, 0) / 1000).toFixed(1)} s in analyze); ` +
      `slowest ${slowest.slowestMs.toFixed(0)} ms (program ${slowest.slowestIndex})`;
    const categories = new Map<string, { programs: number; ms: number }>();
    for (const r of reports) {
      for (const [name, c] of Object.entries(r.byCategory)) {
        const sum = categories.get(name) ?? { programs: 0, ms: 0 };
        categories.set(name, { programs: sum.programs + c.programs, ms: sum.ms + c.ms });
      }
    }
    const perCategory = [...categories].map(([name, c]) => `${name} ${c.programs} (${(c.ms / c.programs).toFixed(1)} ms each)`).join(', ');
    for (const line of [summary, perCategory]) {
      console.log(`fuzz: ${line}`);
      t.diagnostic(line);
    }

    const failures = reports.flatMap((r) => r.failures).sort((a, b) => a.index - b.index);
    const shown = failures.slice(0, MAX_REPORTED).map((f) => `- ${f.problem}\n  in ${describe(f.index)}`);
    assert.equal(failures.length, 0, `${failures.length} of ${programs} programs failed:\n${shown.join('\n\n')}`);
  });
} else {
  runWorker();
}
