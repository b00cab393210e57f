// The kernel's channel worker (bundled to dist/runtime/kernelWorker.mjs, started by kernelMain): it owns the
// protocol pipe (fd 3), validates every request, relays the main thread's messages to the client, and handles
// `interrupt` itself, because the main thread may be stuck in a cell. Interrupting uses an inspector session
// connected to the main thread: `Runtime.terminateExecution` stops running JavaScript and keeps the state. While a
// cell's own synchronous code runs (the shared phase word says so) it terminates at once. Otherwise it pauses the
// main thread (`Debugger.pause`), reads the stack and terminates only where that is safe (interruptSafety.ts: a
// microtask, such as a cell resumed after `await`, yes; a timer or I/O callback, no), letting unsafe code run on a
// step and trying again for a short window. If the main thread stays busy in unsafe code, it answers
// `notInterruptible` unless the client forces it; if it goes idle, the waiting cell is abandoned (reported
// interrupted).
// Why a worker with its own pipe rather than Node IPC (`process.send`): IPC messages are delivered on the main
// thread's event loop, which a busy cell blocks, so interrupts and output would wait for the cell to finish.
// This worker never runs user code and never touches user values.
import { Session } from 'node:inspector';
import { Socket } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { assertNever, encodeMessage, LineDecoder, parseKernelRequest, type InterruptReply, type InterruptRequest, type KernelMessage } from './kernelProtocol';
import { terminationVerdict, type PausedFrame } from './interruptSafety';
import { Phase, State, type KernelWorkerData, type MainToWorker, type WorkerToMain } from './kernelThreads';

/** How long the main thread may take to answer a ping before it counts as busy. */
const PING_TIMEOUT_MS = 150;
/** How long the main thread may take to come back after a termination. */
const AFTER_TERMINATION_TIMEOUT_MS = 1000;
/** How long an interrupt looks for a safe point to stop the main thread at (the goal is an answer within 1 s). */
const STOP_WINDOW_MS = 600;
/** How long the main thread may take to exit after the client went away before the worker kills the process. */
const EXIT_GRACE_MS = 2000;

const { state, channelFd } = workerData as KernelWorkerData;
const port = parentPort!;
const channel = new Socket({ fd: channelFd, readable: true, writable: true });
channel.setEncoding('utf8');
const session = new Session();
session.connectToMainThread();

/** Execute requests forwarded to the main thread and not answered yet, oldest (the running one) first. */
const executing: string[] = [];
let nextPing = 0;
const pongs = new Map<number, () => void>();

const toMain = (message: WorkerToMain) => port.postMessage(message);

/** Asks the main thread to exit. The session goes first: with `--inspect`, Node waits at exit for open sessions. */
function exitProcess(): void {
  session.disconnect();
  toMain({ type: 'exit' });
}

function send(message: KernelMessage): void {
  if (message.type === 'result') {
    const index = executing.indexOf(message.requestId);
    if (index >= 0) executing.splice(index, 1);
  }
  if (message.type === 'shutdownReply') channel.write(encodeMessage(message), exitProcess);
  else channel.write(encodeMessage(message));
}

port.on('message', (message: MainToWorker) => {
  switch (message.type) {
    case 'send':
      send(message.message);
      break;
    case 'pong':
      pongs.get(message.id)?.();
      break;
    case 'exiting':
      session.disconnect();
      break;
    default:
      assertNever(message, 'message from the main thread');
  }
});

/** Resolves true when the main thread's event loop answers within the timeout, false when it is busy. */
function mainThreadResponds(timeoutMs = PING_TIMEOUT_MS): Promise<boolean> {
  const id = ++nextPing;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      pongs.delete(id);
      resolve(false);
    }, timeoutMs);
    pongs.set(id, () => {
      clearTimeout(timer);
      pongs.delete(id);
      resolve(true);
    });
    toMain({ type: 'ping', id });
  });
}

const post = <T = unknown>(method: string, params: object = {}) =>
  new Promise<T>((resolve, reject) => session.post(method, params, (err, result) => (err ? reject(err) : resolve(result as T))));

interface CdpCallFrame {
  functionName: string;
  location: { scriptId: string };
}
/** Script URLs by id: paused call frames name their script only by id. */
const scriptUrls = new Map<string, string>();
session.on('Debugger.scriptParsed', (message: { params: { scriptId: string; url: string } }) => scriptUrls.set(message.params.scriptId, message.params.url));
let onPaused: ((frames: PausedFrame[]) => void) | undefined;
session.on('Debugger.paused', (message: { params: { callFrames: CdpCallFrame[] } }) =>
  onPaused?.(message.params.callFrames.map((f) => ({ functionName: f.functionName, url: scriptUrls.get(f.location.scriptId) ?? '' }))),
);

