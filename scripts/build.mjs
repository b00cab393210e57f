// Builds every bundle with esbuild: the extension host, the language server, the CLI, the runtime that runs
// inside user processes (kernel, scripts, training runs) and the webviews. `--production` minifies and drops
// source maps; `--watch` rebuilds on change. Bundles go to dist/, which is what the .vsix ships.
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { typescriptAsEsm } from './typescriptAsEsm.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  logLevel: 'warning',
  absWorkingDir: root,
  legalComments: 'none',
};

const node = { ...common, platform: 'node', target: 'node20' };

function entries(dir, pattern) {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs)
    .filter((f) => pattern.test(f))
    .map((f) => join(dir, f));
}

/** `mlts` subcommand → its source module in cli/src; dist/cli-<command>.js is built from each. */
const CLI_COMMANDS = { check: 'checkCommand', run: 'runCommand', runs: 'runsCommand', ui: 'uiCommand', export: 'exportCommand' };

/** Writes dist/cli-bundles.json (bundle name → SHA-256) after each build: the key of the CLI's V8 code cache. */
function cliBundleManifest() {
  return {
    name: 'cli-bundle-manifest',
    setup(build) {
      build.onEnd((result) => {
        if (result.errors.length > 0) return;
        const hashes = {};
        for (const out of Object.keys(CLI_COMMANDS).map((c) => `cli-${c}.js`)) {
          hashes[out] = createHash('sha256').update(readFileSync(join(root, 'dist', out))).digest('hex');
        }
        writeFileSync(join(root, 'dist', 'cli-bundles.json'), JSON.stringify(hashes, null, 2) + '\n');
      });
    },
  };
}

/** Each build's options; the `name` is only for the log. */
export const builds = [
  {
    name: 'extension',
    ...node,
    format: 'cjs',
    entryPoints: ['extension/src/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
  },
  {
    // TypeScript-dependent helpers, loaded by the extension on first use (see typescriptToolsLoader.ts).
    name: 'extension-typescript-tools',
    ...node,
    format: 'cjs',
    entryPoints: ['extension/src/typescriptTools.ts'],
    outfile: 'dist/typescriptTools.js',
  },
  {
    // The TypeScript server plugin lives where VS Code resolves an extension's plugins: its node_modules.
    name: 'typescript-plugin',
    ...node,
    format: 'cjs',
    entryPoints: ['extension/tsPlugin/index.ts'],
    outfile: 'node_modules/mlts-typescript-plugin/index.js',
  },
  {
    name: 'server',
    ...node,
    format: 'cjs',
    entryPoints: ['server/src/lsp/server.ts'],
    outfile: 'dist/server.js',
    plugins: [typescriptAsEsm()],
  },
  {
    // Only the dispatcher: each subcommand is a bundle of its own (below), loaded when that command runs.
    name: 'cli',
    ...node,
    format: 'cjs',
    entryPoints: ['cli/src/main.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    // The subcommands (names as in cli/src/commandModules.ts). Always minified: every start reads the whole bundle,
    // and the TypeScript compiler inside is megabytes (the linked source map still maps stack traces).
    name: 'cli-commands',
    ...node,
    format: 'cjs',
    minify: true,
    entryPoints: Object.entries(CLI_COMMANDS).map(([out, source]) => ({ in: `cli/src/${source}.ts`, out: `cli-${out}` })),
    outdir: 'dist',
    plugins: [typescriptAsEsm(), cliBundleManifest()],
  },
  {
    // Runtime code runs in the user's processes as ES modules (module.register needs a URL); esbuild stays a
    // real dependency there because it compiles the user's TypeScript at run time.
    name: 'runtime',
    ...node,
    format: 'esm',
    entryPoints: [...entries('runtime/src', /^(runScript|tsLoaderHooks)\.ts$/), ...[...entries('runtime/src/kernel', /^kernel(Main|Worker)\.ts$/), ...entries('runtime/src/runner', /^run(Process|LoaderHooks|Watchdog)\.ts$/)].map((f) => ({ in: f, out: f.replace(/^.*[\\/]|\.ts$/g, '') }))],
    outdir: 'dist/runtime',
    outExtension: { '.js': '.mjs' },
    external: ['esbuild', '@tensorflow/*'],
  },
  {
    name: 'webviews',
    ...common,
    platform: 'browser',
    target: 'es2022',
    format: 'esm',
    entryPoints: entries('webviews/src', /^[a-zA-Z]+Panel\.ts$/),
    outdir: 'dist/webviews',
  },
].filter((b) => b.entryPoints.length > 0);

/** Files the webviews load as they are (not bundled): copied into dist/webviews. */
const webviewAssets = ['node_modules/uplot/dist/uPlot.min.css'];

function copyWebviewAssets() {
  mkdirSync(join(root, 'dist', 'webviews'), { recursive: true });
  for (const asset of webviewAssets) copyFileSync(join(root, asset), join(root, 'dist', 'webviews', asset.split('/').pop()));
}

/** The plugin package's manifest and the declarations it adds (its code is bundled by the build above). */
function writeTypescriptPluginPackage() {
  const dir = join(root, 'node_modules', 'mlts-typescript-plugin');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'mlts-typescript-plugin', version: '0.1.0', private: true, main: 'index.js' }, null, 2));
  copyFileSync(join(root, 'extension', 'tsPlugin', 'mltsGlobals.d.ts'), join(dir, 'mltsGlobals.d.ts'));
}

async function main() {
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  copyWebviewAssets();
  writeTypescriptPluginPackage();
  const started = Date.now();
  if (watch) {
    for (const { name: _name, ...options } of builds) {
      const ctx = await esbuild.context(options);
      await ctx.watch();
    }
    console.log('mlts: watching for changes');
    return;
  }
  await Promise.all(builds.map(({ name: _name, ...options }) => esbuild.build(options)));
  console.log(`mlts: built ${builds.map((b) => b.name).join(', ')} (${production ? 'production' : 'development'}) in ${Date.now() - started} ms`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
