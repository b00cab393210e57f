// The parameters API: finding the `/** @mlts-params */` literal (the loader's small scanner agrees with the
// TypeScript parser on every case), reading names and defaults statically, coercing overrides to the defaults'
// types, rejecting unknown names, expanding grids, and the seeded Math.random that makes runs repeatable.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readParamsDeclaration } from '../../runtime/src/params/paramsDeclaration';
import { findParamsLiteral, wrapParamsLiteral } from '../../runtime/src/params/paramsLiteral';
import { applyOverrides, coerceParam, expandGrid, parseAssignment, parseGridArg, ParamsError, splitValues } from '../../runtime/src/params/paramsValues';
import { mulberry32 } from '../../runtime/src/runner/seededRandom';

/** Each source has its parameters literal between ⟨ and ⟩ (markers removed before parsing), or none. */
const LITERALS: { name: string; source: string }[] = [
  { name: 'plain const', source: `import * as tf from 'x';\n/** @mlts-params */\nconst params = ⟨{ lr: 0.01, epochs: 5 }⟩;\nfoo(params);` },
  { name: 'export, type annotation, as const', source: `/** Tuned by hand. @mlts-params */ export const p: Params = ⟨{ a: 1 }⟩ as const;` },
  { name: 'satisfies and parentheses', source: `/** @mlts-params */\nconst p = (⟨{ a: 'x' }⟩) satisfies Record<string, unknown>;` },
  {
    name: 'braces inside strings, templates and comments',
    source: `/** @mlts-params */\nconst p = ⟨{\n  s: '}{',\n  d: "}",\n  t: \`\${'}'}{\`, // } trailing\n  /* { */ n: { deep: [1, { x: 2 }] },\n}⟩;\nconst after = { };`,
  },
  { name: 'tag in a line comment does not count', source: `// @mlts-params\nconst p = { a: 1 };` },
  { name: 'tag on a non-object initializer is skipped for the next one', source: `/** @mlts-params */ const n = 3;\n/** @mlts-params */\nlet q = ⟨{ b: true }⟩;` },
  { name: 'no declaration', source: `const params = { a: 1 };` },
];

for (const { name, source } of LITERALS) {
  test(`the loader's scanner and the TypeScript reader agree: ${name}`, () => {
    const start = source.indexOf('⟨');
    const text = source.replace('⟨', '').replace('⟩', '');
    const end = start < 0 ? -1 : source.indexOf('⟩') - 1;
    const scanned = findParamsLiteral(text);
    const parsed = readParamsDeclaration(text);
    if (start < 0) {
      assert.equal(scanned, null);
      assert.equal(parsed, null);
      return;
    }
    assert.deepEqual(scanned && [scanned.start, scanned.end], [start, end]);
    assert.deepEqual(parsed && [parsed.start, parsed.end], [start, end]);
    assert.equal(scanned?.variable, parsed?.variable);
  });
}

test('wrapping keeps every line where it was', () => {
  const text = `a;\n/** @mlts-params */\nconst params = {\n  lr: 0.1,\n};\nb;`;
  const wrapped = wrapParamsLiteral(text);
  assert.equal(wrapped, `a;\n/** @mlts-params */\nconst params = globalThis.__mltsApplyParams({\n  lr: 0.1,\n});\nb;`);
  assert.equal(wrapped.split('\n').length, text.split('\n').length);
  assert.equal(wrapParamsLiteral('const x = 1;'), 'const x = 1;');
});

