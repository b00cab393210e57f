// The cell kernel (bundled to dist/runtime/kernelMain.mjs): one long-lived Node process per `.ml.ts` file that
// runs cells and keeps their state. Start it as `node [--inspect=127.0.0.1:0] kernelMain.mjs` with a pipe on fd 3
// (kernelClient.ts does this); the protocol is kernelProtocol.ts.
// This main thread runs the cells: each is compiled (cellCompiler.ts) and evaluated through an in-process inspector
// session with `Runtime.evaluate` in REPL mode, which allows top-level `let`/`const`/`class` to be declared again
// and top-level `await`; `vm` allows neither. The session is the main thread's own, so the evaluation runs
// synchronously inside `session.post`, outside the inspector's cross-thread dispatch; that is what lets the
// channel worker's `Runtime.terminateExecution` reach a runaway loop. Cells run one at a time, in arrival order.
// stdout and stderr writes from JavaScript become `stream` events of the running cell; the loader hooks
// (tsLoaderHooks.ts) compile imported `.ts` modules and re-import local ones that changed on disk.
// What it leaves to others: the pipe, request validation and interrupts (kernelWorker.ts), value previews
// (valuePreview.ts), and deciding what to run when (the client).
import { Session, url as inspectorUrl } from 'node:inspector';
import { register } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CellSyntaxError, compileCell, describeThrown, isCellScriptUrl, KERNEL_GLOBAL_KEY, warmUpCompiler } from './cellCompiler';
import { createDisplay } from './display';
import { watchTfjsImport } from './fitProgress';
import { DATA_CONTRACT_TAG } from '../data/contractSource';
import { formatValidation, validateDeclaredContracts } from '../data/validate';
import { assertNever, KERNEL_CHANNEL_FD, KERNEL_PROTOCOL_VERSION, type ExecuteRequest, type ExecuteResult, type KernelMessage, type KernelRequest, type RichValue } from './kernelProtocol';
import { Phase, State, type KernelWorkerData, type MainToWorker, type WorkerToMain } from './kernelThreads';
import { installStackTraces } from './stackTraces';
import { describeValue, listVariables, readMemory } from './valuePreview';

/** The loader hooks' prefix for an import resolved from a given parent file (see tsLoaderHooks.ts). */
const CELL_IMPORT_PREFIX = 'mlts-cell-import:';
const OBJECT_GROUP = 'mlts-cell';

interface RemoteObject {
  type: string;
  value?: unknown;
  objectId?: string;
  description?: string;
}
interface EvaluateResponse {
  result: RemoteObject;
  exceptionDetails?: { exception?: RemoteObject; text: string };
}

const kernelDir = dirname(fileURLToPath(import.meta.url));
const isKernelFrame = (location: string) => location.startsWith('file:') && dirname(fileURLToPath(location)) === kernelDir;

process.setSourceMapsEnabled(true);
installStackTraces(isCellScriptUrl);
register('./tsLoaderHooks.mjs', import.meta.url);

const session = new Session();
session.connect();
const post = <T>(method: string, params: object = {}) =>
  new Promise<T>((resolve, reject) => session.post(method, params, (err, result) => (err ? reject(err) : resolve(result as T))));

const state = new Int32Array(new SharedArrayBuffer(State.length * Int32Array.BYTES_PER_ELEMENT));
const workerData: KernelWorkerData = { state, channelFd: KERNEL_CHANNEL_FD };
const worker = new Worker(new URL('./kernelWorker.mjs', import.meta.url), { workerData });
const toWorker = (message: MainToWorker) => worker.postMessage(message);
// Under `--inspect`, Node waits at exit until every inspector session closes, the worker's included: without this
// a `process.exit()` in a cell would hang the kernel instead of ending it.
process.on('exit', () => toWorker({ type: 'exiting' }));
const send = (message: KernelMessage) => toWorker({ type: 'send', message });

/** The cell run that output belongs to; after it ends, background output goes to the last cell that ran. */
let current: { requestId: string | null; cellId: string | null } = { requestId: null, cellId: null };
let abandonCurrent: ((requestId: string, message: string) => void) | undefined;

// ---- output capture -------------------------------------------------------------------------------------------

