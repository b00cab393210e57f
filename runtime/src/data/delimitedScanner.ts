// A streaming CSV/TSV scanner over bytes: feed it blocks of a file, it calls the sink once per record with a
// view over the block (field offsets, no strings made unless asked). It handles quoted fields with `""` escapes
// and line breaks inside quotes, CRLF and LF, blank lines (skipped, still counted), a last line without a line
// break, and ragged records (reported against the header's width, with a hint when the line splits right on
// another delimiter). Plain decimal numbers parse during the scan, straight from the bytes (exact while the digits
// fit in 53 bits; the rest go through Number when asked). Delimiter sniffing is `sniffDelimiter`. Opening files and decoding is the reader's job.
import { grow } from './valueStore';
import { MISSING_TOKENS, type DataIssue, type RecordSink, type RecordView } from './records';

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;

/** Delimiters the sniffer considers, most common first. */
export const CANDIDATE_DELIMITERS = [',', '\t', ';', '|'] as const;

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** Parses `bytes[start, end)` as a decimal number; NaN when it is not one. */
export function parseNumberBytes(bytes: Uint8Array, start: number, end: number): number {
  while (start < end && (bytes[start] === SPACE || bytes[start] === TAB)) start++;
  while (end > start && (bytes[end - 1] === SPACE || bytes[end - 1] === TAB)) end--;
  if (start >= end) return NaN;
  let i = start;
  let negative = false;
  let c = bytes[i]!;
  if (c === 0x2d || c === 0x2b) {
    negative = c === 0x2d;
    i++;
  }
  let mantissa = 0;
  const intStart = i;
  while (i < end && (c = bytes[i]!) >= 0x30 && c <= 0x39) {
    mantissa = mantissa * 10 + (c - 0x30);
    i++;
  }
  let digits = i - intStart;
  let fraction = 0;
  if (i < end && bytes[i] === 0x2e) {
    const fractionStart = ++i;
    while (i < end && (c = bytes[i]!) >= 0x30 && c <= 0x39) {
      mantissa = mantissa * 10 + (c - 0x30);
      i++;
    }
    fraction = i - fractionStart;
    digits += fraction;
  }
  if (digits === 0) return NaN;
  if (i < end) {
    // An exponent, or not a number at all.
    c = bytes[i]!;
    if (c !== 0x65 && c !== 0x45) return NaN;
    let j = i + 1;
    if (j < end && (bytes[j] === 0x2d || bytes[j] === 0x2b)) j++;
    if (j >= end) return NaN;
    for (; j < end; j++) if (bytes[j]! < 0x30 || bytes[j]! > 0x39) return NaN;
    return Number(latin1(bytes, start, end));
  }
  // Exact while the digits fit in a double's 53-bit mantissa and 10^fraction is exact (Clinger's fast path).
  if (mantissa > 9007199254740991 || fraction > 22) return Number(latin1(bytes, start, end));
  const value = fraction === 0 ? mantissa : mantissa / POW10[fraction]!;
  return negative ? -value : value;
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
}

export interface DelimitedScannerOptions {
  delimiter: string;
  /** Whether the first record is the header (default true); without one, columns are named 1, 2, 3, …. */
  hasHeader?: boolean;
  /** 'latin1' when the file is not UTF-8. */
  textEncoding?: 'utf8' | 'latin1';
  /** At most this many ragged-row issues are kept (all are counted). */
  maxIssues?: number;
}

/** The scanner's view of the current record. */
class FieldView implements RecordView {
  bytes: Uint8Array = new Uint8Array(0);
  starts = new Int32Array(64);
  ends = new Int32Array(64);
  /** 0 plain, 1 quoted, 2 quoted with `""` inside. */
  quoted = new Uint8Array(64);
  /** Numbers the scan parsed on the way (where `parsed` is 1). */
  numbers = new Float64Array(64);
  parsed = new Uint8Array(64);
  count = 0;
  line = 0;
  encoding: BufferEncoding = 'utf8';

