// Installs and starts code-server 4.100.3 (VS Code 1.100.3, the last release that runs on Node 20), the real
// VS Code that the end-to-end tests and `npm start` run mlts in. Installing applies the four fixes this
// environment needs (see DEVELOPERS.md): a local install into a gitignored cache, the native build packages
// (installed by .ci/run), `npm_config_yes=true`, and a ripgrep download cache seeded with Debian's `rg`, since
// @vscode/ripgrep would otherwise fetch a binary from outside the npm registry. Starting installs mlts's .vsix
// into fresh user-data and extensions directories and serves one folder on 127.0.0.1 with `--auth none`.
// Nothing here drives a browser; test/e2e/harness/workbench.ts does.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';
/** The @vscode/ripgrep versions whose download cache is seeded, and the ripgrep release each one asks for. */
const RIPGREP_CACHES = [
  { pkg: '1.15.11', release: 'v13.0.0-10' },
  { pkg: '1.15.10', release: 'v13.0.0-10' },
  { pkg: '1.15.9', release: 'v13.0.0-10' },
];

export const repoRoot = resolve(__dirname, '..');
export const defaultCacheDir = join(repoRoot, '.cache', 'code-server');

/** Path of code-server's entry script inside the cache, whether or not it is installed yet. */
export function codeServerEntry(cacheDir = defaultCacheDir): string {
  return join(cacheDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

function isInstalled(cacheDir: string): boolean {
  const marker = join(cacheDir, 'installed.json');
  if (!existsSync(marker) || !existsSync(codeServerEntry(cacheDir))) return false;
  try {
    return JSON.parse(readFileSync(marker, 'utf8')).version === CODE_SERVER_VERSION;
  } catch {
    return false;
  }
}

function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Packs Debian's rg into the tarball @vscode/ripgrep's postinstall looks for before it tries to download. */
function seedRipgrepCache(): void {
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

export function ensureCodeServer({ cacheDir = defaultCacheDir, log = console.error as (line: string) => void } = {}): string {
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


/** User settings that keep the workbench quiet and deterministic for tests. */
export const TEST_USER_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'git.enabled': false,
  'typescript.disableAutomaticTypeAcquisition': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'never',
  'security.workspace.trust.emptyWindow': false,
  'editor.hover.delay': 200,
  'window.restoreWindows': 'none',
  'files.hotExit': 'off',
};

export interface CodeServerOptions {
  /** The folder the workbench opens. */
  folder: string;
  /** The packaged extension to install; omit to start without mlts. */
  vsix?: string;
  /** false leaves Workspace Trust on, so the folder opens in restricted mode; true disables it (trusted). */
  trusted: boolean;
  /** Extra user settings merged over TEST_USER_SETTINGS. */
  settings?: Record<string, unknown>;
  /** Called with each line code-server prints; useful when a test fails. */
  log?: (line: string) => void;
  /** Port to bind; 0 or absent picks a free one. */
  port?: number;
  /** Keep the user-data directory after stop (for `npm start`). */
  keepData?: boolean;
}

export interface RunningCodeServer {
  url: string;
  /** The URL that opens `folder` in the workbench. */
  folderUrl: string;
  userDataDir: string;
  extensionsDir: string;
  /** Everything code-server printed so far. */
  logs(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function installExtension(entry: string, vsix: string, env: NodeJS.ProcessEnv, dirs: { user: string; ext: string; config: string }): void {
  const r = spawnSync(
    process.execPath,
    [entry, '--config', dirs.config, '--user-data-dir', dirs.user, '--extensions-dir', dirs.ext, '--install-extension', vsix, '--force'],
    { encoding: 'utf8', env, timeout: 120_000 },
  );
  if (r.status !== 0) throw new Error(`installing ${vsix} into code-server failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
}

export async function startCodeServer(options: CodeServerOptions): Promise<RunningCodeServer> {
  const entry = ensureCodeServer({ log: options.log ?? (() => undefined) });
  const base = mkdtempSync(join(tmpdir(), 'mlts-cs-'));
  const dirs = { user: join(base, 'user-data'), ext: join(base, 'extensions'), config: join(base, 'config.yaml') };
  mkdirSync(join(dirs.user, 'User'), { recursive: true });
  mkdirSync(dirs.ext, { recursive: true });
  writeFileSync(dirs.config, 'auth: none\ncert: false\n');
  writeFileSync(join(dirs.user, 'User', 'settings.json'), JSON.stringify({ ...TEST_USER_SETTINGS, ...options.settings }, null, 2));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    XDG_CONFIG_HOME: join(base, 'xdg-config'),
    XDG_DATA_HOME: join(base, 'xdg-data'),
    PASSWORD: undefined,
    VSCODE_IPC_HOOK_CLI: undefined,
  };
  if (options.vsix) installExtension(entry, options.vsix, env, dirs);

  const port = options.port || (await freePort());
  const args = [
    entry,
    '--config', dirs.config,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--user-data-dir', dirs.user,
    '--extensions-dir', dirs.ext,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
  ];
  if (options.trusted) args.push('--disable-workspace-trust');
  args.push(options.folder);

  const child: ChildProcess = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const onData = (chunk: Buffer) => {
    const text = chunk.toString();
    output += text;
    for (const line of text.split('\n')) if (line.trim()) options.log?.(line);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);

  const url = `http://127.0.0.1:${port}`;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not start within 60 s:\n${output}`)), 60_000);
    const check = () => {
      if (/HTTP server listening on/.test(output)) {
        clearTimeout(timer);
        child.stdout?.off('data', check);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited with ${code} before listening:\n${output}`));
    });
    check();
  });

  return {
    url,
    folderUrl: `${url}/?folder=${encodeURIComponent(options.folder)}`,
    userDataDir: dirs.user,
    extensionsDir: dirs.ext,
    logs: () => output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      if (!options.keepData) rmSync(base, { recursive: true, force: true });
    },
  };
}
