// Hostile input stays bounded and is never silently ignored (issue 11, item 7), in-process: binary text and
// oversized text are skipped with one `input-skipped` warning; expressions nested far past what the parser
// and the evaluator can recurse through are cut or skipped with an `analysis-incomplete` notice, and the rest
// of the file is still analysed. The real CLI and language server on the same inputs: test/integration.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze } from '../../server/src/analysis/index';
import { cutDeepNesting, MAX_SOURCE_CHARS, notSourceReason } from '../../server/src/analysis/inputLimits';
import { DEEP_PROGRAM_ERROR_LINE, deepProgram, generatedSource, invalidUtf8Bytes, NESTINGS, seededBytes } from '../support/hostileInputs';

test('binary text (NUL bytes, invalid UTF-8, control characters) is not source', () => {
  assert.match(notSourceReason(seededBytes(100_000).toString('utf8')) ?? '', /binary \(it contains NUL/);
  assert.match(notSourceReason(invalidUtf8Bytes(100_000).toString('utf8')) ?? '', /binary \(invalid UTF-8/);
  assert.match(notSourceReason('const a = 1;\n' + '\u0001\u0002\u0003'.repeat(100)) ?? '', /binary/);
});

test('real source is source: tabs, CRLF, form feeds, non-ASCII text and one long minified line', () => {
  const text = "import * as tf from '@tensorflow/tfjs';\r\n\tconst s = 'déjà vu — 形状 ✓';\f\n" + 'var a=1;'.repeat(50_000);
  assert.equal(notSourceReason(text), undefined);
});

test('a file over the size limit gets one warning and no parse', () => {
  const result = analyze({ fileName: 'big.ml.ts', text: generatedSource(MAX_SOURCE_CHARS + 10) });
  assert.ok(result.skipped);
  assert.deepEqual(
    result.diagnostics.map((d) => [d.code, d.severity, d.range.start.line]),
    [['input-skipped', 'warning', 0]],
  );
  assert.match(result.diagnostics[0]!.message, /over the 3\.0 MB limit/);
});

test('a binary file named .ml.ts gets one warning, no error, and no shapes', () => {
  const result = analyze({ fileName: 'model.ml.ts', text: seededBytes(2_000_000).toString('utf8') });
  assert.deepEqual(result.diagnostics.map((d) => d.code), ['input-skipped']);
  assert.equal(result.shapeAt({ line: 0, character: 0 }), undefined);
});

test('cutting deep nesting keeps every offset and line of the text', () => {
  const text = deepProgram(NESTINGS.parentheses!, 2000);
  const cut = cutDeepNesting(text);
  assert.equal(cut.text.length, text.length);
  assert.equal(cut.text.split('\n').length, text.split('\n').length);
  assert.equal(cut.cuts.length, 1);
  assert.equal(cut.cuts[0]!.depth, 2000);
});

/**
 * Nesting without brackets (10,000 chained conditionals) can exhaust the parser's stack with nothing to cut
 * out; such a file is skipped whole, with a warning. Every other file still gets its later error.
 */
const MAY_SKIP_WHOLE_FILE = new Set(['conditionals']);

for (const [name, nesting] of Object.entries(NESTINGS)) {
  for (const depth of [1000, 3000, 10_000]) {
    test(`${name} nested ${depth} deep: reported as not analysed, and the error after it is still found`, () => {
      const result = analyze({ fileName: 'deep.ml.ts', text: deepProgram(nesting, depth) });
      if (result.skipped && MAY_SKIP_WHOLE_FILE.has(name)) {
        assert.deepEqual(result.diagnostics.map((d) => [d.code, d.severity]), [['input-skipped', 'warning']]);
        assert.match(result.skipped, /nests too deeply/);
        return;
      }
      const errors = result.diagnostics.filter((d) => d.severity === 'error');
      assert.deepEqual(errors.map((d) => [d.code, d.range.start.line]), [['shape-broadcast', DEEP_PROGRAM_ERROR_LINE]], JSON.stringify(result.diagnostics));
      const notices = result.diagnostics.filter((d) => d.code === 'analysis-incomplete' || d.code === 'input-skipped');
      assert.ok(notices.length > 0, `the nesting is reported: ${JSON.stringify(result.diagnostics)}`);
      assert.ok(notices.every((d) => d.severity !== 'error'));
    });
  }
}

test('a nesting the analysis can follow is analysed, with no notice', () => {
  const result = analyze({ fileName: 'shallow.ml.ts', text: deepProgram(NESTINGS.parentheses!, 100) });
  assert.deepEqual(result.diagnostics.map((d) => d.code), ['shape-broadcast']);
  assert.equal(result.shapeAt({ line: 3, character: 6 })?.text, '[2, 3]');
});
