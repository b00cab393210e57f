// The client side of a cell kernel, for the extension, tests and the bench: spawns `kernelMain.mjs` with the
// protocol pipe on fd 3, sends typed requests and resolves their replies, passes `stream` and `display` events to
// listeners, and notices when the kernel dies (exit code, signal, out of memory, `process.exit` in a cell),
// rejecting what was pending with a `KernelDiedError` that says so in words. `restart()` replaces the process and
// keeps the listeners. One client drives one kernel process at a time.
// It does not import `vscode`, decide which cells to run, or keep outputs: the extension does that on top.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import {
  encodeMessage,
  KERNEL_CHANNEL_FD,
  LineDecoder,
  parseKernelMessage,
  type DisplayEvent,
  type ExecuteRequest,
  type ExecuteResult,
  type InterruptReply,
  type KernelMessage,
  type KernelReply,
  type KernelRequest,
  type MemoryInfo,
  type ReadyEvent,
  type StreamEvent,
  type VariableInfo,
} from './kernelProtocol';

export interface KernelStartOptions {
  /** Path of the bundled kernel, `dist/runtime/kernelMain.mjs`. */
  kernelScript: string;
  /** The workspace folder; the kernel's working directory. */
  cwd: string;
  /** The Node executable (a setting, or `node` from PATH); defaults to the Node running this client. */
  nodePath?: string;
  /** Listen for a debugger on 127.0.0.1 at this port (0 picks a free one); omit to run without the inspector. */
  inspectPort?: number;
  /** Extra Node flags, such as `--max-old-space-size=4096`. */
  nodeArgs?: string[];
  env?: NodeJS.ProcessEnv;
  /** How long to wait for the kernel's `ready` message (default 20 s). */
  startTimeoutMs?: number;
}

export type KernelExitReason = 'shutdown' | 'exited' | 'signal' | 'outOfMemory' | 'spawnFailed';

export interface KernelExit {
  reason: KernelExitReason;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The cell that was running when the kernel died, if any. */
  cellId: string | null;
  /** One or two sentences for the user. */
  message: string;
}

export class KernelDiedError extends Error {
  constructor(readonly exit: KernelExit) {
    super(exit.message);
    this.name = 'KernelDiedError';
  }
}

export type KernelEvent = StreamEvent | DisplayEvent;
export type ExecuteInput = Omit<ExecuteRequest, 'type' | 'requestId' | 'runId'> & { runId?: number };

type ReplyOf<T extends KernelRequest['type']> = Extract<
  KernelReply,
  { type: { execute: 'result'; interrupt: 'interruptReply'; inspectVariables: 'variablesReply'; memory: 'memoryReply'; shutdown: 'shutdownReply' }[T] }
>;

interface Pending {
  resolve(reply: KernelReply): void;
  reject(error: Error): void;
  cellId: string | null;
}

/** Lines Node prints on stderr about the inspector; the `ready` message carries the URL instead. */
const INSPECTOR_NOISE = /^(Debugger listening on ws:|For help, see: https:\/\/nodejs\.org|Debugger attached\.|Waiting for the debugger to disconnect)/;
const OUT_OF_MEMORY = /JavaScript heap out of memory|Allocation failed - process out of memory|FATAL ERROR: .*out of memory/i;
const STDERR_TAIL = 16_384;

/** One spawned kernel process and its pipe. */
class KernelProcess {
  readonly pending = new Map<string, Pending>();
  ready!: ReadyEvent;
  stderrTail = '';
  exitInfo: KernelExit | undefined;
  shuttingDown = false;
  readonly exited: Promise<KernelExit>;
  private resolveExited!: (exit: KernelExit) => void;

  constructor(
    readonly child: ChildProcess,
    readonly channel: Writable & Readable,
  ) {
    this.exited = new Promise((resolve) => (this.resolveExited = resolve));
  }

  runningCellId(): string | null {
    for (const p of this.pending.values()) if (p.cellId) return p.cellId;
    return null;
  }

  die(exit: KernelExit): void {
    if (this.exitInfo) return;
    this.exitInfo = exit;
    for (const p of this.pending.values()) p.reject(new KernelDiedError(exit));
    this.pending.clear();
    this.resolveExited(exit);
  }
}

