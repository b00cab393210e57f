// The cell-output panel's webview (dist/webviews/cellOutputPanel.js) in real headless Chromium, fed the messages
// the extension sends, with `acquireVsCodeApi` stubbed to record what the panel posts back. Checks: frame links show
// 1-based places and open the kernel's exact 0-based place; the panel follows the running cell and keeps the
// user's position once they scroll away; an image tensor is drawn (pixels of a known image); live fit progress
// draws a bar; markdown cells render in file order with their HTML escaped; Clear and collapse work; wide text
// scrolls instead of wrapping. Build first: node scripts/build.mjs. Waits are on page conditions, not time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import type { CellRun, ToWebview } from '../../webviews/src/cellOutputProtocol';
import { posted as postedMessages, send as sendMessages, webviewSuite } from './webviewHarness';

const suite = webviewSuite('cellOutputPanel.js', 'cellOutput.css');

const openPanel = (height = 600): Promise<Page> => suite.open({ width: 700, height });

const send = (page: Page, ...messages: ToWebview[]): Promise<void> => sendMessages(page, ...messages);

const run = (cellId: string, line: number, runId: number, fields: Partial<CellRun> = {}): CellRun => ({
  cellId,
  runId,
  label: `Cell ${cellId}`,
  line,
  status: 'ok',
  startedAt: runId,
  durationMs: 5,
  items: [],
  ...fields,
});

const posted = (page: Page) => postedMessages<{ type: string; [k: string]: unknown }>(page);

test('frame links show 1-based places, open the exact 0-based place, and library frames fold', async () => {
  const page = await openPanel();
  const file = '/work/file.ml.ts';
  const error = {
    name: 'Error',
    message: 'Size(9) must match the product of shape 7,7',
    stack: '',
    frames: [
      { functionName: 'inferFromImplicitShape', file: '/work/node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js', line: 628, column: 18, library: true },
      { functionName: 'reshape', file: '/work/node_modules/@tensorflow/tfjs-backend-cpu/dist/tf-backend-cpu.node.js', line: 3819, column: 31, library: true },
      { functionName: 'accuracyOn', file, line: 78, column: 28 },
    ],
  };
  await send(page, { type: 'reset', state: { file, kernel: 'idle', runs: [run('cell-3', 70, 4, { status: 'error', error })] } });
  assert.equal(await page.locator('.execution-count').innerText(), '[4]');
  await page.getByText('accuracyOn (/work/file.ml.ts:79:29)').click();
  assert.deepEqual((await posted(page)).at(-1), { type: 'openLocation', file, line: 78, column: 28 });
  const folded = page.locator('details.library-frames');
  assert.equal(await folded.locator('summary').innerText(), '2 library frames');
  assert.equal(await folded.getByText(/tf-core\.node\.js:629:19/).isVisible(), false);
  await page.close();
});

test('the panel follows the running cell, and keeps the user position once they scroll away', async () => {
  const page = await openPanel(400);
  const lines = Array.from({ length: 60 }, (_, i) => `line ${i}`).join('\n');
  const runs = Array.from({ length: 6 }, (_, i) => run(`cell-${i}`, i * 10, i + 1, { items: [{ kind: 'stream', name: 'stdout', text: lines }] }));
  await send(page, { type: 'reset', state: { file: '/w/a.ml.ts', kernel: 'idle', runs } });
  await send(page, { type: 'runStarted', run: run('cell-9', 90, 7, { status: 'running' }) });
  await send(page, { type: 'output', cellId: 'cell-9', runId: 7, item: { kind: 'stream', name: 'stdout', text: 'started training\n' } });
  await page.getByText('started training').waitFor();
  assert.ok(await page.getByText('started training').isVisible());
  const inView = () => page.evaluate(`(() => { const box = document.querySelector('section[data-cell-id="cell-9"]').getBoundingClientRect(); return box.top < window.innerHeight && box.bottom > 0; })()`);
  assert.equal(await inView(), true, 'the running cell was scrolled into view');
  // The user scrolls to the top to read an earlier output: new output must not move them.
  await page.mouse.move(300, 200);
  await page.mouse.wheel(0, -100_000);
  await page.waitForFunction('window.scrollY === 0');
  await send(page, { type: 'output', cellId: 'cell-9', runId: 7, item: { kind: 'stream', name: 'stdout', text: 'epoch 2\n' } });
  assert.equal(await page.evaluate('window.scrollY'), 0);
  await page.close();
});

test('an image tensor is drawn as an image, with a toggle to its numbers', async () => {
  const page = await openPanel();
  // A 2×2 image: red, green / blue, white.
  const rgba = Buffer.from([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255]).toString('base64');
  const value = { kind: 'tensor' as const, shape: [2, 2, 3], dtype: 'float32', size: 12, preview: '[[[1, 0, 0], …]]', disposed: false, images: { width: 2, height: 2, count: 1, total: 1, range: [0, 1] as [number, number], rgbaBase64: [rgba] } };
  await send(page, { type: 'reset', state: { file: '/w/a.ml.ts', kernel: 'idle', runs: [run('cell-0', 0, 1, { value })] } });
  const pixels = await page.evaluate("[...document.querySelector('.tensor-images canvas').getContext('2d').getImageData(0, 0, 2, 2).data]");
  assert.deepEqual(pixels, [255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255]);
  assert.equal(await page.locator('.tensor-preview').isVisible(), false);
  await page.getByText('Show numbers').click();
  assert.equal(await page.locator('.tensor-preview').isVisible(), true);
  assert.equal(await page.locator('.tensor-images').isVisible(), false);
  await page.close();
});

