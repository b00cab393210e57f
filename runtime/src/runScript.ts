// Runs one TypeScript or `.ml.ts` file top to bottom as a plain Node program: `node runScript.mjs FILE`.
// Cells are ordinary code here; `// %%` lines are comments. Imports resolve from the file's own folder, so
// `@tensorflow/tfjs` comes from the user's node_modules. Errors print with stacks mapped to the file's lines,
// and the exit code is 1, so callers (the extension's Run File command, later `mlts run`) can tell failure apart.
import { register } from 'node:module';
import { resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';

async function main(argv: string[]): Promise<number> {
  const file = argv[0];
  if (!file) {
    process.stderr.write('usage: runScript FILE.ml.ts\n');
    return 2;
  }
  process.setSourceMapsEnabled(true);
  register('./tsLoaderHooks.mjs', import.meta.url);
  try {
    await import(pathToFileURL(resolvePath(file)).href);
    return 0;
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
