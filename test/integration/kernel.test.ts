// Runs cells in a real kernel process (dist/runtime/kernelMain.mjs) through the real client: state across cells,
// redeclaration, top-level await, tfjs from the file's node_modules, errors on `.ml.ts` lines, interrupts (a
// runaway loop, an endless await, a loop in a timer), death and restart, rich outputs, and reloading a local module
// that changed on disk. Notebooks are written under test-results/ so `@tensorflow/tfjs` resolves from the repo.
// Build first: node scripts/build.mjs. Every wait is on an event, bounded by a timeout; nothing sleeps.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseCells, type Cell } from '../../runtime/src/cells/cellParser';
import { rewriteModuleSyntax } from '../../runtime/src/kernel/cellCompiler';
import { terminationVerdict } from '../../runtime/src/kernel/interruptSafety';
import { KernelClient, KernelDiedError, type KernelEvent, type KernelExit } from '../../runtime/src/kernel/kernelClient';
import { parseKernelRequest, type ExecuteResult, type RichValue } from '../../runtime/src/kernel/kernelProtocol';
import { dist, repoRoot } from './processes';

const workspace = join(repoRoot, 'test-results', 'integration', 'kernel');
mkdirSync(workspace, { recursive: true });

/** Writes a notebook and returns its path and cells. */
function notebook(name: string, text: string): { file: string; cells: Cell[] } {
  const file = join(workspace, name);
  writeFileSync(file, text);
  return { file, cells: parseCells(text) };
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves with the first event that matches. */
function nextEvent(kernel: KernelClient, match: (event: KernelEvent) => boolean, what: string, ms = 10_000): Promise<KernelEvent> {
  let stop = () => {};
  const found = new Promise<KernelEvent>((resolve) => {
    stop = kernel.onEvent((event) => {
      if (match(event)) resolve(event);
    });
  });
  return within(found, ms, what).finally(() => stop());
}

const streamed = (text: string) => (event: KernelEvent) => event.type === 'stream' && event.text.includes(text);

function textOf(result: ExecuteResult): string {
  assert.equal(result.status, 'ok', JSON.stringify(result.error ?? result.message));
  assert.equal(result.value?.kind, 'text', JSON.stringify(result.value));
  return (result.value as Extract<RichValue, { kind: 'text' }>).text;
}

describe('cell kernel', { timeout: 120_000 }, () => {
  let kernel: KernelClient;
  const run = (file: string, cell: Cell) => kernel.execute({ cellId: cell.id, code: cell.text, file, startLine: cell.codeStartLine });
  const runCode = (code: string) => kernel.execute({ cellId: 'scratch', code, file: join(workspace, 'scratch.ml.ts'), startLine: 0 });

  before(async () => {
    kernel = await KernelClient.start({ kernelScript: dist('runtime/kernelMain.mjs'), cwd: repoRoot });
  });
  after(async () => {
    if (kernel.isAlive) await kernel.shutdown();
  });

  test('state is kept across cells, and let, const and class can be declared again', async () => {
    const { file, cells } = notebook(
      'state.ml.ts',
      `// %% Define
let count: number = 1;
const label = 'first';
class Model { layers = 1; }
// %% Redefine
const label = 'second';
class Model { layers = 2; }
let count = 10;
count += 1;
[label, new Model().layers, count].join(' ')
`,
    );
    assert.equal((await run(file, cells[0]!)).status, 'ok');
    assert.equal(textOf(await run(file, cells[1]!)), "'second 2 11'");
    assert.equal(textOf(await run(file, cells[1]!)), "'second 2 11'", 'running the same cell twice redeclares again');
  });

  test('top-level await works and the value is the awaited result', async () => {
    const result = await runCode("const waited = await new Promise<string>((resolve) => setImmediate(() => resolve('done')));\nwaited.toUpperCase()");
    assert.equal(textOf(result), "'DONE'");
  });

  test('stdout and stderr of a cell stream under its request id before its result', async () => {
    const events: KernelEvent[] = [];
    const stop = kernel.onEvent((event) => events.push(event));
    const result = await runCode("console.log('to stdout');\nconsole.error('to stderr');\nprocess.stdout.write('raw\\n');");
    stop();
    const mine = events.filter((e) => e.type === 'stream' && e.requestId === result.requestId);
    assert.deepEqual(
      mine.map((e) => (e.type === 'stream' ? `${e.name}:${e.text}` : '')),
      ['stdout:to stdout\n', 'stderr:to stderr\n', 'stdout:raw\n'],
    );
    assert.ok(mine.every((e) => e.cellId === 'scratch'));
  });

  test('a cell imports @tensorflow/tfjs from the file folder; tensors show shape, dtype and values; memory and variables see them', async () => {
    const { file, cells } = notebook(
      'tfjs.ml.ts',
      `import * as tf from '@tensorflow/tfjs';
// %%
const weights = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
weights.mul(2)
`,
    );
    await run(file, cells[0]!);
    const result = await run(file, cells[1]!);
    assert.equal(result.status, 'ok', JSON.stringify(result.error));
    assert.deepEqual(result.value && { ...result.value, preview: undefined }, { kind: 'tensor', shape: [2, 3], dtype: 'float32', size: 6, preview: undefined, disposed: false });
    assert.match((result.value as { preview: string }).preview, /^\[\[2, 4 ?, 6 ?\],\n \[8, 10, 12\]\]$/);
    const memory = await kernel.memory();
    assert.ok(memory.tfjs && memory.tfjs.numTensors >= 2 && memory.tfjs.numBytes >= 48, JSON.stringify(memory));
    const variables = await kernel.inspectVariables();
    const weightsInfo = variables.find((v) => v.name === 'weights');
    assert.deepEqual(weightsInfo?.tensor, { shape: [2, 3], dtype: 'float32', size: 6 });
    assert.equal(variables.find((v) => v.name === 'tf')?.typeName, 'Module');
    assert.ok(!variables.some((v) => v.name === 'display' || v.name === '_tfengine'), 'kernel globals stay hidden');
  });

  test('an error shows stack frames on the .ml.ts lines, through a function from an earlier cell', async () => {
    const { file, cells } = notebook(
      'errors.ml.ts',
      `// %% Helpers
type Size = number;
function checked(n: Size): Size {
  if (n > 1) throw new RangeError('too big: ' + n);
  return n;
}
// %% Use
const fine = checked(1);
checked(fine + 4);
`,
    );
    await run(file, cells[0]!);
    const result = await run(file, cells[1]!);
    assert.equal(result.status, 'error');
    assert.equal(result.error?.name, 'RangeError');
    assert.equal(result.error?.message, 'too big: 5');
    assert.deepEqual(
      result.error?.frames.map((f) => [f.file, f.line, f.functionName]),
      [
        [file, 3, 'checked'],
        [file, 8, undefined],
      ],
    );
    assert.match(result.error!.stack, /errors\.ml\.ts:4:\d+\)\n\s+at .*errors\.ml\.ts:9:\d+$/);
  });

  test('a syntax error is placed on its .ml.ts line', async () => {
    const { file, cells } = notebook('syntax.ml.ts', '// %%\nconst ok = 1;\n// %%\nconst broken = ;\n');
    const result = await run(file, cells[1]!);
    assert.equal(result.status, 'error');
    assert.equal(result.error?.name, 'SyntaxError');
    assert.deepEqual(result.error?.frames.map((f) => [f.file, f.line]), [[file, 3]]);
  });

  test('interrupt stops while (true) {} within a second and keeps the state', async () => {
    const looping = nextEvent(kernel, streamed('looping'), 'the loop to start');
    const execution = runCode("let spins = 0;\nconsole.log('looping');\nwhile (true) { spins++; }");
    await looping;
    const started = performance.now();
    const reply = await within(kernel.interrupt(), 1000, 'interrupt');
    const result = await within(execution, 1000, 'the interrupted result');
    assert.equal(reply.outcome, 'interrupted');
    assert.equal(result.status, 'interrupted');
    assert.ok(performance.now() - started < 1000);
    assert.equal(textOf(await runCode('spins > 0')), 'true');
  });

  test('interrupt of a cell waiting on a promise that never settles stops waiting', async () => {
    const waiting = runCode("console.log('waiting');\nawait new Promise(() => {});");
    await nextEvent(kernel, streamed('waiting'), 'the cell to wait');
    const reply = await within(kernel.interrupt(), 2000, 'interrupt');
    assert.equal(reply.outcome, 'abandoned');
    assert.equal((await within(waiting, 1000, 'the abandoned result')).status, 'interrupted');
    assert.equal(textOf(await runCode('1 + 1')), '2');
  });

  test('interrupt stops a loop that runs after an await in the cell, and keeps the state', async () => {
    const looping = nextEvent(kernel, streamed('resumed'), 'the loop after the await to start');
    const execution = runCode("let laps = 0;\nawait new Promise((resolve) => setTimeout(resolve, 1));\nconsole.log('resumed');\nwhile (true) { laps++; }");
    await looping;
    const reply = await within(kernel.interrupt(), 2000, 'interrupt');
    assert.equal(reply.outcome, 'interrupted', reply.message);
    assert.equal((await within(execution, 1000, 'the interrupted result')).status, 'interrupted');
    assert.equal(textOf(await runCode('laps > 0')), 'true');
  });

  test('interrupt stops model.fit mid-training; the model and the kernel stay usable', async () => {
    const { file, cells } = notebook(
      'fit.ml.ts',
      `import * as tf from '@tensorflow/tfjs';
// %% Model
const model = tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [4], activation: 'relu' }), tf.layers.dense({ units: 1 })] });
model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
const xs = tf.randomNormal([256, 4]);
const ys = tf.randomNormal([256, 1]);
let epochsDone = 0;
// %% Train
await model.fit(xs, ys, { epochs: 100000, batchSize: 32, verbose: 0, callbacks: { onEpochEnd: () => { if (++epochsDone === 2) console.log('training'); } } });
// %% Predict
[epochsDone > 1, model.predict(tf.zeros([1, 4])).shape.join('x')].join(' ')
`,
    );
    await run(file, cells[0]!);
    assert.equal((await run(file, cells[1]!)).status, 'ok');
    const training = nextEvent(kernel, streamed('training'), 'training to start', 20_000);
    const fit = run(file, cells[2]!);
    await training;
    const reply = await within(kernel.interrupt(), 2000, 'interrupt');
    assert.equal(reply.outcome, 'interrupted', reply.message);
    assert.equal((await within(fit, 2000, 'the interrupted fit')).status, 'interrupted');
    assert.equal(textOf(await run(file, cells[3]!)), "'true 1x1'");
  });

  test('an error thrown later in a timer goes to stderr with its .ml.ts line, under the cell that ran last; the kernel lives on', async () => {
    const { file, cells } = notebook('background.ml.ts', "// %% Later\nsetTimeout(() => {\n  throw new TypeError('late failure');\n}, 0);\n");
    const reported = nextEvent(kernel, streamed('late failure'), 'the background error');
    assert.equal((await run(file, cells[0]!)).status, 'ok');
    const event = await reported;
    assert.ok(event.type === 'stream' && event.name === 'stderr' && event.requestId === null && event.cellId === cells[0]!.id, JSON.stringify(event));
    assert.match(event.type === 'stream' ? event.text : '', /Uncaught exception: TypeError: late failure\n\s+at .*background\.ml\.ts:3:\d+/);
    assert.equal(textOf(await runCode('1 + 2')), '3');
  });

  test('a cell declaring a data contract has its data file validated in full, violations on its stderr', async () => {
    writeFileSync(join(workspace, 'contract.csv'), 'x,label\n1,0\n2,1\nbig,1\n3,7\n');
    const { file, cells } = notebook(
      'contract.ml.ts',
      "// %%\n/** @data-contract { x: number 0..10, label: int in [0, 1] } */\nconst csvPath = 'contract.csv';\ncsvPath;\n",
    );
    const events: KernelEvent[] = [];
    const stop = kernel.onEvent((event) => events.push(event));
    const result = await run(file, cells[0]!);
    stop();
    assert.equal(result.status, 'ok', 'the report informs; the cell still runs');
    const stderr = events.filter((e) => e.type === 'stream' && e.name === 'stderr' && e.requestId === result.requestId).map((e) => (e.type === 'stream' ? e.text : '')).join('');
    assert.match(stderr, /contract\.csv/);
    assert.match(stderr, /big/, 'the string in a numeric column is reported');
    assert.match(stderr, /7/, 'the label outside its allowed values is reported');
  });

  test('interrupt with nothing running says so', async () => {
    assert.equal((await kernel.interrupt()).outcome, 'idle');
  });

  test('rich outputs: a table of records, display() of a tensor, charts and an image', async () => {
    const { file, cells } = notebook(
      'rich.ml.ts',
      `import * as tf from '@tensorflow/tfjs';
// %%
display(tf.zeros([2, 2]));
display.table([{ epoch: 1, loss: 0.5 }, { epoch: 2, loss: 0.25, note: 'better' }]);
display.line({ loss: [3, 2, 1], accuracy: tf.tensor1d([0.1, 0.5, 0.9]) }, { title: 'training' });
display.histogram([1, 2, 2, 3, 3, 3], { bins: 3 });
display.image(tf.ones([2, 1, 3]));
[{ name: 'a', score: 1 }, { name: 'b', score: null }]
`,
    );
    await run(file, cells[0]!);
    const values: RichValue[] = [];
    const stop = kernel.onEvent((event) => event.type === 'display' && event.cellId === cells[1]!.id && values.push(event.value));
    const result = await run(file, cells[1]!);
    stop();
    assert.equal(result.status, 'ok', JSON.stringify(result.error));
    assert.deepEqual(result.value, { kind: 'table', columns: ['name', 'score'], rows: [['a', 1], ['b', null]], totalRows: 2 });
    assert.deepEqual(values.map((v) => v.kind), ['tensor', 'table', 'chart', 'chart', 'image']);
    assert.deepEqual(values[1], { kind: 'table', columns: ['epoch', 'loss', 'note'], rows: [[1, 0.5, null], [2, 0.25, 'better']], totalRows: 2 });
    const line = values[2] as Extract<RichValue, { kind: 'chart' }>;
    assert.equal(line.chart.type, 'line');
    assert.deepEqual(line.chart.type === 'line' && line.chart.series.map((s) => [s.name, s.y.map((y) => Math.round(y * 10))]), [
      ['loss', [30, 20, 10]],
      ['accuracy', [1, 5, 9]],
    ]);
    const histogram = values[3] as Extract<RichValue, { kind: 'chart' }>;
    assert.deepEqual(histogram.chart.type === 'histogram' && histogram.chart.bins.map((b) => b.count), [1, 2, 3]);
    const image = values[4] as Extract<RichValue, { kind: 'image' }>;
    assert.deepEqual([image.width, image.height, Buffer.from(image.rgbaBase64, 'base64').toJSON().data], [1, 2, [255, 255, 255, 255, 255, 255, 255, 255]]);
  });

  test('a local .ts module a cell imports is re-imported after it (or a module it imports) changes on disk', async () => {
    writeFileSync(join(workspace, 'reloadUtil.ts'), "export const unit: string = 'a';\n");
    writeFileSync(join(workspace, 'reloadHelper.ts'), "import { unit } from './reloadUtil';\nexport const describe = (): string => `one-${unit}`;\n");
    const { file, cells } = notebook('reload.ml.ts', "// %%\nimport { describe } from './reloadHelper';\ndescribe()\n");
    assert.equal(textOf(await run(file, cells[0]!)), "'one-a'");
    assert.equal(textOf(await run(file, cells[0]!)), "'one-a'");
    writeFileSync(join(workspace, 'reloadUtil.ts'), "export const unit: string = 'bb';\n");
    assert.equal(textOf(await run(file, cells[0]!)), "'one-bb'", 'a change in a module the helper imports reloads both');
    writeFileSync(join(workspace, 'reloadHelper.ts'), "import { unit } from './reloadUtil';\nexport const describe = (): string => `two-${unit}`;\n");
    assert.equal(textOf(await run(file, cells[0]!)), "'two-bb'");
  });

  test('a loop in a timer callback is reported as not interruptible, and a restart gives a fresh kernel', async () => {
    const oldPid = kernel.info.pid;
    await runCode('var survivor = 1;');
    const spinning = nextEvent(kernel, streamed('spinning'), 'the timer loop to start');
    const scheduled = await runCode("setTimeout(() => { console.log('spinning'); while (true) {} }, 0);\n'scheduled'");
    assert.equal(textOf(scheduled), "'scheduled'");
    await spinning;
    const reply = await within(kernel.interrupt(), 2000, 'interrupt');
    assert.equal(reply.outcome, 'notInterruptible');
    assert.match(reply.message, /restart/i);
    await within(kernel.restart(), 10_000, 'restart');
    assert.notEqual(kernel.info.pid, oldPid);
    assert.equal(textOf(await runCode('typeof survivor')), "'undefined'");
  });

  test('process.exit(3) in a cell is reported as the kernel dying in that cell; restart brings it back', async () => {
    const exits: KernelExit[] = [];
    const stop = kernel.onExit((exit) => exits.push(exit));
    const { file, cells } = notebook('exit.ml.ts', '// %% Quit\nprocess.exit(3);\n');
    await assert.rejects(run(file, cells[0]!), (err: unknown) => {
      assert.ok(err instanceof KernelDiedError);
      assert.equal(err.exit.reason, 'exited');
      assert.equal(err.exit.code, 3);
      assert.equal(err.exit.cellId, cells[0]!.id);
      assert.match(err.message, /exited with code 3 while running cell-0/);
      return true;
    });
    stop();
    assert.equal(exits.length, 1);
    assert.equal(kernel.isAlive, false);
    await assert.rejects(runCode('1'), KernelDiedError);
    await kernel.restart();
    assert.equal(textOf(await runCode('40 + 2')), '42');
  });
});

