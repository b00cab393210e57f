// Installs code-server 4.100.3 (VS Code 1.100.3, the last release that runs on Node 20) into a gitignored cache
// directory, so the end-to-end tests and `npm start` run mlts inside a real VS Code without downloading a desktop
// build. It applies the four fixes this environment needs (see DEVELOPERS.md): a local install, the native build
// dependencies (installed by .ci/run), `npm_config_yes=true`, and a ripgrep download cache seeded with Debian's
// `rg`, since @vscode/ripgrep would otherwise fetch a binary from outside the npm registry.
// It does not start code-server; test/e2e/harness/codeServer.ts and scripts/start.mjs do.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, copyFileSync, chmodSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
/** The @vscode/ripgrep versions whose download cache is seeded, and the ripgrep release each one asks for. */
const RIPGREP_CACHES = [
  { pkg: '1.15.11', release: 'v13.0.0-10' },
  { pkg: '1.15.10', release: 'v13.0.0-10' },
  { pkg: '1.15.9', release: 'v13.0.0-10' },
];

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const defaultCacheDir = join(repoRoot, '.cache', 'code-server');

/** Path of code-server's entry script inside the cache, whether or not it is installed yet. */
export function codeServerEntry(cacheDir = defaultCacheDir) {
  return join(cacheDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

function isInstalled(cacheDir) {
  const marker = join(cacheDir, 'installed.json');
  if (!existsSync(marker) || !existsSync(codeServerEntry(cacheDir))) return false;
  try {
    return JSON.parse(readFileSync(marker, 'utf8')).version === CODE_SERVER_VERSION;
  } catch {
    return false;
  }
}

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Packs Debian's rg into the tarball @vscode/ripgrep's postinstall looks for before it tries to download. */
function seedRipgrepCache() {
  const rg = which('rg');
  if (!rg) throw new Error('ripgrep (rg) is not installed; run `apt-get install ripgrep` (done by .ci/run).');
  const staging = join(tmpdir(), 'mlts-rg-staging');
  mkdirSync(staging, { recursive: true });
  copyFileSync(rg, join(staging, 'rg'));
  chmodSync(join(staging, 'rg'), 0o755);
  for (const { pkg, release } of RIPGREP_CACHES) {
    const dir = join(tmpdir(), `vscode-ripgrep-cache-${pkg}`);
    mkdirSync(dir, { recursive: true });
    const tarball = join(dir, `ripgrep-${release}-x86_64-unknown-linux-musl.tar.gz`);
    if (!existsSync(tarball)) execFileSync('tar', ['czf', tarball, '-C', staging, 'rg']);
  }
}

export function ensureCodeServer({ cacheDir = defaultCacheDir, log = console.error } = {}) {
  if (isInstalled(cacheDir)) return codeServerEntry(cacheDir);
  log(`mlts: installing code-server ${CODE_SERVER_VERSION} into ${cacheDir} (once; takes a few minutes)`);
  seedRipgrepCache();
  rmSync(join(cacheDir, 'node_modules'), { recursive: true, force: true });
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(join(cacheDir, 'package.json'), JSON.stringify({ name: 'mlts-code-server-cache', private: true }, null, 2));
  const env = {
    ...process.env,
    npm_config_yes: 'true',
    npm_config_unsafe_perm: 'true',
    // npm 11 blocks dependency install scripts unless allowed; code-server's postinstall builds native modules.
    npm_config_dangerously_allow_all_scripts: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
  const r = spawnSync('npm', ['install', '--no-save', '--no-package-lock', `code-server@${CODE_SERVER_VERSION}`], {
    cwd: cacheDir,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0 || !existsSync(codeServerEntry(cacheDir))) {
    throw new Error(
      `code-server ${CODE_SERVER_VERSION} failed to install (npm exit ${r.status}). It needs Node 20 and the packages ` +
        'libkrb5-dev pkg-config libx11-dev libxkbfile-dev libsecret-1-dev ripgrep build-essential python3 (see .ci/run).',
    );
  }
  writeFileSync(join(cacheDir, 'installed.json'), JSON.stringify({ version: CODE_SERVER_VERSION }));
  return codeServerEntry(cacheDir);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    console.log(ensureCodeServer());
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
