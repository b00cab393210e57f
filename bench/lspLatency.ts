// Benchmark for the language server (issue 4, issue 11 item 6): latency from an edit to fresh diagnostics in a
// 2,000-line `.ml.ts` (median and p95 over MLTS_BENCH_EDITS edits of each kind), against TypeScript's own server
// (tsserver) computing semantic diagnostics for the same file and edits, interleaved edit by edit in the same run so
// that both see the same machine load; and each server's resident memory after opening 50 such files. Two kinds of
// edit, reported apart: one in the first cell (a row count every later cell depends on: mlts analyses the whole
// file again, its worst case) and one in the last cell (a conv filter's channel count: mlts resumes from the
// snapshot before that cell). mlts's time includes its debounce; tsserver's is measured with `geterr` delay 0, so
// the ratio is conservative — VS Code itself waits a further 300 ms or more before asking tsserver (its geterr
// delay for a 2,000-line file), which the report notes but does not add.
// Run: npm run build && npm run bench -- lsp-latency
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LspTestClient } from '../test/integration/lspClient';
import { generateExperiment } from './generateExperiment';
import { procStatus } from './procStatus';
import { formatMs, median, quantile } from './stats';

const root = join(__dirname, '..');
const EDITS = Number(process.env.MLTS_BENCH_EDITS ?? 40);
const FILES_FOR_MEMORY = 50;


type EditKind = 'first cell' | 'last cell';
const EDIT_KINDS: EditKind[] = ['first cell', 'last cell'];

/** The n-th edit of a kind: each flips one size, so that shapes change but the file stays valid. */
function edited(text: string, kind: EditKind, n: number): string {
  if (kind === 'first cell') return text.replace('const rows0 = 16;', `const rows0 = ${16 + (n % 2) * 8};`);
  const at = text.lastIndexOf('tf.ones([3, 3, 1, 4])');
  return text.slice(0, at) + `tf.ones([3, 3, 1, ${4 + (n % 2) * 4}])` + text.slice(at + 'tf.ones([3, 3, 1, 4])'.length);
}

/** The one line where two texts differ (every edit here changes one line), 0-based. */
function changedLine(before: string, after: string): number {
  const a = before.split('\n');
  const b = after.split('\n');
  return a.findIndex((line, i) => line !== b[i]);
}

/** A minimal tsserver driver: JSON requests in, Content-Length-framed responses and events out. */
class TsServer {
  private seq = 0;
  private buffer = '';
  private readonly waiters: { match: (m: Record<string, unknown>) => boolean; resolve: () => void }[] = [];
  readonly child: ChildProcess;

  constructor() {
    this.child = spawn(process.execPath, [join(root, 'node_modules', 'typescript', 'lib', 'tsserver.js'), '--disableAutomaticTypingAcquisition'], {
      cwd: root,
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => this.onData(chunk.toString()));
  }

  private onData(text: string): void {
    this.buffer += text;
    for (;;) {
      const header = /Content-Length: (\d+)\r\n\r\n/.exec(this.buffer);
      if (!header) return;
      const start = header.index + header[0].length;
      const length = Number(header[1]);
      if (Buffer.byteLength(this.buffer.slice(start)) < length) return;
      const body = Buffer.from(this.buffer.slice(start)).subarray(0, length).toString();
      this.buffer = Buffer.from(this.buffer.slice(start)).subarray(length).toString();
      const message = JSON.parse(body) as Record<string, unknown>;
      for (const waiter of [...this.waiters]) {
        if (waiter.match(message)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
    }
  }

  send(command: string, args: Record<string, unknown>): void {
    this.child.stdin!.write(JSON.stringify({ seq: ++this.seq, type: 'request', command, arguments: args }) + '\n');
  }

  semanticDiagnostics(file: string): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push({
        match: (m) => m.type === 'event' && m.event === 'semanticDiag' && (m.body as { file?: string })?.file === file,
        resolve,
      });
      this.send('geterr', { files: [file], delay: 0 });
    });
  }

  stop(): void {
    this.child.kill();
  }
}

