// `mlts check --stats` over real tfjs code nobody in this project wrote (test/support/realCodeCorpus.ts: the
// @tensorflow-models packages, @magenta/music, the tests tfjs-core ships), as one process of the
// real CLI bundle. It must report 0 errors (every error there would be a false alarm: this code works), not
// crash, stay within a coarse CPU bound, and really analyse the code: the tensor expressions it saw and the
// shapes it knew are counted, so that a corpus of unknowns cannot pass for a checked one. The numbers are
// printed (and recorded in BENCHMARKS.md).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { dist, repoRoot, runNode } from './processes';
import { realCodeCorpus } from '../support/realCodeCorpus';

const usagePreload = join(repoRoot, 'test', 'support', 'reportResourceUsage.cjs');
/**
 * Measured: about 60–100 s of CPU for ~950 files on the 2-core machine since callbacks nested in other functions
 * (tfjs-core's `it` inside `describe`) are analysed too; the bound catches a runaway, not noise.
 */
const MAX_CPU_MS = 300_000;

const MAX_PEAK_RSS_KB = 2_000_000;

interface FileStats {
  file: string;
  tensorExpressions: number;
  knownShapeExpressions: number;
  modelsAnalysed: number;
}

interface CheckJson {
  files: number;
  diagnostics: Array<{ file: string; line: number; severity: string; code: string; message: string }>;
  skipped: Array<{ file: string; reason: string }>;
  stats: FileStats[];
}

test('mlts check over the real-code corpus: 0 errors, real coverage, bounded', async (t) => {
  const corpus = realCodeCorpus(repoRoot);
  const files = corpus.flatMap((c) => c.files);
  for (const source of corpus) assert.ok(source.files.length > 0, `${source.pkg} is installed and has files`);

  const r = await runNode(['-r', usagePreload, dist('cli.js'), 'check', '--format', 'json', '--stats', ...files], { timeoutMs: 600_000 });
  const usage = /peak-rss-kb (\d+) cpu-ms (\d+)/.exec(r.stderr);
  assert.ok(usage, `the CLI ran to its end: ${r.stderr.slice(-2000)}`);
  assert.equal(r.stderr.replace(usage[0], '').trim(), '', 'nothing else on stderr');
  const json = JSON.parse(r.stdout) as CheckJson;
  const errors = json.diagnostics.filter((d) => d.severity === 'error');
  // tfjs-core's specs do call ops with bad shapes, inside `try { … } catch (ex) { expect(ex.message)… }` or
  // `expect(() => …).toThrowError()`: that code means the exception, and the checker says nothing there.
  assert.deepEqual(errors.map((d) => `${d.file}:${d.line} ${d.code}: ${d.message}`), [], 'no errors: this code works');
  assert.equal(r.code, errors.length > 0 ? 1 : 0);
  assert.equal(json.files, files.length);

  const byPackage = corpus.map((source) => {
    const mine = new Set(source.files);
    const stats = json.stats.filter((s) => mine.has(s.file));
    const sum = (key: 'tensorExpressions' | 'knownShapeExpressions' | 'modelsAnalysed') => stats.reduce((n, s) => n + s[key], 0);
    return {
      pkg: source.pkg,
      files: source.files.length,
      withTensors: stats.filter((s) => s.tensorExpressions > 0).length,
      tensorExpressions: sum('tensorExpressions'),
      known: sum('knownShapeExpressions'),
      models: sum('modelsAnalysed'),
    };
  });
  const total = (key: 'files' | 'withTensors' | 'tensorExpressions' | 'known' | 'models') => byPackage.reduce((n, p) => n + p[key], 0);
  const [peakKb, cpuMs] = [Number(usage[1]), Number(usage[2])];
  for (const p of byPackage) {
    t.diagnostic(`${p.pkg}: ${p.files} files (${p.withTensors} with tensor expressions), ${p.tensorExpressions} tensor expressions, ${p.known} with their full shape known, ${p.models} models`);
  }
  for (const d of json.diagnostics) t.diagnostic(`notice ${d.file}:${d.line} ${d.severity} ${d.code}: ${d.message}`);
  t.diagnostic(
    `total: ${total('files')} files, ${total('withTensors')} with tensor expressions, ${total('tensorExpressions')} tensor expressions, ` +
      `${total('known')} shapes known, ${json.skipped.length} skipped, ${json.diagnostics.length} notices; ${cpuMs} ms CPU, ${Math.round(peakKb / 1024)} MB peak`,
  );

  // The corpus was really analysed: hundreds of files, thousands of tensor expressions, some shapes known.
  assert.ok(total('files') >= 500, `files: ${total('files')}`);
  assert.ok(total('withTensors') >= 50, `files with tensor expressions: ${total('withTensors')}`);
  assert.ok(total('tensorExpressions') >= 1000, `tensor expressions: ${total('tensorExpressions')}`);
  assert.ok(total('known') >= 100, `shapes known: ${total('known')}`);
  assert.deepEqual(json.skipped, []);
  assert.ok(cpuMs < MAX_CPU_MS, `${cpuMs} ms of CPU`);
  assert.ok(peakKb < MAX_PEAK_RSS_KB, `${peakKb} kB peak`);
});
