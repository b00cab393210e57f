// Hostile input stays bounded (issue 11, item 7), through the real `mlts check` bundle and the real language
// server: binary files named `.ml.ts`, a vendored 4.9 MB `tf.js`, a generated file just under the size limit,
// and expressions nested thousands deep. Each is generated on the fly. Every one is reported (skipped or cut
// short), none is an error, and each run stays under coarse CPU-time and memory bounds that catch regressions
// (before these limits: 6–19 s and up to 2.2 GB). CPU time, not wall time, because the machine may be shared;
// measured numbers are in BENCHMARKS.md.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { LspTestClient } from './lspClient';
import { dist, repoRoot, runNode } from './processes';
import { deepProgram, DEEP_PROGRAM_ERROR_LINE, generatedSource, invalidUtf8Bytes, NESTINGS, seededBytes } from '../support/hostileInputs';

const cli = dist('cli.js');
const usagePreload = join(repoRoot, 'test', 'support', 'reportResourceUsage.cjs');
const dir = join(repoRoot, 'test-results', 'hostile-input');
/** Coarse bounds, far above the measured numbers and far below the regressions they guard against. */
const MAX_CPU_MS = 6_000;
const MAX_PEAK_RSS_KB = 1_000_000;

interface CheckJson {
  files: number;
  diagnostics: Array<{ file: string; line: number; severity: string; code: string; message: string }>;
  skipped: Array<{ file: string; reason: string }>;
}

async function checkBounded(file: string): Promise<CheckJson> {
  const r = await runNode(['-r', usagePreload, cli, 'check', '--format', 'json', file], { timeoutMs: 60_000 });
  const usage = /peak-rss-kb (\d+) cpu-ms (\d+)/.exec(r.stderr);
  assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
  assert.ok(usage, r.stderr);
  const [peakKb, cpuMs] = [Number(usage[1]), Number(usage[2])];
  assert.ok(cpuMs < MAX_CPU_MS, `${file} used ${cpuMs} ms of CPU`);
  assert.ok(peakKb < MAX_PEAK_RSS_KB, `${file} peaked at ${peakKb} kB`);
  return JSON.parse(r.stdout) as CheckJson;
}

function write(name: string, content: string | Buffer): string {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

before(() => mkdirSync(dir, { recursive: true }));
after(() => rmSync(dir, { recursive: true, force: true }));

const SKIPPED_INPUTS: Array<{ name: string; make: () => string; reason: RegExp }> = [
  { name: 'random bytes, 4 MB', make: () => write('random.ml.ts', seededBytes(4_000_000)), reason: /binary \(it contains NUL/ },
  { name: 'random bytes, 2 MB', make: () => write('random2.ml.ts', seededBytes(2_000_000, 3)), reason: /binary \(it contains NUL/ },
  { name: 'invalid UTF-8 without NUL, 2 MB', make: () => write('latin.ml.ts', invalidUtf8Bytes(2_000_000)), reason: /binary \(invalid UTF-8/ },
  { name: 'generated source, 3.2 MB', make: () => write('generated-big.ml.ts', generatedSource(3_200_000)), reason: /over the 3\.0 MB limit/ },
  {
    name: 'the vendored 4.9 MB tf.js bundle',
    make: () => join(repoRoot, 'node_modules', '@tensorflow', 'tfjs', 'dist', 'tf.js'),
    reason: /4\.9 MB, over the 3\.0 MB limit/,
  },
];

for (const input of SKIPPED_INPUTS) {
  test(`mlts check skips ${input.name} with a warning, within bounds`, async () => {
    const file = input.make();
    const json = await checkBounded(file);
    assert.equal(json.files, 1);
    assert.deepEqual(json.diagnostics.map((d) => [d.line, d.severity, d.code]), [[1, 'warning', 'input-skipped']]);
    assert.equal(json.skipped.length, 1);
    assert.match(json.skipped[0]!.reason, input.reason);
  });
}

test('mlts check analyses a generated file just under the size limit, and says so if it is cut short', async () => {
  const json = await checkBounded(write('generated.ml.ts', generatedSource(900_000)));
  assert.deepEqual(json.skipped, []);
  assert.ok(json.diagnostics.every((d) => d.severity !== 'error'), JSON.stringify(json.diagnostics));
  // Within the budget it is analysed whole; past it, one notice says where it stopped.
  assert.ok(json.diagnostics.every((d) => d.code === 'analysis-stopped' && /stopped here/.test(d.message)));
  assert.ok(json.diagnostics.length <= 1);
});

test('mlts check reports nesting 5,000 deep as not analysed and still finds the error after it', async () => {
  for (const [name, nesting] of Object.entries(NESTINGS).filter(([n]) => n !== 'conditionals')) {
    const json = await checkBounded(write(`deep-${name}.ml.ts`, deepProgram(nesting, 5000)));
    const errors = json.diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(errors.map((d) => d.line), [DEEP_PROGRAM_ERROR_LINE + 1], `${name}: ${JSON.stringify(json.diagnostics)}`);
    assert.ok(json.diagnostics.some((d) => d.code === 'analysis-incomplete' && d.severity === 'information'), name);
  }
});

test('the language server publishes the same warnings and keeps answering', async () => {
  const client = await LspTestClient.start();
  try {
    const binary = join(dir, 'lsp-binary.ml.ts');
    const published = client.diagnostics(binary, 1);
    await client.open(binary, seededBytes(3_000_000).toString('utf8'));
    const binaryDiagnostics = await published;
    assert.deepEqual(binaryDiagnostics.map((d) => [d.code, d.severity]), [['input-skipped', 2]]);
    const hints = await client.request<unknown[]>('textDocument/inlayHint', binary, {
      range: { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } },
    });
    assert.deepEqual(hints, []);

    const deep = join(dir, 'lsp-deep.ml.ts');
    const deepPublished = client.diagnostics(deep, 1);
    await client.open(deep, deepProgram(NESTINGS.parentheses!, 5000));
    const deepDiagnostics = await deepPublished;
    assert.deepEqual(deepDiagnostics.filter((d) => d.severity === 1).map((d) => d.range.start.line), [DEEP_PROGRAM_ERROR_LINE]);
    assert.ok(deepDiagnostics.some((d) => d.code === 'analysis-incomplete'));
    const deepHints = await client.request<unknown[]>('textDocument/inlayHint', deep, {
      range: { start: { line: 0, character: 0 }, end: { line: 10, character: 0 } },
    });
    assert.ok(Array.isArray(deepHints));
    const actions = await client.request<unknown[]>('textDocument/codeAction', deep, {
      range: { start: { line: DEEP_PROGRAM_ERROR_LINE, character: 0 }, end: { line: DEEP_PROGRAM_ERROR_LINE, character: 40 } },
      context: { diagnostics: [] },
    });
    assert.ok(Array.isArray(actions));
  } finally {
    await client.stop();
  }
});
