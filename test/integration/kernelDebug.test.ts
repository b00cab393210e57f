// Debugs cells over the kernel's real inspector port, the way VS Code's js-debug does with `pauseForSourceMap`: an
// instrumentation breakpoint stops each cell script that has a source map before it runs, the test reads the
// script's inline map, places the breakpoint for a `.ml.ts` line on the generated line, and resumes. The pause
// must land on that `.ml.ts` line with the variables of an earlier cell visible, and the cell must finish normally.
// The WebSocket client is undici's (already installed through @vscode/vsce; Node 20 has no global WebSocket).
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { WebSocket } from 'undici';
import { parseCells } from '../../runtime/src/cells/cellParser';
import { KernelClient } from '../../runtime/src/kernel/kernelClient';
import { dist, repoRoot } from './processes';

type Params = Record<string, unknown>;
interface CallFrame {
  callFrameId: string;
  location: { scriptId: string; lineNumber: number; columnNumber: number };
  scopeChain: { type: string; object: { objectId: string } }[];
}
interface Paused {
  reason: string;
  data?: { scriptId?: string; sourceMapURL?: string };
  callFrames: CallFrame[];
  hitBreakpoints?: string[];
}
interface ScriptParsed {
  scriptId: string;
  url: string;
  sourceMapURL: string;
  endLine: number;
}

/** A minimal Chrome DevTools Protocol client over one WebSocket. */
class Cdp {
  private nextId = 0;
  private readonly replies = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private readonly listeners = new Set<(method: string, params: Params) => void>();
  readonly scripts = new Map<string, ScriptParsed>();

  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener('message', (event) => {
      const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string }; method?: string; params?: Params };
      if (message.id !== undefined) {
        const reply = this.replies.get(message.id);
        this.replies.delete(message.id);
        if (message.error) reply?.reject(new Error(message.error.message));
        else reply?.resolve(message.result);
      } else if (message.method) {
        if (message.method === 'Debugger.scriptParsed') this.scripts.set(String(message.params!.scriptId), message.params as unknown as ScriptParsed);
        for (const listener of this.listeners) listener(message.method, message.params ?? {});
      }
    });
  }

  static connect(url: string): Promise<Cdp> {
    const socket = new WebSocket(url);
    return new Promise((resolve, reject) => {
      socket.addEventListener('open', () => resolve(new Cdp(socket)));
      socket.addEventListener('error', () => reject(new Error(`cannot connect to ${url}`)));
    });
  }

  send<T = Params>(method: string, params: Params = {}): Promise<T> {
    const id = ++this.nextId;
    this.socket.send(JSON.stringify({ id, method, params }));
    return new Promise((resolve, reject) => this.replies.set(id, { resolve: resolve as (v: unknown) => void, reject }));
  }

  /** The next event `method` whose params match, within `ms`. */
  next<T>(method: string, match: (params: T) => boolean = () => true, ms = 10_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`no ${method} within ${ms} ms`));
      }, ms);
      const listener = (m: string, params: Params) => {
        if (m !== method || !match(params as T)) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(params as T);
      };
      this.listeners.add(listener);
    });
  }

  close(): void {
    this.socket.close();
  }
}

function readInlineSourceMap(sourceMapURL: string): { map: SourceMap; sources: string[] } {
  assert.match(sourceMapURL, /^data:application\/json;base64,/);
  const payload = JSON.parse(Buffer.from(sourceMapURL.slice(sourceMapURL.indexOf(',') + 1), 'base64').toString('utf8'));
  return { map: new SourceMap(payload), sources: payload.sources };
}

/** The first generated line that maps to `originalLine`, found by scanning as a debugger's reverse lookup would. */
function generatedLineFor(map: SourceMap, originalLine: number, lastLine: number): number {
  for (let line = 0; line <= lastLine; line++) {
    for (let column = 0; column < 200; column++) {
      const entry = map.findEntry(line, column);
      if ('originalLine' in entry && entry.generatedLine === line && entry.originalLine === originalLine) return line;
    }
  }
  throw new Error(`no generated line maps to line ${originalLine}`);
}

const workspace = join(repoRoot, 'test-results', 'integration', 'kernel-debug');
mkdirSync(workspace, { recursive: true });
const file = join(workspace, 'debug.ml.ts');
const text = `// %% Data
const base = 40;
function addBase(n: number): number {
  const total: number = n + base;
  return total;
}
// %% Use
const extra: number = 2;
const answer = addBase(extra);
answer
`;
const CELL2_LINE = 8; // const answer = addBase(extra);
const FUNCTION_LINE = 3; // const total: number = n + base;

