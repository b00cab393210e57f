// Node module-customization hooks (registered with `module.register`) that let a user's process import
// TypeScript directly: `.ts` files, `.ml.ts` experiments included, are compiled by esbuild on load with an
// inline source map, so stack traces (with `--enable-source-maps` or `process.setSourceMapsEnabled`) point at
// the user's lines. Relative imports without an extension find `x.ts` or `x/index.ts`, as TypeScript resolves
// them. Type errors are not reported here: that is tsc's and the shape checker's job.
// For the cell kernel: a specifier `mlts-cell-import:<parent URL>:<specifier>` (both URI-encoded) resolves
// `specifier` as if `parent` (the `.ml.ts` file) imported it, since cells are scripts without a module URL. Each such
// import first checks whether a local `.ts` module loaded so far changed on disk (mtime or size); if one did, every
// local `.ts` module gets a new `?mlts-gen=N` query from then on, so the next import loads fresh copies of all of
// them (its importers included) while node_modules stay cached. Plain scripts never use the prefix, so for them
// nothing changes.
// Runs on Node's loader thread, so it must not import anything from the rest of mlts that touches the main thread.
import { transformSync } from 'esbuild';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { withoutScratchCells } from './cells/cellParser';

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

const CELL_IMPORT_PREFIX = 'mlts-cell-import:';

function isTypeScriptUrl(url: string): boolean {
  return url.startsWith('file:') && TS_FILE.test(new URL(url).pathname) && !url.endsWith('.d.ts');
}

/** A workspace TypeScript module: the kind the kernel re-imports when it changes. */
function isLocalModule(url: string): boolean {
  return isTypeScriptUrl(url) && !new URL(url).pathname.includes('/node_modules/');
}

/** Local modules loaded in the current generation, with the stamp (mtime and size) they had when loaded. */
const loadedLocal = new Map<string, string>();
let generation = 0;

function fileStamp(path: string): string {
  try {
    const { mtimeMs, size } = statSync(path);
    return `${mtimeMs}:${size}`;
  } catch {
    return 'missing';
  }
}

function startNewGenerationIfChanged(): void {
  for (const [path, stamp] of loadedLocal) {
    if (fileStamp(path) !== stamp) {
      generation++;
      loadedLocal.clear();
      return;
    }
  }
}

function withGeneration(result: ResolveResult): ResolveResult {
  if (generation === 0 || !isLocalModule(result.url)) return result;
  const url = new URL(result.url);
  url.searchParams.set('mlts-gen', String(generation));
  return { ...result, url: url.href };
}

export async function resolve(specifier: string, context: ResolveContext, nextResolve: NextResolve): Promise<ResolveResult> {
  if (specifier.startsWith(CELL_IMPORT_PREFIX)) {
    const [parentURL = '', cellSpecifier = ''] = specifier.slice(CELL_IMPORT_PREFIX.length).split(':').map(decodeURIComponent);
    startNewGenerationIfChanged();
    return resolve(cellSpecifier, { ...context, parentURL }, nextResolve);
  }
  return withGeneration(await resolveTypeScript(specifier, context, nextResolve));
}

async function resolveTypeScript(specifier: string, context: ResolveContext, nextResolve: NextResolve): Promise<ResolveResult> {
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

/** Compiles a TypeScript module's source to an ES module with an inline source map naming `url` as its source. */
export function compileTypeScript(source: string, url: string): LoadResult {
  const { code } = transformSync(source, { loader: 'ts', format: 'esm', target: 'node20', sourcemap: 'inline', sourcefile: url });
  return { format: 'module', source: code, shortCircuit: true };
}

/**
 * The source of a TypeScript module as a program runs it: an experiment (`.ml.ts`) loaded as a module — by a tracked
 * run, Run File as Script or another module's import — runs without its scratch cells. The cell kernel never loads
 * the experiment this way: it compiles each cell on its own (cellCompiler.ts), scratch cells included.
 */
export function moduleSource(file: string): string {
  const text = readFileSync(file, 'utf8');
  return file.endsWith('.ml.ts') ? withoutScratchCells(text) : text;
}

export async function load(url: string, context: object, nextLoad: NextLoad): Promise<LoadResult> {
  if (!isTypeScriptUrl(url)) return nextLoad(url, context);
  const file = fileURLToPath(url);
  if (isLocalModule(url)) loadedLocal.set(file, fileStamp(file));
  return compileTypeScript(moduleSource(file), pathToFileURL(file).href);
}
