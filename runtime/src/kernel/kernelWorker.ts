// The kernel's channel worker (bundled to dist/runtime/kernelWorker.mjs, started by kernelMain): it owns the
// protocol pipe (fd 3), validates every request, relays the main thread's messages to the client, and handles
// `interrupt` itself, because the main thread may be stuck in a cell. Interrupting uses an inspector session
// connected to the main thread: `Runtime.terminateExecution` stops a runaway synchronous loop and keeps the state.
// It is only sent while the main thread runs a cell's own synchronous code (the shared phase word says so);
// terminating a timer or I/O callback, or code resumed after an `await`, can kill the process, so there the worker
// reports `notInterruptible` unless the client forces it.
// Why a worker with its own pipe rather than Node IPC (`process.send`): IPC messages are delivered on the main
// thread's event loop, which a busy cell blocks, so interrupts and output would wait for the cell to finish.
// This worker never runs user code and never touches user values.
import { Session } from 'node:inspector';
import { Socket } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { assertNever, encodeMessage, LineDecoder, parseKernelRequest, type InterruptReply, type InterruptRequest, type KernelMessage } from './kernelProtocol';
import { Phase, type KernelWorkerData, type MainToWorker, type WorkerToMain } from './kernelThreads';

/** How long the main thread may take to answer a ping before it counts as busy. */
const PING_TIMEOUT_MS = 150;
/** How long the main thread may take to exit after the client went away before the worker kills the process. */
const EXIT_GRACE_MS = 2000;

const { phase, channelFd } = workerData as KernelWorkerData;
const port = parentPort!;
const channel = new Socket({ fd: channelFd, readable: true, writable: true });
channel.setEncoding('utf8');
const session = new Session();
session.connectToMainThread();

/** Execute requests forwarded to the main thread and not answered yet. */
let pendingExecutes = 0;
let nextPing = 0;
const pongs = new Map<number, () => void>();

const toMain = (message: WorkerToMain) => port.postMessage(message);

/** Asks the main thread to exit. The session goes first: with `--inspect`, Node waits at exit for open sessions. */
function exitProcess(): void {
  session.disconnect();
  toMain({ type: 'exit' });
}

function send(message: KernelMessage): void {
  if (message.type === 'result') pendingExecutes = Math.max(0, pendingExecutes - 1);
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
function mainThreadResponds(): Promise<boolean> {
  const id = ++nextPing;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      pongs.delete(id);
      resolve(false);
    }, PING_TIMEOUT_MS);
    pongs.set(id, () => {
      clearTimeout(timer);
      pongs.delete(id);
      resolve(true);
    });
    toMain({ type: 'ping', id });
  });
}

function terminate(): Promise<void> {
  return new Promise((resolve) => session.post('Runtime.terminateExecution', () => resolve()));
}

async function interrupt(request: InterruptRequest): Promise<InterruptReply> {
  const reply = (outcome: InterruptReply['outcome'], message: string): InterruptReply => ({ type: 'interruptReply', requestId: request.requestId, outcome, message });
  if (Atomics.load(phase, 0) === Phase.synchronous) {
    await terminate();
    return reply('interrupted', 'The cell was stopped; the kernel kept its state.');
  }
  if (await mainThreadResponds()) {
    if (pendingExecutes === 0) return reply('idle', 'Nothing was running.');
    toMain({ type: 'abandon', message: 'Interrupted while the cell was waiting (await); work it started may still finish in the background.' });
    return reply('abandoned', 'The kernel stopped waiting for the cell; work it started may still finish in the background.');
  }
  if (request.force) {
    await terminate();
    return reply('forced', 'JavaScript outside a cell was terminated on request; the kernel may exit.');
  }
  return reply(
    'notInterruptible',
    'The kernel is busy outside a cell’s own code (a timer or I/O callback, or code after an await), where stopping it can crash the process. Restart the kernel, or force the interrupt.',
  );
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
        pendingExecutes++;
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
