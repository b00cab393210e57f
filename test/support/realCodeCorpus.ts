// The real-code corpus (issue 11, item 4): tfjs code nobody in this project wrote, installed by npm as
// devDependencies and never copied into the repository. It lists the files `mlts check` runs over:
// - every `@tensorflow-models/*` package's `dist/**/*.js` (its modules, its bundles and its `*_test.js`),
//   except the `*.min.js` copies of the bundles;
// - `@magenta/music`'s ES modules (`esm/**/*.js`);
// - the `*_test.js` files that `@tensorflow/tfjs-core` ships in `dist/` (tfjs-layers 4.22 ships none).
// Packages nested under another package's node_modules (magenta's own tfjs 2.x) are not part of it.
import { existsSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export interface CorpusSource {
  /** The package's directory, relative to node_modules. */
  pkg: string;
  /** Its files, relative to the repository root. */
  files: string[];
}

function walk(dir: string, keep: (name: string) => boolean, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') walk(full, keep, out);
    else if (entry.isFile() && keep(entry.name)) out.push(full);
  }
}

function filesOf(repoRoot: string, pkg: string, sub: string, keep: (name: string) => boolean): CorpusSource {
  const dir = join(repoRoot, 'node_modules', pkg, sub);
  const files: string[] = [];
  if (existsSync(dir)) walk(dir, keep, files);
  return { pkg, files: files.sort().map((f) => relative(repoRoot, f).split(sep).join('/')) };
}

const isModule = (name: string) => name.endsWith('.js') && !name.endsWith('.min.js');
const isTest = (name: string) => name.endsWith('_test.js');

/** The corpus, one entry per package, as installed under `repoRoot/node_modules`. */
export function realCodeCorpus(repoRoot: string): CorpusSource[] {
  const modelsDir = join(repoRoot, 'node_modules', '@tensorflow-models');
  const models = existsSync(modelsDir) ? readdirSync(modelsDir).sort() : [];
  return [
    ...models.map((name) => filesOf(repoRoot, `@tensorflow-models/${name}`, 'dist', isModule)),
    filesOf(repoRoot, '@magenta/music', 'esm', isModule),
    filesOf(repoRoot, '@tensorflow/tfjs-core', 'dist', isTest),
  ];
}
