// The run process's watchdog worker (bundled to dist/runtime/runWatchdog.mjs, started by runProcess unless the run
// is detached): it stops the run within a second or so of its launcher dying. A worker rather than the main
// thread's IPC `disconnect` event, because the main thread may be busy in user code (a synchronous training
// loop) for as long as it likes, and events wait for it; this thread only polls the parent pid. When the launcher
// is gone it writes the run's final state ("cancelled", saying why, with the metrics metrics.jsonl holds) and
// kills its own process, which no one would otherwise stop. It never runs user code.
import { parentPort, workerData } from 'node:worker_threads';
import { isProcessAlive, RunStore } from '../store/runStore';
import type { RunOwnState } from '../store/runRecord';
import { OwnStateRecorder } from './ownState';
import type { WatchdogData } from './runProtocol';

/** How often the parent is checked. */
const POLL_MS = 250;

const data = workerData as WatchdogData;
const store = new RunStore(data.storeRoot);
const recorder = new OwnStateRecorder(store, data.state, data.shared);

// The main thread sends its state whenever it changes, so the final write carries progress and parameters.
parentPort!.on('message', (state: RunOwnState) => Object.assign(recorder.state, state));

function launcherGone(): boolean {
  return process.ppid !== data.supervisorPid || !isProcessAlive(data.supervisorPid);
}

const timer = setInterval(() => {
  if (recorder.ended) return clearInterval(timer);
  if (!launcherGone()) return;
  clearInterval(timer);
  const message = `its launcher (pid ${data.supervisorPid}) ended, so the run stopped itself (mlts run --detach lets runs outlive their launcher)`;
  if (!recorder.claimFinal()) return;
  // No point is appended after the claim, so the file's last values are the run's true final metrics.
  recorder.writeFinal('cancelled', { exitCode: null, signal: 'SIGKILL', message }, store.lastMetricValues(data.state.id));
  process.kill(process.pid, 'SIGKILL');
}, POLL_MS);
