// Keeps one file's analysis bounded whatever the input is: decides which texts are not source code at all
// (binary files, files too large to parse in reasonable time and memory), and rescues the parse of source
// whose brackets nest deeper than TypeScript's recursive-descent parser can follow. It only screens and
// rewrites text; the evaluator's own limits (steps, time, expression depth) live in evaluator.ts, and
// index.ts turns what is decided here into diagnostics.
//
// The rules, chosen to be cheap and to never reject a real program:
// - binary: a NUL character anywhere in the first 64k characters, or more than 1% of them being U+FFFD
//   (what a UTF-8 decoder makes of invalid bytes) or C0 control characters other than tab, line feed,
//   vertical tab, form feed and carriage return. Source code has none of these; every binary format has many.
// - too large: more than MAX_SOURCE_CHARS characters (3 MB of ASCII, room for a 50,000-line experiment).
//   Parsing alone costs about 1 s and 300 MB per 5 MB, so a bundled file (a vendored `tf.js` is 4.9 MB) is
//   skipped, not parsed.
// - long lines do not make a file binary: minified code is source, and the evaluator's time budget (which
//   grows with the number of lines, so a one-line 1.4 MB `tf.min.js` gets the base 0.8 s) bounds it.

import * as ts from 'typescript';

/** Files longer than this (in UTF-16 code units, about bytes for code) are not analysed. */
export const MAX_SOURCE_CHARS = 3_000_000;
/** How much of the start of a file decides whether it is binary. */
export const BINARY_SAMPLE_CHARS = 65_536;
const BINARY_CHAR_SHARE = 0.01;
/** Brackets nested deeper than this are replaced by a placeholder when the parser ran out of stack. */
export const PARSER_CUT_DEPTH = 300;
/** An identifier the evaluator does not know, so a cut-out expression is an unknown value. */
const CUT_PLACEHOLDER = '__mltsNestedTooDeep__';

export function formatSize(chars: number): string {
  return chars >= 1_000_000 ? `${(chars / 1_000_000).toFixed(1)} MB` : `${Math.ceil(chars / 1000)} kB`;
}

/** Why a file of `chars` characters is not analysed, or undefined when its size is fine. */
export function sizeSkipReason(chars: number): string | undefined {
  if (chars <= MAX_SOURCE_CHARS) return undefined;
  return `not analysed: the file is ${formatSize(chars)}, over the ${formatSize(MAX_SOURCE_CHARS)} limit (generated or bundled code?)`;
}

function isBinaryChar(code: number): boolean {
  if (code === 0xfffd) return true;
  return code < 32 && code !== 9 && code !== 10 && code !== 11 && code !== 12 && code !== 13;
}

/** Why `text` (the whole file or its first BINARY_SAMPLE_CHARS) is binary, or undefined when it looks like text. */
export function binaryReason(text: string): string | undefined {
  const sample = Math.min(text.length, BINARY_SAMPLE_CHARS);
  let odd = 0;
  for (let i = 0; i < sample; i++) {
    const code = text.charCodeAt(i);
    if (code === 0) return 'not analysed: the file is binary (it contains NUL characters), not source code';
    if (isBinaryChar(code)) odd++;
  }
  if (sample > 0 && odd / sample > BINARY_CHAR_SHARE) {
    return 'not analysed: the file is binary (invalid UTF-8 or control characters), not source code';
  }
  return undefined;
}

/** Why `text` is not source code to analyse (binary or too large), or undefined when it is. */
export function notSourceReason(text: string): string | undefined {
  return binaryReason(text) ?? sizeSkipReason(text.length);
}

/** True for the error a JavaScript engine throws when recursion exhausts the stack. */
export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}

export interface NestingCut {
  /** Offsets in the text of the bracket pair whose contents were replaced. */
  start: number;
  end: number;
  depth: number;
}

