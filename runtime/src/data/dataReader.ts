// Streams a data file into a RecordSink: opens it, reads fixed-size blocks (never the whole file), guesses the
// encoding from the first block and the format from the name and first byte (CSV/TSV, a JSON array, JSON
// Lines), sniffs the delimiter, and reports progress. Every failure — a missing or unreadable file, an empty
// one, an encoding other than UTF-8, mixed delimiters, ragged rows — comes back as an issue in the summary;
// `streamDataFile` never throws for anything about the file.
import { open, type FileHandle } from 'node:fs/promises';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { DelimitedScanner, delimiterName, sniffDelimiter, type DelimiterGuess } from './delimitedScanner';
import { JsonRecordScanner } from './jsonRecords';
import type { DataFormat, StreamSummary } from './dataSummary';
import type { DataIssue, RecordSink } from './records';
import { createTranscoder, firstInvalidUtf8, guessEncoding, isUtf8Block, latin1Message } from './textEncoding';

export type { DataFormat, StreamSummary } from './dataSummary';

/** A record (line, quoted field, JSON element) longer than this stops the read. */
const MAX_RECORD_BYTES = 16 * 2 ** 20;

/** Bytes the first block holds at least. */
const HEAD_BYTES = 64 * 1024;

export interface StreamOptions {
  /** Bytes per read (default 1 MiB). */
  blockSize?: number;
  /** Bytes the first read holds at least, for the encoding and delimiter guesses (default 64 KiB). */
  headBytes?: number;
  /** Stop after this many bytes (a sample); the summary says `sampled`. */
  maxBytes?: number;
  /** Force the delimiter instead of sniffing it. */
  delimiter?: string;
  hasHeader?: boolean;
  /** Called after each block with the bytes read so far and the file size. */
  onProgress?(bytesRead: number, totalBytes: number): void;
  signal?: AbortSignal;
  /** Keep at most this many line-level issues (all are counted). */
  maxIssues?: number;
}


export function formatOf(path: string, head: Uint8Array): DataFormat {
  if (/\.(jsonl|ndjson|json)$/i.test(path)) return 'json';
  if (/\.(csv|tsv|txt)$/i.test(path)) return 'csv';
  let i = 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09 || head[i] === 0xef || head[i] === 0xbb || head[i] === 0xbf)) i++;
  return head[i] === 0x5b || head[i] === 0x7b ? 'json' : 'csv';
}

function failure(path: string, message: string, kind: DataIssue['kind'] = 'unreadable', bytes = 0): StreamSummary {
  return { path, format: formatOf(path, new Uint8Array(0)), encoding: 'utf-8', bytes, bytesRead: 0, sampled: false, cancelled: false, columns: [], rows: 0, lines: 0, raggedRows: 0, issues: [{ kind, message }], failed: true };
}

function describeError(path: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  const name = path.split(/[\\/]/).pop();
  if (code === 'ENOENT') return `${name}: no such file (${path}).`;
  if (code === 'EACCES' || code === 'EPERM') return `${name}: permission denied; mlts cannot read it.`;
  if (code === 'EISDIR') return `${name} is a folder, not a data file.`;
  return `${name}: cannot be read (${err instanceof Error ? err.message : String(err)}).`;
}

/** Reads blocks from a file: the one place that touches the disk, so the scanners stay pure. */
interface BlockSource {
  size: number;
  read(buffer: Uint8Array, position: number): Promise<number>;
  close(): Promise<void>;
}

async function openAsync(path: string): Promise<BlockSource> {
  const handle: FileHandle = await open(path, 'r');
  const stat = await handle.stat();
  if (stat.isDirectory()) {
    await handle.close();
    throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  }
  return {
    size: stat.size,
    read: async (buffer, position) => (await handle.read(buffer, 0, buffer.length, position)).bytesRead,
    close: () => handle.close(),
  };
}

/** Streams a file through `sink`, block by block. */
export async function streamDataFile(path: string, sink: RecordSink, options: StreamOptions = {}): Promise<StreamSummary> {
  let source: BlockSource;
  try {
    source = await openAsync(path);
  } catch (err) {
    return failure(path, describeError(path, err));
  }
  try {
    const run = new StreamRun(path, source.size, sink, options);
    // Two buffers: the next block is read (on libuv's thread pool) while this one is scanned.
    let buffers = [run.newBuffer(), run.newBuffer()] as const;
    const readAt = (buffer: Uint8Array, position: number): Promise<number> => {
      const length = run.readLength(position);
      return length > 0 ? source.read(buffer.subarray(0, length), position) : Promise.resolve(0);
    };
    let pending = readAt(buffers[0], 0);
    let position = 0;
    let yielded = Date.now();
    try {
      while (!run.done) {
        const n = await pending;
        const current = buffers[0].subarray(0, n);
        position += n;
        pending = n > 0 ? readAt(buffers[1], position) : Promise.resolve(0);
        run.feed(current);
        buffers = [buffers[1], buffers[0]];
        // Give the event loop a turn now and then (the extension host profiles in-process).
        if (Date.now() - yielded > 50) {
          await new Promise((resolve) => setImmediate(resolve));
          yielded = Date.now();
        }
      }
    } finally {
      // A read may still be in flight when the run stops early; let it land before the file closes.
      await pending.catch(() => 0);
    }
    return run.finish();
  } catch (err) {
    return failure(path, describeError(path, err), 'unreadable', source.size);
  } finally {
    await source.close();
  }
}

