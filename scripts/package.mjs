// `npm run package`: a production build, then a .vsix for this machine's platform (esbuild's native binary
// is platform-specific) at out/mlts.vsix, and a line with its file count and size.
import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const VSIX_PATH = join(root, 'out', 'mlts.vsix');

function vsceTarget() {
  const platform = { linux: 'linux', darwin: 'darwin', win32: 'win32' }[process.platform];
  return platform ? `${platform}-${process.arch}` : undefined;
}

function main() {
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--production'], { stdio: 'inherit' });
  mkdirSync(dirname(VSIX_PATH), { recursive: true });
  const target = vsceTarget();
  const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  const args = [vsce, 'package', '--allow-missing-repository', '--out', VSIX_PATH, ...(target ? ['--target', target] : [])];
  execFileSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  const listing = execFileSync('unzip', ['-Z1', VSIX_PATH], { encoding: 'utf8' }).trim().split('\n');
  const files = listing.filter((f) => !f.endsWith('/'));
  const kib = Math.round(statSync(VSIX_PATH).size / 1024);
  console.log(`mlts: packaged ${VSIX_PATH} for ${target ?? 'any platform'}: ${files.length} files, ${kib} KiB`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
