// Checks the shape analysis against the table-driven fixtures in test/fixtures/shapes/.
//
// Every fixture states its expectations in comments (see fixtureExpectations.ts): a caret line
// `//    ^ [2, 4]` says what `shapeAt` must answer at the position it points to, and a trailing
// `// expect-error <code>` says an error diagnostic must start on that line. Errors on lines without
// a marker fail too, so every fixture is also a list of valid code that must stay quiet. Each
// expectation is its own subtest, so a failure names the fixture, the line and the column.
//
// The fixtures themselves are proved against real tfjs by scripts/verifyShapeFixtures.mjs; this
// test never runs tfjs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyze, type AnalysisResult, type ShapeDiagnostic } from '../../server/src/analysis/index';
import { parseFixtureExpectations, splitLines, wordAt } from './fixtureExpectations';

const FIXTURE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'shapes');

const fixtureFiles = fs
  .readdirSync(FIXTURE_DIR)
  .filter((f) => f.endsWith('.ml.ts'))
  .sort();

test('the shape fixture folder is not empty', () => {
  assert.ok(fixtureFiles.length > 0, `no .ml.ts fixtures in ${FIXTURE_DIR}`);
});

function describeDiagnostic(d: ShapeDiagnostic): string {
  return `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code}: ${d.message}`;
}

for (const file of fixtureFiles) {
  test(file, async (t) => {
    const fileName = path.join(FIXTURE_DIR, file);
    const text = fs.readFileSync(fileName, 'utf8');
    const lines = splitLines(text);
    const expectations = parseFixtureExpectations(text);
    assert.deepEqual(expectations.problems, [], 'malformed markers in the fixture');

    const result: AnalysisResult = analyze({ fileName, text, host: { readFile: () => undefined } });
    const errors = result.diagnostics.filter((d) => d.severity === 'error');

    for (const caret of expectations.carets) {
      const { line, character } = caret.position;
      const word = wordAt(lines[line], character);
      await t.test(`${line + 1}:${character + 1} ${word} is ${caret.expected}`, () => {
        const info = result.shapeAt(caret.position);
        assert.ok(info, `no shape at ${line + 1}:${character + 1} (${word}); expected ${caret.expected}`);
        assert.equal(info.text, caret.expected, `shape of ${word} at ${line + 1}:${character + 1} (kind ${info.kind})`);
      });
    }

    for (const expected of expectations.errors) {
      const label = expected.code ?? 'any code';
      await t.test(`${expected.line + 1}: error ${label}`, () => {
        const onLine = errors.filter((d) => d.range.start.line === expected.line);
        assert.ok(onLine.length > 0, `no error on line ${expected.line + 1}: ${lines[expected.line].trim()}`);
        if (expected.code !== undefined) {
          assert.deepEqual(
            [...new Set(onLine.map((d) => d.code))],
            [expected.code],
            `codes on line ${expected.line + 1}: ${onLine.map(describeDiagnostic).join('; ')}`,
          );
        }
      });
    }

    await t.test('no errors on lines without expect-error', () => {
      const expectedLines = new Set(expectations.errors.map((e) => e.line));
      const extra = errors.filter((d) => !expectedLines.has(d.range.start.line));
      assert.deepEqual(extra.map(describeDiagnostic), []);
    });
  });
}

