// Proves the shape fixtures (test/fixtures/shapes/*.ml.ts) against real TensorFlow.js.
//
//   node --import tsx scripts/verifyShapeFixtures.mjs [--show-errors] [file-substring ...]
//   node --import tsx scripts/verifyShapeFixtures.mjs --generate SEED   (rewrites generated-chains.ml.ts)
//
// tfjs is the oracle: the fixtures specify the static analysis, and this script checks that what
// they claim is what @tensorflow/tfjs 4.22.0 does on the cpu backend. For each fixture it
//
//   1. parses the caret and expect-error markers (test/unit/fixtureExpectations.ts);
//   2. instruments the source without adding lines: a caret under a variable that the line
//      declares or assigns becomes a probe after that statement, a caret under a parameter a probe
//      at the top of the function body, a caret under any other identifier a tap around it; every
//      statement starting on an expect-error line is wrapped in try/catch;
//   3. compiles it with esbuild and runs it once, in this process;
//   4. checks that each probe ran and every value it saw matches the caret's shape text (integer
//      dims must be equal; a named dim such as `batch` must be null on a symbolic tensor and one
//      consistent number on a concrete one; `?` matches anything), that each expect-error statement
//      threw, at least once if it runs more than once, an error that is not a
//      TypeError/ReferenceError/SyntaxError or a dtype complaint and whose innermost frame in the
//      fixture is the marked line (as in the shape corpus), and that nothing else threw.
//
// --show-errors prints tfjs's message for every expect-error line, to check that each one fails
// for the reason the fixture means (a statement can throw for another reason than its shape).
//
// It is not part of `npm test` (it runs every fixture through tfjs), but it must pass whenever a
// fixture changes. It exits 1 on any disagreement and prints one line per problem.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import * as esbuild from 'esbuild';
import * as tf from '@tensorflow/tfjs';
import { parseFixtureExpectations } from '../test/unit/fixtureExpectations.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURE_DIR = path.join(ROOT, 'test', 'fixtures', 'shapes');
const IMPORT_RE = /^import \* as tf from '@tensorflow\/tfjs';/m;
const ERROR_CODES = new Set([
  'shape-broadcast', 'shape-matmul', 'shape-reshape', 'shape-rank', 'shape-concat', 'shape-conv', 'shape-axis',
  'tensor-ctor', 'layer-input', 'fit-input', 'fit-target', 'predict-input',
]);
const NON_SHAPE_ERRORS = new Set(['TypeError', 'ReferenceError', 'SyntaxError']);
/** tfjs's dtype complaints ("must be float32 tensor, but got int32 tensor") are not shape errors. */
const DTYPE_ERROR_RE = /tensor, but got \w+ tensor|dtype/i;
const isShapeError = (e) => !NON_SHAPE_ERRORS.has(e?.name) && !DTYPE_ERROR_RE.test(String(e?.message));

// ------------------------------------------------------------------------------ instrumentation

function isStatementInList(node) {
  return ts.isStatement(node) && node.parent !== undefined &&
    (ts.isBlock(node.parent) || ts.isSourceFile(node.parent) || ts.isCaseClause(node.parent) || ts.isDefaultClause(node.parent));
}

function enclosingStatement(node) {
  let n = node;
  while (n && !isStatementInList(n)) n = n.parent;
  return n;
}

