// Decides, from the call stack the main thread is paused on, whether `Runtime.terminateExecution` may stop it there.
// What was found here (Node 20): terminating code that runs as a microtask (a cell resumed after `await`, tfjs's
// training loop between batches) or inside `Runtime.evaluate` keeps the process alive and the state intact, while
// terminating inside a callback Node calls through its async bookkeeping (timers, immediates, I/O, message ports)
// leaves that bookkeeping unbalanced and Node aborts ("async hook stack has become corrupted").
// So the first "driver" frame below the running code decides: the microtask queue or the inspector is safe, a timer
// is not; with no Node frame at all the code runs from V8's own microtask checkpoint, which is safe; a stack that
// bottoms out in any other Node internal is a callback of unknown kind and counts as unsafe.
// Known gap: a `process.nextTick` callback also runs under `processTicksAndRejections`, inside its own async
// context, and looks like a microtask here; terminating a runaway nextTick callback can still end the process
// (which the client then reports as a death, with a restart).
// Pure: the channel worker pauses the main thread, reads the frames and asks here.

export interface PausedFrame {
  functionName: string;
  url: string;
}

export interface TerminationVerdict {
  safe: boolean;
  /** What the paused code runs in, for messages and tests. */
  context: 'microtask' | 'cell' | 'timer' | 'callback';
}

const MICROTASK_QUEUE = 'node:internal/process/task_queues';
const INSPECTOR = 'node:inspector';
const TIMERS = 'node:internal/timers';

/** `frames` top (innermost) first, as `Debugger.paused` gives them. */
export function terminationVerdict(frames: readonly PausedFrame[]): TerminationVerdict {
  for (const frame of frames) {
    if (frame.url === MICROTASK_QUEUE) return { safe: true, context: 'microtask' };
    if (frame.url === INSPECTOR) return { safe: true, context: 'cell' };
    if (frame.url === TIMERS) return { safe: false, context: 'timer' };
  }
  const bottom = frames[frames.length - 1];
  if (!bottom || bottom.url.startsWith('node:')) return { safe: false, context: 'callback' };
  return { safe: true, context: 'microtask' };
}
