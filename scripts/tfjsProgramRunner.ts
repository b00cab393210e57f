// Runs an instrumented `.ml.ts` program for real in this process, on tfjs 4.22's cpu backend: the two tools that hold
// the shape analysis to tfjs (`verifyShapeFixtures.mjs`, which proves fixture carets, and `shapeOracle.ts`, which
// compares every tensor expression of a run with the analysis) share it. It knows how to set tfjs up, how to find the
// statement an `// expect-error` line marks (so that a tool can wrap it in try/catch), and how to compile and import a
// program whose `import * as tf from '@tensorflow/tfjs'` is bound to this process's tfjs, so that probes compare
// values with `instanceof tf.Tensor`. What to instrument and what to conclude is each tool's own business.

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import * as esbuild from 'esbuild';
import * as tf from '@tensorflow/tfjs';

/** The one import the programs start with; it is rebound to this process's tfjs. */
export const TF_IMPORT_RE = /^import \* as tf from '@tensorflow\/tfjs';/m;

/** Selects the cpu backend once and silences its "install tfjs-node" banner and debug checks. */
export async function setUpTfjsCpu(): Promise<typeof tf> {
  process.setSourceMapsEnabled(true);
  Error.stackTraceLimit = Infinity; // tfjs throws from deep inside; keep the program's frame.
  await tf.setBackend('cpu');
  await tf.ready();
  (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
  tf.env().set('DEBUG', false);
  return tf;
}

export function isStatementInList(node: ts.Node): node is ts.Statement {
  return ts.isStatement(node) && node.parent !== undefined &&
    (ts.isBlock(node.parent) || ts.isSourceFile(node.parent) || ts.isCaseClause(node.parent) || ts.isDefaultClause(node.parent));
}

/** The outermost statement in a statement list that starts on the 0-based `line`. */
export function statementStartingOn(sf: ts.SourceFile, line: number): ts.Statement | undefined {
  let found: ts.Statement | undefined;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (isStatementInList(node) && sf.getLineAndCharacterOfPosition(node.getStart(sf)).line === line) {
      found = node;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

export interface RunOptions {
  /** The program's own path: source maps and stack traces name it. */
  file: string;
  /** A scratch folder for the compiled module. */
  tmpDir: string;
  /** The working directory while the program runs (the corpus reads `data/` relative to its folder). */
  cwd?: string;
  /** Keeps the program's console output (off by default: tfjs's summaries and prints are not the point). */
  showOutput?: boolean;
}

let runs = 0;

/**
 * Compiles `instrumented` (TypeScript, lines kept as in `file`) with esbuild, binds its tfjs import to this process's
 * tfjs and imports it, awaiting its top-level awaits. Returns what it threw, or undefined when it ran to the end.
 */
export async function runProgram(instrumented: string, options: RunOptions): Promise<unknown> {
  const g = globalThis as unknown as { __mltsProgramTf: typeof tf };
  g.__mltsProgramTf = tf;
  const patched = instrumented.replace(TF_IMPORT_RE, 'const tf = globalThis.__mltsProgramTf;');
  const saved = { log: console.log, info: console.info, warn: console.warn };
  const previousCwd = process.cwd();
  const quiet = (): void => {};
  if (!options.showOutput) console.log = console.info = quiet;
  // tfjs warns about slow initializers and the like.
  console.warn = quiet;
  try {
    if (options.cwd) process.chdir(options.cwd);
    const out = esbuild.transformSync(patched, { loader: 'ts', format: 'esm', target: 'es2022', sourcemap: 'inline', sourcefile: options.file });
    // A fresh name per run: Node caches modules by URL.
    const outFile = path.join(options.tmpDir, `${runs++}-${path.basename(options.file).replace(/\.[cm]?[jt]s$/, '') + '.mjs'}`);
    fs.writeFileSync(outFile, out.code);
    await import(pathToFileURL(outFile).href);
    return undefined;
  } catch (e) {
    return e ?? new Error('the program threw undefined');
  } finally {
    process.chdir(previousCwd);
    Object.assign(console, saved);
  }
}

/** `file:line` of the innermost stack frame in `file` (source maps on), for messages. */
export function frameIn(error: unknown, file: string): string {
  const frame = String((error as Error | undefined)?.stack ?? '').split('\n').find((l) => l.includes(path.basename(file))) ?? '';
  const line = /:(\d+):\d+\)?$/.exec(frame.trim());
  return line ? line[1] : '?';
}
