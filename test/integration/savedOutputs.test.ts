// Outputs of a real kernel process survive it: cells run in dist/runtime/kernelMain.mjs, their events are applied
// to the panel state exactly as the extension's session does (webviews' applyToState) and saved after each one as
// the extension saves them; the kernel is then stopped, as a window reload stops it, and what is read back from
// `.mlts/outputs/` is the panel's outputs (streams joined), ready to restore, and `mlts export` (the real bundle)
// writes them into a notebook that Debian's nbformat validates. Build first: node scripts/build.mjs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseCells } from '../../runtime/src/cells/cellParser';
import { KernelClient } from '../../runtime/src/kernel/kernelClient';
import { readSavedOutputs, writeSavedOutputs } from '../../runtime/src/outputs/savedOutputs';
import { STORE_DIR } from '../../runtime/src/store/runStore';
import { applyToState, type OutputState, type ToWebview } from '../../webviews/src/cellOutputProtocol';
import { dist, repoRoot, runNode } from './processes';

const NOTEBOOK = `// %% Setup
import * as tf from '@tensorflow/tfjs';
console.log('epoch 1');
console.log('epoch 2');
display.line([3, 2, 1], { title: 'loss' });

// %% Image
display.image(tf.tensor3d([[[1, 0, 0], [0, 1, 0]], [[0, 0, 1], [1, 1, 1]]]));
tf.tensor1d([1, 2, 3])

// %% Failing
throw new RangeError('bad shape');
`;

test('outputs saved while a real kernel runs are read back after it stops, and export into a valid notebook', { timeout: 120_000 }, async () => {
  const dir = join(repoRoot, 'test-results', 'integration', 'saved-outputs');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'train.ml.ts');
  writeFileSync(file, NOTEBOOK);
  const store = join(dir, STORE_DIR);
  let state: OutputState = { file, kernel: 'idle', runs: [] };
  let saves = 0;
  const apply = (message: ToWebview) => {
    state = applyToState(state, message);
    writeSavedOutputs(store, file, state.runs);
    saves++;
  };
  const kernel = await KernelClient.start({ kernelScript: dist('runtime/kernelMain.mjs'), cwd: dir });
  let current = { cellId: '', runId: 0 };
  kernel.onEvent((event) => apply({ type: 'output', ...current, item: event.type === 'stream' ? { kind: 'stream', name: event.name, text: event.text } : { kind: 'value', value: event.value } }));
  try {
    for (const [i, cell] of parseCells(NOTEBOOK).entries()) {
      current = { cellId: cell.id, runId: i + 1 };
      apply({ type: 'runStarted', run: { ...current, label: cell.title ?? cell.id, line: cell.startLine, status: 'running', startedAt: Date.now(), items: [] } });
      const result = await kernel.execute({ ...current, code: cell.text, file, startLine: cell.codeStartLine });
      apply({ type: 'runFinished', ...current, status: result.status, durationMs: result.durationMs, ...(result.value ? { value: result.value } : {}), ...(result.error ? { error: result.error } : {}) });
    }
  } finally {
    await kernel.shutdown();
  }
  assert.ok(saves >= 9, `saved as outputs arrived: ${saves} saves`);

  const saved = readSavedOutputs(store, file);
  assert.ok(saved, 'outputs were saved');
  assert.deepEqual(saved.runs.map((r) => [r.cellId, r.status]), [['cell-0', 'ok'], ['cell-1', 'ok'], ['cell-2', 'error']]);
  const [setup, image, failing] = saved.runs;
  assert.deepEqual(setup!.items.map((i) => (i.kind === 'stream' ? i.text : i.value.kind)), ['epoch 1\nepoch 2\n', 'chart']);
  // tfjs prints its "install tfjs-node" banner on stderr before the image: the image is the cell's one value item.
  const picture = image!.items.find((i) => i.kind === 'value');
  assert.ok(picture?.kind === 'value' && picture.value.kind === 'image', JSON.stringify(picture));
  assert.deepEqual([...Buffer.from(picture.value.rgbaBase64, 'base64').subarray(0, 8)], [255, 0, 0, 255, 0, 255, 0, 255]);
  assert.equal(image!.value?.kind, 'tensor');
  assert.equal(failing!.error?.name, 'RangeError');
  assert.match(failing!.error?.stack ?? '', /train\.ml\.ts:12/);

  const exported = await runNode([dist('cli.js'), 'export', file, '--to', 'ipynb'], { cwd: dir });
  assert.equal(exported.code, 0, exported.stderr);
  assert.match(exported.stdout, /3 cells, 3 with outputs/);
  const check = spawnSync(
    process.env.MLTS_PYTHON ?? '/usr/bin/python3',
    ['-c', 'import sys, nbformat; nb = nbformat.read(sys.argv[1], as_version=4); nbformat.validate(nb); print(" ".join(o.output_type for c in nb.cells for o in c.outputs))', join(dir, 'train.ipynb')],
    { encoding: 'utf8' },
  );
  assert.equal(check.status, 0, check.stderr);
  assert.match(check.stdout.trim(), /^stream display_data (stream )?display_data execute_result error$/);
});
