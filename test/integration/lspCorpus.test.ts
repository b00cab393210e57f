// The shared shape-bug corpus through the real language server: every buggy file gets an error diagnostic
// starting on its `// expect-error` line and no other error; every fixed file gets none. Same expectations
// as the unit-level corpus test, but over a real LSP connection, as the editor sees them.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parseFixtureExpectations } from '../unit/fixtureExpectations';
import { SHAPE_CORPUS_DIR } from '../support/shapeCorpus';
import { LspTestClient } from './lspClient';

const corpus = SHAPE_CORPUS_DIR;
if (!existsSync(corpus)) throw new Error(`shape corpus not found at ${corpus}; set MLTS_SHAPE_CORPUS`);
const files = readdirSync(corpus).filter((f) => f.endsWith('.ml.ts')).sort();

let client: LspTestClient;
before(async () => {
  client = await LspTestClient.start();
});
after(async () => {
  await client.stop();
});

for (const name of files) {
  test(name, async () => {
    const file = join(corpus, name);
    const text = readFileSync(file, 'utf8');
    const published = client.diagnostics(file, 1);
    await client.open(file, text);
    const errors = (await published).filter((d) => d.severity === 1).map((d) => d.range.start.line);
    const expected = parseFixtureExpectations(text).errors.map((e) => e.line);
    assert.deepEqual(errors, expected, name.includes('.buggy.') ? 'one error on the marker line' : 'no errors in a fixed file');
  });
}