for (const name of ['stdout', 'stderr'] as const) {
  const stream = process[name];
  stream.write = ((chunk: string | Uint8Array, encoding?: BufferEncoding | ((err?: Error) => void), callback?: (err?: Error) => void) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(typeof encoding === 'string' ? encoding : 'utf8');
    send({ type: 'stream', ...current, name, text });
    (typeof encoding === 'function' ? encoding : callback)?.();
    return true;
  }) as typeof stream.write;
}

function reportBackgroundError(label: string, thrown: unknown): void {
  const error = describeThrown(thrown, isKernelFrame);
  send({ type: 'stream', ...current, name: 'stderr', text: `${label}: ${error.stack}\n` });
}
process.on('uncaughtException', (err) => reportBackgroundError('Uncaught exception', err));
process.on('unhandledRejection', (reason) => reportBackgroundError('Unhandled promise rejection', reason));

// ---- the helper object cells call -------------------------------------------------------------------------------

const display = createDisplay((value: RichValue) => send({ type: 'display', ...current, value }));
Object.defineProperty(globalThis, 'display', { value: display, writable: true, configurable: true, enumerable: false });

const kernelHelpers = {
  /** `import … from spec` in a cell of `parentUrl`: resolved by the loader hooks as if the file imported it. */
  import(specifier: string, parentUrl: string, options?: ImportCallOptions): Promise<unknown> {
    const url = `${CELL_IMPORT_PREFIX}${encodeURIComponent(parentUrl)}:${encodeURIComponent(specifier)}`;
    // The only import attribute Node knows is `type: 'json'`; spelled out so the bundler leaves the call alone.
    const loaded = options?.with?.type === 'json' ? import(url, { with: { type: 'json' } }) : import(url);
    // A tfjs import gets the live training progress hooks (once per tfjs; a cheap check for every other module).
    return loaded.then((namespace: unknown) => {
      watchTfjsImport(namespace, (value) => send({ type: 'display', ...current, value }), (model) => describeValue(model) as RichValue);
      return namespace;
    });
  },
  importFrom(parentUrl: string, specifier: unknown, options?: ImportCallOptions): Promise<unknown> {
    return kernelHelpers.import(String(specifier), parentUrl, options);
  },
  importMeta(parentUrl: string) {
    const filename = fileURLToPath(parentUrl);
    return { url: parentUrl, filename, dirname: dirname(filename), resolve: (s: string) => new URL(s, parentUrl).href };
  },
  /** Called on a cell's result through `Runtime.callFunctionOn`. */
  describe: describeValue,
  describeError: (thrown: unknown) => describeThrown(thrown, isKernelFrame),
};
Object.defineProperty(globalThis, Symbol.for(KERNEL_GLOBAL_KEY), { value: kernelHelpers });
const HELPERS = `globalThis[Symbol.for(${JSON.stringify(KERNEL_GLOBAL_KEY)})]`;

// ---- running cells ------------------------------------------------------------------------------------------------

/** Reads a remote object as JSON through one of the helpers; primitives come by value. */
async function readRemote<T>(object: RemoteObject, helper: 'describe' | 'describeError'): Promise<T> {
  const functionDeclaration = `function () { return ${HELPERS}.${helper}(this); }`;
  if (object.objectId) {
    // `awaitPromise`: a dataset's preview is read asynchronously; every other description is returned as it is.
    const { result } = await post<{ result: RemoteObject }>('Runtime.callFunctionOn', { objectId: object.objectId, functionDeclaration, returnByValue: true, awaitPromise: true });
    return result.value as T;
  }
  const value = object.type === 'undefined' ? undefined : object.value;
  return (await (helper === 'describe' ? kernelHelpers.describe(value) : kernelHelpers.describeError(value))) as T;
}