describe('debugging cells through the kernel inspector', { timeout: 60_000 }, () => {
  let kernel: KernelClient;
  let cdp: Cdp;
  const cells = parseCells(text);
  const runCell = (index: number) => kernel.execute({ cellId: cells[index]!.id, code: cells[index]!.text, file, startLine: cells[index]!.codeStartLine });

  before(async () => {
    writeFileSync(file, text);
    kernel = await KernelClient.start({ kernelScript: dist('runtime/kernelMain.mjs'), cwd: repoRoot, inspectPort: 0 });
    assert.match(kernel.info.inspectorUrl ?? '', /^ws:\/\/127\.0\.0\.1:\d+\//, 'the inspector listens on loopback only');
    // Cell 1 runs before any debugger attaches: debugging a later cell must see the state it made.
    assert.equal((await runCell(0)).status, 'ok');
    cdp = await Cdp.connect(kernel.info.inspectorUrl!);
    await cdp.send('Runtime.enable');
    await cdp.send('Debugger.enable');
    await cdp.send('Debugger.setInstrumentationBreakpoint', { instrumentation: 'beforeScriptWithSourceMapExecution' });
  });
  after(async () => {
    cdp?.close();
    if (kernel?.isAlive) await kernel.shutdown();
  });

  /** Stops at the instrumentation pause of the next cell script, sets a breakpoint for a file line, resumes. */
  async function breakAt(originalLine: number, inScript: (paused: ScriptParsed) => ScriptParsed): Promise<string> {
    const instrumentation = await cdp.next<Paused>('Debugger.paused', (p) => p.reason === 'instrumentation');
    const cellScript = cdp.scripts.get(instrumentation.data!.scriptId!)!;
    assert.match(cellScript.url, /debug\.ml\.ts\.cell-\d+\.run\d+\.js$/, 'each cell run has its own script URL next to the file');
    const target = inScript(cellScript);
    const { map, sources } = readInlineSourceMap(target.sourceMapURL);
    assert.deepEqual(sources, [pathToFileURL(file).href], 'the source map points at the .ml.ts file itself');
    const lineNumber = generatedLineFor(map, originalLine, target.endLine);
    const { breakpointId } = await cdp.send<{ breakpointId: string }>('Debugger.setBreakpoint', { location: { scriptId: target.scriptId, lineNumber } });
    await cdp.send('Debugger.resume');
    return breakpointId;
  }

  /** Maps a paused frame back to a `.ml.ts` line through the frame's script source map. */
  function originalLineOf(frame: CallFrame): number {
    const script = cdp.scripts.get(frame.location.scriptId)!;
    const entry = readInlineSourceMap(script.sourceMapURL).map.findEntry(frame.location.lineNumber, frame.location.columnNumber);
    assert.ok('originalLine' in entry);
    return entry.originalLine;
  }

  test('a breakpoint on a .ml.ts line in cell 2 pauses on that line with cell-1 variables visible', async () => {
    const execution = runCell(1);
    const breakpointId = await breakAt(CELL2_LINE, (script) => script);
    const paused = await cdp.next<Paused>('Debugger.paused', (p) => p.reason !== 'instrumentation');
    assert.deepEqual(paused.hitBreakpoints, [breakpointId]);
    const frame = paused.callFrames[0]!;
    assert.equal(originalLineOf(frame), CELL2_LINE);
    const evaluated = await cdp.send<{ result: { value: unknown } }>('Debugger.evaluateOnCallFrame', { callFrameId: frame.callFrameId, expression: 'base + extra' });
    assert.equal(evaluated.result.value, 42, 'cell-1 `base` and cell-2 `extra` are both in scope');
    const scriptScope = frame.scopeChain.find((scope) => scope.type === 'script')!;
    const { result: properties } = await cdp.send<{ result: { name: string; value?: { value?: unknown } }[] }>('Runtime.getProperties', { objectId: scriptScope.object.objectId, ownProperties: true });
    assert.equal(properties.find((p) => p.name === 'base')?.value?.value, 40, 'the Variables view (script scope) shows cell-1 `base`');
    await cdp.send('Debugger.removeBreakpoint', { breakpointId });
    await cdp.send('Debugger.resume');
    const result = await execution;
    assert.equal(result.status, 'ok', JSON.stringify(result.error));
    assert.deepEqual(result.value, { kind: 'text', typeName: 'number', text: '42' });
  });

  test('a breakpoint inside a function from cell 1 stops when cell 2 calls it', async () => {
    const execution = runCell(1);
    const cell1Script = () => [...cdp.scripts.values()].find((s) => /debug\.ml\.ts\.cell-0\.run\d+\.js$/.test(s.url))!;
    const breakpointId = await breakAt(FUNCTION_LINE, cell1Script);
    const paused = await cdp.next<Paused>('Debugger.paused', (p) => p.reason !== 'instrumentation');
    assert.deepEqual(paused.hitBreakpoints, [breakpointId]);
    const frame = paused.callFrames[0]!;
    assert.equal(originalLineOf(frame), FUNCTION_LINE);
    assert.equal(originalLineOf(paused.callFrames[1]!), CELL2_LINE, 'the caller frame is the cell-2 line');
    const n = await cdp.send<{ result: { value: unknown } }>('Debugger.evaluateOnCallFrame', { callFrameId: frame.callFrameId, expression: 'n' });
    assert.equal(n.result.value, 2);
    await cdp.send('Debugger.removeBreakpoint', { breakpointId });
    await cdp.send('Debugger.resume');
    assert.equal((await execution).status, 'ok');
  });

  test('once the debugger has gone, process.exit in a cell ends the inspected kernel instead of hanging it', async () => {
    cdp.close();
    const exit = kernel.exited;
    await assert.rejects(kernel.execute({ cellId: 'quit', code: 'process.exit(4);', file, startLine: 0 }), /exited with code 4 while running quit/);
    assert.equal((await exit).code, 4);
  });
});
