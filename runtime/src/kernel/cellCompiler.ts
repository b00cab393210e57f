// Turns one cell's TypeScript into a script the inspector's `Runtime.evaluate` (REPL mode) can run, and maps stack
// traces of cell scripts back to `.ml.ts` lines. Steps: esbuild compiles the cell (types stripped, imports kept
// verbatim, so an import only used by later cells survives); static `import … from 'x'` lines become
// `const … = await <kernel>.import('x', fileUrl)` and `import(x)` calls the same loader, so specifiers resolve from
// the `.ml.ts` file's folder; an inline source map (padded so generated lines map to the file's real lines, the
// file's URL as the source, no sourcesContent so debuggers read the file on disk) and a unique `sourceURL` per
// cell run are appended. js-debug reads that map (pauseForSourceMap) to bind breakpoints; V8 does not apply
// source maps to evaluated scripts, so `mapStack` rewrites their frames from the registry kept here.
// Runs on the kernel's main thread. It does not evaluate anything (kernelMain.ts does) and does not resolve modules
// (the loader hooks in tsLoaderHooks.ts do).
// Known limit: the import rewrite reads esbuild's normalized output line by line, so a template literal with a
// line that starts with `import … from "…"` would be rewritten too.
import { transformSync, type TransformFailure } from 'esbuild';
import { SourceMap } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CellError, StackFrame } from './kernelProtocol';
import { isLibraryFile } from './stackTraces';

/** The key of the kernel's helper object on `globalThis` (a symbol, so it never shows as a variable). */
export const KERNEL_GLOBAL_KEY = 'mlts.kernel';
const KERNEL = `globalThis[Symbol.for(${JSON.stringify(KERNEL_GLOBAL_KEY)})]`;

export interface CellSource {
  code: string;
  file: string;
  startLine: number;
  cellId: string;
  runId: number;
}

export interface CompiledCell {
  expression: string;
  scriptUrl: string;
}

/** A compile error placed on the `.ml.ts` file's lines. */
export class CellSyntaxError extends Error {
  constructor(
    message: string,
    readonly frame: StackFrame | undefined,
    readonly lineText = '',
  ) {
    super(message);
    this.name = 'SyntaxError';
  }
}

const TARGET = `node${process.versions.node.split('.')[0]}`;
const STATIC_IMPORT = /^import\s+(?:([\s\S]*?)\s+from\s+)?("(?:[^"\\]|\\.)*")(\s+(?:with|assert)\s*\{[^}]*\})?\s*;?[ \t]*$/gm;
const DYNAMIC_IMPORT = /(?<![\w$.])import\s*\(/g;
const IMPORT_META = /(?<![\w$.])import\.meta\b/g;
const TRAILING_EXPORTS = /^export\s*\{[^}]*\};?\s*$/gm;
const EXPORT_KEYWORD = /^export\s+(?=(?:const|let|var|function|async|class|enum)\b)/gm;

interface CellScript {
  file: string;
  map: SourceMap;
}

/** Every cell script this kernel evaluated, by script URL, so that old functions' frames still map. */
const scripts = new Map<string, CellScript>();

/** Whether a script URL is one of this kernel's cell scripts. */
export const isCellScriptUrl = (url: string): boolean => scripts.has(url);

/** The unique script URL of one cell run: next to the file, so debuggers treat it as workspace code. */
export function cellScriptUrl(file: string, cellId: string, runId: number): string {
  return `${pathToFileURL(file).href}.${encodeURIComponent(cellId)}.run${runId}.js`;
}

/** Starts esbuild's service (about 100 ms the first time) so the first cell does not wait for it. */
export function warmUpCompiler(): void {
  transformSync('', { loader: 'ts' });
}

export function compileCell(cell: CellSource): CompiledCell {
  const fileUrl = pathToFileURL(cell.file).href;
  let result;
  try {
    result = transformSync('\n'.repeat(cell.startLine) + cell.code, {
      loader: 'ts',
      format: 'esm',
      target: TARGET,
      sourcemap: 'external',
      sourcefile: fileUrl,
      sourcesContent: false,
      tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
    });
  } catch (err) {
    throw syntaxError(err as TransformFailure, cell.file);
  }
  const scriptUrl = cellScriptUrl(cell.file, cell.cellId, cell.runId);
  scripts.set(scriptUrl, { file: cell.file, map: new SourceMap(JSON.parse(result.map)) });
  const body = rewriteModuleSyntax(result.code, fileUrl);
  const mapUrl = `data:application/json;base64,${Buffer.from(result.map).toString('base64')}`;
  return { expression: `${body}\n//# sourceMappingURL=${mapUrl}\n//# sourceURL=${scriptUrl}`, scriptUrl };
}