  text(i: number): string {
    if (i >= this.count) return '';
    const s = Buffer.from(this.bytes.buffer, this.bytes.byteOffset + this.starts[i]!, this.ends[i]! - this.starts[i]!).toString(this.encoding);
    return this.quoted[i] === 2 ? s.replace(/""/g, '"') : s;
  }

  number(i: number): number {
    if (i >= this.count) return NaN;
    return this.parsed[i] === 1 ? this.numbers[i]! : parseNumberBytes(this.bytes, this.starts[i]!, this.ends[i]!);
  }

  missing(i: number): boolean {
    if (i >= this.count) return true;
    const length = this.ends[i]! - this.starts[i]!;
    if (length === 0) return true;
    if (length > 4) return false;
    return MISSING_TOKENS.has(this.text(i).trim());
  }

  grow(): void {
    const size = this.starts.length * 2;
    this.starts = grow(this.starts, size);
    this.ends = grow(this.ends, size);
    this.quoted = grow(this.quoted, size);
    this.parsed = grow(this.parsed, size);
    this.numbers = grow(this.numbers, size);
  }

}

export class DelimitedScanner {
  private readonly delimiter: number;
  private readonly view = new FieldView();
  private leftover: Uint8Array | undefined;
  private joined = new Uint8Array(0);
  private nextLine = 1;
  private headerDone: boolean;
  private width = -1;
  private readonly maxIssues: number;
  /** File-level and line-level problems found so far (ragged rows capped by maxIssues). */
  readonly issues: DataIssue[] = [];
  raggedRows = 0;
  records = 0;
  columns: string[] = [];

  constructor(
    private readonly sink: RecordSink,
    options: DelimitedScannerOptions,
  ) {
    this.delimiter = options.delimiter.charCodeAt(0);
    this.headerDone = options.hasHeader === false;
    this.view.encoding = options.textEncoding ?? 'utf8';
    this.maxIssues = options.maxIssues ?? 100;
  }

  /** Decodes text as Latin-1 from now on (the reader found bytes that are not UTF-8). */
  setTextEncoding(encoding: 'utf8' | 'latin1'): void {
    this.view.encoding = encoding;
  }

  /** Bytes of an unfinished record carried to the next block. */
  get pendingBytes(): number {
    return this.leftover?.length ?? 0;
  }

  /** Lines seen so far (the line after the last complete record). */
  get line(): number {
    return this.nextLine;
  }

  /** Feeds the next block of the file; `final` on the last one (which may be empty). */
  push(block: Uint8Array, final: boolean): void {
    let bytes = block;
    const carry = this.leftover?.length ?? 0;
    if (carry) {
      // Join the unfinished record with the new block in a buffer kept across blocks (no garbage per block).
      if (this.joined.length < carry + block.length) this.joined = new Uint8Array(carry + block.length);
      this.joined.set(this.leftover!);
      this.joined.set(block, carry);
      bytes = this.joined.subarray(0, carry + block.length);
    }
    this.leftover = undefined;
    const consumed = this.scan(bytes, final);
    if (consumed < bytes.length) this.leftover = bytes.slice(consumed);
  }

