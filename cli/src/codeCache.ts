// Loads a CommonJS bundle with a V8 code cache, so a CLI start does not compile megabytes of JavaScript (mostly
// the TypeScript parser) again: Node 20 has no `module.enableCompileCache` (22.1+), so this does by hand what it
// does. The first run compiles normally and, once its command is done, writes the bytecode V8 compiled — including
// the functions that ran lazily — to the user's cache directory; later runs hand it to `vm.Script` as `cachedData`.
//
// Safety: the cache file's name holds the bundle's content hash (computed by the build, read from the bundle
// manifest), the Node version and the architecture; V8 itself also rejects data from another V8 version, other V8
// flags or a source of another length, and then the file is simply rewritten. A cache directory that cannot be read
// or written only costs the speed-up. It does not cache bundles without a manifest hash (development under tsx).
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script, constants as vmConstants } from 'node:vm';

/** Where mlts keeps its caches: MLTS_CACHE_DIR, else the platform's per-user cache directory. */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.MLTS_CACHE_DIR) return env.MLTS_CACHE_DIR;
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'mlts', 'Cache');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'mlts');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'mlts');
}

/** A loaded bundle whose code cache is missing or was rejected: written by `writePendingCodeCaches`. */
interface PendingWrite {
  script: Script;
  file: string;
  prefix: string;
}

const pending: PendingWrite[] = [];

/** The file name prefix shared by every cache of one bundle, and the full name for this build of it. */
function cacheNames(bundleFile: string, hash: string): { prefix: string; name: string } {
  const base = bundleFile.replace(/^.*[\\/]/, '').replace(/\.js$/, '');
  const prefix = `${base}-`;
  return { prefix, name: `${prefix}${hash.slice(0, 16)}-${process.version}-${process.arch}.v8cache` };
}

/**
 * Runs a CommonJS bundle like `require` would and returns its exports, using (or later writing) a code cache when
 * `hash` is known and caching is not switched off with MLTS_CODE_CACHE=0.
 */
export function requireWithCodeCache(bundleFile: string, hash: string | undefined): unknown {
  if (!hash || process.env.MLTS_CODE_CACHE === '0') return createRequire(bundleFile)(bundleFile);
  const dir = join(userCacheDir(), 'code-cache');
  const { prefix, name } = cacheNames(bundleFile, hash);
  const cacheFile = join(dir, name);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const source = readFileSync(bundleFile, 'utf8');
  // The same wrapper Node's CommonJS loader puts around a module, so the bundle sees the usual free variables.
  const wrapped = `(function (exports, require, module, __filename, __dirname) { ${source.replace(/^#!.*/, '')}\n})`;
  const script = new Script(wrapped, {
    filename: bundleFile,
    cachedData,
    importModuleDynamically: vmConstants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  } as ConstructorParameters<typeof Script>[1]);
  if (!cachedData || script.cachedDataRejected) pending.push({ script, file: cacheFile, prefix });
  const module = { exports: {} as unknown, filename: bundleFile, id: bundleFile, loaded: false };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, createRequire(bundleFile), module, bundleFile, dirname(bundleFile));
  module.loaded = true;
  return module.exports;
}

/**
 * Writes the code caches that were missing or rejected, now that the command has run and V8 has compiled the
 * functions it needed. Each file is written under a temporary name and renamed, so a concurrent run never reads a
 * torn file; older caches of the same bundle are removed. Failures are ignored: the cache is only an optimisation.
 */
export function writePendingCodeCaches(): void {
  for (const { script, file, prefix } of pending.splice(0)) {
    try {
      const dir = dirname(file);
      mkdirSync(dir, { recursive: true });
      for (const old of readdirSync(dir)) {
        if (old.startsWith(prefix) && old.endsWith('.v8cache') && join(dir, old) !== file) rmSync(join(dir, old), { force: true });
      }
      const temporary = `${file}.${process.pid}.tmp`;
      writeFileSync(temporary, script.createCachedData());
      renameSync(temporary, file);
    } catch {
      // An unwritable cache directory only costs the next start its speed-up.
    }
  }
}