test("a fit's History chart labels whole epochs only", async () => {
  const page = await openPanel();
  // Four epochs across a wide chart: a free tick step would put ticks at 0.5 or 0.25 epochs.
  const value = { kind: 'chart' as const, chart: { type: 'line' as const, title: 'History: 4 epochs', xLabel: 'epoch', series: [{ name: 'loss', x: [0, 1, 2, 3], y: [0.9, 0.5, 0.3, 0.2] }] } };
  await send(page, { type: 'reset', state: { file: '/w/a.ml.ts', kernel: 'idle', runs: [run('cell-0', 0, 1, { value })] } });
  await page.locator('.chart[data-x-ticks]').waitFor();
  const ticks = (await page.locator('.chart').getAttribute('data-x-ticks'))!.split(' ');
  assert.ok(ticks.length >= 2, `x ticks: ${ticks.join(' ')}`);
  for (const tick of ticks) assert.match(tick, /^\d+$/, `x ticks: ${ticks.join(' ')}`);
  await page.close();
});

test('training progress draws a bar with metrics and a loss curve, replaced in place', async () => {
  const page = await openPanel();
  await send(page, { type: 'reset', state: { file: '/w/a.ml.ts', kernel: 'busy', runs: [run('cell-0', 0, 1, { status: 'running' })] } });
  const progress = (epoch: number, losses: number[]) => ({
    type: 'output' as const,
    cellId: 'cell-0',
    runId: 1,
    item: { kind: 'value' as const, value: { kind: 'progress' as const, id: 'fit-1', epoch, epochs: 4, batch: 2, batches: 4, elapsedMs: 2000, etaMs: 3000, values: { loss: 0.25 }, epochLosses: losses, done: false } },
  });
  await send(page, progress(0, []), progress(2, [0.9, 0.5]));
  assert.equal(await page.locator('.progress').count(), 1);
  assert.match(await page.locator('.progress-head').innerText(), /epoch 3\/4 · batch 2\/4 · 2\.0 s · ETA 3\.0 s/);
  assert.match(await page.locator('.progress-metrics').innerText(), /loss 0\.2500/);
  assert.equal(await page.evaluate("document.querySelector('.progress-fill').style.width"), '63%');
  assert.equal(await page.locator('svg.sparkline polyline').count(), 1);
  await page.close();
});

test('markdown cells render among the runs in file order, HTML escaped; Clear and collapse work; wide text scrolls', async () => {
  const page = await openPanel();
  const wide = `${'_'.repeat(40)} Layer (type) ${'_'.repeat(200)}\n`;
  await send(page, {
    type: 'reset',
    state: {
      file: '/w/a.ml.ts',
      kernel: 'idle',
      runs: [run('cell-0', 0, 1, { items: [{ kind: 'stream', name: 'stdout', text: wide }] }), run('cell-2', 20, 2, { items: [{ kind: 'stream', name: 'stdout', text: 'second' }] })],
      markdown: [{ cellId: 'cell-1', line: 10, markdown: '# Training\n\n<img src=x onerror="window.__xss=1">' }],
    },
  });
  const order = await page.evaluate("[...document.querySelectorAll('main > section')].map((s) => s.dataset.cellId)");
  assert.deepEqual(order, ['cell-0', 'cell-1', 'cell-2']);
  assert.equal(await page.locator('section.markdown h1').innerText(), 'Training');
  assert.equal(await page.locator('section.markdown img').count(), 0);
  assert.equal(await page.evaluate('window.__xss'), undefined);
  const stream = page.locator('section[data-cell-id="cell-0"] pre.stream');
  assert.ok(await stream.evaluate((e) => e.scrollWidth > e.clientWidth), 'wide text scrolls horizontally');
  assert.equal(await page.evaluate("getComputedStyle(document.querySelector('section[data-cell-id=\"cell-0\"] pre.stream')).whiteSpace"), 'pre');
  await page.locator('section[data-cell-id="cell-2"] .twisty').click();
  assert.equal(await page.getByText('second').count(), 0, 'collapsed output is hidden');
  await page.locator('section[data-cell-id="cell-2"] .twisty').click();
  await page.getByText('second').waitFor();
  await page.locator('section[data-cell-id="cell-2"]').hover();
  await page.locator('section[data-cell-id="cell-2"] .clear-cell').click();
  assert.deepEqual((await posted(page)).at(-1), { type: 'clearOutputs', cellId: 'cell-2' });
  await page.locator('header .clear-all').click();
  assert.deepEqual((await posted(page)).at(-1), { type: 'clearOutputs' });
  await send(page, { type: 'clear', cellId: 'cell-2' });
  assert.equal(await page.locator('section.run').count(), 1);
  await page.close();
});
