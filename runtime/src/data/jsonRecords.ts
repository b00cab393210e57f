// A streaming reader for JSON data files: a top-level array of records (`[{...}, {...}]`) or JSON Lines (one
// value per line). It finds each element's bytes with a small state machine (strings, escapes, nesting), so a
// big array is never parsed whole, and JSON.parses one element at a time. Objects give columns by key (in
// order of first appearance within the first 1,000 records); arrays give columns 1, 2, 3, …. A broken element
// is an issue with its line, not an exception.
import { MISSING_TOKENS, type DataIssue, type RecordSink, type RecordView } from './records';

type Cell = unknown;

class ValueView implements RecordView {
  cells: Cell[] = [];
  count = 0;
  line = 0;

  text(i: number): string {
    const v = this.cells[i];
    if (v === undefined || v === null) return '';
    return typeof v === 'object' ? JSON.stringify(v) : String(v);
  }

  number(i: number): number {
    const v = this.cells[i];
    if (typeof v === 'number') return v;
    if (typeof v === 'string' && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(v)) return Number(v);
    return NaN;
  }

  missing(i: number): boolean {
    const v = this.cells[i];
    return v === undefined || v === null || (typeof v === 'string' && MISSING_TOKENS.has(v.trim()));
  }
}

/** Records until the column set is fixed; keys first seen later are reported as issues. */
const HEADER_WINDOW = 1000;

export class JsonRecordScanner {
  private leftover: Uint8Array | undefined;
  private mode: 'start' | 'array' | 'lines' | 'done' = 'start';
  /** The next line to read (1-based). */
  line = 1;
  private readonly view = new ValueView();
  private columns: string[] = [];
  private readonly index = new Map<string, number>();
  private pending: { value: unknown; line: number }[] = [];
  private headerSent = false;
  readonly issues: DataIssue[] = [];
  records = 0;
  raggedRows = 0;

  constructor(
    private readonly sink: RecordSink,
    private readonly maxIssues = 100,
  ) {}

  /** Bytes of an unfinished record carried to the next block. */
  get pendingBytes(): number {
    return this.leftover?.length ?? 0;
  }

  get columnNames(): string[] {
    return this.columns;
  }

  push(block: Uint8Array, final: boolean): void {
    let bytes = block;
    if (this.leftover?.length) {
      bytes = new Uint8Array(this.leftover.length + block.length);
      bytes.set(this.leftover);
      bytes.set(block, this.leftover.length);
    }
    this.leftover = undefined;
    const consumed = this.scan(bytes, final);
    if (consumed < bytes.length && !final) this.leftover = bytes.slice(consumed);
    if (final) this.flushPending();
  }

  private scan(bytes: Uint8Array, final: boolean): number {
    let pos = 0;
    const length = bytes.length;
    const skipSpace = () => {
      while (pos < length) {
        const c = bytes[pos]!;
        if (c === 0x0a) this.line++;
        else if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x2c) break; // commas between elements too
        pos++;
      }
    };
    for (;;) {
      skipSpace();
      if (pos >= length) return pos;
      if (this.mode === 'done') {
        this.issue({ kind: 'json', message: `Unexpected text after the end of the JSON array at line ${this.line}.`, line: this.line });
        return length;
      }
      if (this.mode === 'start') {
        if (bytes[pos] === 0x5b) {
          this.mode = 'array';
          pos++;
          continue;
        }
        this.mode = 'lines';
      }
      if (this.mode === 'array' && bytes[pos] === 0x5d) {
        this.mode = 'done';
        pos++;
        continue;
      }
      const end = elementEnd(bytes, pos, this.mode === 'lines');
      if (end < 0 && !final) return pos;
      const stop = end < 0 ? length : end;
      const startLine = this.line;
      let newlines = 0;
      for (let k = pos; k < stop; k++) if (bytes[k] === 0x0a) newlines++;
      const text = Buffer.from(bytes.buffer, bytes.byteOffset + pos, stop - pos).toString('utf8');
      this.line += newlines;
      pos = stop;
      try {
        this.accept(JSON.parse(text), startLine);
      } catch (err) {
        this.issue({ kind: 'json', message: `Line ${startLine}: not valid JSON (${err instanceof Error ? err.message : String(err)}).`, line: startLine });
      }
    }
  }

  private accept(value: unknown, line: number): void {
    if (!this.headerSent) {
      this.pending.push({ value, line });
      this.learnKeys(value);
      if (this.pending.length >= HEADER_WINDOW) this.flushPending();
      return;
    }
    this.emit(value, line);
  }

  private learnKeys(value: unknown): void {
    if (Array.isArray(value)) {
      for (let i = this.columns.length; i < value.length; i++) this.addColumn(String(i + 1));
    } else if (value && typeof value === 'object') {
      for (const key of Object.keys(value)) if (!this.index.has(key)) this.addColumn(key);
    }
  }

  private addColumn(name: string): void {
    this.index.set(name, this.columns.length);
    this.columns.push(name);
  }

  private flushPending(): void {
    if (this.headerSent) return;
    this.headerSent = true;
    this.sink.header(this.columns);
    for (const { value, line } of this.pending) this.emit(value, line);
    this.pending = [];
  }

  private emit(value: unknown, line: number): void {
    const view = this.view;
    const width = this.columns.length;
    if (view.cells.length !== width) view.cells = new Array(width);
    view.cells.fill(undefined);
    view.line = line;
    view.count = width;
    if (Array.isArray(value)) {
      for (let i = 0; i < width; i++) view.cells[i] = value[i];
      if (value.length !== width) this.ragged(`Line ${line} has ${value.length} values; the first records have ${width}.`, line);
    } else if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      let unknownKey: string | undefined;
      for (const key in record) {
        const i = this.index.get(key);
        if (i === undefined) unknownKey ??= key;
        else view.cells[i] = record[key];
      }
      if (unknownKey !== undefined) this.ragged(`Line ${line} has key "${unknownKey}", which the first records do not have.`, line);
    } else {
      this.issue({ kind: 'json', message: `Line ${line}: a record should be an object or an array, not ${value === null ? 'null' : typeof value}.`, line });
      return;
    }
    this.records++;
    this.sink.record(view);
  }

  private ragged(message: string, line: number): void {
    this.raggedRows++;
    this.issue({ kind: 'ragged', message, line });
  }

  private issue(issue: DataIssue): void {
    if (this.issues.length < this.maxIssues) this.issues.push(issue);
  }
}

/**
 * The end (exclusive) of the JSON value starting at `start`, or -1 when the block ends first. In JSON Lines mode
 * a scalar or a value ends at the line break too.
 */
function elementEnd(bytes: Uint8Array, start: number, lines: boolean): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      if (depth === 0) return i; // the enclosing array's `]`
      depth--;
      if (depth === 0) return i + 1;
    } else if (depth === 0 && (c === 0x2c || (lines && c === 0x0a))) return i;
  }
  return -1;
}