describe('cell kernel, out of memory', { timeout: 60_000 }, () => {
  test('a kernel that runs out of heap is reported as out of memory', async () => {
    const kernel = await KernelClient.start({ kernelScript: dist('runtime/kernelMain.mjs'), cwd: repoRoot, nodeArgs: ['--max-old-space-size=24'] });
    const code = 'const hoard: number[][] = [];\nwhile (true) hoard.push(new Array(100_000).fill(1.5));';
    const died = kernel.execute({ cellId: 'hog', code, file: join(workspace, 'oom.ml.ts'), startLine: 0 });
    await assert.rejects(within(died, 30_000, 'the out-of-memory death'), (err: unknown) => {
      assert.ok(err instanceof KernelDiedError);
      assert.equal(err.exit.reason, 'outOfMemory');
      assert.match(err.message, /ran out of memory while running hog/);
      return true;
    });
  });
});

describe('kernel protocol pieces', () => {
  test('requests from another process are checked field by field', () => {
    assert.deepEqual(parseKernelRequest('{"type":"memory","requestId":"r1"}'), { ok: true, message: { type: 'memory', requestId: 'r1' } });
    const bad = parseKernelRequest('{"type":"execute","requestId":"r2","cellId":"c","code":1}');
    assert.equal(bad.ok, false);
    assert.equal(bad.ok === false && bad.requestId, 'r2');
    assert.match(bad.ok === false ? bad.error : '', /bad fields: runId, code, file, startLine/);
    assert.equal(parseKernelRequest('{"type":"launch"}').ok, false);
    assert.equal(parseKernelRequest('not json').ok, false);
  });

  const STACKS: [name: string, frames: string[], context: string, safe: boolean][] = [
    ['a cell resumed by V8 after await', ['loop@file:///w/a.ml.ts.cell-1.run2.js'], 'microtask', true],
    ['tfjs code in the microtask queue', ['matMul@file:///w/node_modules/x.js', 'processTicksAndRejections@node:internal/process/task_queues'], 'microtask', true],
    ['a cell evaluated by the kernel', ['@file:///w/a.ml.ts.cell-1.run1.js', 'post@node:inspector', 'execute@file:///k/kernelMain.mjs'], 'cell', true],
    ['a setTimeout callback', ['@file:///w/a.ml.ts.cell-1.run3.js', 'listOnTimeout@node:internal/timers', 'processTimers@node:internal/timers'], 'timer', false],
    ['microtasks drained between timers', ['@file:///w/a.js', 'runNextTicks@node:internal/process/task_queues', 'listOnTimeout@node:internal/timers'], 'microtask', true],
    ['an fs callback', ['@file:///w/a.js', 'readFileAfterClose@node:fs'], 'callback', false],
  ];
  for (const [name, frames, context, safe] of STACKS) {
    test(`terminating ${safe ? 'is safe' : 'is not safe'} in ${name}`, () => {
      const paused = frames.map((f) => ({ functionName: f.split('@')[0]!, url: f.split('@')[1]! }));
      assert.deepEqual(terminationVerdict(paused), { safe, context });
    });
  }

  test('imports become awaited loads through the kernel, lines unchanged', () => {
    const rewritten = rewriteModuleSyntax(
      'import * as tf from "@tensorflow/tfjs";\nimport D, { a, b as c } from "./m";\nimport "side";\nconst m = await import("x");\nexport {\n  m\n};\n',
      'file:///w/a.ml.ts',
    );
    const lines = rewritten.split('\n');
    assert.match(lines[0]!, /^const tf = await globalThis\[Symbol\.for\("mlts\.kernel"\)\]\.import\("@tensorflow\/tfjs", "file:\/\/\/w\/a\.ml\.ts"\);$/);
    assert.match(lines[1]!, /^const \{ default: D, a, b: c \} = await .*\.import\("\.\/m", "file:\/\/\/w\/a\.ml\.ts"\);$/);
    assert.match(lines[2]!, /^await .*\.import\("side", /);
    assert.match(lines[3]!, /^const m = await .*\.importFrom\("file:\/\/\/w\/a\.ml\.ts", "x"\);$/);
    assert.ok(!rewritten.includes('export'));
  });
});
