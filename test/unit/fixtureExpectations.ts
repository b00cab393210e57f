// Reads the expectations written inside a shape fixture (`test/fixtures/shapes/*.ml.ts`).
//
// Two kinds of expectation live in a fixture's comments:
//
//   const c = tf.matMul(tf.zeros([2, 3]), tf.zeros([3, 4]));
//   //    ^ [2, 4]
//   const d = tf.matMul(tf.zeros([2, 3]), tf.zeros([4, 5])); // expect-error shape-matmul
//
// A caret line is a line holding only a `//` comment whose first character is `^`. The caret's
// column points into the nearest line above that is not itself a caret line (so several caret
// lines may stack under one code line), and the rest of the comment is the expected shape text.
// An error marker is `// expect-error` at the end of a line, optionally followed by a diagnostic
// code; it says the analysis reports an error starting on that line.
//
// This module is a pure function over the text. It knows nothing about the analysis or about
// tfjs: the fixture test and the tfjs oracle (`scripts/verifyShapeFixtures.mjs`) both use it.

import type { Position } from '../../server/src/analysis/api';

/** A whole line that is a caret comment: indentation, `//`, spaces, `^`, expected text. */
export const CARET_LINE_RE = /^(\s*)\/\/(\s*)\^(.*)$/;

/** An error marker at the end of a code line, with an optional diagnostic code. */
export const EXPECT_ERROR_RE = /\/\/\s*expect-error(?:\s+([a-z][a-z0-9-]*))?\s*$/;

export interface CaretExpectation {
  /** The position the caret points at (0-based line of the code line, caret column). */
  position: Position;
  /** The expected shape text, e.g. `[batch, 10]`. */
  expected: string;
  /** The 0-based line of the caret comment itself, for messages. */
  caretLine: number;
}

export interface ErrorExpectation {
  /** 0-based line on which the error's range starts. */
  line: number;
  /** The diagnostic code, when the marker names one. */
  code?: string;
}

export interface FixtureExpectations {
  carets: CaretExpectation[];
  errors: ErrorExpectation[];
  /** Malformed markers, so a typo in a fixture fails loudly instead of checking nothing. */
  problems: string[];
}

/** Splits text into lines the way LSP counts them (`\n`, `\r\n` or `\r`). */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

export function parseFixtureExpectations(text: string): FixtureExpectations {
  const lines = splitLines(text);
  const carets: CaretExpectation[] = [];
  const errors: ErrorExpectation[] = [];
  const problems: string[] = [];
  let target = -1; // The nearest line above that is not a caret line.

  lines.forEach((lineText, line) => {
    const caret = CARET_LINE_RE.exec(lineText);
    if (!caret) {
      target = line;
      const marker = EXPECT_ERROR_RE.exec(lineText);
      if (marker) {
        errors.push(marker[1] === undefined ? { line } : { line, code: marker[1] });
      } else if (/expect-error/.test(lineText)) {
        problems.push(`line ${line + 1}: malformed expect-error marker`);
      }
      return;
    }
    const character = caret[1].length + 2 + caret[2].length;
    const expected = caret[3].trim();
    const where = `line ${line + 1}`;
    if (target < 0) {
      problems.push(`${where}: caret with no code line above it`);
    } else if (expected === '') {
      problems.push(`${where}: caret without an expected shape`);
    } else if (!/\S/.test(lines[target].charAt(character))) {
      problems.push(`${where}: caret at column ${character + 1} points at nothing on line ${target + 1}`);
    } else {
      carets.push({ position: { line: target, character }, expected, caretLine: line });
    }
  });
  return { carets, errors, problems };
}

/** The identifier-like word at a position (letters, digits, `_`, `$`), or '' when there is none. */
export function wordAt(lineText: string, character: number): string {
  const isWord = (c: string) => /[\w$]/.test(c);
  if (!isWord(lineText.charAt(character))) return '';
  let start = character;
  let end = character;
  while (start > 0 && isWord(lineText.charAt(start - 1))) start--;
  while (end < lineText.length && isWord(lineText.charAt(end))) end++;
  return lineText.slice(start, end);
}

/** `model.summary(); // summary: total 14949, trainable 13525` in test/fixtures/summaries: name, total, trainable. */
export const SUMMARY_MARKER = /^\s*(\w+)\.summary\(\);\s*\/\/ summary: total (\d+), trainable (\d+)\s*$/;
