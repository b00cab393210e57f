// Loads the TypeScript-dependent helpers (typescriptTools.ts) on first use. In the bundle `__dirname` is dist/,
// where esbuild wrote them as typescriptTools.js; when the sources run directly (tests under tsx) it is
// extension/src, where the .ts file is. The path is computed so esbuild leaves the require alone instead of
// bundling the 3 MB compiler into extension.js.
import { join } from 'node:path';
import type * as Tools from './typescriptTools';

let loaded: typeof Tools | undefined;

export function typescriptTools(): typeof Tools {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy, computed load is the point here.
  loaded ??= require(join(__dirname, 'typescriptTools')) as typeof Tools;
  return loaded;
}
