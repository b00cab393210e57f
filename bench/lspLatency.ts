// Benchmark for the language server (issue 4): latency from an edit to fresh diagnostics in a 2,000-line
// `.ml.ts` (median and p95 over MLTS_BENCH_EDITS edits), against TypeScript's own server (tsserver) computing
// semantic diagnostics for the same file and edits in the same run; and each server's resident memory after
// opening 50 such files. mlts's time includes its debounce; tsserver's is measured with `geterr` delay 0, so
// the ratio is conservative — VS Code itself waits a further 300 ms or more before asking tsserver (its
// geterr delay for a 2,000-line file), which the report notes but does not add.
// Run: npm run build && npm run bench -- lsp-latency
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LspTestClient } from '../test/integration/lspClient';
import { generateExperiment } from './generateExperiment';
import { formatMs, median, quantile } from './stats';

const root = join(__dirname, '..');
const EDITS = Number(process.env.MLTS_BENCH_EDITS ?? 40);
const FILES_FOR_MEMORY = 50;

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** The n-th edit: flips one row count so every edit changes shapes but keeps the file valid. */
function edited(text: string, n: number): string {
  return text.replace('const rows0 = 16;', `const rows0 = ${16 + (n % 2) * 8};`);
}

async function benchMlts(file: string, text: string, memoryFiles: string[]): Promise<{ latencies: number[]; rss: number }> {
  const client = await LspTestClient.start();
  const opened = client.diagnostics(file, 1);
  await client.open(file, text);
  await opened;
  const latencies: number[] = [];
  for (let i = 1; i <= EDITS; i++) {
    const version = i + 1;
    const published = client.diagnostics(file, version);
    const started = process.hrtime.bigint();
    await client.change(file, edited(text, i));
    await published;
    latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  for (const f of memoryFiles) {
    const done = client.diagnostics(f, 1);
    await client.open(f, readFileSync(f, 'utf8'));
    await done;
  }
  const rss = rssMiB(client.pid);
  await client.stop();
  return { latencies, rss };
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

async function benchTsServer(file: string, text: string, memoryFiles: string[]): Promise<{ latencies: number[]; rss: number }> {
  const server = new TsServer();
  server.send('open', { file, fileContent: text, scriptKindName: 'TS', projectRootPath: root });
  await server.semanticDiagnostics(file);
  const latencies: number[] = [];
  let current = text;
  for (let i = 1; i <= EDITS; i++) {
    const next = edited(text, i);
    const started = process.hrtime.bigint();
    // Replace the whole line holding rows0, as an editor's incremental change would.
    const lines = current.split('\n');
    const line = lines.findIndex((l) => l.startsWith('const rows0 = '));
    server.send('change', {
      file,
      line: line + 1,
      offset: 1,
      endLine: line + 1,
      endOffset: lines[line]!.length + 1,
      insertString: next.split('\n')[line],
    });
    await server.semanticDiagnostics(file);
    latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
    current = next;
  }
  for (const f of memoryFiles) {
    server.send('open', { file: f, fileContent: readFileSync(f, 'utf8'), scriptKindName: 'TS', projectRootPath: root });
    await server.semanticDiagnostics(f);
  }
  const rss = rssMiB(server.child.pid!);
  server.stop();
  return { latencies, rss };
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
  const mlts = await benchMlts(file, text, memoryFiles);
  const tsserver = await benchTsServer(file, text, memoryFiles);
  const summary = {
    lines: text.split('\n').length,
    edits: EDITS,
    mlts: { medianMs: median(mlts.latencies), p95Ms: quantile(mlts.latencies, 0.95), rssMiBAfter50Files: mlts.rss },
    tsserver: { medianMs: median(tsserver.latencies), p95Ms: quantile(tsserver.latencies, 0.95), rssMiBAfter50Files: tsserver.rss },
  };
  const ratio = summary.mlts.medianMs / summary.tsserver.medianMs;
  console.log(
    `${summary.lines}-line file, ${EDITS} edits: mlts diagnostics median ${formatMs(summary.mlts.medianMs)} (p95 ${formatMs(summary.mlts.p95Ms)}); ` +
      `tsserver semantic diagnostics median ${formatMs(summary.tsserver.medianMs)} (p95 ${formatMs(summary.tsserver.p95Ms)}); ratio ${ratio.toFixed(2)}`,
  );
  console.log(`memory after opening ${FILES_FOR_MEMORY} files: mlts ${summary.mlts.rssMiBAfter50Files.toFixed(0)} MiB, tsserver ${summary.tsserver.rssMiBAfter50Files.toFixed(0)} MiB`);
  return { ...summary, ratio };
}