async function execute(request: ExecuteRequest): Promise<ExecuteResult> {
  const started = performance.now();
  const base = { type: 'result' as const, requestId: request.requestId, cellId: request.cellId, runId: request.runId };
  const done = (fields: Pick<ExecuteResult, 'status'> & Partial<ExecuteResult>): ExecuteResult => ({ ...base, durationMs: performance.now() - started, ...fields });
  let expression: string;
  try {
    expression = compileCell(request).expression;
  } catch (err) {
    if (err instanceof CellSyntaxError) return done({ status: 'error', error: describeThrown(err, isKernelFrame) });
    throw err;
  }
  const abandoned = new Promise<{ abandoned: string }>(
    (resolve) => (abandonCurrent = (requestId, message) => requestId === request.requestId && resolve({ abandoned: message })),
  );
  const evaluation = new Promise<EvaluateResponse | { terminated: string }>((resolve) => {
    Atomics.store(state, State.phase, Phase.synchronous);
    session.post('Runtime.evaluate', { expression, replMode: true, awaitPromise: true, objectGroup: OBJECT_GROUP }, (err, response) =>
      resolve(err ? { terminated: err.message } : (response as EvaluateResponse)),
    );
    Atomics.store(state, State.phase, Phase.awaiting);
  });
  try {
    const outcome = await Promise.race([evaluation, abandoned]);
    if ('abandoned' in outcome) return done({ status: 'interrupted', message: outcome.abandoned });
    if ('terminated' in outcome) return done({ status: 'interrupted', message: 'The cell was stopped; the kernel kept its state.' });
    if (outcome.exceptionDetails) {
      const thrown = outcome.exceptionDetails.exception ?? { type: 'string', value: outcome.exceptionDetails.text };
      return done({ status: 'error', error: await readRemote(thrown, 'describeError') });
    }
    const value = await readRemote<RichValue | undefined>(outcome.result, 'describe');
    return done({ status: 'ok', ...(value ? { value } : {}) });
  } finally {
    Atomics.store(state, State.phase, Phase.idle);
    abandonCurrent = undefined;
    session.post('Runtime.releaseObjectGroup', { objectGroup: OBJECT_GROUP });
  }
}

/**
 * A cell that declares `@data-contract`s has its data files validated in full before it runs; violating rows go
 * to the cell's stderr (every row counted, the first ones listed). The cell runs either way: the report informs.
 */
async function reportDataContracts(request: ExecuteRequest): Promise<void> {
  if (!request.code.includes(DATA_CONTRACT_TAG)) return;
  for (const result of await validateDeclaredContracts(request.file, request.code)) {
    if (!result.ok) process.stderr.write(`${formatValidation(result)}\n`);
  }
}

let queue: Promise<unknown> = Promise.resolve();

async function handle(request: Exclude<KernelRequest, { type: 'interrupt' }>): Promise<void> {
  switch (request.type) {
    case 'execute':
      queue = queue.then(async () => {
        current = { requestId: request.requestId, cellId: request.cellId };
        await reportDataContracts(request);
        const result = await execute(request).catch((err: unknown) => ({
          type: 'result' as const,
          requestId: request.requestId,
          cellId: request.cellId,
          runId: request.runId,
          status: 'error' as const,
          durationMs: 0,
          error: describeThrown(err, isKernelFrame),
        }));
        send(result);
        current = { requestId: null, cellId: request.cellId };
      });
      return;
    case 'inspectVariables': {
      const { names } = await post<{ names: string[] }>('Runtime.globalLexicalScopeNames');
      send({ type: 'variablesReply', requestId: request.requestId, variables: listVariables(names) });
      return;
    }
    case 'memory':
      send({ type: 'memoryReply', requestId: request.requestId, memory: readMemory() });
      return;
    case 'shutdown':
      // The worker writes the reply, then answers `exit`.
      send({ type: 'shutdownReply', requestId: request.requestId });
      return;
    default:
      assertNever(request, 'request');
  }
}

worker.on('message', (message: WorkerToMain) => {
  switch (message.type) {
    case 'request':
      handle(message.request).catch((err: unknown) => send({ type: 'requestError', requestId: message.request.requestId, message: String(err) }));
      break;
    case 'ping':
      toWorker({ type: 'pong', id: message.id });
      break;
    case 'abandon':
      abandonCurrent?.(message.requestId, message.message);
      break;
    case 'exit':
      process.exit(0);
      break;
    default:
      assertNever(message, 'message from the channel worker');
  }
});
worker.on('error', (err) => {
  process.exitCode = 70;
  reportBackgroundError('Kernel channel failed', err);
  process.exit(70);
});

send({ type: 'ready', protocolVersion: KERNEL_PROTOCOL_VERSION, pid: process.pid, nodeVersion: process.version, inspectorUrl: inspectorUrl() ?? null });
setImmediate(warmUpCompiler);
