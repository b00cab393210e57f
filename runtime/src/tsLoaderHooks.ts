// Node module-customization hooks (registered with `module.register`) that let a user's process import
// TypeScript directly: `.ts` files, `.ml.ts` experiments included, are compiled by esbuild on load with an
// inline source map, so stack traces (with `--enable-source-maps` or `process.setSourceMapsEnabled`) point at
// the user's lines. Relative imports without an extension find `x.ts` or `x/index.ts`, as TypeScript resolves
// them. Type errors are not reported here: that is tsc's and the shape checker's job.
// Runs on Node's loader thread, so it must not import anything from the rest of mlts that touches the main thread.
import { transformSync } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface ResolveContext {
  parentURL?: string;
}
interface ResolveResult {
  url: string;
  format?: string | null;
  shortCircuit?: boolean;
}
type NextResolve = (specifier: string, context: ResolveContext) => Promise<ResolveResult>;
interface LoadResult {
  format: string;
  source?: string | Buffer;
  shortCircuit?: boolean;
}
type NextLoad = (url: string, context: object) => Promise<LoadResult>;

const TS_FILE = /\.(?:m|c)?ts$/;

function isTypeScriptUrl(url: string): boolean {
  return url.startsWith('file:') && TS_FILE.test(new URL(url).pathname) && !url.endsWith('.d.ts');
}

export async function resolve(specifier: string, context: ResolveContext, nextResolve: NextResolve): Promise<ResolveResult> {
  try {
    return await nextResolve(specifier, context);
  } catch (err) {
    const relative = specifier.startsWith('./') || specifier.startsWith('../');
    if (!relative || !context.parentURL) throw err;
    const base = new URL(specifier, context.parentURL);
    const withoutJs = base.pathname.replace(/\.js$/, '');
    for (const candidate of [`${withoutJs}.ts`, `${withoutJs}/index.ts`]) {
      const url = new URL(candidate, base);
      if (existsSync(fileURLToPath(url))) return { url: url.href, shortCircuit: true };
    }
    throw err;
  }
}

export async function load(url: string, context: object, nextLoad: NextLoad): Promise<LoadResult> {
  if (!isTypeScriptUrl(url)) return nextLoad(url, context);
  const file = fileURLToPath(url);
  const { code } = transformSync(readFileSync(file, 'utf8'), {
    loader: 'ts',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    sourcefile: pathToFileURL(file).href,
  });
  return { format: 'module', source: code, shortCircuit: true };
}