  /** Scans complete records; returns how many bytes it consumed. */
  private scan(bytes: Uint8Array, final: boolean): number {
    const view = this.view;
    view.bytes = bytes;
    const delimiter = this.delimiter;
    const length = bytes.length;
    let pos = 0;
    for (;;) {
      if (pos >= length) return pos;
      const recordStart = pos;
      let extraLines = 0;
      let nf = 0;
      let complete = false;
      for (;;) {
        if (nf === view.starts.length) view.grow();
        if (pos < length && bytes[pos] === QUOTE) {
          // A quoted field: find the closing quote, skipping `""`.
          let p = pos + 1;
          let escaped = false;
          let close = -1;
          for (;;) {
            const q = indexOfByte(bytes, QUOTE, p);
            if (q < 0) break;
            if (q + 1 < length && bytes[q + 1] === QUOTE) {
              escaped = true;
              p = q + 2;
              continue;
            }
            if (q + 1 >= length && !final) break; // the next block may start with a second quote
            close = q;
            break;
          }
          if (close < 0) {
            if (!final) return recordStart;
            this.issue({ kind: 'quote', message: `A quoted field is never closed (from line ${this.nextLine + extraLines}).`, line: this.nextLine + extraLines });
            close = length;
          }
          for (let k = pos + 1; k < close; k++) if (bytes[k] === LF) extraLines++;
          view.starts[nf] = pos + 1;
          view.ends[nf] = close;
          view.quoted[nf] = escaped ? 2 : 1;
          view.parsed[nf] = 0;
          pos = close + 1;
          // Text after the closing quote (`"a"b`) belongs to the field in spirit; skip it to the delimiter.
          if (pos < length && bytes[pos] !== delimiter && bytes[pos] !== LF && bytes[pos] !== CR) {
            while (pos < length && bytes[pos] !== delimiter && bytes[pos] !== LF && bytes[pos] !== CR) pos++;
          }
        } else {
          // An unquoted field. Parse a plain decimal number on the way to the delimiter (one pass over the bytes);
          // anything else (an exponent, spaces, text) is parsed later, only if asked, by parseNumberBytes.
          let p = pos;
          let c = 0;
          let mantissa = 0;
          let point = -1;
          let plain = true;
          if (p < length && bytes[p] === 0x2d) p++;
          const digitsStart = p;
          while (p < length) {
            c = bytes[p]!;
            const digit = c - 0x30;
            if (digit >= 0 && digit <= 9) mantissa = mantissa * 10 + digit;
            else if (c === 0x2e && point < 0) point = p;
            else if (c === delimiter || c === LF || c === CR) break;
            else {
              plain = false;
              while (p < length && (c = bytes[p]!) !== delimiter && c !== LF && c !== CR) p++;
              break;
            }
            p++;
          }
          const fraction = point < 0 ? 0 : p - point - 1;
          const digits = p - digitsStart - (point < 0 ? 0 : 1);
          if (plain && digits > 0 && mantissa <= 9007199254740991 && fraction <= 22) {
            const value = fraction === 0 ? mantissa : mantissa / POW10[fraction]!;
            view.numbers[nf] = digitsStart > pos ? -value : value;
            view.parsed[nf] = 1;
          } else {
            view.parsed[nf] = 0;
          }
          view.starts[nf] = pos;
          view.ends[nf] = p;
          view.quoted[nf] = 0;
          pos = p;
        }
        nf++;
        if (pos >= length) {
          if (!final) return recordStart;
          complete = true;
          break;
        }
        const c = bytes[pos];
        if (c === delimiter) {
          pos++;
          if (pos >= length && !final) return recordStart;
          if (pos >= length) {
            // A trailing delimiter at the end of the file: one more empty field.
            if (nf === view.starts.length) view.grow();
            view.starts[nf] = pos;
            view.ends[nf] = pos;
            view.quoted[nf] = 0;
            view.parsed[nf] = 0;
            nf++;
            complete = true;
            break;
          }
          continue;
        }
        if (c === CR) {
          if (pos + 1 >= length && !final) return recordStart;
          pos += pos + 1 < length && bytes[pos + 1] === LF ? 2 : 1;
        } else {
          pos++;
        }
        complete = true;
        break;
      }
      if (!complete) return recordStart;
      const line = this.nextLine;
      this.nextLine += 1 + extraLines;
      if (nf === 1 && view.quoted[0] === 0 && isBlank(bytes, view.starts[0]!, view.ends[0]!)) continue; // a blank line
      view.count = nf;
      view.line = line;
      this.emit(view);
    }
  }