/** Skips a string, template or comment starting at `i`; returns the offset after it, or `i` if none starts. */
function skipNonCode(text: string, i: number): number {
  const c = text[i];
  if (c === '/' && text[i + 1] === '/') {
    const nl = text.indexOf('\n', i);
    return nl < 0 ? text.length : nl;
  }
  if (c === '/' && text[i + 1] === '*') {
    const close = text.indexOf('*/', i + 2);
    return close < 0 ? text.length : close + 2;
  }
  if (c === '"' || c === "'" || c === '`') {
    // Template substitutions are skipped with the template: an approximation that only matters for
    // where a cut is made, never for what the evaluator later believes.
    let j = i + 1;
    while (j < text.length && text[j] !== c && !(c !== '`' && text[j] === '\n')) j += text[j] === '\\' ? 2 : 1;
    return Math.min(j + 1, text.length);
  }
  return i;
}

/**
 * Replaces the contents of every bracket pair nested PARSER_CUT_DEPTH deep with a placeholder
 * identifier padded by spaces, keeping every line break, so offsets and lines stay where they were.
 * Used only after the parser overflowed; regular expressions are not recognised, which can only move a cut.
 */
export function cutDeepNesting(text: string): { text: string; cuts: NestingCut[] } {
  const cuts: NestingCut[] = [];
  const out: string[] = [];
  let copiedTo = 0;
  let depth = 0;
  let cutStart = -1;
  let maxDepthInCut = 0;
  for (let i = 0; i < text.length; ) {
    const after = skipNonCode(text, i);
    if (after !== i) {
      i = after;
      continue;
    }
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') {
      depth++;
      if (depth === PARSER_CUT_DEPTH && cutStart < 0) {
        cutStart = i;
        maxDepthInCut = depth;
      }
      maxDepthInCut = Math.max(maxDepthInCut, depth);
    } else if ((c === ')' || c === ']' || c === '}') && depth > 0) {
      if (depth === PARSER_CUT_DEPTH && cutStart >= 0) {
        out.push(text.slice(copiedTo, cutStart + 1), blankOut(text.slice(cutStart + 1, i)));
        copiedTo = i;
        cuts.push({ start: cutStart, end: i + 1, depth: maxDepthInCut });
        cutStart = -1;
      }
      depth--;
    }
    i++;
  }
  if (cutStart >= 0) {
    out.push(text.slice(copiedTo, cutStart + 1), blankOut(text.slice(cutStart + 1)));
    copiedTo = text.length;
    cuts.push({ start: cutStart, end: text.length, depth: maxDepthInCut });
  }
  out.push(text.slice(copiedTo));
  return { text: out.join(''), cuts };
}

/** The same number of characters and line breaks, holding only the placeholder where it fits. */
function blankOut(inner: string): string {
  const blank = inner.replace(/[^\r\n]/g, ' ');
  const room = blank.search(/[\r\n]/);
  const firstLine = room < 0 ? blank.length : room;
  if (firstLine < CUT_PLACEHOLDER.length) return blank;
  return CUT_PLACEHOLDER + blank.slice(CUT_PLACEHOLDER.length);
}

export type BoundedParse =
  | { kind: 'parsed'; sourceFile: ts.SourceFile; cuts: NestingCut[] }
  | { kind: 'skipped'; reason: string };

/** Parses `text`; when the parser runs out of stack, parses it again with the deepest nesting cut out. */
export function parseBounded(fileName: string, text: string, scriptKind: ts.ScriptKind): BoundedParse {
  const parse = (t: string) => ts.createSourceFile(fileName, t, ts.ScriptTarget.Latest, true, scriptKind);
  try {
    return { kind: 'parsed', sourceFile: parse(text), cuts: [] };
  } catch (e) {
    if (!isStackOverflow(e)) return { kind: 'skipped', reason: `not analysed: the parser failed (${String(e)})` };
  }
  const cut = cutDeepNesting(text);
  try {
    if (cut.cuts.length > 0) return { kind: 'parsed', sourceFile: parse(cut.text), cuts: cut.cuts };
  } catch {
    // Still too deep (long chains without brackets): reported below.
  }
  return { kind: 'skipped', reason: 'not analysed: the code nests too deeply for the parser' };
}
