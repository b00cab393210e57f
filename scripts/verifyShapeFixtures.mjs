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
//      consistent number on a concrete one; `?` matches anything; a dataset's caret is its first element,
//      `{xs: [2, 4], ys: [2, 3]}`, read after the run), that each expect-error statement
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
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import * as tf from '@tensorflow/tfjs';
import { parseFixtureExpectations } from '../test/unit/fixtureExpectations.ts';
import { generateFixture } from './generateShapeFixture.mjs';
import { TF_IMPORT_RE, frameIn, isStatementInList, runProgram, setUpTfjsCpu, statementStartingOn } from './tfjsProgramRunner.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURE_DIR = path.join(ROOT, 'test', 'fixtures', 'shapes');
const ERROR_CODES = new Set([
  'shape-broadcast', 'shape-matmul', 'shape-reshape', 'shape-rank', 'shape-concat', 'shape-conv', 'shape-axis',
  'tensor-ctor', 'layer-input', 'fit-input', 'fit-target', 'fit-config', 'data-config', 'predict-input',
]);
const NON_SHAPE_ERRORS = new Set(['TypeError', 'ReferenceError', 'SyntaxError']);
/** tfjs's dtype complaints ("must be float32 tensor, but got int32 tensor") are not shape errors. */
const DTYPE_ERROR_RE = /tensor, but got \w+ tensor|dtype/i;
const isShapeError = (e) => !NON_SHAPE_ERRORS.has(e?.name) && !DTYPE_ERROR_RE.test(String(e?.message));

// ------------------------------------------------------------------------------ instrumentation

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

// ------------------------------------------------------------------------------ shape matching

/** Parses `[2, batch, ?]` into dims, or `?` (unknown rank) into null. */
function parseShapeText(text) {
  if (text === '?') return null;
  const m = /^\[(.*)\]$/.exec(text);
  if (!m) return undefined;
  if (m[1].trim() === '') return [];
  return m[1].split(',').map((d) => d.trim());
}

// ------------------------------------------------------------------------------ dataset elements

/** Marks a probe's dataset, replaced by its first element once the program has run (reading it is async). */
const DATASET_ELEMENT = Symbol('dataset element');

async function resolveDatasets(values) {
  for (let i = 0; i < values.length; i++) {
    if (!(values[i] instanceof tf.data.Dataset)) continue;
    const first = await (await values[i].iterator()).next();
    values[i] = { [DATASET_ELEMENT]: first.value };
  }
}

/** The runtime element in the analysis's hover format (`{xs: [2, 4], ys: [2, 3]}`), or undefined. */
function describeRuntime(v, depth = 0) {
  if (depth > 5) return undefined;
  if (v instanceof tf.Tensor) return `[${v.shape.join(', ')}]`;
  if (v === null) return 'null';
  if (['number', 'string', 'boolean', 'undefined'].includes(typeof v)) return typeof v;
  if (Array.isArray(v)) {
    const parts = v.map((p) => describeRuntime(p, depth + 1));
    if (parts.length > 4 && parts.every((p) => p === parts[0])) return `${parts[0]}[${parts.length}]`;
    return `[${parts.join(', ')}]`;
  }
  if (typeof v === 'object') return `{${Object.entries(v).map(([k, p]) => `${k}: ${describeRuntime(p, depth + 1)}`).join(', ')}}`;
  return undefined;
}

const ELEMENT_TOKEN_RE = /[A-Za-z_$][\w$]*|\d+|\?|\S/g;
const LEAF_TYPES = new Set(['number', 'string', 'boolean', 'undefined', 'null']);

/**
 * Compares a caret's element text with the runtime element's: equal token by token, except that a dim written
 * as a name or `?` matches any size (a name one size throughout).
 */
function elementMismatch(expected, element) {
  const shown = describeRuntime(element);
  const want = expected.match(ELEMENT_TOKEN_RE) ?? [];
  const have = shown?.match(ELEMENT_TOKEN_RE) ?? [];
  const bound = new Map();
  const differs = want.length !== have.length || want.some((w, i) => {
    const h = have[i];
    if (w === h) return false;
    const isDim = (w === '?' || (/^[A-Za-z_]\w*$/.test(w) && !LEAF_TYPES.has(w) && want[i + 1] !== ':')) && /^\d+$/.test(h);
    if (!isDim) return true;
    if (w === '?') return false;
    if (bound.has(w) && bound.get(w) !== h) return true;
    bound.set(w, h);
    return false;
  });
  return differs ? `expected dataset element ${expected}, tfjs has ${shown ?? 'an element it cannot describe'}` : undefined;
}

function runtimeShapeOf(value) {
  if (value instanceof tf.Tensor) return { shape: value.shape, symbolic: false };
  if (value instanceof tf.SymbolicTensor) return { shape: value.shape, symbolic: true };
  if (value instanceof tf.LayersModel && value.outputs.length === 1) return { shape: value.outputs[0].shape, symbolic: true };
  return undefined;
}

/** Returns undefined when the runtime value matches the expected text, else why not. */
function mismatch(expected, value) {
  if (value && typeof value === 'object' && DATASET_ELEMENT in value) return elementMismatch(expected, value[DATASET_ELEMENT]);
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
  if (!TF_IMPORT_RE.test(source)) problems.push(`${rel}: does not start with the tfjs import`);
  const expectations = parseFixtureExpectations(source);
  problems.push(...expectations.problems.map((p) => `${rel}: ${p}`));
  const inst = instrument(file, source, expectations);
  problems.push(...inst.problems.map((p) => `${rel}: ${p}`));

  const seen = expectations.carets.map(() => []);
  const threw = expectations.errors.map(() => []);
  globalThis.__probe = (k, read) => seen[k].push(read());
  globalThis.__tap = (k, value) => (seen[k].push(value), value);
  globalThis.__threw = (k, e) => threw[k].push(e);

  // The fixtures' console output is not the point here.
  const crash = await runProgram(inst.text, { file, tmpDir });
  if (crash) {
    problems.push(`${rel}:${frameIn(crash, file)}: unexpected ${crash.name ?? 'error'}: ${String(crash.message ?? crash).split('\n')[0]}`);
  }

  for (const values of seen) await resolveDatasets(values);
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

async function main() {
  const showErrors = process.argv.includes('--show-errors');
  const generate = process.argv.indexOf('--generate');
  const filters = process.argv.slice(2).filter((a, i) => !a.startsWith('--') && process.argv[i + 1] !== '--generate');
  await setUpTfjsCpu();
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
