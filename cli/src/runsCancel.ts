// `mlts runs --cancel ID|GRID`: finds the unfinished runs the argument names and cancels them through the path
// every cancel shares (runtime/src/executors/cancelRuns.ts), saying what it did.
import { cancelStoredRuns, cancelTargets } from '../../runtime/src/executors/cancelRuns';
import type { RunStore } from '../../runtime/src/store/runStore';
import type { RunRecord } from '../../runtime/src/store/runRecord';
import type { CommandIO } from './commandIO';

export function cancelRuns(store: RunStore, runs: RunRecord[], target: string, io: CommandIO): number {
  const chosen = cancelTargets(runs, target);
  if (chosen.length === 0) {
    io.stderr(`mlts runs: no unfinished run or grid ${target} in ${store.root}\n`);
    return 1;
  }
  const outcome = cancelStoredRuns(store, chosen, 'mlts runs --cancel');
  if (outcome.scancelled.length) io.stderr(`mlts runs: scancel ${outcome.scancelled.join(' ')}\n`);
  for (const id of outcome.cancelled) io.stdout(`${id} cancelled\n`);
  return 0;
}