export class KernelClient {
  private process: KernelProcess | undefined;
  private nextRequest = 0;
  private nextRun = 0;
  private readonly eventListeners = new Set<(event: KernelEvent) => void>();
  private readonly exitListeners = new Set<(exit: KernelExit) => void>();

  private constructor(private readonly options: KernelStartOptions) {}

  /** Spawns a kernel and resolves once it is ready for requests. */
  static async start(options: KernelStartOptions): Promise<KernelClient> {
    const client = new KernelClient(options);
    await client.spawn();
    return client;
  }

  /** What the running kernel said when it started: pid, Node version, inspector URL. */
  get info(): ReadyEvent {
    if (!this.process) throw new Error('the kernel has not started');
    return this.process.ready;
  }

  get isAlive(): boolean {
    return !!this.process && !this.process.exitInfo;
  }

  /** Resolves when the current kernel process has exited. */
  get exited(): Promise<KernelExit> {
    if (!this.process) throw new Error('the kernel has not started');
    return this.process.exited;
  }

  /** Listens to `stream` and `display` events; returns a function that stops listening. */
  onEvent(listener: (event: KernelEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Listens to the death of kernel processes (any exit that `shutdown` or `restart` did not ask for). */
  onExit(listener: (exit: KernelExit) => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  /** Runs a cell; resolves with its result (rejects with `KernelDiedError` if the kernel dies meanwhile). */
  execute(input: ExecuteInput): Promise<ExecuteResult> {
    const runId = input.runId ?? ++this.nextRun;
    return this.request('execute', { ...input, runId }, input.cellId);
  }

  interrupt(force = false): Promise<InterruptReply> {
    return this.request('interrupt', force ? { force } : {});
  }

  async inspectVariables(): Promise<VariableInfo[]> {
    return (await this.request('inspectVariables', {})).variables;
  }

  async memory(): Promise<MemoryInfo> {
    return (await this.request('memory', {})).memory;
  }

  /** Asks the kernel to exit, killing it if it does not within `timeoutMs` (a cell may hold it busy). */
  async shutdown(timeoutMs = 2000): Promise<KernelExit> {
    const current = this.process;
    if (!current || current.exitInfo) return current?.exitInfo ?? (await Promise.reject(new Error('the kernel has not started')));
    current.shuttingDown = true;
    const timer = setTimeout(() => current.child.kill('SIGKILL'), timeoutMs);
    this.request('shutdown', {}).catch(() => undefined);
    const exit = await current.exited;
    clearTimeout(timer);
    return exit;
  }

  /** Replaces the kernel with a fresh process (state is lost); listeners stay. */
  async restart(): Promise<void> {
    if (this.isAlive) await this.shutdown(500);
    await this.spawn();
  }

  private request<T extends KernelRequest['type']>(
    type: T,
    body: Omit<Extract<KernelRequest, { type: T }>, 'requestId' | 'type'>,
    cellId: string | null = null,
  ): Promise<ReplyOf<T>> {
    const current = this.process;
    if (!current) return Promise.reject(new Error('the kernel has not started'));
    if (current.exitInfo) return Promise.reject(new KernelDiedError(current.exitInfo));
    const requestId = `r${++this.nextRequest}`;
    return new Promise((resolve, reject) => {
      current.pending.set(requestId, { resolve: resolve as (reply: KernelReply) => void, reject, cellId });
      current.channel.write(encodeMessage({ ...body, type, requestId } as KernelRequest));
    });
  }

  private spawn(): Promise<void> {
    const { kernelScript, cwd, nodePath = process.execPath, inspectPort, nodeArgs = [], env, startTimeoutMs = 20_000 } = this.options;
    const args = [...nodeArgs, ...(inspectPort === undefined ? [] : [`--inspect=127.0.0.1:${inspectPort}`]), kernelScript];
    const child = spawn(nodePath, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    const channel = child.stdio[KERNEL_CHANNEL_FD] as Writable & Readable;
    const kernel = new KernelProcess(child, channel);
    this.process = kernel;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the kernel did not start within ${startTimeoutMs} ms\n${kernel.stderrTail}`));
      }, startTimeoutMs);
      const decoder = new LineDecoder();
      channel.setEncoding('utf8');
      channel.on('data', (chunk: string) => {
        for (const line of decoder.push(chunk)) {
          const parsed = parseKernelMessage(line);
          if (!parsed.ok) {
            this.emitEvent({ type: 'stream', requestId: parsed.requestId, cellId: null, name: 'stderr', text: `mlts: ${parsed.error}\n` });
            continue;
          }
          if (parsed.message.type === 'ready') {
            kernel.ready = parsed.message;
            clearTimeout(timer);
            resolve();
          } else {
            this.dispatch(kernel, parsed.message);
          }
        }
      });
      channel.on('error', () => undefined);
      this.pipeOutput(kernel, child.stdout!, 'stdout');
      this.pipeOutput(kernel, child.stderr!, 'stderr');
      child.on('error', (err) => {
        clearTimeout(timer);
        const exit: KernelExit = { reason: 'spawnFailed', code: null, signal: null, cellId: null, message: `The kernel could not start: ${err.message} (Node: ${nodePath}).` };
        kernel.die(exit);
        reject(new KernelDiedError(exit));
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        const exit = describeExit(kernel, code, signal);
        kernel.die(exit);
        if (!kernel.ready) reject(new KernelDiedError({ ...exit, message: `${exit.message}\n${kernel.stderrTail.trim()}` }));
        if (!kernel.shuttingDown) for (const listener of this.exitListeners) listener(exit);
      });
    });
  }

  /** Output written to the real stdout/stderr (native code, Node warnings) becomes stream events too. */
  private pipeOutput(kernel: KernelProcess, stream: Readable, name: 'stdout' | 'stderr'): void {
    stream.setEncoding('utf8');
    stream.on('data', (text: string) => {
      if (name === 'stderr') kernel.stderrTail = (kernel.stderrTail + text).slice(-STDERR_TAIL);
      const kept = name === 'stderr' ? text.split(/(?<=\n)/).filter((line) => !INSPECTOR_NOISE.test(line)).join('') : text;
      if (kept) this.emitEvent({ type: 'stream', requestId: null, cellId: kernel.runningCellId(), name, text: kept });
    });
  }

  private emitEvent(event: KernelEvent): void {
    for (const listener of this.eventListeners) listener(event);
  }

  private dispatch(kernel: KernelProcess, message: Exclude<KernelMessage, ReadyEvent>): void {
    switch (message.type) {
      case 'stream':
      case 'display':
        this.emitEvent(message);
        return;
      case 'requestError':
        if (message.requestId && kernel.pending.has(message.requestId)) {
          kernel.pending.get(message.requestId)!.reject(new Error(`the kernel rejected the request: ${message.message}`));
          kernel.pending.delete(message.requestId);
        } else {
          this.emitEvent({ type: 'stream', requestId: null, cellId: null, name: 'stderr', text: `mlts: ${message.message}\n` });
        }
        return;
      case 'result':
      case 'interruptReply':
      case 'variablesReply':
      case 'memoryReply':
      case 'shutdownReply': {
        const pending = kernel.pending.get(message.requestId);
        kernel.pending.delete(message.requestId);
        pending?.resolve(message);
        return;
      }
      default: {
        const never: never = message;
        throw new Error(`unexpected kernel message ${JSON.stringify(never)}`);
      }
    }
  }
}

function describeExit(kernel: KernelProcess, code: number | null, signal: NodeJS.Signals | null): KernelExit {
  const cellId = kernel.runningCellId();
  const during = cellId ? ` while running ${cellId}` : '';
  const base = { code, signal, cellId };
  if (kernel.shuttingDown) return { ...base, reason: 'shutdown', message: 'The kernel was shut down.' };
  if (OUT_OF_MEMORY.test(kernel.stderrTail)) {
    return { ...base, reason: 'outOfMemory', message: `The kernel ran out of memory${during}; its state is lost. Restart it (and dispose tensors, or raise --max-old-space-size).` };
  }
  if (signal) return { ...base, reason: 'signal', message: `The kernel was killed by ${signal}${during}; its state is lost. Restart it.` };
  return { ...base, reason: 'exited', message: `The kernel exited with code ${code}${during}${cellId ? ' (process.exit in a cell?)' : ''}; its state is lost. Restart it.` };
}
