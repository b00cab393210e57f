// Table-driven tests for the fixture expectation parser: which caret and expect-error markers it
// accepts, where each caret points, and which malformed markers it reports as problems.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFixtureExpectations, wordAt, type FixtureExpectations } from './fixtureExpectations';

interface Case {
  name: string;
  text: string;
  want: FixtureExpectations;
}

const none = { carets: [], errors: [], problems: [] };

const cases: Case[] = [
  { name: 'plain code has no expectations', text: 'const a = tf.zeros([2]);\n', want: none },
  {
    name: 'caret under a declaration',
    text: 'const c = tf.zeros([2, 4]);\n//    ^ [2, 4]\n',
    want: { ...none, carets: [{ position: { line: 0, character: 6 }, expected: '[2, 4]', caretLine: 1 }] },
  },
  {
    name: 'caret right after the slashes',
    text: '  yy = f(x);\n//^ [batch, 10]',
    want: { ...none, carets: [{ position: { line: 0, character: 2 }, expected: '[batch, 10]', caretLine: 1 }] },
  },
  {
    name: 'indented caret line inside a function',
    text: 'function f() {\n  const inner = g();\n  //    ^ ?\n}',
    want: { ...none, carets: [{ position: { line: 1, character: 8 }, expected: '?', caretLine: 2 }] },
  },
  {
    name: 'stacked carets all point at the same code line',
    text: 'const ab = h(a, b);\n//    ^ [1]\n//           ^ [2, 3]\n',
    want: {
      ...none,
      carets: [
        { position: { line: 0, character: 6 }, expected: '[1]', caretLine: 1 },
        { position: { line: 0, character: 13 }, expected: '[2, 3]', caretLine: 2 },
      ],
    },
  },
  {
    name: 'CRLF line endings',
    text: 'const c = x;\r\n//    ^ [3]\r\n',
    want: { ...none, carets: [{ position: { line: 0, character: 6 }, expected: '[3]', caretLine: 1 }] },
  },
  {
    name: 'expect-error without a code',
    text: 'const a = 1;\nconst d = bad(); // expect-error\n',
    want: { ...none, errors: [{ line: 1 }] },
  },
  {
    name: 'expect-error with a code and trailing spaces',
    text: 'const d = tf.matMul(a, b); //   expect-error shape-matmul  \n',
    want: { ...none, errors: [{ line: 0, code: 'shape-matmul' }] },
  },
  {
    name: 'an ordinary comment is not a caret',
    text: 'const a = 1; // ^ not a caret\n// a note ^ [2]\n',
    want: none,
  },
  {
    name: 'caret on the first line has no target',
    text: '//^ [2]\n',
    want: { ...none, problems: ['line 1: caret with no code line above it'] },
  },
  {
    name: 'caret without expected text',
    text: 'const c = x;\n//    ^   \n',
    want: { ...none, problems: ['line 2: caret without an expected shape'] },
  },
  {
    name: 'caret past the end of the code line',
    text: 'const c = x;\n//                ^ [1]\n',
    want: { ...none, problems: ['line 2: caret at column 19 points at nothing on line 1'] },
  },
  {
    name: 'caret under white space',
    text: 'const c = x;\n//   ^ [1]\n',
    want: { ...none, problems: ['line 2: caret at column 6 points at nothing on line 1'] },
  },
  {
    name: 'expect-error that is not at the end of the line',
    text: 'const d = f(); // expect-error shape-rank because\n',
    want: { ...none, problems: ['line 1: malformed expect-error marker'] },
  },
];

for (const c of cases) {
  test(`parseFixtureExpectations: ${c.name}`, () => {
    assert.deepEqual(parseFixtureExpectations(c.text), c.want);
  });
}

const wordCases: [string, number, string][] = [
  ['const abc = 1;', 6, 'abc'],
  ['const abc = 1;', 8, 'abc'],
  ['const abc = 1;', 9, ''],
  ['  $x_1.shape', 2, '$x_1'],
  ['', 0, ''],
];

for (const [line, character, want] of wordCases) {
  test(`wordAt(${JSON.stringify(line)}, ${character}) is ${JSON.stringify(want)}`, () => {
    assert.equal(wordAt(line, character), want);
  });
}
