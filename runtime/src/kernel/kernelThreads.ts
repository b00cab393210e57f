// The messages between the kernel's two threads, and the shared words that say what the main thread is doing.
// The main thread runs cells (user state lives there); the channel worker owns the protocol pipe and stays
// responsive while a cell keeps the main thread busy, so it can relay output and interrupt. Both threads are this
// program, so messages are structured-cloned and typed without runtime guards; the guards sit where data enters
// from another process (kernelProtocol.ts).
import type { KernelMessage, KernelRequest } from './kernelProtocol';

/** Indexes into the shared state array. */
export const State = {
  /** A `Phase`, written by the main thread around each evaluation. */
  phase: 0,
  length: 1,
} as const;

export const Phase = {
  /** No cell is running. */
  idle: 0,
  /** A cell's own synchronous code is running (inside `Runtime.evaluate`): terminating it is safe. */
  synchronous: 1,
  /** A cell is waiting on an `await`; whether its code can be stopped depends on the stack (interruptSafety.ts). */
  awaiting: 2,
} as const;

export interface KernelWorkerData {
  /** An Int32Array over a SharedArrayBuffer, indexed by `State`. */
  state: Int32Array;
  channelFd: number;
}

export type MainToWorker =
  /** Write this protocol message to the client. */
  | { type: 'send'; message: KernelMessage }
  /** The main thread's event loop is free (an answer to `ping`). */
  | { type: 'pong'; id: number }
  /** The process is exiting (`process.exit` in a cell): close the inspector session, or Node waits for it. */
  | { type: 'exiting' };

export type WorkerToMain =
  /** A request from the client for the main thread (everything but `interrupt`, which the worker handles). */
  | { type: 'request'; request: Exclude<KernelRequest, { type: 'interrupt' }> }
  /** Answer `pong` when the event loop gets to it. */
  | { type: 'ping'; id: number }
  /** Stop waiting for this execution (if it still runs) and report it interrupted with this message. */
  | { type: 'abandon'; requestId: string; message: string }
  /** Exit now: the shutdown reply is written, or the client closed the pipe. */
  | { type: 'exit' };
