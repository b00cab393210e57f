// The messages between the kernel's two threads, and the shared word that says what the main thread is doing.
// The main thread runs cells (user state lives there); the channel worker owns the protocol pipe and stays
// responsive while a cell keeps the main thread busy, so it can relay output and interrupt. Both threads are this
// program, so messages are structured-cloned and typed without runtime guards; the guards sit where data enters
// from another process (kernelProtocol.ts).
import type { KernelMessage, KernelRequest } from './kernelProtocol';

/** What `phase[0]` holds: written by the main thread around each evaluation, read by the worker on interrupt. */
export const Phase = {
  /** No cell is running. */
  idle: 0,
  /** A cell's own synchronous code is running: terminating it is safe and keeps the state. */
  synchronous: 1,
  /** A cell is waiting on an `await`; its continuations run from the event loop, where terminating is unsafe. */
  awaiting: 2,
} as const;

export interface KernelWorkerData {
  /** An Int32Array over a SharedArrayBuffer; index 0 holds a `Phase`. */
  phase: Int32Array;
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
  /** Stop waiting for the awaiting cell and report it interrupted. */
  | { type: 'abandon'; message: string }
  /** Exit now: the shutdown reply is written, or the client closed the pipe. */
  | { type: 'exit' };
