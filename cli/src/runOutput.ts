// What `mlts run` prints while it waits: one line per state change of a run (queued with its reason, started with
// its node, job and GPU, epoch x/y with an ETA, ended with final metrics or the stderr tail of a failed run), and
// the summary. `followRuns` drives any executor (local or Slurm) the same way, Ctrl+C cancelling every run.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunExecutor } from '../../runtime/src/executors/executor';
import type { SchedulerEvent } from '../../runtime/src/runner/runScheduler';
import { STDERR_FILE, type RunStore } from '../../runtime/src/store/runStore';
import type { RunRecord } from '../../runtime/src/store/runRecord';
import type { CommandIO } from './commandIO';
import { terminalSafe } from './terminalText';

function formatValues(values: Record<string, unknown>, keys?: string[]): string {
  return Object.entries(values)
    .filter(([k]) => !keys || keys.includes(k))
    .map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(4)) : JSON.stringify(v)}`)
    .join(' ');
}

function formatSeconds(seconds: number): string {
  return seconds >= 90 ? `${Math.floor(seconds / 60)}m${Math.round(seconds % 60)}s` : `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
}

/** One line per event, with control characters from run data (messages, metric names) made visible. */
export function describeEvent(event: SchedulerEvent): string {
  return terminalSafe(describeEventRaw(event));
}

function describeEventRaw(event: SchedulerEvent): string {
  const r = event.record;
  switch (event.type) {
    case 'queued':
      return `${r.id} queued${r.attempt > 1 ? ` (attempt ${r.attempt})` : ''}${r.message ? `: ${r.message}` : ''}`;
    case 'started': {
      const where = [r.nodeName && `on ${r.nodeName}`, r.jobId && `job ${r.jobId}`, r.cudaVisibleDevices && `GPU ${r.cudaVisibleDevices}`, r.attempt > 1 && `attempt ${r.attempt}`].filter(Boolean).join(', ');
      return `${r.id} started ${formatValues(r.overrides)}${where ? ` (${where})` : ''}`.trimEnd();
    }
    case 'progress': {
      const shown = formatValues(event.values, ['loss', 'acc', 'accuracy', 'val_loss', 'val_acc', 'val_accuracy']);
      const eta = event.etaSeconds === null ? '' : ` ETA ${formatSeconds(event.etaSeconds)}`;
      return `${r.id} epoch ${event.epoch}/${event.epochs} ${shown}${eta}`;
    }
    case 'ended': {
      const seconds = r.startedAt && r.endedAt ? ` in ${formatSeconds((Date.parse(r.endedAt) - Date.parse(r.startedAt)) / 1000)}` : '';
      const backend = r.backend ? ` on ${r.backend.option}` : '';
      const detail = r.status === 'finished' ? formatValues(r.finalMetrics, ['loss', 'acc', 'accuracy', 'val_loss', 'val_acc', 'val_accuracy']) : (r.message ?? '');
      return `${r.id} ${r.status}${backend}${seconds} ${detail}`.trimEnd();
    }
  }
}

/** The last lines of a failed run's stderr, to show why without opening the log. */
function stderrTail(store: RunStore, record: RunRecord, lines = 12): string {
  const path = join(store.runDir(record.id), STDERR_FILE);
  if (!existsSync(path)) return '';
  const text = readFileSync(path, 'utf8').trimEnd();
  return text ? text.split('\n').slice(-lines).map((l) => `  | ${l}`).join('\n') + '\n' : '';
}

/**
 * Prints the executor's events until every run has ended; `start` submits or enqueues once the listeners are in
 * place. Ctrl+C (or SIGTERM) cancels every run; a second one leaves at once. Exit status: 0 when all finished.
 */
export async function followRuns(executor: RunExecutor, store: RunStore, io: CommandIO, start: () => void): Promise<number> {
  executor.onEvent((event) => {
    io.stderr(`${describeEvent(event)}\n`);
    const r = event.record;
    if (event.type === 'ended' && (r.status === 'failed' || r.status === 'killed' || r.status === 'lost')) io.stderr(stderrTail(store, r));
  });
  let interrupts = 0;
  const onInterrupt = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    io.stderr('mlts run: cancelling every run (Ctrl+C again to leave at once)\n');
    executor.cancelAll();
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);
  start();
  const ended = await executor.whenIdle();
  process.off('SIGINT', onInterrupt);
  process.off('SIGTERM', onInterrupt);
  const counts = new Map<string, number>();
  for (const r of ended) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  io.stderr(`mlts run: ${[...counts].map(([s, n]) => `${n} ${s}`).join(', ')}\n`);
  return ended.every((r) => r.status === 'finished') ? 0 : 1;
}
