// Table-driven tests of the cell parser: which lines are markers, what kind and title they give, and the line
// ranges of whole files (code before the first marker, CRLF, empty cells, markdown cells).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cellAtLine, parseCells, parseMarker, withoutScratchCells, type CellKind } from '../../runtime/src/cells/cellParser';

const MARKERS: [line: string, expected: { kind: CellKind; title?: string } | undefined][] = [
  ['// %%', { kind: 'code' }],
  ['//%%', { kind: 'code' }],
  ['//   %%', { kind: 'code' }],
  ['// %%   ', { kind: 'code' }],
  ['// %%\r', { kind: 'code' }],
  ['// %% Data', { kind: 'code', title: 'Data' }],
  ['// %%\tLoad the data  ', { kind: 'code', title: 'Load the data' }],
  ['// %% [markdown]', { kind: 'markdown' }],
  ['// %% [MD] Notes', { kind: 'markdown', title: 'Notes' }],
  ['// %% [markdown] Results and notes', { kind: 'markdown', title: 'Results and notes' }],
  ['// %% [other] x', { kind: 'code', title: '[other] x' }],
  ['// %%x', undefined],
  ['// %%%', undefined],
  [' // %%', undefined],
  ['\t// %%', undefined],
  ['/// %%', undefined],
  ['/* %% */', undefined],
  ['// % %', undefined],
  ['# %%', undefined],
  ['const a = 1; // %%', undefined],
  ['', undefined],
];

for (const [line, expected] of MARKERS) {
  test(`marker ${JSON.stringify(line)} → ${expected ? `${expected.kind}${expected.title ? ` "${expected.title}"` : ''}` : 'not a marker'}`, () => {
    assert.deepEqual(parseMarker(line), expected);
  });
}

interface FileCase {
  name: string;
  text: string;
  cells: { kind: CellKind; title?: string; startLine: number; endLine: number; codeStartLine: number; codeEndLine: number; text: string }[];
}

const FILES: FileCase[] = [
  {
    name: 'code before the first marker is a cell',
    text: "import * as tf from '@tensorflow/tfjs';\n\n// %% Data\nconst x = 1;\n// %%\nx;\n",
    cells: [
      { kind: 'code', startLine: 0, endLine: 1, codeStartLine: 0, codeEndLine: 1, text: "import * as tf from '@tensorflow/tfjs';\n" },
      { kind: 'code', title: 'Data', startLine: 2, endLine: 3, codeStartLine: 3, codeEndLine: 3, text: 'const x = 1;' },
      { kind: 'code', startLine: 4, endLine: 5, codeStartLine: 5, codeEndLine: 5, text: 'x;' },
    ],
  },
  {
    name: 'blank lines before the first marker are no cell',
    text: '\n\n// %%\na();',
    cells: [{ kind: 'code', startLine: 2, endLine: 3, codeStartLine: 3, codeEndLine: 3, text: 'a();' }],
  },
  {
    name: 'a file without markers is one cell',
    text: 'a();\nb();',
    cells: [{ kind: 'code', startLine: 0, endLine: 1, codeStartLine: 0, codeEndLine: 1, text: 'a();\nb();' }],
  },
  {
    name: 'CRLF line ends count like LF and are dropped from the text',
    text: '// %% One\r\na();\r\n// %% [markdown]\r\n// Notes\r\n',
    cells: [
      { kind: 'code', title: 'One', startLine: 0, endLine: 1, codeStartLine: 1, codeEndLine: 1, text: 'a();' },
      { kind: 'markdown', startLine: 2, endLine: 3, codeStartLine: 3, codeEndLine: 3, text: '// Notes' },
    ],
  },
  {
    name: 'adjacent markers give an empty cell and indented markers do not split',
    text: '// %%\n// %%\nfunction f() {\n  // %%\n}\n// %%',
    cells: [
      { kind: 'code', startLine: 0, endLine: 0, codeStartLine: 1, codeEndLine: 0, text: '' },
      { kind: 'code', startLine: 1, endLine: 4, codeStartLine: 2, codeEndLine: 4, text: 'function f() {\n  // %%\n}' },
      { kind: 'code', startLine: 5, endLine: 5, codeStartLine: 6, codeEndLine: 5, text: '' },
    ],
  },
  { name: 'an empty file has no cells', text: '', cells: [] },
];

for (const file of FILES) {
  test(`file: ${file.name}`, () => {
    const cells = parseCells(file.text);
    assert.deepEqual(
      cells.map(({ kind, title, startLine, endLine, codeStartLine, codeEndLine, text }) => ({
        kind,
        ...(title === undefined ? {} : { title }),
        startLine,
        endLine,
        codeStartLine,
        codeEndLine,
        text,
      })),
      file.cells,
    );
    cells.forEach((cell, index) => {
      assert.equal(cell.index, index);
      assert.equal(cell.id, `cell-${index}`);
    });
  });
}

test('cellAtLine finds the cell holding a line and nothing in a blank preamble', () => {
  const cells = parseCells('\n// %%\na();\n// %% B\nb();\n');
  assert.equal(cellAtLine(cells, 0), undefined);
  assert.equal(cellAtLine(cells, 2)?.index, 0);
  assert.equal(cellAtLine(cells, 3)?.title, 'B');
  assert.equal(cellAtLine(cells, 99), undefined);
});

test('a [scratch] marker makes a scratch code cell; withoutScratchCells blanks its code and keeps every line number', () => {
  const text = '// %% Setup\nconst a = 1;\n// %% [scratch] try things\nthrow new Error("x");\nwhile (true) {}\r\n// %% [SCRATCH]\n// %% Train\nb();\n';
  const cells = parseCells(text);
  assert.deepEqual(cells.map((c) => [c.kind, c.title, c.scratch]), [
    ['code', 'Setup', undefined],
    ['code', 'try things', true],
    ['code', undefined, true],
    ['code', 'Train', undefined],
  ]);
  const kept = withoutScratchCells(text);
  assert.equal(kept, '// %% Setup\nconst a = 1;\n// %% [scratch] try things\n\n\r\n// %% [SCRATCH]\n// %% Train\nb();\n');
  assert.equal(withoutScratchCells('// %%\nx();\n'), '// %%\nx();\n');
});