/** Rewrites imports and exports, which a script cannot hold, keeping every line where it was. */
export function rewriteModuleSyntax(code: string, fileUrl: string): string {
  const parent = JSON.stringify(fileUrl);
  return code
    .replace(TRAILING_EXPORTS, '')
    .replace(EXPORT_KEYWORD, '')
    .replace(IMPORT_META, `${KERNEL}.importMeta(${parent})`)
    .replace(DYNAMIC_IMPORT, `${KERNEL}.importFrom(${parent}, `)
    .replace(STATIC_IMPORT, (_all, clause: string | undefined, specifier: string, attributes: string | undefined) => {
      const options = attributes ? `, { with: ${attributes.replace(/^\s*(?:with|assert)\s*/, '')} }` : '';
      const load = `await ${KERNEL}.import(${specifier}, ${parent}${options})`;
      return clause ? `${importBindings(clause, load)};` : `${load};`;
    });
}

/** `D, { a, b as c }` → `const { default: D, a, b: c } = <load>`; `* as ns` → `const ns = <load>`. */
function importBindings(clause: string, load: string): string {
  const namespace = /(?:^|,)\s*\*\s+as\s+([\w$]+)/.exec(clause)?.[1];
  const named = /\{([\s\S]*)\}/.exec(clause)?.[1];
  const defaultName = /^\s*([\w$]+)\s*(?:,|$)/.exec(clause)?.[1];
  const fields: string[] = [];
  if (defaultName) fields.push(`default: ${defaultName}`);
  for (const part of (named ?? '').split(',')) {
    const spec = part.trim();
    if (!spec) continue;
    const [imported, local] = spec.split(/\s+as\s+/);
    fields.push(local ? `${imported}: ${local}` : imported!);
  }
  if (namespace) return fields.length ? `const ${namespace} = ${load}, { ${fields.join(', ')} } = ${namespace}` : `const ${namespace} = ${load}`;
  return `const { ${fields.join(', ')} } = ${load}`;
}

function syntaxError(failure: TransformFailure, file: string): CellSyntaxError {
  const first = failure.errors?.[0];
  if (!first?.location) return new CellSyntaxError(first?.text ?? String(failure), undefined);
  const { line, column, lineText } = first.location;
  return new CellSyntaxError(first.text, { file, line: line - 1, column }, lineText);
}

/** Frames below a cell's own: the inspector call that ran it, or the microtask queue that resumed it. */
const BOTTOM_FRAMES = ['node:inspector', 'node:internal/process/task_queues'];

/** A frame in Node's stack text: `    at name (location)` or `    at location`. */
const FRAME = /^(\s*at (?:async )?)(?:(.*?) \()?((?:file|node|data):[^\s)]*?|[^\s()]+?):(\d+):(\d+)\)?$/;

/**
 * Maps the frames of cell scripts in a stack text to `.ml.ts` lines and drops the kernel's own frames (the
 * inspector call that ran the cell and everything under it). Frames of other files are left as Node printed them.
 */
export function mapStack(stack: string, isKernelFrame: (location: string) => boolean): { stack: string; frames: StackFrame[] } {
  const lines: string[] = [];
  const frames: StackFrame[] = [];
  for (const line of stack.split('\n')) {
    const match = FRAME.exec(line);
    if (!match) {
      if (frames.length === 0) lines.push(line);
      continue;
    }
    const [, prefix, functionName, location, lineText, columnText] = match as unknown as [string, string, string | undefined, string, string, string];
    if (isKernelFrame(location) || BOTTOM_FRAMES.some((prefix) => location.startsWith(prefix))) break;
    const frame = mapFrame(location, Number(lineText) - 1, Number(columnText) - 1);
    if (functionName) frame.functionName = functionName;
    frames.push(frame);
    const where = `${frame.file}:${frame.line + 1}:${frame.column + 1}`;
    lines.push(functionName ? `${prefix}${functionName} (${where})` : `${prefix}${where}`);
  }
  return { stack: lines.join('\n'), frames };
}

function mapFrame(location: string, line: number, column: number): StackFrame {
  const script = scripts.get(location);
  if (script) {
    const entry = script.map.findEntry(line, column);
    if ('originalLine' in entry) return { file: script.file, line: entry.originalLine, column: entry.originalColumn };
    return { file: script.file, line, column };
  }
  const file = location.startsWith('file:') ? fileURLToPath(location) : location;
  return isLibraryFile(file) ? { file, line, column, library: true } : { file, line, column };
}

/** The protocol's error record for a thrown value (an Error or anything else). */
export function describeThrown(thrown: unknown, isKernelFrame: (location: string) => boolean): CellError {
  if (thrown instanceof CellSyntaxError) {
    const { name, message, frame, lineText } = thrown;
    const where = frame ? `\n    at ${frame.file}:${frame.line + 1}:${frame.column + 1}\n    ${lineText}` : '';
    return { name, message, stack: `${name}: ${message}${where}`, frames: frame ? [frame] : [] };
  }
  if (thrown instanceof Error || (typeof thrown === 'object' && thrown !== null && 'stack' in thrown)) {
    const error = thrown as Error;
    const name = String(error.name ?? 'Error');
    const message = String(error.message ?? '');
    const mapped = mapStack(typeof error.stack === 'string' ? error.stack : `${name}: ${message}`, isKernelFrame);
    return { name, message, ...mapped };
  }
  const text = `Uncaught ${typeof thrown === 'string' ? JSON.stringify(thrown) : String(thrown)}`;
  return { name: 'Thrown', message: text, stack: text, frames: [] };
}
