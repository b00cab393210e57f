// Rich outputs of a real kernel process (dist/runtime/kernelMain.mjs): an error thrown inside a tfjs op called from
// a helper of an earlier cell keeps the user's frames on their exact (0-based) lines and folds tfjs's frames onto
// files that exist; an image-shaped tensor comes with its pixels (a known image, checked pixel by pixel), a batch
// of images with a grid, a large tensor with a histogram; `fit` reports live progress without user callbacks and
// a trailing `await model.fit(…)` is a chart, not the History dump; a model shows its layer table and a tf.data
// dataset its first rows. Build first: node scripts/build.mjs. Waits are on events; nothing sleeps.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseCells, type Cell } from '../../runtime/src/cells/cellParser';
import { KernelClient, type KernelEvent } from '../../runtime/src/kernel/kernelClient';
import type { RichValue, TrainingProgress } from '../../runtime/src/kernel/kernelProtocol';
import { dist, repoRoot } from './processes';

const workspace = join(repoRoot, 'test-results', 'integration', 'kernel-rich');
mkdirSync(workspace, { recursive: true });

function notebook(name: string, text: string): { file: string; cells: Cell[] } {
  const file = join(workspace, name);
  writeFileSync(file, text);
  return { file, cells: parseCells(text) };
}

type Tensor = Extract<RichValue, { kind: 'tensor' }>;