/** One edit measured on both servers, mlts first, then tsserver: from the change to that version's diagnostics. */
async function measureEdit(
  client: LspTestClient,
  server: TsServer,
  file: string,
  texts: { before: string; after: string },
  version: number,
): Promise<{ mlts: number; tsserver: number }> {
  const published = client.diagnostics(file, version);
  let started = process.hrtime.bigint();
  await client.change(file, texts.after);
  await published;
  const mlts = Number(process.hrtime.bigint() - started) / 1e6;
  // Replace the whole changed line, as an editor's incremental change would.
  const line = changedLine(texts.before, texts.after);
  started = process.hrtime.bigint();
  server.send('change', {
    file,
    line: line + 1,
    offset: 1,
    endLine: line + 1,
    endOffset: texts.before.split('\n')[line]!.length + 1,
    insertString: texts.after.split('\n')[line],
  });
  await server.semanticDiagnostics(file);
  const tsserver = Number(process.hrtime.bigint() - started) / 1e6;
  return { mlts, tsserver };
}

function summarize(values: number[]): { medianMs: number; p95Ms: number } {
  return { medianMs: median(values), p95Ms: quantile(values, 0.95) };
}

export async function benchLspLatency(): Promise<unknown> {
  const dir = join(root, 'bench', 'generated', 'lsp');
  mkdirSync(dir, { recursive: true });
  const text = generateExperiment(2000);
  const file = join(dir, 'edited.ml.ts');
  writeFileSync(file, text);
  const memoryFiles = Array.from({ length: FILES_FOR_MEMORY }, (_, i) => {
    const f = join(dir, `open-${i}.ml.ts`);
    writeFileSync(f, text.replace('const rows0 = 16;', `const rows0 = ${16 + i};`));
    return f;
  });
  const client = await LspTestClient.start();
  const server = new TsServer();
  const opened = client.diagnostics(file, 1);
  await client.open(file, text);
  await opened;
  server.send('open', { file, fileContent: text, scriptKindName: 'TS', projectRootPath: root });
  await server.semanticDiagnostics(file);
  let current = text;
  let version = 1;
  const byKind: Record<string, { mlts: ReturnType<typeof summarize>; tsserver: ReturnType<typeof summarize>; ratio: number }> = {};
  for (const kind of EDIT_KINDS) {
    const mlts: number[] = [];
    const tsserver: number[] = [];
    // One edit of the kind first, unmeasured: it moves the edit point there (the first edit in a new place resumes
    // from an earlier snapshot); the measured ones are the edits that follow in the same place, as typing is.
    for (let i = 0; i <= EDITS; i++) {
      const next = edited(text, kind, i + 1);
      const times = await measureEdit(client, server, file, { before: current, after: next }, ++version);
      current = next;
      if (i === 0) continue;
      mlts.push(times.mlts);
      tsserver.push(times.tsserver);
    }
    const m = summarize(mlts);
    const t = summarize(tsserver);
    byKind[kind] = { mlts: m, tsserver: t, ratio: m.medianMs / t.medianMs };
    console.log(
      `${kind} edits (${EDITS}): mlts median ${formatMs(m.medianMs)} (p95 ${formatMs(m.p95Ms)}); tsserver median ${formatMs(t.medianMs)} ` +
        `(p95 ${formatMs(t.p95Ms)}); ratio ${(m.medianMs / t.medianMs).toFixed(2)} (p95 ${(m.p95Ms / t.p95Ms).toFixed(2)})`,
    );
    // Back to the original text before the next kind, so that each kind edits the file it describes.
    if (current !== text) await measureEdit(client, server, file, { before: current, after: text }, ++version);
    current = text;
  }
  for (const f of memoryFiles) {
    const done = client.diagnostics(f, 1);
    await client.open(f, readFileSync(f, 'utf8'));
    await done;
    server.send('open', { file: f, fileContent: readFileSync(f, 'utf8'), scriptKindName: 'TS', projectRootPath: root });
    await server.semanticDiagnostics(f);
  }
  const rss = { mlts: procStatus(client.pid).rssMb, tsserver: procStatus(server.child.pid!).rssMb };
  await client.stop();
  server.stop();
  console.log(`memory after opening ${FILES_FOR_MEMORY} files: mlts ${rss.mlts.toFixed(0)} MiB, tsserver ${rss.tsserver.toFixed(0)} MiB`);
  return { lines: text.split('\n').length, edits: EDITS, byKind, rssMiBAfter50Files: rss };
}
