// Unit tests of the launcher's pure parts: the TypeScript-free reader of a file's parameter declaration (checked
// against paramsDeclaration.ts, the compiler-based reference), the params check handed to createQueuedRuns, value
// lists and run counts, the guard on what the launcher webview sends, and the Slurm choices as typed in it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { launcherParams, readDeclaredParams } from '../../extension/src/dashboard/declaredParams';
import { readParamsDeclaration } from '../../runtime/src/params/paramsDeclaration';
import { ParamsError } from '../../runtime/src/params/paramsValues';
import { isFromLauncher, isLaunchTargetChoice, parseValueList, runCount } from '../../webviews/src/launcherProtocol';
import { readSlurmChoices, slurmChoicesProblems } from '../../runtime/src/executors/slurmChoices';

const SOURCES = [
  `/** @mlts-params */\nconst params = { learningRate: 0.01, epochs: 5, hidden: 32, seed: 42 };\n`,
  `import * as tf from '@tensorflow/tfjs';\n\n/** Hyperparameters. @mlts-params */\nexport const params = {\n  lr: 1e-3, // the step size\n  layers: [64, 32],\n  optimizer: 'adam',\n  "quoted-name": "a, b",\n  nested: { dropout: 0.5, use: true },\n  nothing: null,\n  neg: -2,\n  /* a comment, with a comma */\n  fromEnv: Number(process.env.N ?? 3),\n  tpl: \`plain\`,\n  sep: 1_000,\n} as const;\n`,
  `/** @mlts-params */\nlet p = ({ a: 1, b: 'x}' }) satisfies Record<string, unknown>;\n`,
  `/** @mlts-params */\nconst params = { ...base, shorthand, method() { return 1; }, ok: 2 };\n`,
  `const params = { a: 1 };\n`,
];

test('the launcher reads the same names, defaults, types and lines as the compiler-based reader', () => {
  for (const source of SOURCES) {
    const light = readDeclaredParams(source);
    const reference = readParamsDeclaration(source);
    if (!reference) {
      assert.equal(light, null, source);
      continue;
    }
    assert.ok(light, source);
    assert.deepEqual(
      light.params.map((p) => [p.name, p.value, p.type, p.line]),
      reference.params.map((p) => [p.name, p.value, p.type, p.line]),
      source,
    );
    assert.equal(light.problems.length, reference.problems.length, source);
  }
});

test('the launcher’s params check merges overrides with defaults and refuses unknown names and bad values', () => {
  const text = SOURCES[1]!;
  assert.deepEqual(launcherParams(text, 'exp.ml.ts', { lr: '0.1', layers: '[8]' }).lr, 0.1);
  assert.deepEqual(launcherParams(text, 'exp.ml.ts', { layers: '[8]' }).layers, [8]);
  assert.equal(launcherParams(text, 'exp.ml.ts', { fromEnv: '7' }).fromEnv, '7');
  assert.throws(() => launcherParams(text, 'exp.ml.ts', { lrr: '1' }), ParamsError);
  assert.throws(() => launcherParams(text, 'exp.ml.ts', { lr: 'fast' }), ParamsError);
  assert.throws(() => launcherParams('const x = 1;', 'exp.ml.ts', { lr: '1' }), ParamsError);
});

test('value lists, run counts and the launcher message guard', () => {
  assert.deepEqual(parseValueList(' 0.01, 0.1 ,1 '), ['0.01', '0.1', '1']);
  assert.deepEqual(parseValueList('[1,2], [3]'), ['[1,2]', '[3]']);
  assert.deepEqual(parseValueList('  '), []);
  assert.equal(runCount([{ name: 'a', values: ['1', '2'] }, { name: 'b', values: ['x', 'y', 'z'] }]), 6);
  assert.equal(runCount([]), 1);
  const local = { kind: 'local' };
  assert.ok(isFromLauncher({ type: 'launch', requestId: 1, file: 'a.ml.ts', grid: [{ name: 'lr', values: ['0.1'] }], backend: 'cpu', parallel: null, target: local }));
  assert.ok(!isFromLauncher({ type: 'launch', requestId: 1, file: 'a.ml.ts', grid: [{ name: 'x; rm -rf', values: ['1'] }], backend: 'cpu', parallel: null, target: local }));
  assert.ok(!isFromLauncher({ type: 'launch', requestId: 1, file: 'a.ml.ts', grid: [], backend: 'cpu', parallel: 0, target: local }));
  assert.ok(!isFromLauncher({ type: 'launch', requestId: 1, file: 'a.ml.ts', grid: [], backend: 'cpu', parallel: null }), 'a launch names its target');
  assert.ok(!isFromLauncher({ type: 'run', code: 'x' }));
});

test('the launch target guard checks shapes; the Slurm values are checked by slurmChoicesProblems', () => {
  const slurm = { kind: 'slurm', partition: null, gpusPerRun: 1, timeLimit: '01:00:00' };
  assert.ok(isLaunchTargetChoice({ kind: 'local' }));
  assert.ok(isLaunchTargetChoice(slurm));
  assert.ok(!isLaunchTargetChoice({ ...slurm, gpusPerRun: '1' }));
  assert.ok(!isLaunchTargetChoice({ ...slurm, partition: 3 }));
  assert.ok(!isLaunchTargetChoice({ kind: 'kubernetes' }));
});

test('Slurm choices as typed: what is accepted, and which field each refusal names', () => {
  const cases: [partition: string, gpus: string, time: string, expected: object | string[]][] = [
    ['', '', '', { partition: null, gpusPerRun: 0, timeLimit: null }],
    [' gpu ', '2', '01:30:00', { partition: 'gpu', gpusPerRun: 2, timeLimit: '01:30:00' }],
    ['debug', '0', '2-00:00:00', { partition: 'debug', gpusPerRun: 0, timeLimit: '2-00:00:00' }],
    ['gpu;rm', '', '', ['partition']],
    ['', '-1', '', ['gpusPerRun']],
    ['', '1.5', '', ['gpusPerRun']],
    ['', '65', '', ['gpusPerRun']],
    ['', '', '90', ['timeLimit']],
    ['a b', 'x', '1:00', ['partition', 'gpusPerRun', 'timeLimit']],
  ];
  for (const [partition, gpusPerRun, timeLimit, expected] of cases) {
    const read = readSlurmChoices({ partition, gpusPerRun, timeLimit });
    if (Array.isArray(expected)) assert.deepEqual('problems' in read && read.problems.map((p) => p.field), expected, `${partition}|${gpusPerRun}|${timeLimit}`);
    else assert.deepEqual('choices' in read && read.choices, expected, `${partition}|${gpusPerRun}|${timeLimit}`);
  }
  assert.deepEqual(slurmChoicesProblems({ partition: null, gpusPerRun: 0.5, timeLimit: null }).map((p) => p.field), ['gpusPerRun']);
});