function identifierAt(sf, offset) {
  let found;
  const visit = (node) => {
    if (offset < node.getStart(sf) || offset >= node.end) return;
    if (ts.isIdentifier(node)) found = node;
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** The offset just inside the opening brace of a function or loop body, or undefined. */
function bodyStart(body) {
  return body && ts.isBlock(body) ? body.getStart() + 1 : undefined;
}

/**
 * Decides where to read a caret's value: an insertion `{at, text}` of a probe statement, or a
 * replacement `{start, end, text}` that taps an expression. Returns a string when it cannot.
 */
function planCaret(sf, id, k) {
  const name = id.text;
  const probe = `;__probe(${k}, () => ${name});`;
  let decl = id.parent;
  while (ts.isBindingElement(decl) || ts.isArrayBindingPattern(decl) || ts.isObjectBindingPattern(decl)) {
    decl = decl.parent;
  }
  if (ts.isParameter(decl) && id !== decl.type) {
    const at = bodyStart(decl.parent.body);
    return at === undefined ? 'a parameter caret needs a function with a block body' : { at, text: probe };
  }
  if (ts.isVariableDeclaration(decl) && isDeclaredName(decl.name, id)) {
    const loop = decl.parent.parent;
    if (ts.isForOfStatement(loop) || ts.isForInStatement(loop)) {
      const at = bodyStart(loop.statement);
      return at === undefined ? 'a loop-variable caret needs a block body' : { at, text: probe };
    }
    return afterStatement(id, probe);
  }
  const parent = id.parent;
  if (ts.isBinaryExpression(parent) && parent.left === id && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    return afterStatement(id, probe);
  }
  if (ts.isShorthandPropertyAssignment(parent)) return 'a caret under a shorthand property is ambiguous';
  let expr = id;
  if (ts.isPropertyAccessExpression(parent) && parent.name === id) {
    expr = ts.isCallExpression(parent.parent) && parent.parent.expression === parent ? parent.parent : parent;
  }
  return { start: expr.getStart(sf), end: expr.end, text: `__tap(${k}, ${expr.getText(sf)})` };
}

function isDeclaredName(nameNode, id) {
  if (nameNode === id) return true;
  let found = false;
  const visit = (n) => {
    if (n === id) found = true;
    else ts.forEachChild(n, visit);
  };
  visit(nameNode);
  return found;
}

function afterStatement(node, text) {
  const stmt = enclosingStatement(node);
  return stmt ? { at: stmt.end, text } : 'no statement encloses the caret';
}

function instrument(file, source, expectations) {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const lineStarts = sf.getLineStarts();
  const problems = [];
  const edits = [];
  expectations.carets.forEach((caret, k) => {
    const offset = lineStarts[caret.position.line] + caret.position.character;
    const id = identifierAt(sf, offset);
    const where = `line ${caret.caretLine + 1}`;
    if (!id) {
      problems.push(`${where}: the caret does not point at an identifier`);
      return;
    }
    const plan = planCaret(sf, id, k);
    if (typeof plan === 'string') problems.push(`${where}: ${plan}`);
    else edits.push(plan);
  });
  expectations.errors.forEach((error, k) => {
    const where = `line ${error.line + 1}`;
    if (error.code !== undefined && !ERROR_CODES.has(error.code)) problems.push(`${where}: unknown error code ${error.code}`);
    const stmt = statementStartingOn(sf, error.line);
    if (!stmt) {
      problems.push(`${where}: no statement starts on an expect-error line`);
      return;
    }
    edits.push({ at: stmt.getStart(sf), text: 'try { ' });
    edits.push({ at: stmt.end, text: ` ;__threw(${k}, null); } catch (__e) { __threw(${k}, __e); }` });
  });
  // Apply from the end so earlier offsets stay valid; at equal offsets a replacement goes last.
  edits.sort((a, b) => (b.start ?? b.at) - (a.start ?? a.at) || (a.start === undefined ? -1 : 1));
  let text = source;
  for (const e of edits) {
    text = e.start === undefined ? text.slice(0, e.at) + e.text + text.slice(e.at) : text.slice(0, e.start) + e.text + text.slice(e.end);
  }
  return { text, problems };
}

/** The outermost statement in a statement list that starts on `line`. */
function statementStartingOn(sf, line) {
  let found;
  const visit = (node) => {
    if (found) return;
    if (isStatementInList(node) && sf.getLineAndCharacterOfPosition(node.getStart(sf)).line === line) {
      found = node;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

// ------------------------------------------------------------------------------ shape matching

/** Parses `[2, batch, ?]` into dims, or `?` (unknown rank) into null. */
function parseShapeText(text) {
  if (text === '?') return null;
  const m = /^\[(.*)\]$/.exec(text);
  if (!m) return undefined;
  if (m[1].trim() === '') return [];
  return m[1].split(',').map((d) => d.trim());
}

function runtimeShapeOf(value) {
  if (value instanceof tf.Tensor) return { shape: value.shape, symbolic: false };
  if (value instanceof tf.SymbolicTensor) return { shape: value.shape, symbolic: true };
  if (value instanceof tf.LayersModel && value.outputs.length === 1) return { shape: value.outputs[0].shape, symbolic: true };
  return undefined;
}

/** Returns undefined when the runtime value matches the expected text, else why not. */
function mismatch(expected, value) {
  const dims = parseShapeText(expected);
  if (dims === undefined) return `cannot read shape text ${expected}`;
  const got = runtimeShapeOf(value);
  if (!got) return `value is not a tensor, symbolic tensor or single-output model (${value?.constructor?.name ?? typeof value})`;
  const shown = `[${got.shape.map((d) => (d === null ? 'null' : d)).join(', ')}]`;
  if (dims === null) return undefined;
  if (dims.length !== got.shape.length) return `expected ${expected}, tfjs has ${shown}`;
  const bound = new Map();
  for (let i = 0; i < dims.length; i++) {
    const want = dims[i];
    const have = got.shape[i];
    if (want === '?') continue;
    if (/^\d+$/.test(want)) {
      if (have !== Number(want)) return `expected ${expected}, tfjs has ${shown}`;
    } else if (/^[A-Za-z_]\w*$/.test(want)) {
      if (got.symbolic && have !== null) return `expected ${expected}, tfjs has ${shown} (a named dim must be null here)`;
      if (!got.symbolic) {
        if (bound.has(want) && bound.get(want) !== have) return `expected ${expected}, tfjs has ${shown} (${want} differs)`;
        bound.set(want, have);
      }
    } else {
      return `cannot read dim ${want} in ${expected}`;
    }
  }
  return undefined;
}

// ------------------------------------------------------------------------------ running

/**
 * The 0-based fixture line of the innermost stack frame in the fixture, as a stack trace would
 * blame it (source maps are on), or undefined when tfjs threw after an await of its own.
 */
function blamedLine(e, file) {
  for (const frame of String(e?.stack ?? '').split('\n')) {
    const m = frame.includes(file) ? /:(\d+):\d+\)?$/.exec(frame.trim()) : null;
    if (m) return Number(m[1]) - 1;
  }
  return undefined;
}

async function verifyFixture(file, tmpDir, showErrors) {
  const rel = path.relative(ROOT, file);
  const source = fs.readFileSync(file, 'utf8');
  const problems = [];
  if (!IMPORT_RE.test(source)) problems.push(`${rel}: does not start with the tfjs import`);
  const expectations = parseFixtureExpectations(source);
  problems.push(...expectations.problems.map((p) => `${rel}: ${p}`));
  const inst = instrument(file, source, expectations);
  problems.push(...inst.problems.map((p) => `${rel}: ${p}`));

  const seen = expectations.carets.map(() => []);
  const threw = expectations.errors.map(() => []);
  globalThis.__shapeFixtureTf = tf;
  globalThis.__probe = (k, read) => seen[k].push(read());
  globalThis.__tap = (k, value) => (seen[k].push(value), value);
  globalThis.__threw = (k, e) => threw[k].push(e);

  const patched = inst.text.replace(IMPORT_RE, 'const tf = globalThis.__shapeFixtureTf;');
  let crash;
  // tfjs warns about slow initializers and the like; the fixtures' output is not the point here.
  const warn = console.warn;
  console.warn = () => {};
  try {
    const out = esbuild.transformSync(patched, { loader: 'ts', format: 'esm', target: 'es2022', sourcemap: 'inline', sourcefile: file });
    const outFile = path.join(tmpDir, path.basename(file).replace(/\.ts$/, '.mjs'));
    fs.writeFileSync(outFile, out.code);
    await import(pathToFileURL(outFile).href);
  } catch (e) {
    crash = e;
  } finally {
    console.warn = warn;
  }
  if (crash) {
    const frame = String(crash.stack ?? '').split('\n').find((l) => l.includes(path.basename(file))) ?? '';
    const line = /:(\d+):\d+\)?$/.exec(frame.trim());
    problems.push(`${rel}:${line ? line[1] : '?'}: unexpected ${crash.name ?? 'error'}: ${String(crash.message ?? crash).split('\n')[0]}`);
  }

  expectations.carets.forEach((caret, k) => {
    const where = `${rel}:${caret.position.line + 1}:${caret.position.character + 1}`;
    if (seen[k].length === 0) {
      if (!crash) problems.push(`${where}: the caret's value was never read (code not run?)`);
      return;
    }
    for (const value of seen[k]) {
      const why = mismatch(caret.expected, value);
      if (why) {
        problems.push(`${where}: ${why}`);
        break;
      }
    }
  });
  expectations.errors.forEach((error, k) => {
    const where = `${rel}:${error.line + 1}`;
    if (threw[k].length === 0) {
      if (!crash) problems.push(`${where}: the expect-error statement never ran`);
      return;
    }
    // A statement in a function may run several times; one call with the bad shape is enough.
    const thrown = threw[k].filter((e) => e !== null);
    if (thrown.length === 0) problems.push(`${where}: expected an error, but tfjs ran the statement without one`);
    for (const e of thrown) {
      const blamed = blamedLine(e, file);
      if (blamed !== undefined && blamed !== error.line) problems.push(`${where}: the error is thrown on line ${blamed + 1}; mark that line`);
      if (!isShapeError(e)) problems.push(`${where}: threw a ${e.name}, not a shape error: ${e.message}`);
      else if (showErrors) console.log(`     ${where} ${error.code ?? ''}: ${String(e.message).split('\n')[0].slice(0, 160)}`);
    }
  });
  return { rel, carets: expectations.carets.length, errors: expectations.errors.length, problems };
}

// ------------------------------------------------------------------------------ generated fixture
//
// `--generate` writes GENERATED_FILE: random chains of ops over earlier results, each statement
// evaluated on live tfjs tensors as it is written, so its caret is tfjs's own answer. A statement
// meant to be valid that throws is dropped; one meant to fail must throw, and gets its marker.
// The same seed gives the same file, since no shape here depends on tensor values.

const GENERATED_FILE = path.join(FIXTURE_DIR, 'generated-chains.ml.ts');
const GENERATED_STATEMENTS = 160;
const GENERATED_LAYER_STATEMENTS = 100;
/** How often a builder that can go wrong is asked to. */
const ERROR_RATE = 0.25;

function mulberry32(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  return { next, int, pick: (xs) => xs[int(0, xs.length - 1)] };
}

const list = (xs) => `[${xs.join(', ')}]`;

/** Each builder gets the PRNG and one live tensor `{name, t}`; it returns `{expr, error?}` or null. */
const BUILDERS = [
  (r, v) => ({ expr: `tf.${r.pick(['relu', 'sigmoid', 'tanh', 'exp', 'abs', 'square', 'neg'])}(${v.name})` }),
  (r, v) => {
    const other = v.t.shape.map((d) => (r.next() < 0.4 ? 1 : d)).slice(r.int(0, v.t.rank));
    const bad = other.findIndex((d) => d > 1);
    if (r.next() < ERROR_RATE && bad >= 0) other[bad] += 1;
    const op = r.pick(['add', 'sub', 'mul', 'maximum']);
    return { expr: `${v.name}.${op}(tf.ones(${list(other)}))`, error: 'shape-broadcast' };
  },
  (r, v) => {
    if (v.t.rank < 2) return null;
    const k = v.t.shape[v.t.rank - 1];
    const wrong = r.next() < ERROR_RATE ? 1 : 0;
    return r.next() < 0.5
      ? { expr: `tf.matMul(${v.name}, tf.ones([${k + wrong}, ${r.int(1, 6)}]))`, error: 'shape-matmul' }
      : { expr: `tf.matMul(${v.name}, tf.ones([${r.int(1, 6)}, ${k + wrong}]), false, true)`, error: 'shape-matmul' };
  },
  (r, v) => {
    const size = v.t.size;
    const divisors = Array.from({ length: size }, (_, i) => i + 1).filter((d) => size % d === 0);
    const a = r.pick(divisors);
    const target = r.pick([[a, -1], [-1, a], [size], [a, size / a], [1, -1, a]]);
    if (target.includes(-1) && target.filter((d) => d !== -1).reduce((x, y) => x * y, 1) === 0) return null;
    if (r.next() < ERROR_RATE) return { expr: `${v.name}.reshape(${list([a + (size % (a + 1) === 0 ? 2 : 1), -1])})`, error: 'shape-reshape' };
    return { expr: `tf.reshape(${v.name}, ${list(target)})` };
  },
  (r, v) => {
    if (v.t.rank < 2) return null;
    const perm = v.t.shape.map((_, i) => i).sort(() => r.next() - 0.5);
    return { expr: r.next() < 0.3 ? `${v.name}.transpose()` : `tf.transpose(${v.name}, ${list(perm)})` };
  },
  (r, v) => {
    if (v.t.rank >= 5) return null;
    if (r.next() < ERROR_RATE) return { expr: `${v.name}.expandDims(${v.t.rank + 1})`, error: 'shape-axis' };
    return { expr: `tf.expandDims(${v.name}, ${r.int(-(v.t.rank + 1), v.t.rank)})` };
  },
  (r, v) => {
    const ones = v.t.shape.flatMap((d, i) => (d === 1 ? [i] : []));
    const others = v.t.shape.flatMap((d, i) => (d !== 1 ? [i] : []));
    if (r.next() < ERROR_RATE && others.length > 0) return { expr: `tf.squeeze(${v.name}, [${r.pick(others)}])`, error: 'shape-axis' };
    return ones.length > 0 ? { expr: `${v.name}.squeeze([${r.pick(ones)}])` } : null;
  },
  (r, v) => {
    if (v.t.rank < 1) return null;
    const axis = r.int(0, v.t.rank - 1);
    const other = [...v.t.shape];
    other[axis] = r.int(1, 4);
    const off = other.findIndex((_, i) => i !== axis);
    if (r.next() < ERROR_RATE && off >= 0) {
      other[off] += 1;
      return { expr: `tf.concat([${v.name}, tf.zeros(${list(other)})], ${axis})`, error: 'shape-concat' };
    }
    return { expr: `tf.concat([${v.name}, tf.zeros(${list(other)})], ${r.next() < 0.5 ? axis : axis - v.t.rank})` };
  },
  (r, v) => ({ expr: `tf.stack([${v.name}, ${v.name}], ${r.int(0, v.t.rank)})` }),
  (r, v) => {
    if (v.t.rank < 1) return null;
    const op = r.pick(['sum', 'mean', 'max', 'min']);
    if (r.next() < ERROR_RATE) return { expr: `${v.name}.${op}(${v.t.rank})`, error: 'shape-axis' };
    return { expr: `tf.${op}(${v.name}, ${r.int(-v.t.rank, v.t.rank - 1)}, ${r.next() < 0.5})` };
  },
  (r, v) => {
    if (v.t.rank < 1) return null;
    const begin = v.t.shape.map((d) => r.int(0, d - 1));
    const size = v.t.shape.map((d, i) => (r.next() < 0.3 ? -1 : r.int(1, d - begin[i])));
    if (r.next() < ERROR_RATE) size[0] = v.t.shape[0] - begin[0] + 1;
    return { expr: `tf.slice(${v.name}, ${list(begin)}, ${list(size)})`, error: 'shape-axis' };
  },
  (r, v) => (v.t.rank >= 2 ? { expr: `tf.layers.dense({ units: ${r.int(1, 8)} }).apply(${v.name}) as tf.Tensor` } : null),
  (r, v) => {
    if (v.t.rank !== 4) return null;
    const [h, w, c] = v.t.shape.slice(1);
    const k = r.int(1, 3);
    const pad = k <= Math.min(h, w) && r.next() < 0.5 ? 'valid' : 'same';
    const inC = r.next() < ERROR_RATE ? c + 1 : c;
    return { expr: `tf.conv2d(${v.name}, tf.ones([${k}, ${k}, ${inC}, ${r.int(1, 4)}]), ${r.int(1, 2)}, '${pad}')`, error: 'shape-conv' };
  },
  (r, v) => (v.t.rank === 4 ? { expr: `tf.maxPool(${v.name}, ${r.int(1, 2)}, ${r.int(1, 2)}, 'same')` } : null),
  (r, v) => (v.t.rank >= 1 ? { expr: `tf.gather(${v.name}, [${r.int(0, v.t.shape[0] - 1)}, 0])` } : null),
  (r, v) => ({ expr: `tf.tile(${v.name}, ${list(v.t.shape.map(() => r.int(1, 2)))})` }),
  (r, v) => ({ expr: `tf.pad(${v.name}, ${list(v.t.shape.map(() => `[${r.int(0, 1)}, ${r.int(0, 1)}]`))})` }),
  (r, v) => (v.t.rank >= 1 ? { expr: `tf.softmax(${v.name})` } : null),
  (r, v) => {
    if (v.t.rank < 1) return null;
    const axis = r.int(0, v.t.rank - 1);
    const parts = r.next() < ERROR_RATE ? v.t.shape[axis] + 1 : r.pick([1, v.t.shape[axis]]);
    return { expr: `tf.split(${v.name}, ${parts}, ${axis})[${r.int(0, Math.max(0, parts - 2))}]`, error: 'shape-axis' };
  },
  (r, v) => (v.t.rank >= 2 ? { expr: `tf.unstack(${v.name}, ${r.int(0, v.t.rank - 1)})[0]` } : null),
  (r, v) => (v.t.rank >= 1 ? { expr: `tf.${r.pick(['argMax', 'argMin'])}(${v.name}, ${r.int(-v.t.rank, v.t.rank - 1)})` } : null),
  (r, v) => (v.t.rank >= 1 ? { expr: `tf.oneHot(tf.argMax(${v.name}, -1), ${r.int(2, 5)})` } : null),
  (r, v) => (v.t.rank >= 1 ? { expr: `tf.${r.pick(['reverse', 'cumsum'])}(${v.name}, ${r.int(0, v.t.rank - 1)})` } : null),
  (r, v) => (v.t.rank >= 1 ? { expr: `tf.topk(${v.name}, ${r.int(1, v.t.shape[v.t.rank - 1])}).values` } : null),
  (r, v) => ({ expr: `tf.where(tf.greater(${v.name}, 0), ${v.name}, tf.zeros(${list(v.t.shape.slice(r.int(0, v.t.rank)))}))` }),
  (r, v) => {
    if (v.t.rank !== 4) return null;
    const k = Math.min(2, ...v.t.shape.slice(1, 3));
    return { expr: `tf.${r.pick(['avgPool', 'maxPool'])}(${v.name}, ${k}, ${r.int(1, 2)}, 'valid')` };
  },
  (r, v) => (v.t.rank === 4 ? { expr: `tf.depthwiseConv2d(${v.name}, tf.ones([2, 2, ${v.t.shape[3]}, ${r.int(1, 2)}]), 1, 'same')` } : null),
  (r, v) => {
    if (v.t.rank !== 3) return null;
    const inC = r.next() < ERROR_RATE ? v.t.shape[2] + 1 : v.t.shape[2];
    return { expr: `tf.conv1d(${v.name}, tf.ones([2, ${inC}, ${r.int(1, 4)}]), 1, 'same')`, error: 'shape-conv' };
  },
  (r, v) => (v.t.rank === 3 || v.t.rank === 4 ? { expr: `tf.image.resizeBilinear(${v.name}, [${r.int(1, 6)}, ${r.int(1, 6)}])` } : null),
];

/** Layer builders get a live symbolic tensor `{name, t}` (batch axis null) and work the same way. */
const LAYER_BUILDERS = [
  (r, v) => ({ expr: `tf.layers.dense({ units: ${r.int(1, 16)} }).apply(${v.name})`, error: 'layer-input' }),
  (r, v) => {
    const rank = v.t.shape.length;
    if (rank !== 4 && r.next() >= ERROR_RATE) return null;
    const [h, w] = v.t.shape.slice(1);
    const k = r.int(1, 3);
    const padding = rank === 4 && k <= Math.min(h, w) && r.next() < 0.5 ? 'valid' : 'same';
    return { expr: `tf.layers.conv2d({ filters: ${r.int(1, 8)}, kernelSize: ${k}, strides: ${r.int(1, 2)}, padding: '${padding}' }).apply(${v.name})`, error: 'layer-input' };
  },
  (r, v) => (v.t.shape.length === 4 ? { expr: `tf.layers.maxPooling2d({ poolSize: 2, padding: 'same' }).apply(${v.name})` } : null),
  (r, v) => (v.t.shape.length === 4 ? { expr: `tf.layers.globalAveragePooling2d({}).apply(${v.name})` } : null),
  (r, v) => ({ expr: `tf.layers.flatten().apply(${v.name})`, error: 'layer-input' }),
  (r, v) => {
    const size = v.t.shape.slice(1).reduce((a, b) => a * b, 1);
    const a = r.pick(Array.from({ length: size }, (_, i) => i + 1).filter((d) => size % d === 0));
    // No wrong sizes here: tfjs checks a reshape layer's size only when data flows through it.
    return { expr: `tf.layers.reshape({ targetShape: ${list([a, size / a])} }).apply(${v.name})` };
  },
  (r, v) => ({ expr: `tf.layers.${r.pick(['dropout({ rate: 0.5 })', 'batchNormalization()', 'activation({ activation: "relu" })'])}.apply(${v.name})` }),
  (r, v) => {
    if (v.t.shape.length !== 3 && r.next() >= ERROR_RATE) return null;
    const kind = r.pick(['lstm', 'gru', 'simpleRNN']);
    return { expr: `tf.layers.${kind}({ units: ${r.int(1, 8)}, returnSequences: ${r.next() < 0.5} }).apply(${v.name})`, error: 'layer-input' };
  },
  (r, v) => (v.t.shape.length === 3 ? { expr: `tf.layers.conv1d({ filters: ${r.int(1, 8)}, kernelSize: ${r.int(1, 2)}, padding: 'same' }).apply(${v.name})` } : null),
  (r, v) => (v.t.shape.length === 2 ? { expr: `tf.layers.repeatVector({ n: ${r.int(2, 5)} }).apply(${v.name})` } : null),
  (r, v) => (v.t.shape.length === 3 ? { expr: `tf.layers.permute({ dims: [2, 1] }).apply(${v.name})` } : null),
  (r, v) => (v.t.shape.length === 4 ? { expr: `tf.layers.upSampling2d({ size: [2, ${r.int(1, 2)}] }).apply(${v.name})` } : null),
  (r, v) => (v.t.shape.length === 4 ? { expr: `tf.layers.zeroPadding2d({ padding: ${r.int(1, 2)} }).apply(${v.name})` } : null),
  (r, v) => {
    const other = v.t.shape.slice(1);
    const last = other.length - 1;
    if (r.next() < ERROR_RATE && last > 0) other[0] += 1;
    else other[last] = r.int(1, 8);
    return { expr: `tf.layers.concatenate().apply([${v.name}, tf.input({ shape: ${list(other)} })])`, error: 'layer-input' };
  },
  (r, v) => {
    const other = v.t.shape.slice(1);
    if (r.next() < ERROR_RATE) other[other.length - 1] += 1;
    return { expr: `tf.layers.${r.pick(['add', 'multiply', 'average'])}().apply([${v.name}, tf.input({ shape: ${list(other)} })])`, error: 'layer-input' };
  },
];

/** Runs one built statement on the live values of `pool`: `{value}` or `{thrown}`. */
function evaluateBuilt(built, pool) {
  try {
    const js = built.expr.replace(/ as tf\.Tensor$/, '');
    return { value: new Function('tf', ...pool.map((p) => p.name), `return ${js};`)(tf, ...pool.map((p) => p.t)) };
  } catch (thrown) {
    return { thrown };
  }
}

function showShape(shape) {
  return list(shape.map((d) => (d === null ? 'batch' : d)));
}

async function generateFixture(seed) {
  const r = mulberry32(seed);
  const pool = [];
  const lines = [
    "import * as tf from '@tensorflow/tfjs';",
    '',
    '// Generated by `node --import tsx scripts/verifyShapeFixtures.mjs --generate` (seed ' + seed + '); do not edit.',
    '// Random chains of ops over earlier results. Every caret is the shape tfjs gave when the file was',
    '// generated, and every line marked as an error threw there. Regenerate after changing the generator.',
  ];
  const fresh = () => {
    const shape = Array.from({ length: r.int(1, 4) }, () => r.pick([1, 2, 3, 4, 5, 6]));
    return { expr: `tf.${r.pick(['ones', 'zeros', 'randomNormal'])}(${list(shape)})` };
  };
  let n = 0;
  while (n < GENERATED_STATEMENTS) {
    if (n % 20 === 0) lines.push('', `// %% Cell ${n / 20 + 1}.`);
    const v = pool.length > 0 && r.next() < 0.85 ? r.pick(pool.slice(-12)) : undefined;
    const built = v ? r.pick(BUILDERS)(r, v) : fresh();
    if (!built) continue;
    const { value, thrown } = evaluateBuilt(built, pool);
    const name = `t${n}`;
    if (thrown && built.error && isShapeError(thrown)) {
      lines.push(`const ${name} = ${built.expr}; // expect-error ${built.error}`);
    } else if (!thrown && value instanceof tf.Tensor && value.size > 0 && value.size <= 4096 && value.rank <= 5) {
      lines.push(`const ${name} = ${built.expr};`, `//    ^ ${list(value.shape)}`);
      // Integer results (argMax) are recorded but not built on: most ops want float32.
      if (value.dtype === 'float32') pool.push({ name, t: value });
    } else {
      continue;
    }
    n++;
  }
  // Then layer chains over symbolic tensors, whose batch axis stays null.
  const layerPool = [];
  let m = 0;
  while (m < GENERATED_LAYER_STATEMENTS) {
    if (m % 20 === 0) lines.push('', `// %% Layers ${m / 20 + 1}.`);
    const name = `s${m}`;
    if (layerPool.length === 0 || r.next() < 0.1) {
      const shape = Array.from({ length: r.int(1, 3) }, () => r.pick([2, 3, 4, 6, 8]));
      lines.push(`const ${name} = tf.input({ shape: ${list(shape)} });`, `//    ^ ${showShape([null, ...shape])}`);
      layerPool.push({ name, t: tf.input({ shape }) });
      m++;
      continue;
    }
    const v = r.pick(layerPool.slice(-10));
    const built = r.pick(LAYER_BUILDERS)(r, v);
    if (!built) continue;
    const { value, thrown } = evaluateBuilt(built, layerPool);
    if (thrown && built.error && isShapeError(thrown)) {
      lines.push(`const ${name} = ${built.expr}; // expect-error ${built.error}`);
    } else if (!thrown && value instanceof tf.SymbolicTensor && value.shape.every((d, i) => (i === 0 ? d === null : d > 0))) {
      lines.push(`const ${name} = ${built.expr} as tf.SymbolicTensor;`, `//    ^ ${showShape(value.shape)}`);
      layerPool.push({ name, t: value });
    } else {
      continue;
    }
    m++;
  }
  fs.writeFileSync(GENERATED_FILE, lines.join('\n') + '\n');
  console.log(`wrote ${path.relative(ROOT, GENERATED_FILE)} (${n} op and ${m} layer statements, seed ${seed})`);
}

async function main() {
  const showErrors = process.argv.includes('--show-errors');
  const generate = process.argv.indexOf('--generate');
  const filters = process.argv.slice(2).filter((a, i) => !a.startsWith('--') && process.argv[i + 1] !== '--generate');
  process.setSourceMapsEnabled(true);
  Error.stackTraceLimit = Infinity; // tfjs throws from deep inside; keep the fixture's frame.
  await tf.setBackend('cpu');
  await tf.ready();
  tf.backend().firstUse = false; // Silences the "install tfjs-node" banner.
  tf.env().set('DEBUG', false);
  if (generate >= 0) {
    const seed = Number(process.argv[generate + 1] ?? 1);
    await generateFixture(Number.isInteger(seed) ? seed : 1);
  }
  const files = fs.readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.ml.ts') && (filters.length === 0 || filters.some((s) => f.includes(s))))
    .sort()
    .map((f) => path.join(FIXTURE_DIR, f));
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlts-shape-fixtures-'));
  let carets = 0;
  let errors = 0;
  let failed = 0;
  try {
    for (const file of files) {
      const r = await verifyFixture(file, tmpDir, showErrors);
      carets += r.carets;
      errors += r.errors;
      failed += r.problems.length;
      console.log(`${r.problems.length === 0 ? 'ok  ' : 'FAIL'} ${r.rel}  (${r.carets} carets, ${r.errors} errors)`);
      for (const p of r.problems) console.log(`     ${p}`);
    }
  } finally {
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }
  console.log(`${files.length} fixtures, ${carets} carets, ${errors} expect-error lines: ${failed === 0 ? 'all agree with tfjs' : `${failed} problems`}`);
  process.exitCode = failed === 0 && files.length > 0 ? 0 : 1;
}

await main();