describe('kernel rich outputs', { timeout: 180_000 }, () => {
  let kernel: KernelClient;
  const run = (file: string, cell: Cell) => kernel.execute({ cellId: cell.id, code: cell.text, file, startLine: cell.codeStartLine });

  before(async () => {
    kernel = await KernelClient.start({ kernelScript: dist('runtime/kernelMain.mjs'), cwd: repoRoot });
  });
  after(async () => {
    if (kernel.isAlive) await kernel.shutdown();
  });

  test('an error inside a tfjs op keeps the user frames on their exact lines; library frames are folded and exist', async () => {
    const { file, cells } = notebook(
      'deep.ml.ts',
      `import * as tf from '@tensorflow/tfjs';
// %% Helpers
function flatten(t: tf.Tensor): tf.Tensor {
  return t.reshape([7, 7]);
}
function prepare(t: tf.Tensor) {
  return flatten(t);
}
// %% Use
prepare(tf.ones([3, 3]));
`,
    );
    await run(file, cells[0]!);
    await run(file, cells[1]!);
    const result = await run(file, cells[2]!);
    assert.equal(result.status, 'error');
    const frames = result.error!.frames;
    const user = frames.filter((f) => f.file === file).map((f) => [f.functionName, f.line, f.column]);
    // 0-based: `t.reshape` is on line 3 (the file's line 4), column 11; `flatten(t)` line 6; the call line 9.
    assert.deepEqual(user, [
      ['flatten', 3, 11],
      ['prepare', 6, 9],
      [undefined, 9, 0],
    ]);
    const library = frames.filter((f) => f.file !== file);
    assert.ok(library.length >= 5, 'tfjs frames are kept too');
    for (const frame of library) {
      assert.equal(frame.library, true, JSON.stringify(frame));
      assert.ok(existsSync(frame.file), `library frame points at a file that exists: ${frame.file}`);
    }
    assert.match(result.error!.stack, /deep\.ml\.ts:4:12\)/);
  });

  test('an image-shaped tensor carries its pixels, normalised; a batch gives a grid; a large tensor a histogram', async () => {
    const { file, cells } = notebook(
      'images.ml.ts',
      `import * as tf from '@tensorflow/tfjs';
// %% One image: red left half, blue right half, values 0..1
const left = tf.concat([tf.ones([16, 8, 1]), tf.zeros([16, 8, 2])], 2);
const right = tf.concat([tf.zeros([16, 8, 2]), tf.ones([16, 8, 1])], 2);
tf.concat([left, right], 1)
// %% A batch of 20 greyscale digits-to-be
tf.randomUniform([20, 12, 12, 1], 0, 255, 'int32')
// %% Not an image: many numbers
tf.randomNormal([200, 10])
`,
    );
    await run(file, cells[0]!);
    const image = (await run(file, cells[1]!)).value as Tensor;
    assert.equal(image.kind, 'tensor');
    assert.deepEqual([image.images?.width, image.images?.height, image.images?.count, image.images?.range], [16, 16, 1, [0, 1]]);
    const rgba = Buffer.from(image.images!.rgbaBase64[0]!, 'base64');
    const pixel = (x: number, y: number) => [...rgba.subarray((y * 16 + x) * 4, (y * 16 + x) * 4 + 4)];
    assert.deepEqual(pixel(2, 5), [255, 0, 0, 255]);
    assert.deepEqual(pixel(13, 5), [0, 0, 255, 255]);
    const batch = (await run(file, cells[2]!)).value as Tensor;
    assert.deepEqual([batch.images?.count, batch.images?.total, batch.images?.range], [16, 20, [0, 255]]);
    const numbers = (await run(file, cells[3]!)).value as Tensor;
    assert.equal(numbers.images, undefined);
    assert.equal(numbers.histogram?.bins.reduce((n, b) => n + b.count, 0), 2000);
  });

  test('fit reports live progress without callbacks; awaiting fit shows a chart; a model a table; a dataset its first rows', async () => {
    const { file, cells } = notebook(
      'train.ml.ts',
      `import * as tf from '@tensorflow/tfjs';
// %% Model
const model = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [2], activation: 'relu' }), tf.layers.dense({ units: 1 })] });
model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
const xs = tf.randomNormal([64, 2]);
const ys = tf.randomNormal([64, 1]);
model.summary();
model
// %% Train
await model.fit(xs, ys, { epochs: 3, batchSize: 16, verbose: 0 })
// %% Data
tf.data.array([{ x: 1, y: 'a' }, { x: 2, y: 'b' }, { x: 3, y: 'c' }, { x: 4, y: 'd' }, { x: 5, y: 'e' }, { x: 6, y: 'f' }])
`,
    );
    await run(file, cells[0]!);
    const summaries: RichValue[] = [];
    const stopSummaries = kernel.onEvent((event: KernelEvent) => {
      if (event.type === 'display') summaries.push(event.value);
    });
    const modelValue = (await run(file, cells[1]!)).value;
    stopSummaries();
    assert.deepEqual(summaries.map((v) => v.kind), ['table'], 'model.summary() shows a table, not wide text');
    assert.equal(modelValue?.kind, 'table');
    assert.deepEqual((modelValue as Extract<RichValue, { kind: 'table' }>).rows.at(-1), ['Total', '', '', 17]);
    const progress: TrainingProgress[] = [];
    const stop = kernel.onEvent((event: KernelEvent) => {
      if (event.type === 'display' && event.value.kind === 'progress') progress.push(event.value);
    });
    const trained = await run(file, cells[2]!);
    stop();
    assert.equal(trained.status, 'ok', JSON.stringify(trained.error));
    assert.equal(trained.value?.kind, 'chart');
    assert.ok(progress.length >= 4, `progress records: ${progress.length}`);
    assert.equal(new Set(progress.map((p) => p.id)).size, 1);
    const last = progress.at(-1)!;
    assert.equal(last.done, true);
    assert.equal(last.epochLosses.length, 3);
    assert.equal(progress[0]!.batches, 4);
    assert.ok(typeof last.values.loss === 'number');
    const data = (await run(file, cells[3]!)).value as Extract<RichValue, { kind: 'table' }>;
    assert.equal(data.kind, 'table');
    assert.deepEqual(data.columns, ['x', 'y']);
    assert.deepEqual(data.rows[0], [1, 'a']);
    assert.equal(data.rows.length, 5);
    assert.equal(data.totalRows, 6);
  });
});