/** The same as streamDataFile, synchronously: for the static check, which reads only a small head. */
export function streamDataFileSync(path: string, sink: RecordSink, options: StreamOptions = {}): StreamSummary {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    return failure(path, describeError(path, err));
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) return failure(path, describeError(path, Object.assign(new Error(''), { code: 'EISDIR' })));
    const run = new StreamRun(path, stat.size, sink, options);
    while (!run.done) {
      const buffer = run.nextBuffer();
      run.feed(buffer.subarray(0, buffer.length ? readSync(fd, buffer, 0, buffer.length, run.position) : 0));
    }
    return run.finish();
  } catch (err) {
    return failure(path, describeError(path, err));
  } finally {
    closeSync(fd);
  }
}

/** Streams bytes already in memory (tests, and hosts that hand over a file's head as text). */
export function streamDataBytes(path: string, bytes: Uint8Array, sink: RecordSink, options: StreamOptions & { truncated?: boolean } = {}): StreamSummary {
  const run = new StreamRun(path, bytes.length, sink, options);
  while (!run.done) {
    const buffer = run.nextBuffer();
    const n = Math.min(buffer.length, bytes.length - run.position);
    buffer.set(bytes.subarray(run.position, run.position + n));
    run.feed(buffer.subarray(0, n));
  }
  const summary = run.finish();
  if (options.truncated) summary.sampled = true;
  return summary;
}

/** One pass over one file: decides encoding, format and delimiter from the first block, then feeds the scanner. */
class StreamRun {
  readonly summary: StreamSummary;
  position = 0;
  done = false;
  private readonly limit: number;
  private readonly buffer: Uint8Array;
  private scanner: DelimitedScanner | JsonRecordScanner | undefined;
  private transcode: ((chunk: Uint8Array, final: boolean) => Uint8Array) | undefined;
  private checkUtf8 = true;

  constructor(
    path: string,
    size: number,
    private readonly sink: RecordSink,
    private readonly options: StreamOptions,
  ) {
    this.limit = Math.min(size, options.maxBytes ?? Infinity);
    this.buffer = new Uint8Array(Math.max(16, Math.min(options.blockSize ?? 1 << 20, this.limit || 16)));
    this.summary = {
      path,
      format: 'csv',
      encoding: 'utf-8',
      bytes: size,
      bytesRead: 0,
      sampled: this.limit < size,
      cancelled: false,
      columns: [],
      rows: 0,
      lines: 0,
      raggedRows: 0,
      issues: [],
      failed: false,
    };
    if (size === 0) this.done = true;
  }

  /** The buffer to read the next block into (empty when the limit is reached). */
  nextBuffer(): Uint8Array {
    const buffer = this.position === 0 && this.buffer.length < this.headBytes ? new Uint8Array(this.headBytes) : this.buffer;
    return buffer.subarray(0, this.readLength(this.position));
  }

  /** A buffer big enough for any block (for readers that keep two and read ahead). */
  newBuffer(): Uint8Array {
    return new Uint8Array(Math.max(this.buffer.length, this.headBytes));
  }

  /** Bytes to read at `position`: the first block is at least 64 KiB, so encoding and delimiter guesses see enough lines. */
  readLength(position: number): number {
    const size = position === 0 ? Math.max(this.buffer.length, this.headBytes) : this.buffer.length;
    return Math.max(0, Math.min(size, this.limit - position));
  }

  private get headBytes(): number {
    return this.options.headBytes ?? HEAD_BYTES;
  }