/**
 * Pauses the main thread at its next JavaScript statement and terminates it there if that is safe (see
 * interruptSafety.ts); if not, lets it run one step on and tries again, until `deadline`. `idle`: the main thread
 * stopped running JavaScript before the deadline (the cell waits on I/O or on a promise that never settles).
 */
async function stopAtSafePoint(deadline: number, force: boolean): Promise<'stopped' | 'idle' | 'unsafe'> {
  let sawUnsafe = false;
  await post('Debugger.enable');
  try {
    for (;;) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) return sawUnsafe ? 'unsafe' : 'idle';
      const paused = new Promise<PausedFrame[] | undefined>((resolve) => {
        const timer = setTimeout(() => resolve(undefined), remaining);
        onPaused = (frames) => {
          clearTimeout(timer);
          resolve(frames);
        };
      });
      await post('Debugger.pause');
      const frames = await paused;
      // No pause came: either the main thread went idle (a stray timer before does not count), or V8 did not stop
      // again at the statement it just resumed from (an empty `while (true) {}`); the event loop tells which.
      if (!frames) return sawUnsafe && !(await mainThreadResponds()) ? 'unsafe' : 'idle';
      if (force || terminationVerdict(frames).safe) {
        // V8 answers the termination once it is done, which needs the thread running again: resume first.
        const terminated = post('Runtime.terminateExecution');
        await post('Debugger.resume');
        await terminated;
        return 'stopped';
      }
      sawUnsafe = true;
      await post('Debugger.resume');
    }
  } finally {
    onPaused = undefined;
    // Disabling also drops a pause still pending when the main thread stayed idle.
    await post('Debugger.disable');
  }
}

async function interrupt(request: InterruptRequest): Promise<InterruptReply> {
  const reply = (outcome: InterruptReply['outcome'], message: string): InterruptReply => ({ type: 'interruptReply', requestId: request.requestId, outcome, message });
  const running = executing[0];
  const stopped = 'The cell was stopped; the kernel kept its state.';
  if (Atomics.load(state, State.phase) === Phase.synchronous) {
    await post('Runtime.terminateExecution');
    return reply('interrupted', stopped);
  }
  if (!running && (await mainThreadResponds())) return reply('idle', 'Nothing was running.');
  const outcome = await stopAtSafePoint(performance.now() + STOP_WINDOW_MS, request.force === true);
  if (outcome === 'unsafe') {
    return reply(
      'notInterruptible',
      'The kernel is busy in a timer or I/O callback, where stopping JavaScript can crash the process. Restart the kernel, or force the interrupt.',
    );
  }
  if (outcome === 'idle') {
    const message = 'The kernel stopped waiting for the cell (await); work it started may still finish in the background.';
    if (running) toMain({ type: 'abandon', requestId: running, message });
    return running ? reply('abandoned', message) : reply('idle', 'Nothing was running.');
  }
  // Code resumed after an await does not settle its evaluation when terminated: once the main thread is free
  // again, report the cell as interrupted.
  if (running && (await mainThreadResponds(AFTER_TERMINATION_TIMEOUT_MS)) && executing[0] === running) {
    toMain({ type: 'abandon', requestId: running, message: stopped });
  }
  return running && !request.force ? reply('interrupted', stopped) : reply('forced', 'JavaScript was terminated on request; the kernel may exit.');
}

const decoder = new LineDecoder();
channel.on('data', (chunk: string) => {
  for (const line of decoder.push(chunk)) {
    const parsed = parseKernelRequest(line);
    if (!parsed.ok) {
      send({ type: 'requestError', requestId: parsed.requestId, message: parsed.error });
      continue;
    }
    const request = parsed.message;
    switch (request.type) {
      case 'interrupt':
        void interrupt(request).then(send);
        break;
      case 'execute':
        executing.push(request.requestId);
        toMain({ type: 'request', request });
        break;
      case 'inspectVariables':
      case 'memory':
      case 'shutdown':
        toMain({ type: 'request', request });
        break;
      default:
        assertNever(request, 'request');
    }
  }
});

channel.on('close', () => {
  exitProcess();
  // The main thread exits on that message; if a cell keeps it busy, end the process from here.
  setTimeout(() => process.kill(process.pid, 'SIGKILL'), EXIT_GRACE_MS).unref();
});
channel.on('error', () => channel.destroy());
