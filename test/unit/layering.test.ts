// The programs' folders stay apart: a module that the CLI and the extension both use lives below both (runtime/,
// server/src/analysis/), never in one program's folder, so neither program drags the other's code into its bundle.
// Reads every import specifier of the TypeScript sources and resolves it against the importing file.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

const repoRoot = resolve(__dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The repository-relative files a source file imports from other folders of the repository. */
function importedPaths(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]!);
  return specifiers.map((specifier) => relative(repoRoot, resolve(dirname(file), specifier)));
}

for (const [from, forbidden] of [
  ['cli', 'extension'],
  ['extension', 'cli'],
  ['runtime', 'extension'],
  ['runtime', 'cli'],
] as const) {
  test(`${from}/ never imports from ${forbidden}/`, () => {
    const offending = sources(join(repoRoot, from))
      .flatMap((file) => importedPaths(file).filter((path) => path.startsWith(`${forbidden}/`)).map((path) => `${relative(repoRoot, file)} → ${path}`));
    assert.deepEqual(offending, []);
  });
}
