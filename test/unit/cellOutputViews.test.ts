// Pure parts of the cell outputs: stack frames shown 1-based with library frames grouped, which shapes are images
// and how their values map to pixels, histograms, markdown cells (comment prefixes removed, HTML escaped, unsafe
// links refused), tfjs's stderr banners recognised as information, and how progress records and clears change
// the panel state.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { markdownText, parseCells } from '../../runtime/src/cells/cellParser';
import { estimate } from '../../runtime/src/kernel/fitProgress';
import { isLibraryFile } from '../../runtime/src/kernel/stackTraces';
import { displayRange, histogramBins, imageLayout, tensorHistogram, toRgbaImages } from '../../runtime/src/kernel/tensorViews';
import { applyToState, isInformationalStderr, type OutputState } from '../../webviews/src/cellOutputProtocol';
import { renderMarkdown } from '../../webviews/src/markdownView';
import { frameText, groupFrames, isOpenable } from '../../webviews/src/stackFrames';

test('frames show 1-based lines and columns from the kernel 0-based ones', () => {
  assert.equal(frameText({ functionName: 'accuracyOn', file: '/w/file.ml.ts', line: 78, column: 28 }), 'accuracyOn (/w/file.ml.ts:79:29)');
  assert.equal(frameText({ file: '/w/file.ml.ts', line: 0, column: 0 }), '<anonymous> (/w/file.ml.ts:1:1)');
  assert.equal(isOpenable({ file: 'node:internal/x', line: 1, column: 1 }), false);
  assert.equal(isOpenable({ file: 'C:\\w\\a.ts', line: 1, column: 1 }), true);
});

test('consecutive library frames are grouped between user frames', () => {
  const lib = (n: number) => ({ file: `/w/node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js`, line: n, column: 0, library: true });
  const user = (n: number) => ({ file: '/w/a.ml.ts', line: n, column: 0 });
  const groups = groupFrames([lib(1), lib(2), user(3), lib(4), user(5)]);
  assert.deepEqual(
    groups.map((g) => (g.kind === 'user' ? `u${g.frame.line}` : `l${g.frames.length}`)),
    ['l2', 'u3', 'l1', 'u5'],
  );
  assert.equal(isLibraryFile('/w/node_modules/x/index.js'), true);
  assert.equal(isLibraryFile('node:internal/process/task_queues'), true);
  assert.equal(isLibraryFile('/w/src/model.ts'), false);
});

test('image shapes: [h,w] roughly square, [h,w,1|3|4], [n,h,w,1|3|4]; other shapes are numbers', () => {
  const cases: [number[], string, ReturnType<typeof imageLayout>][] = [
    [[28, 28], 'float32', { count: 1, height: 28, width: 28, channels: 1 }],
    [[64, 64, 3], 'float32', { count: 1, height: 64, width: 64, channels: 3 }],
    [[5, 64, 48, 4], 'int32', { count: 5, height: 64, width: 48, channels: 4 }],
    [[32, 10], 'float32', undefined],
    [[1000, 20], 'float32', undefined],
    [[4, 4, 3], 'float32', undefined],
    [[64, 64, 2], 'float32', undefined],
    [[64, 64, 3], 'string', undefined],
    [[10], 'float32', undefined],
    [[2, 3, 64, 64, 3], 'float32', undefined],
  ];
  for (const [shape, dtype, expected] of cases) assert.deepEqual(imageLayout(shape, dtype), expected, JSON.stringify(shape));
});

test('value ranges: 0–1 and 0–255 kept, anything else min–max; pixels map onto 0–255', () => {
  assert.deepEqual(displayRange([0, 0.5, 1]), [0, 1]);
  assert.deepEqual(displayRange([0, 17, 255]), [0, 255]);
  assert.deepEqual(displayRange([-2, 0, 2, NaN]), [-2, 2]);
  assert.deepEqual(displayRange([]), [0, 1]);
  const [grey] = toRgbaImages([-2, 0, 2, 1], { count: 1, height: 2, width: 2, channels: 1 }, [-2, 2]);
  assert.deepEqual([...grey!], [0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255, 191, 191, 191, 255]);
  const images = toRgbaImages(new Float32Array(3 * 2 * 2 * 3), { count: 3, height: 2, width: 2, channels: 3 }, [0, 1], 2);
  assert.equal(images.length, 2, 'at most the requested number of images');
});

