// How the kernel writes stack traces: deep enough that a user's frames survive an error thrown deep inside tfjs,
// and with library frames pointing at files that exist. V8 keeps 10 frames by default and one failing tfjs op
// spends them all inside the engine, so the kernel raises `Error.stackTraceLimit`. Node's own source-map support
// maps tfjs's bundles to the sources they were built from (`<cwd>/tfjs-core/src/util_base.ts`), which are not
// shipped; the kernel's `Error.prepareStackTrace` applies a source map only when the file it names exists, and
// otherwise keeps the bundle's own line, which a click can open.
// Cell scripts are left as V8 names them: cellCompiler.ts maps those from its own registry. This module reads call
// sites only when a stack is first read, so it costs nothing while no error is inspected.
import { existsSync } from 'node:fs';
import { findSourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Enough frames for tfjs's engine, the layers API and several levels of user helpers. */
export const KERNEL_STACK_TRACE_LIMIT = 100;

/** Whether a frame's file belongs to a library or to Node itself rather than to the user's code. */
export function isLibraryFile(file: string): boolean {
  return file.startsWith('node:') || /[\\/]node_modules[\\/]/.test(file);
}

/** A source file named by a source map, as a path, when it exists on disk. */
function existingSource(source: string | undefined): string | undefined {
  if (!source) return undefined;
  try {
    const path = source.startsWith('file:') ? fileURLToPath(source) : source;
    return existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

const existsCache = new Map<string, string | undefined>();

/** The location `file:line:col` (1-based) a call site should show: its source-mapped place when that file exists. */
export function mappedLocation(file: string, line: number, column: number, isCellScript: (file: string) => boolean): string {
  const generated = `${file}:${line}:${column}`;
  if (isCellScript(file) || file.startsWith('node:')) return generated;
  let map;
  try {
    map = findSourceMap(file);
  } catch {
    return generated;
  }
  if (!map) return generated;
  const entry = map.findEntry(line - 1, column - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number };
  if (entry.originalSource === undefined || entry.originalLine === undefined || entry.originalColumn === undefined) return generated;
  if (!existsCache.has(entry.originalSource)) existsCache.set(entry.originalSource, existingSource(entry.originalSource));
  const source = existsCache.get(entry.originalSource);
  return source ? `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}` : generated;
}

/** Installs the kernel's stack depth and stack text format. */
export function installStackTraces(isCellScript: (file: string) => boolean): void {
  Error.stackTraceLimit = KERNEL_STACK_TRACE_LIMIT;
  Error.prepareStackTrace = (error: Error, callSites: NodeJS.CallSite[]) => {
    const head = formatErrorHead(error);
    const lines = callSites.map((site) => {
      const text = site.toString();
      const file = site.getFileName() ?? site.getScriptNameOrSourceURL();
      const line = site.getLineNumber();
      const column = site.getColumnNumber();
      if (!file || line === null || column === null) return `    at ${text}`;
      const generated = `${file}:${line}:${column}`;
      const mapped = mappedLocation(file, line, column, isCellScript);
      return `    at ${mapped === generated ? text : text.replace(generated, mapped)}`;
    });
    return [head, ...lines].join('\n');
  };
}

function formatErrorHead(error: Error): string {
  try {
    return Error.prototype.toString.call(error);
  } catch {
    return 'Error';
  }
}
