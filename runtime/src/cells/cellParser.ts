// Splits the text of a `.ml.ts` file into notebook-style cells. A line `// %%` starts a code cell, `// %% [markdown]`
// a markdown (comment) cell, `// %% [scratch]` a scratch cell (code that runs interactively but never in tracked runs
// or Run File as Script), and anything after the marker is the cell's title (`// %% Load data`). Code before the
// first marker is a cell of its own when it holds anything but blank lines. Lines are 0-based and inclusive.
// This module is a pure function over text: it knows nothing of editors, document versions or kernels; callers
// cache by document version and map the ranges to their own types. It never throws on user text.

/**
 * A cell marker: `//`, optional spaces, `%%`, then nothing or whitespace and the rest of the line. Anchored at
 * column 0, so an indented `// %%` inside a function body is an ordinary comment, and `// %%x` is not a marker.
 * `//%%` is accepted, as Jupyter accepts `#%%`.
 */
export const CELL_MARKER = /^\/\/[ \t]*%%(?:[ \t]+(.*?))?[ \t]*$/;

/** The kind tag after a marker that makes a markdown cell: `[markdown]` or `[md]`, any case. */
export const MARKDOWN_TAG = /^\[(?:markdown|md)\](?:[ \t]+(.*))?$/i;

/** The tag after a marker that makes a scratch code cell: `[scratch]`, any case. */
export const SCRATCH_TAG = /^\[scratch\](?:[ \t]+(.*))?$/i;

export type CellKind = 'code' | 'markdown';

export interface Cell {
  /** `cell-<index>`: stable for a given text; identity across edits is the caller's concern. */
  id: string;
  index: number;
  kind: CellKind;
  /** The text after the marker (after `[markdown]` or `[scratch]`), trimmed; absent when empty. */
  title?: string;
  /** A scratch cell (`// %% [scratch]`): run interactively only, left out of tracked runs and Run File as Script. */
  scratch?: true;
  /** The marker line, or the first line of the file for code before the first marker. */
  startLine: number;
  /** The last line of the cell: the line before the next marker, or the file's last line. */
  endLine: number;
  /** The line of the `// %%` marker; absent for code before the first marker. */
  markerLine?: number;
  /** The lines holding the cell's code (after the marker). `codeEndLine < codeStartLine` means no code. */
  codeStartLine: number;
  codeEndLine: number;
  /** The code lines joined with `\n` (carriage returns removed). */
  text: string;
}

/** Splits text into lines the way editors count them: `\n` or `\r\n`; a final newline ends the last line. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

interface Marker {
  line: number;
  kind: CellKind;
  title?: string;
  scratch?: true;
}

/** Reads one line as a marker, or returns undefined when it is not one. */
export function parseMarker(line: string): { kind: CellKind; title?: string; scratch?: true } | undefined {
  const match = CELL_MARKER.exec(line.replace(/\r$/, ''));
  if (!match) return undefined;
  const rest = (match[1] ?? '').trim();
  const markdown = MARKDOWN_TAG.exec(rest);
  if (markdown) return withTitle('markdown', markdown[1]);
  const scratch = SCRATCH_TAG.exec(rest);
  if (scratch) return { ...withTitle('code', scratch[1]), scratch: true };
  return withTitle('code', rest);
}

function withTitle(kind: CellKind, title: string | undefined): { kind: CellKind; title?: string } {
  const trimmed = title?.trim();
  return trimmed ? { kind, title: trimmed } : { kind };
}

/** The cells of a file's text, in order. */
export function parseCells(text: string): Cell[] {
  const lines = splitLines(text);
  const markers: Marker[] = [];
  lines.forEach((line, index) => {
    const marker = parseMarker(line);
    if (marker) markers.push({ line: index, ...marker });
  });
  const cells: Cell[] = [];
  const push = (startLine: number, endLine: number, marker: Marker | undefined) => {
    const codeStartLine = marker ? startLine + 1 : startLine;
    const index = cells.length;
    const cell: Cell = {
      id: `cell-${index}`,
      index,
      kind: marker?.kind ?? 'code',
      startLine,
      endLine,
      codeStartLine,
      codeEndLine: endLine,
      text: lines.slice(codeStartLine, endLine + 1).join('\n'),
    };
    if (marker) cell.markerLine = marker.line;
    if (marker?.title !== undefined) cell.title = marker.title;
    if (marker?.scratch) cell.scratch = true;
    cells.push(cell);
  };
  const firstMarker = markers[0]?.line ?? lines.length;
  if (lines.slice(0, firstMarker).some((line) => line.trim() !== '')) push(0, firstMarker - 1, undefined);
  markers.forEach((marker, i) => {
    const next = markers[i + 1]?.line ?? lines.length;
    push(marker.line, next - 1, marker);
  });
  return cells;
}

/** The cell containing a 0-based line, if any (lines of a blank preamble belong to no cell). */
export function cellAtLine(cells: readonly Cell[], line: number): Cell | undefined {
  return cells.find((cell) => cell.startLine <= line && line <= cell.endLine);
}

/**
 * The text a tracked run or Run File as Script executes: every scratch cell's code lines blanked, so its code does not
 * run while every other line keeps its number (stack traces and source maps stay right). The marker line is a
 * comment already. Text without scratch cells is returned as it is.
 */
export function withoutScratchCells(text: string): string {
  const scratch = parseCells(text).filter((c) => c.scratch);
  if (scratch.length === 0) return text;
  const lines = text.split('\n');
  for (const cell of scratch) {
    for (let line = cell.codeStartLine; line <= cell.codeEndLine; line++) lines[line] = lines[line]!.endsWith('\r') ? '\r' : '';
  }
  return lines.join('\n');
}

/**
 * The Markdown of a markdown cell: its lines with the leading `//` (and one space after it) removed, so a cell
 * written as line comments reads as the Markdown inside them. Lines that only open or close a block comment are dropped.
 */
export function markdownText(cellText: string): string {
  return splitLines(cellText)
    .filter((line) => !/^\s*\/\*+\s*$/.test(line) && !/^\s*\*+\/\s*$/.test(line))
    .map((line) => line.replace(/^\s*\/\/ ?/, ''))
    .join('\n')
    .trim();
}