  private emit(view: FieldView): void {
    if (!this.headerDone) {
      this.headerDone = true;
      const names: string[] = [];
      const seen = new Set<string>();
      for (let i = 0; i < view.count; i++) {
        let name = view.text(i).trim();
        if (i === 0) name = name.replace(/^\uFEFF/, '');
        if (seen.has(name)) this.issue({ kind: 'duplicate-column', message: `The header names column "${name}" twice.`, line: view.line });
        seen.add(name);
        names.push(name);
      }
      this.columns = names;
      this.width = names.length;
      this.sink.header(names);
      return;
    }
    if (this.width < 0) {
      this.width = view.count;
      this.columns = Array.from({ length: view.count }, (_, i) => String(i + 1));
      this.sink.header(this.columns);
    }
    this.records++;
    if (view.count !== this.width) this.ragged(view);
    this.sink.record(view);
  }

  private ragged(view: FieldView): void {
    this.raggedRows++;
    if (this.issues.length >= this.maxIssues) return;
    let hint = '';
    if (view.count === 1) {
      const text = view.text(0);
      for (const other of CANDIDATE_DELIMITERS) {
        if (other.charCodeAt(0) !== this.delimiter && splitCount(text, other) === this.width) {
          hint = ` It splits into ${this.width} fields on ${delimiterName(other)}: mixed delimiters.`;
          break;
        }
      }
    }
    this.issue({
      kind: hint ? 'mixed-delimiters' : 'ragged',
      message: `Line ${view.line} has ${view.count} field${view.count === 1 ? '' : 's'}; the header has ${this.width}.${hint}`,
      line: view.line,
    });
  }

  private issue(issue: DataIssue): void {
    if (this.issues.length < this.maxIssues) this.issues.push(issue);
  }
}

function isBlank(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i] !== SPACE && bytes[i] !== TAB) return false;
  return true;
}

function indexOfByte(bytes: Uint8Array, byte: number, from: number): number {
  return bytes.indexOf(byte, from);
}

function splitCount(text: string, delimiter: string): number {
  return text.split(delimiter).length;
}

export function delimiterName(d: string): string {
  return d === '\t' ? 'tabs' : d === ',' ? 'commas' : d === ';' ? 'semicolons' : d === '|' ? 'pipes' : `"${d}"`;
}

/** Counts a delimiter in one line outside quotes. */
function countOutsideQuotes(line: string, d: string): number {
  let n = 0;
  let inQuotes = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') inQuotes = !inQuotes;
    else if (c === d && !inQuotes) n++;
  }
  return n;
}

export interface DelimiterGuess {
  delimiter: string;
  /** Lines of the sample that split on another delimiter into the header's width (mixed delimiters). */
  mixed?: { delimiter: string; lines: number[] };
}

/**
 * Picks the delimiter from the first lines of a file: the candidate that appears on the header line and splits the
 * most sampled lines into the header's width. Also notes lines that use another delimiter instead.
 */
export function sniffDelimiter(sample: string, fileName = ''): DelimiterGuess {
  const lines = sample.split(/\r?\n/).slice(0, 200);
  if (!sample.endsWith('\n') && lines.length > 1) lines.pop(); // the last line may be cut short
  const nonBlank = lines.map((text, i) => ({ text, line: i + 1 })).filter((l) => l.text.trim() !== '');
  const fallback = /\.tsv$/i.test(fileName) ? '\t' : ',';
  if (nonBlank.length === 0) return { delimiter: fallback };
  let best: { delimiter: string; score: number } | undefined;
  for (const d of CANDIDATE_DELIMITERS) {
    const width = countOutsideQuotes(nonBlank[0]!.text, d);
    if (width === 0) continue;
    const score = nonBlank.filter((l) => countOutsideQuotes(l.text, d) === width).length + (d === fallback ? 0.5 : 0);
    if (!best || score > best.score) best = { delimiter: d, score };
  }
  const delimiter = best?.delimiter ?? fallback;
  const width = countOutsideQuotes(nonBlank[0]!.text, delimiter);
  for (const other of CANDIDATE_DELIMITERS) {
    if (other === delimiter || width === 0) continue;
    const odd = nonBlank.filter((l) => countOutsideQuotes(l.text, delimiter) === 0 && countOutsideQuotes(l.text, other) === width).map((l) => l.line);
    if (odd.length) return { delimiter, mixed: { delimiter: other, lines: odd } };
  }
  return { delimiter };
}
