// Which module implements each `mlts` subcommand, and loading it only when that command runs. Built, each command
// is its own bundle beside dist/cli.js (`cli-check.js`, …, made by scripts/build.mjs), loaded with a V8 code cache
// keyed by the content hash the build writes to `cli-bundles.json`. When main.ts itself runs from source (tsx),
// the command's TypeScript module is required directly.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { requireWithCodeCache, writePendingCodeCaches } from './codeCache';

export interface CommandModules {
  check: typeof import('./checkCommand');
  run: typeof import('./runCommand');
  runs: typeof import('./runsCommand');
  ui: typeof import('./uiCommand');
  export: typeof import('./exportCommand');
}

const SOURCE_MODULES: Record<keyof CommandModules, string> = {
  check: 'checkCommand',
  run: 'runCommand',
  runs: 'runsCommand',
  ui: 'uiCommand',
  export: 'exportCommand',
};

/** The build's manifest: bundle file name → SHA-256 of its content. */
export const BUNDLE_MANIFEST = 'cli-bundles.json';

function bundleHashes(): Record<string, string> {
  try {
    return JSON.parse(readFileSync(join(__dirname, BUNDLE_MANIFEST), 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}

export function loadCommand<K extends keyof CommandModules>(name: K): CommandModules[K] {
  if (__filename.endsWith('.ts')) return createRequire(__filename)(join(__dirname, SOURCE_MODULES[name])) as CommandModules[K];
  const bundle = `cli-${name}.js`;
  return requireWithCodeCache(join(__dirname, bundle), bundleHashes()[bundle]) as CommandModules[K];
}

/** Writes code caches for the bundles this run compiled from scratch; call once the command has finished. */
export function writeCommandCaches(): void {
  writePendingCodeCaches();
}