  feed(read: Uint8Array): void {
    if (this.done) return;
    if (this.options.signal?.aborted) {
      this.summary.cancelled = true;
      this.done = true;
      return;
    }
    const n = read.length;
    const final = n === 0 || this.position + n >= this.limit;
    let block = read;
    const first = this.position === 0;
    this.position += n;
    this.summary.bytesRead = this.position;
    if (first) {
      const body = this.start(block, final);
      if (!body) {
        this.done = true;
        return;
      }
      block = body;
    } else if (this.transcode) {
      block = this.transcode(block, final);
    }
    if (this.checkUtf8 && !validUtf8(block, final)) {
      // Not UTF-8 after all (a later block): say where, and read the rest as Latin-1.
      this.checkUtf8 = false;
      this.summary.encoding = 'latin1';
      const line = this.scanner instanceof DelimitedScanner ? this.scanner.line : 1;
      this.summary.issues.push({ kind: 'encoding', message: latin1Message(block, firstInvalidUtf8(block), line, this.position - n) });
      if (this.scanner instanceof DelimitedScanner) this.scanner.setTextEncoding('latin1');
    }
    // Scanners copy what they keep past the call, so the read buffer can be reused.
    this.scanner?.push(block, final);
    this.options.onProgress?.(this.position, this.summary.bytes);
    if (final) this.done = true;
    // A record that never ends (a binary file, an unclosed quote, one giant JSON value) would be re-scanned
    // with every block: stop with a message instead.
    const pending = this.scanner?.pendingBytes ?? 0;
    if (!this.done && pending > MAX_RECORD_BYTES) {
      const where = this.scanner instanceof DelimitedScanner ? ` from line ${this.scanner.line}` : '';
      this.summary.issues.push({
        kind: 'unreadable',
        message: `A record${where} is longer than ${MAX_RECORD_BYTES / 2 ** 20} MiB without ending (an unclosed quote, or not a CSV/JSON records file?); mlts stopped reading there.`,
      });
      this.summary.cancelled = true;
      this.done = true;
    }
  }

  private start(head: Uint8Array, final: boolean): Uint8Array | undefined {
    const summary = this.summary;
    const guess = guessEncoding(head, final);
    summary.encoding = guess.encoding;
    if (guess.message) summary.issues.push({ kind: 'encoding', message: guess.message });
    if (guess.encoding === 'utf-32') {
      summary.failed = true;
      return undefined;
    }
    this.transcode = createTranscoder(guess.encoding);
    this.checkUtf8 = guess.encoding === 'utf-8' || guess.encoding === 'utf-8-bom';
    let body = head.subarray(guess.bomLength);
    if (this.transcode) body = this.transcode(body, final);
    summary.format = formatOf(summary.path, body);
    if (summary.format === 'json') {
      this.scanner = new JsonRecordScanner(this.sink, this.options.maxIssues);
      return body;
    }
    const text = Buffer.from(body.buffer, body.byteOffset, Math.min(body.length, 64 * 1024)).toString(guess.encoding === 'latin1' ? 'latin1' : 'utf8');
    const sniffed: DelimiterGuess = this.options.delimiter ? { delimiter: this.options.delimiter } : sniffDelimiter(text, summary.path);
    summary.delimiter = sniffed.delimiter;
    if (sniffed.mixed) {
      const { delimiter, lines } = sniffed.mixed;
      const many = lines.length > 1;
      summary.issues.push({
        kind: 'mixed-delimiters',
        message: `Mixed delimiters: the file uses ${delimiterName(sniffed.delimiter)}, but line${many ? 's' : ''} ${lines.slice(0, 5).join(', ')}${lines.length > 5 ? ', …' : ''} use${many ? '' : 's'} ${delimiterName(delimiter)}.`,
        line: lines[0],
      });
    }
    this.scanner = new DelimitedScanner(this.sink, {
      delimiter: sniffed.delimiter,
      hasHeader: this.options.hasHeader,
      textEncoding: guess.encoding === 'latin1' ? 'latin1' : 'utf8',
      maxIssues: this.options.maxIssues,
    });
    return body;
  }

  finish(): StreamSummary {
    const summary = this.summary;
    const scanner = this.scanner;
    if (scanner) {
      summary.rows = scanner.records;
      summary.raggedRows = scanner.raggedRows;
      summary.issues.push(...scanner.issues);
      summary.columns = scanner instanceof DelimitedScanner ? scanner.columns : scanner.columnNames;
      summary.lines = scanner.line - 1;
    }
    const name = summary.path.split(/[\\/]/).pop();
    if (!summary.failed && summary.bytes === 0) {
      summary.issues.unshift({ kind: 'empty', message: `${name} is empty (0 bytes).` });
    } else if (!summary.failed && summary.columns.length === 0 && !summary.cancelled) {
      summary.issues.unshift({ kind: 'empty', message: `${name} has no header or records (only blank lines).` });
    }
    return summary;
  }
}

/** UTF-8 validity of a block that may start or end inside a character cut by the block boundary. */
function validUtf8(block: Uint8Array, final: boolean): boolean {
  let start = 0;
  while (start < 3 && start < block.length && (block[start]! & 0xc0) === 0x80) start++;
  return isUtf8Block(block, start, block.length, final);
}
