// Tests of the static cell dependency analysis: what a cell defines, assigns and uses (table-driven), and the
// graph queries the editor uses for stale cells (dependents of a cell, upstream definers of what a cell uses).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeCellDependencies, cellSymbols, dependentsOf, upstreamDefinitions } from '../../runtime/src/cells/cellDependencies';
import { parseCells } from '../../runtime/src/cells/cellParser';

const SYMBOLS: [name: string, code: string, expected: { defines: string[]; assigns?: string[]; uses: string[] }][] = [
  ['declarations of every kind', 'const a = 1, [b, { c: d }] = f();\nlet e;\nfunction g() {}\nclass H {}\nenum I { X }', { defines: ['a', 'b', 'd', 'e', 'g', 'H', 'I'], uses: ['f'] }],
  ['imports define their bindings, type-only ones do not', "import * as tf from 'x';\nimport D, { e as E, type T } from 'y';\nimport type { U } from 'z';", { defines: ['tf', 'D', 'E'], uses: [] }],
  ['parameters and locals shadow; free names inside functions are uses', 'function f(x: number) { const y = 2; return x + y + z; }\nconst g = (w) => w * k;', { defines: ['f', 'g'], uses: ['z', 'k'] }],
  ['block-scoped names at the top level are not definitions', 'if (ok) { const t = 1; use(t); }\nfor (let i = 0; i < n; i++) {}', { defines: [], uses: ['ok', 'use', 'n'] }],
  ['property names, labels and types are not uses', 'const r = obj.prop + o2["k"];\nconst s: Model = { key: v };\nouter: for (;;) break outer;', { defines: ['r', 's'], uses: ['obj', 'o2', 'v'] }],
  ['shorthand properties and defaults in patterns are uses', 'const o = { a };\nconst { p = dflt } = q;', { defines: ['o', 'p'], uses: ['a', 'dflt', 'q'] }],
  ['assignments to free names are writes and uses', 'x = 1;\ny += 2;\nz++;\n[u, v] = pair;', { defines: [], assigns: ['x', 'y', 'z', 'u', 'v'], uses: ['x', 'y', 'z', 'u', 'v', 'pair'] }],
  ['a class extends a value and implements a type', 'class M extends Base implements Shape { run() { return this.k + helper(); } }', { defines: ['M'], uses: ['Base', 'helper'] }],
  ['catch bindings and for-of variables are local', 'try { a(); } catch (e) { log(e); }\nfor (const row of rows) { show(row); }', { defines: [], uses: ['a', 'log', 'rows', 'show'] }],
  ['a syntax error gives what can be read', 'const a = ;\nb(', { defines: ['a'], uses: ['b'] }],
];

for (const [name, code, expected] of SYMBOLS) {
  test(`symbols: ${name}`, () => {
    const symbols = cellSymbols('c', code);
    assert.deepEqual(symbols.defines, expected.defines);
    assert.deepEqual(symbols.assigns, expected.assigns ?? []);
    assert.deepEqual(symbols.uses, expected.uses);
  });
}

const NOTEBOOK = `import * as tf from '@tensorflow/tfjs';
// %% Data
const xs = tf.randomNormal([100, 4]);
let scale = 2;
// %% Model
function predict(x: tf.Tensor) { return x.mul(scale); }
// %% Tweak
scale = 3;
// %% Run
const out = predict(xs);
// %% [markdown]
// Notes
// %% Report
console.log(out.shape);
`;

test('graph: edges run from the nearest earlier writer to each user (types are no edge)', () => {
  const graph = analyzeCellDependencies(parseCells(NOTEBOOK));
  const edges = graph.edges.map((e) => `${e.from}→${e.to}:${e.names.join(',')}`);
  assert.deepEqual(edges, ['cell-0→cell-1:tf', 'cell-1→cell-2:scale', 'cell-1→cell-3:scale', 'cell-1→cell-4:xs', 'cell-2→cell-4:predict', 'cell-4→cell-6:out']);
});

test('graph: dependents of a cell are transitive and in file order', () => {
  const graph = analyzeCellDependencies(parseCells(NOTEBOOK));
  assert.deepEqual(dependentsOf(graph, 'cell-1'), ['cell-2', 'cell-3', 'cell-4', 'cell-6']);
  assert.deepEqual(dependentsOf(graph, 'cell-2'), ['cell-4', 'cell-6']);
  assert.deepEqual(dependentsOf(graph, 'cell-6'), []);
});

test('graph: upstream definitions name the cell that provides each used name', () => {
  const graph = analyzeCellDependencies(parseCells(NOTEBOOK));
  assert.deepEqual(upstreamDefinitions(graph, 'cell-4'), [
    { name: 'xs', cellId: 'cell-1' },
    { name: 'predict', cellId: 'cell-2' },
  ]);
  assert.deepEqual(upstreamDefinitions(graph, 'cell-0'), []);
});