test('the static reader returns names, literal defaults, types and lines; expressions and spreads are reported', () => {
  const text = `/** @mlts-params */\nconst params = {\n  learningRate: 1e-3,\n  epochs: 5,\n  neg: -2,\n  name: 'mlp',\n  shuffle: true,\n  layers: [64, 32],\n  opt: { beta: 0.9 },\n  none: null,\n  computed: 2 ** 10,\n  ...base,\n};`;
  const d = readParamsDeclaration(text)!;
  assert.deepEqual(
    d.params.map((p) => [p.name, p.value, p.type, p.line]),
    [
      ['learningRate', 0.001, 'number', 2],
      ['epochs', 5, 'number', 3],
      ['neg', -2, 'number', 4],
      ['name', 'mlp', 'string', 5],
      ['shuffle', true, 'boolean', 6],
      ['layers', [64, 32], 'array', 7],
      ['opt', { beta: 0.9 }, 'object', 8],
      ['none', null, 'null', 9],
      ['computed', undefined, 'expression', 10],
    ],
  );
  assert.equal(d.params.at(-1)!.text, '2 ** 10');
  assert.match(d.problems[0] ?? '', /line 12: "\.\.\.base" is not a name: value property/);
});

test('overrides are coerced to the type of their default', () => {
  assert.equal(coerceParam('lr', '0.5', 0.1), 0.5);
  assert.equal(coerceParam('lr', '1e-4', 0.1), 1e-4);
  assert.equal(coerceParam('flag', 'false', true), false);
  assert.equal(coerceParam('flag', '1', false), true);
  assert.equal(coerceParam('name', '42', 'x'), '42');
  assert.deepEqual(coerceParam('layers', '[8,4]', [64]), [8, 4]);
  assert.deepEqual(coerceParam('opt', '{"beta":0.5}', { beta: 0.9 }), { beta: 0.5 });
  assert.equal(coerceParam('anything', 'text', null), 'text');
  assert.throws(() => coerceParam('lr', 'fast', 0.1), /parameter lr is a number \(default 0.1\); "fast" is not/);
  assert.throws(() => coerceParam('lr', '', 0.1), ParamsError);
  assert.throws(() => coerceParam('flag', 'yes', true), /is a boolean/);
  assert.throws(() => coerceParam('layers', '{"a":1}', [64]), /is an array/);
});

test('applying overrides: unknown names are rejected with the known ones listed', () => {
  assert.deepEqual(applyOverrides({ lr: 0.1, epochs: 5 }, { epochs: '7' }), { lr: 0.1, epochs: 7 });
  assert.throws(() => applyOverrides({ lr: 0.1, epochs: 5 }, { epoch: '7' }), /unknown parameter epoch; this file declares lr, epochs/);
  assert.throws(() => applyOverrides({}, { a: '1' }), /declares no parameters/);
});

test('argument parsing and grid expansion (first axis slowest; JSON values keep their commas)', () => {
  assert.deepEqual(parseAssignment('expr=a=b'), ['expr', 'a=b']);
  assert.throws(() => parseAssignment('novalue'), /--param wants name=value/);
  assert.deepEqual(splitValues('1, [2,3] ,{"a":1,"b":2},"x,y"'), ['1', '[2,3]', '{"a":1,"b":2}', '"x,y"']);
  assert.deepEqual(parseGridArg('lr=0.1,0.01'), ['lr', ['0.1', '0.01']]);
  assert.throws(() => parseGridArg('lr=0.1,,0.2'), /empty value/);
  assert.deepEqual(
    expandGrid({ seed: '1' }, [
      ['hidden', ['4', '8']],
      ['lr', ['0.1', '0.01']],
    ]),
    [
      { seed: '1', hidden: '4', lr: '0.1' },
      { seed: '1', hidden: '4', lr: '0.01' },
      { seed: '1', hidden: '8', lr: '0.1' },
      { seed: '1', hidden: '8', lr: '0.01' },
    ],
  );
  assert.deepEqual(expandGrid({}, []), [{}]);
});

test('the seeded generator repeats for the same seed and stays in [0, 1)', () => {
  const a = mulberry32(42);
  const b = mulberry32(42);
  const c = mulberry32(43);
  const xs = Array.from({ length: 1000 }, () => a());
  assert.deepEqual(xs.slice(0, 5), Array.from({ length: 5 }, () => b()));
  assert.notEqual(xs[0], c());
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  assert.ok(Math.abs(xs.reduce((s, x) => s + x, 0) / xs.length - 0.5) < 0.05);
});
