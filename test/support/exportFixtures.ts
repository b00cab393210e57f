// A small experiment with saved outputs of every kind (streams, a tensor, a table, a chart, an image, an error)
// and one tracked run, written into a folder the export tests own. The unit tests check the formats' structure;
// the integration tests hand the same files to Jupyter's validator, nbconvert and headless Chromium.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeSavedOutputs, type SavedCellRun } from '../../runtime/src/outputs/savedOutputs';
import { newRunRecord } from '../../runtime/src/store/runRecord';
import { RunStore, STORE_DIR } from '../../runtime/src/store/runStore';

export const EXPERIMENT = `// %% [markdown]
// # Digits <demo>
// Trains a **tiny** model; see \`fit\` below.
// - one
// - two

// %% Load data
const xs = [1, 2, 3];
console.log('loaded', xs.length);

// %% Show
display.image(img);

// %%
throw new Error('boom <b>');
`;

/** A 2×2 RGBA image: red, green, blue, white. */
export const PIXELS = Buffer.from([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255]);

export const SAVED_RUNS: SavedCellRun[] = [
  {
    cellId: 'cell-1',
    runId: 1,
    label: 'Load data',
    line: 6,
    status: 'ok',
    startedAt: 1_700_000_000_000,
    durationMs: 12,
    items: [
      { kind: 'stream', name: 'stdout', text: 'loaded ' },
      { kind: 'stream', name: 'stdout', text: '3\n' },
      { kind: 'value', value: { kind: 'table', columns: ['name', 'value'], rows: [['<i>x</i>', 1]], totalRows: 1 } },
    ],
    value: { kind: 'tensor', shape: [2, 3], dtype: 'float32', size: 6, preview: '[[1, 2, 3], [4, 5, 6]]', disposed: false },
  },
  {
    cellId: 'cell-2',
    runId: 2,
    label: 'Show',
    line: 10,
    status: 'ok',
    startedAt: 1_700_000_000_100,
    durationMs: 5,
    items: [
      { kind: 'value', value: { kind: 'image', width: 2, height: 2, title: 'four pixels', rgbaBase64: PIXELS.toString('base64') } },
      { kind: 'value', value: { kind: 'chart', chart: { type: 'line', title: 'loss', series: [{ name: 'train', x: [0, 1, 2], y: [1, 0.5, 0.25] }] } } },
    ],
  },
  {
    cellId: 'cell-3',
    runId: 3,
    label: 'cell 4',
    line: 13,
    status: 'error',
    startedAt: 1_700_000_000_200,
    durationMs: 1,
    items: [{ kind: 'stream', name: 'stderr', text: 'warning\n' }],
    error: { name: 'Error', message: 'boom <b>', stack: 'Error: boom <b>\n    at digits.ml.ts:15:7', frames: [] },
  },
];

export interface ExportWorkspace {
  dir: string;
  file: string;
  store: string;
}

/** A fresh folder holding the experiment, its saved outputs and one finished tracked run. */
export function seedExportWorkspace(dir: string, options: { outputs?: boolean; run?: boolean } = {}): ExportWorkspace {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'digits.ml.ts');
  const store = join(dir, STORE_DIR);
  writeFileSync(file, EXPERIMENT);
  mkdirSync(store, { recursive: true });
  if (options.outputs ?? true) writeSavedOutputs(store, file, SAVED_RUNS);
  if (options.run ?? true) {
    const runs = new RunStore(store);
    const record = newRunRecord(
      { id: '20261205-100000-digits-abcdef', file, relativeFile: 'digits.ml.ts', fileHash: '', git: null, params: { lr: 0.01 }, overrides: {}, requestedBackend: 'cpu', node: 'v20', host: 'test', supervisorPid: null, group: null, queuedAt: '2026-12-05T10:00:00Z' },
      { status: 'finished', finalMetrics: { loss: 0.25, lr: 0.01 } },
    );
    runs.create(record);
    writeFileSync(join(runs.runDir(record.id), 'metrics.jsonl'), [0.9, 0.5, 0.25].map((loss, step) => JSON.stringify({ kind: 'epoch', t: step, step, values: { loss } })).join('\n') + '\n');
  }
  return { dir, file, store };
}
