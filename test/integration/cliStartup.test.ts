// How the built CLI starts: dist/cli.js loads only the bundle of the subcommand it runs, and keeps a V8 code cache
// of that bundle in the user's cache directory (here a temporary MLTS_CACHE_DIR) that later runs reuse — and that
// they survive losing: a corrupt or foreign cache file is rejected by V8, and the command's output stays the same.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { dist, repoRoot, runNode } from './processes';

const scratch = mkdtempSync(join(tmpdir(), 'mlts-cli-startup-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const example = join(repoRoot, 'examples', 'broken-shapes.ml.ts');

test('mlts check runs with only the dispatcher and the check bundle: it never loads the run or ui code', async () => {
  const lonely = join(scratch, 'check-only');
  mkdirSync(lonely);
  for (const file of ['cli.js', 'cli-check.js', 'cli-bundles.json']) copyFileSync(dist(file), join(lonely, file));
  const alone = await runNode([join(lonely, 'cli.js'), 'check', example], { env: { MLTS_CACHE_DIR: join(scratch, 'cache-lonely') } });
  const full = await runNode([dist('cli.js'), 'check', example], { env: { MLTS_CODE_CACHE: '0' } });
  assert.equal(alone.stderr, '');
  assert.equal(alone.code, 1);
  assert.equal(alone.stdout, full.stdout);
  const run = await runNode([join(lonely, 'cli.js'), 'runs'], { env: { MLTS_CACHE_DIR: join(scratch, 'cache-lonely') } });
  assert.equal(run.code, 2, 'without its bundle, `mlts runs` must fail: proof that check did not need it');
  assert.match(run.stderr, /cli-runs\.js/);
});

test('the check bundle gets a code cache keyed by its hash; reuse and a corrupt cache give the same output', async () => {
  const cacheDir = join(scratch, 'cache');
  const env = { MLTS_CACHE_DIR: cacheDir };
  const uncached = await runNode([dist('cli.js'), 'check', example], { env: { MLTS_CODE_CACHE: '0' } });
  const first = await runNode([dist('cli.js'), 'check', example], { env });
  const hash = (JSON.parse(readFileSync(dist('cli-bundles.json'), 'utf8')) as Record<string, string>)['cli-check.js']!;
  const files = readdirSync(join(cacheDir, 'code-cache'));
  assert.deepEqual(files, [`cli-check-${hash.slice(0, 16)}-${process.version}-${process.arch}.v8cache`]);
  const cacheFile = join(cacheDir, 'code-cache', files[0]!);
  const written = readFileSync(cacheFile);
  assert.ok(written.length > 100_000, `a cache of the whole check path, not ${written.length} bytes`);
  const second = await runNode([dist('cli.js'), 'check', example], { env });
  assert.deepEqual(readFileSync(cacheFile), written, 'an accepted cache is not rewritten');
  writeFileSync(cacheFile, Buffer.alloc(written.length, 7));
  const corrupt = await runNode([dist('cli.js'), 'check', example], { env });
  for (const r of [first, second, corrupt]) {
    assert.equal(r.stderr, '');
    assert.equal(r.code, uncached.code);
    assert.equal(r.stdout, uncached.stdout);
  }
  assert.notDeepEqual(readFileSync(cacheFile).subarray(0, 64), Buffer.alloc(64, 7), 'a rejected cache is written again');
});
