// The format of saved cell outputs (`.mlts/outputs/*.json`, written by savedOutputs.ts): types and the guard that
// checks a file read back from disk. No Node imports, so the output panel's protocol (webviews/) builds its
// CellRun on SavedCellRun and the two cannot drift apart.
import type { CellError, ResultStatus, RichValue } from '../kernel/kernelProtocol';

export const SAVED_OUTPUTS_FORMAT = 1;

/** `info` is stderr text that only informs (tfjs's banners): shown muted, not as an error. */
export type SavedOutputItem = { kind: 'stream'; name: 'stdout' | 'stderr' | 'info'; text: string } | { kind: 'value'; value: RichValue };

/** One finished (or cut off) run of one cell, as the output panel showed it. */
export interface SavedCellRun {
  cellId: string;
  runId: number;
  label: string;
  /** 0-based line of the cell's marker in the file when it ran. */
  line: number;
  status: 'running' | ResultStatus;
  startedAt: number;
  durationMs?: number;
  items: SavedOutputItem[];
  value?: RichValue;
  error?: CellError;
  message?: string;
}

export interface SavedOutputs {
  format: number;
  /** Absolute path of the `.ml.ts` file when saved. */
  file: string;
  /** Milliseconds since the Unix epoch. */
  savedAt: number;
  runs: SavedCellRun[];
  /** Set when the bound dropped or cut outputs, in a sentence. */
  truncated?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function isSavedItem(v: unknown): v is SavedOutputItem {
  if (!isRecord(v)) return false;
  if (v.kind === 'stream') return (v.name === 'stdout' || v.name === 'stderr' || v.name === 'info') && typeof v.text === 'string';
  return v.kind === 'value' && isRecord(v.value) && typeof v.value.kind === 'string';
}

function isSavedRun(v: unknown): v is SavedCellRun {
  return (
    isRecord(v) &&
    typeof v.cellId === 'string' &&
    typeof v.runId === 'number' &&
    typeof v.label === 'string' &&
    typeof v.line === 'number' &&
    ['running', 'ok', 'error', 'interrupted'].includes(v.status as string) &&
    Array.isArray(v.items) &&
    v.items.every(isSavedItem)
  );
}

/** Checks what is read back from disk: anything else (an older mlts, a hand edit) reads as no outputs. */
export function isSavedOutputs(v: unknown): v is SavedOutputs {
  return isRecord(v) && typeof v.format === 'number' && v.format <= SAVED_OUTPUTS_FORMAT && typeof v.file === 'string' && Array.isArray(v.runs) && v.runs.every(isSavedRun);
}
