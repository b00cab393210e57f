// Acceptance test of the shape analysis against the shared bug corpus: every buggy file must get
// exactly one error starting on its `// expect-error` line, and every fixed file none. The corpus
// lives outside the repository (`../shared/shape-corpus`); `MLTS_SHAPE_CORPUS` overrides the path.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, type AnalysisHost } from '../../server/src/analysis/index';
import { SHAPE_CORPUS_DIR } from '../support/shapeCorpus';

const EXPECT_MARKER = /\/\/ expect-error\s*$/;
const corpusDir = SHAPE_CORPUS_DIR;

const host: AnalysisHost = {
  readFile: (p) => {
    try {
      return fs.readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  },
  readFileHead: (p, maxBytes) => {
    let fd: number | undefined;
    try {
      fd = fs.openSync(p, 'r');
      const buffer = Buffer.alloc(maxBytes);
      const n = fs.readSync(fd, buffer, 0, maxBytes, 0);
      return buffer.subarray(0, n).toString('utf8');
    } catch {
      return undefined;
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  },
};

function corpusFiles(): string[] {
  if (!fs.existsSync(corpusDir)) {
    throw new Error(`Shape corpus not found at ${corpusDir}. Set MLTS_SHAPE_CORPUS to the corpus folder.`);
  }
  return fs.readdirSync(corpusDir).filter((f) => f.endsWith('.ml.ts')).sort();
}

const files = (() => {
  try {
    return corpusFiles();
  } catch (e) {
    test('shape corpus is present', () => {
      throw e;
    });
    return [];
  }
})();

let caught = 0;
let buggyTotal = 0;
let falsePositives = 0;

for (const file of files) {
  const buggy = file.includes('.buggy.');
  test(file, () => {
    const fileName = path.join(corpusDir, file);
    const text = fs.readFileSync(fileName, 'utf8');
    const errors = analyze({ fileName, text, host }).diagnostics.filter((d) => d.severity === 'error');
    const describe = errors.map((d) => `  line ${d.range.start.line + 1} [${d.code}] ${d.message}`).join('\n');
    if (buggy) {
      buggyTotal++;
      const markerLine = text.split(/\r?\n/).findIndex((l) => EXPECT_MARKER.test(l));
      assert.ok(markerLine >= 0, `${file} has no // expect-error marker`);
      const ok = errors.length === 1 && errors[0].range.start.line === markerLine;
      if (ok) caught++;
      assert.ok(ok, `expected exactly one error on line ${markerLine + 1}, got ${errors.length}:\n${describe}`);
    } else {
      if (errors.length > 0) falsePositives++;
      assert.equal(errors.length, 0, `expected no errors, got:\n${describe}`);
    }
  });
}

after(() => {
  if (files.length > 0) console.log(`shape corpus: caught ${caught}/${buggyTotal}, false positives on fixed files: ${falsePositives}`);
});
