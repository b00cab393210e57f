// Expands the CLI's path arguments into the list of files to check: files as given, directories recursed
// into `*.ml.ts`, `*.ts` and `*.js` (skipping node_modules, dot-folders and `.d.ts`), and glob patterns with
// `*`, `**` and `?` matched against paths relative to the current directory. Only folders found while
// walking are skipped, never the one named: `mlts check node_modules/@tensorflow-models` or
// `'node_modules/@tensorflow-models/*/dist/**/*.js'` checks installed code (the real-code corpus test does).
// Pure file-system walking; it knows nothing of the analysis.
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

const CHECKED_FILE = /\.(?:ts|js|mts|cts|mjs|cjs)$/;
const SKIPPED_DIR = /^(?:node_modules|\..+)$/;

export class FileSetError extends Error {}

function isCheckable(name: string): boolean {
  return CHECKED_FILE.test(name) && !name.endsWith('.d.ts');
}

function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIR.test(entry.name)) walk(full, out);
    } else if (entry.isFile() && isCheckable(entry.name)) {
      out.push(full);
    }
  }
}

/** Converts a glob to a regular expression over `/`-separated relative paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      i++;
      if (glob[i + 1] === '/') {
        i++;
        re += '(?:.*/)?';
      } else {
        re += '.*';
      }
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function globRoot(glob: string): string {
  const parts = glob.split('/');
  const fixed: string[] = [];
  for (const part of parts) {
    if (/[*?]/.test(part)) break;
    fixed.push(part);
  }
  return fixed.join('/') || '.';
}

export function expandFileArgs(args: string[], cwd = process.cwd()): string[] {
  const files = new Set<string>();
  for (const arg of args.length ? args : ['.']) {
    if (/[*?]/.test(arg)) {
      const pattern = globToRegExp(arg.replace(/\\/g, '/').replace(/^\.\//, ''));
      const candidates: string[] = [];
      const root = resolve(cwd, globRoot(arg));
      try {
        walk(root, candidates);
      } catch {
        throw new FileSetError(`cannot read ${root} for pattern ${arg}`);
      }
      const matched = candidates.filter((f) => pattern.test(relative(cwd, f).split(sep).join('/')));
      if (matched.length === 0) throw new FileSetError(`no files match ${arg}`);
      matched.forEach((f) => files.add(f));
      continue;
    }
    const full = resolve(cwd, arg);
    let stat;
    try {
      stat = statSync(full);
    } catch {
      throw new FileSetError(`no such file or directory: ${arg}`);
    }
    if (stat.isDirectory()) {
      const found: string[] = [];
      walk(full, found);
      found.forEach((f) => files.add(f));
    } else {
      files.add(full);
    }
  }
  return [...files].sort();
}
