// Works out how a data file's bytes are encoded from its first block: a byte-order mark (UTF-8, UTF-16 LE/BE,
// UTF-32), NUL bytes that betray UTF-16 without a mark, or bytes that are not valid UTF-8 (then the file most
// likely is Latin-1 / Windows-1252). The readers decode with the answer and report it in a sentence; this
// module never throws and never reads a file itself.
import { isUtf8 } from 'node:buffer';

import type { TextEncodingName } from './dataSummary';

export type { TextEncodingName };

export interface EncodingGuess {
  encoding: TextEncodingName;
  /** Bytes of the byte-order mark to skip. */
  bomLength: number;
  /** A sentence for the user when the file is not plain UTF-8; absent for UTF-8 with or without a BOM. */
  message?: string;
}

/** The number of trailing bytes of `bytes` that start a UTF-8 sequence the block cuts short (0–3). */
export function incompleteUtf8Tail(bytes: Uint8Array, end = bytes.length): number {
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const b = bytes[end - back]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: keep looking for the lead byte
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/** True when `bytes[start, end)` is valid UTF-8, ignoring a sequence cut short at the end. */
export function isUtf8Block(bytes: Uint8Array, start: number, end: number, final: boolean): boolean {
  const stop = final ? end : end - incompleteUtf8Tail(bytes, end);
  return isUtf8(bytes.subarray(start, Math.max(start, stop)));
}

/** The first invalid UTF-8 byte in `bytes`, or -1. Only called once a block failed, so it can be slow. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) if (i + k >= bytes.length || (bytes[i + k]! & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return -1;
}

/** Guesses the encoding from the first block of a file (a few KiB is enough). */
export function guessEncoding(head: Uint8Array, final: boolean): EncodingGuess {
  const [a, b, c, d] = [head[0], head[1], head[2], head[3]];
  if (a === 0xff && b === 0xfe && c === 0 && d === 0) return { encoding: 'utf-32', bomLength: 4, message: 'The file is UTF-32 (little endian, by its byte-order mark); save it as UTF-8.' };
  if (a === 0 && b === 0 && c === 0xfe && d === 0xff) return { encoding: 'utf-32', bomLength: 4, message: 'The file is UTF-32 (big endian, by its byte-order mark); save it as UTF-8.' };
  if (a === 0xef && b === 0xbb && c === 0xbf) return { encoding: 'utf-8-bom', bomLength: 3 };
  if (a === 0xff && b === 0xfe) return { encoding: 'utf-16le', bomLength: 2, message: 'The file is UTF-16 LE (by its byte-order mark); mlts reads it, but tf.data.csv expects UTF-8.' };
  if (a === 0xfe && b === 0xff) return { encoding: 'utf-16be', bomLength: 2, message: 'The file is UTF-16 BE (by its byte-order mark); mlts reads it, but tf.data.csv expects UTF-8.' };
  // UTF-16 without a mark: ASCII text then has a NUL in every other byte.
  const sample = head.subarray(0, Math.min(head.length, 4096));
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < sample.length; i++) {
    if (sample[i] !== 0) continue;
    if (i % 2 === 0) evenNul++;
    else oddNul++;
  }
  const half = sample.length / 2;
  if (half >= 2 && oddNul > half * 0.3 && evenNul < half * 0.05) return { encoding: 'utf-16le', bomLength: 0, message: 'The file looks like UTF-16 LE (no byte-order mark, NUL in every other byte); tf.data.csv expects UTF-8.' };
  if (half >= 2 && evenNul > half * 0.3 && oddNul < half * 0.05) return { encoding: 'utf-16be', bomLength: 0, message: 'The file looks like UTF-16 BE (no byte-order mark, NUL in every other byte); tf.data.csv expects UTF-8.' };
  if (!isUtf8Block(head, 0, head.length, final)) return { encoding: 'latin1', bomLength: 0, message: latin1Message(head, firstInvalidUtf8(head)) };
  return { encoding: 'utf-8', bomLength: 0 };
}

/** The message for bytes that are not UTF-8, naming the first bad byte and its line. */
export function latin1Message(bytes: Uint8Array, badOffset: number, lineBase = 1, offsetBase = 0): string {
  let line = lineBase;
  for (let i = 0; i < badOffset && i < bytes.length; i++) if (bytes[i] === 10) line++;
  const byte = badOffset >= 0 ? bytes[badOffset] : undefined;
  const what = byte === undefined ? '' : ` (byte 0x${byte.toString(16).padStart(2, '0')} at offset ${offsetBase + badOffset}, line ${line})`;
  return `The file is not valid UTF-8${what}; it looks like Latin-1 / Windows-1252. mlts reads it as Latin-1; save it as UTF-8 for tf.data.csv.`;
}

/** Transcodes UTF-16 / UTF-32 text to UTF-8 bytes, so the byte scanners only ever see UTF-8 or Latin-1. */
export function createTranscoder(encoding: TextEncodingName): ((chunk: Uint8Array, final: boolean) => Uint8Array) | undefined {
  if (encoding !== 'utf-16le' && encoding !== 'utf-16be') return undefined;
  const decoder = new TextDecoder(encoding);
  return (chunk, final) => Buffer.from(decoder.decode(chunk, { stream: !final }), 'utf8');
}
