// Cell outputs kept on disk so they survive a closed file, a window reload and a new kernel: one JSON file per
// `.ml.ts` file under the store's `outputs/` folder (`.mlts/outputs/<name>-<hash>.json`, beside `.mlts/runs/`),
// replaced atomically on each save, so a reader sees the old or the new outputs and never a torn file. Saves are
// bounded: past MAX_SAVED_BYTES the largest images are dropped first, then long streams are cut, each with a note
// saying so. Images stay inline as base64 RGBA (the kernel's own form), so one file holds everything.
// Shared by the extension (saves as outputs arrive, restores on reopen) and `mlts export` (reads); it never
// imports `vscode`. The format's types and guards are in savedOutputFormat.ts, which the webviews share.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { RichValue } from '../kernel/kernelProtocol';
import { STORE_DIR, writeFileAtomic } from '../store/runStore';
import { isSavedOutputs, SAVED_OUTPUTS_FORMAT, type SavedCellRun, type SavedOutputItem, type SavedOutputs } from './savedOutputFormat';

export { isSavedOutputs, SAVED_OUTPUTS_FORMAT, type SavedCellRun, type SavedOutputItem, type SavedOutputs } from './savedOutputFormat';

export const OUTPUTS_DIR = 'outputs';
/** The most a file's saved outputs may take on disk. */
export const MAX_SAVED_BYTES = 8 * 1024 * 1024;
/** The most one stream output keeps once the file is over its bound (the start and the end of it). */
const STREAM_KEEP_CHARS = 16 * 1024;

/** The store that owns a file's outputs: the nearest folder above it holding `.mlts/`, else `fallbackRoot/.mlts`. */
export function storeRootFor(file: string, fallbackRoot: string): string {
  for (let dir = dirname(resolve(file)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, STORE_DIR))) return join(dir, STORE_DIR);
    if (dirname(dir) === dir) return join(fallbackRoot, STORE_DIR);
  }
}

/**
 * Where a file's outputs live in a store: a readable stem plus a hash of the path relative to the store's folder,
 * so two `train.ml.ts` in different folders never share a file and a moved workspace keeps its outputs.
 */
export function savedOutputsPath(storeRoot: string, file: string): string {
  const key = relative(dirname(resolve(storeRoot)), resolve(file)).split(sep).join('/');
  const stem = basename(file).replace(/\.ml\.ts$|\.ts$/, '').replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 40);
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 12);
  return join(storeRoot, OUTPUTS_DIR, `${stem}-${hash}.json`);
}

/** A file's saved outputs, or undefined when none were saved or the file cannot be read as outputs. */
export function readSavedOutputs(storeRoot: string, file: string): SavedOutputs | undefined {
  const path = savedOutputsPath(storeRoot, file);
  try {
    if (!statSync(path).isFile()) return undefined;
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return isSavedOutputs(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Joins neighbouring stream chunks of the same stream: a fit printing a line per batch becomes one output. */
function mergeStreams(items: readonly SavedOutputItem[]): SavedOutputItem[] {
  const merged: SavedOutputItem[] = [];
  for (const item of items) {
    const last = merged[merged.length - 1];
    if (item.kind === 'stream' && last?.kind === 'stream' && last.name === item.name) merged[merged.length - 1] = { ...last, text: last.text + item.text };
    else merged.push(item);
  }
  return merged;
}

/** Only the saved fields: the editor's runs may carry more (execution counts, UI state) that a reader ignores. */
function savedRun(run: SavedCellRun): SavedCellRun {
  const saved: SavedCellRun = { cellId: run.cellId, runId: run.runId, label: run.label, line: run.line, status: run.status, startedAt: run.startedAt, items: mergeStreams(run.items) };
  if (run.durationMs !== undefined) saved.durationMs = run.durationMs;
  if (run.value) saved.value = run.value;
  if (run.error) saved.error = run.error;
  if (run.message) saved.message = run.message;
  return saved;
}

const imageNote = (value: Extract<RichValue, { kind: 'image' }>): RichValue => ({
  kind: 'text',
  typeName: 'image',
  text: `[image ${value.width}×${value.height} not saved: a file's saved outputs are limited to ${MAX_SAVED_BYTES / 1024 / 1024} MB]`,
});

/** Brings the outputs under `maxBytes`: drops images, largest first, then cuts long streams to their ends. */
export function boundSavedOutputs(outputs: SavedOutputs, maxBytes = MAX_SAVED_BYTES): SavedOutputs {
  let size = JSON.stringify(outputs).length;
  if (size <= maxBytes) return outputs;
  const runs = outputs.runs.map((run) => ({ ...run, items: [...run.items] }));
  const images: { run: number; item: number; bytes: number }[] = [];
  runs.forEach((run, r) =>
    run.items.forEach((item, i) => {
      if (item.kind === 'value' && item.value.kind === 'image') images.push({ run: r, item: i, bytes: item.value.rgbaBase64.length });
    }),
  );
  images.sort((a, b) => b.bytes - a.bytes);
  for (const image of images) {
    if (size <= maxBytes) break;
    const item = runs[image.run]!.items[image.item] as Extract<SavedOutputItem, { kind: 'value' }>;
    runs[image.run]!.items[image.item] = { kind: 'value', value: imageNote(item.value as Extract<RichValue, { kind: 'image' }>) };
    size -= image.bytes;
  }
  for (const run of runs) {
    run.items = run.items.map((item) => {
      if (item.kind !== 'stream' || item.text.length <= STREAM_KEEP_CHARS || size <= maxBytes) return item;
      const half = STREAM_KEEP_CHARS / 2;
      size -= item.text.length - STREAM_KEEP_CHARS;
      return { ...item, text: `${item.text.slice(0, half)}\n[… ${item.text.length - STREAM_KEEP_CHARS} characters not saved …]\n${item.text.slice(-half)}` };
    });
  }
  const bounded: SavedOutputs = { ...outputs, runs, truncated: `Some outputs were too large to keep: saved outputs are limited to ${maxBytes} bytes per file.` };
  // Whatever is still over the bound (many small values) keeps only the latest runs.
  while (JSON.stringify(bounded).length > maxBytes && bounded.runs.length > 1) bounded.runs = bounded.runs.slice(1);
  return bounded;
}

/** Saves a file's outputs (atomically replacing the earlier save) and returns where. */
export function writeSavedOutputs(storeRoot: string, file: string, runs: readonly SavedCellRun[], now = Date.now()): string {
  const path = savedOutputsPath(storeRoot, file);
  mkdirSync(dirname(path), { recursive: true });
  // Like the run store, outputs never end up in git: a store made here gets the same `.gitignore`.
  const ignore = join(storeRoot, '.gitignore');
  if (!existsSync(ignore)) writeFileSync(ignore, '# mlts store (runs, saved outputs): never commit it\n*\n');
  const outputs = boundSavedOutputs({ format: SAVED_OUTPUTS_FORMAT, file: resolve(file), savedAt: now, runs: runs.map(savedRun) });
  writeFileAtomic(path, JSON.stringify(outputs));
  return path;
}
