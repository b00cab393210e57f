// Table-driven tests of the CLI's path expansion: globs, directory recursion and the errors for bad paths.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { expandFileArgs, FileSetError, globToRegExp } from '../../cli/src/fileSet';

const GLOBS: [glob: string, path: string, matches: boolean][] = [
  ['*.ml.ts', 'a.ml.ts', true],
  ['*.ml.ts', 'dir/a.ml.ts', false],
  ['**/*.ml.ts', 'a.ml.ts', true],
  ['**/*.ml.ts', 'dir/sub/a.ml.ts', true],
  ['src/**', 'src/a/b.ts', true],
  ['src/?.ts', 'src/a.ts', true],
  ['src/?.ts', 'src/ab.ts', false],
  ['a.b.ts', 'aXb.ts', false],
];

for (const [glob, path, matches] of GLOBS) {
  test(`glob ${glob} ${matches ? 'matches' : 'does not match'} ${path}`, () => {
    assert.equal(globToRegExp(glob).test(path), matches);
  });
}

function tree(): string {
  const root = mkdtempSync(join(tmpdir(), 'mlts-fileset-'));
  for (const file of ['a.ml.ts', 'b.ts', 'c.js', 'd.d.ts', 'e.json', 'sub/f.ml.ts', 'node_modules/x/g.ts', '.hidden/h.ts']) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), '');
  }
  return root;
}

test('a directory recurses into .ts/.js files, skipping node_modules, dot-folders and .d.ts', () => {
  const root = tree();
  const found = expandFileArgs(['.'], root).map((f) => relative(root, f));
  assert.deepEqual(found, ['a.ml.ts', 'b.ts', 'c.js', join('sub', 'f.ml.ts')]);
});

test('a glob selects matching files only', () => {
  const root = tree();
  const found = expandFileArgs(['**/*.ml.ts'], root).map((f) => relative(root, f));
  assert.deepEqual(found, ['a.ml.ts', join('sub', 'f.ml.ts')]);
});

test('a missing path and an empty glob are errors that name the argument', () => {
  const root = tree();
  assert.throws(() => expandFileArgs(['nope.ml.ts'], root), (err) => err instanceof FileSetError && /nope\.ml\.ts/.test(err.message));
  assert.throws(() => expandFileArgs(['*.py'], root), (err) => err instanceof FileSetError && /no files match \*\.py/.test(err.message));
});

test('a directory or glob inside node_modules is checked when named; node_modules below it are still skipped', () => {
  const root = tree();
  for (const file of ['node_modules/x/dist/i.js', 'node_modules/x/node_modules/y/j.js']) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), '');
  }
  const named = expandFileArgs(['node_modules/x'], root).map((f) => relative(root, f));
  assert.deepEqual(named, [join('node_modules', 'x', 'dist', 'i.js'), join('node_modules', 'x', 'g.ts')]);
  const globbed = expandFileArgs(['node_modules/x/**/*.js'], root).map((f) => relative(root, f));
  assert.deepEqual(globbed, [join('node_modules', 'x', 'dist', 'i.js')]);
});