test('histograms count every finite value once; equal values make one bin', () => {
  const bins = histogramBins([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, NaN], 5);
  assert.deepEqual(bins.map((b) => b.count), [2, 2, 2, 2, 2]);
  assert.deepEqual(histogramBins([3, 3, 3], 10).map((b) => b.count), [3]);
  assert.deepEqual(tensorHistogram([1, 2, 3])?.mean, 2);
  assert.equal(tensorHistogram([NaN]), undefined);
});

test('markdown cells: comment prefixes removed, rendered with HTML escaped and unsafe links refused', () => {
  const [cell] = parseCells('// %% [markdown]\n// # Data\n//\n// Some *emphasis* and <script>alert(1)</script>\n').filter((c) => c.kind === 'markdown');
  const text = markdownText(cell!.text);
  assert.equal(text, '# Data\n\nSome *emphasis* and <script>alert(1)</script>');
  const html = renderMarkdown(text);
  assert.match(html, /<h1>Data<\/h1>/);
  assert.match(html, /<em>emphasis<\/em>/);
  assert.doesNotMatch(html, /<script/);
  assert.match(html, /&lt;script&gt;/);
  assert.doesNotMatch(renderMarkdown('[x](javascript:alert(1))'), /href/);
  assert.doesNotMatch(renderMarkdown('[x](command:workbench.action.quit)'), /href/);
  assert.doesNotMatch(renderMarkdown('<img src=x onerror=alert(1)>'), /<img/);
  assert.match(renderMarkdown('[docs](https://js.tensorflow.org)'), /href="https:\/\/js.tensorflow.org"/);
  assert.equal(markdownText('/*\nA note\n*/'), 'A note');
});

test("tfjs's banners on stderr are information; real errors are not", () => {
  const banner =
    '\n============================\nHi, looks like you are running TensorFlow.js in Node.js. To speed things up dramatically, install our node backend, visit https://github.com/tensorflow/tfjs-node for more details. \n============================\n';
  assert.equal(isInformationalStderr(banner), true);
  assert.equal(isInformationalStderr('Platform node has already been set. Overwriting the platform with node.\n'), true);
  assert.equal(isInformationalStderr('Error: shapes do not match\n'), false);
  assert.equal(isInformationalStderr(`${banner}Error: boom\n`), false);
  assert.equal(isInformationalStderr('=====\n'), false);
});

test('progress records of one fit replace each other; clear removes one cell or all', () => {
  const progress = (epoch: number) => ({ kind: 'progress' as const, id: 'fit-1', epoch, epochs: 3, batch: 0, batches: 4, elapsedMs: 1, etaMs: 1, values: {}, epochLosses: [], done: false });
  let state: OutputState = { file: '/w/a.ml.ts', kernel: 'idle', runs: [] };
  for (const cellId of ['cell-0', 'cell-1']) {
    state = applyToState(state, { type: 'runStarted', run: { cellId, runId: 1, label: cellId, line: 0, status: 'running', startedAt: 0, items: [] } });
  }
  state = applyToState(state, { type: 'output', cellId: 'cell-1', runId: 1, item: { kind: 'value', value: progress(0) } });
  state = applyToState(state, { type: 'output', cellId: 'cell-1', runId: 1, item: { kind: 'stream', name: 'stdout', text: 'x' } });
  state = applyToState(state, { type: 'output', cellId: 'cell-1', runId: 1, item: { kind: 'value', value: progress(2) } });
  const items = state.runs.find((r) => r.cellId === 'cell-1')!.items;
  assert.equal(items.length, 2);
  assert.equal(items[0]!.kind === 'value' && items[0]!.value.kind === 'progress' && items[0]!.value.epoch, 2);
  assert.deepEqual(applyToState(state, { type: 'clear', cellId: 'cell-0' }).runs.map((r) => r.cellId), ['cell-1']);
  assert.deepEqual(applyToState(state, { type: 'clear' }).runs, []);
});

test('training estimates: fraction from epochs and batches, remaining time from the pace so far', () => {
  assert.deepEqual(estimate(1, 4, 2, 4, 3000), { fraction: 0.375, etaMs: 5000 });
  assert.deepEqual(estimate(0, 4, 0, null, 100), { fraction: 0, etaMs: null });
});
