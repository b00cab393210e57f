// The shape oracle: runs a `.ml.ts` program for real (tfjs 4.22, cpu backend, in this process, with the program's
// folder as the working directory), notes the shape of every tensor-valued expression and model it evaluates, and
// compares them with what the static analysis (`analyze`) recorded for the same expressions. `npm run oracle` and
// `test/oracle` use it; see docs/shape-oracle.md. Statements on `// expect-error` lines run inside try/catch, so a
// fixture or example goes on past the bugs it demonstrates; a buggy corpus file is not a program to run.
// It is a development tool: it runs the code it is given, so point it only at programs you trust.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { analyze } from '../../server/src/analysis/index';
import { positionAt } from '../../server/src/analysis/diagnostics';
import { fileSystemHost } from '../../server/src/fileSystemHost';
import { parseFixtureExpectations } from '../../test/unit/fixtureExpectations';
import { runProgram, setUpTfjsCpu, frameIn } from '../tfjsProgramRunner';
import { type Comparison, type ProbeRange, compareShapes } from './compare';
import { type FalseAlarm, findFalseAlarms } from './falseAlarms';
import { realCodeCorpus } from '../../test/support/realCodeCorpus';
import { instrumentForOracle } from './instrument';
import { type SpecRun, installJasmine, isJasmineSpecFile, prepareSpecFile } from './jasmineHarness';
import { Observations } from './observe';

export interface FileReport extends Comparison {
  file: string;
  /** Why the run stopped early, when it did (what ran before still counts). */
  crash?: string;
  /**
   * Whether the program has `// expect-error` lines. Such a program may stop early on a consequence of one of its
   * deliberate bugs (a later line using the value the erroring line never made); any other program must run to the end.
   */
  expectsErrors: boolean;
  /** Errors the analysis reports on lines that ran without throwing (see falseAlarms.ts); judged only when the run ended. */
  falseAlarms: FalseAlarm[];
  /** Problems with the program's markers. */
  problems: string[];
  seconds: number;
  /** For a jasmine spec file (tfjs-core's `*_test.js`): how many specs ran, and those that threw. */
  specs?: SpecRun;
  /** Why the file could not be run here (a spec file importing internals tfjs does not export); nothing was judged. */
  skipped?: string;
}

export interface OracleOptions {
  showOutput?: boolean;
}

let tmpDir: string | undefined;

/** Prepares tfjs and a scratch folder once per process. */
let tfjs: Awaited<ReturnType<typeof setUpTfjsCpu>> | undefined;

async function setUp(): Promise<string> {
  if (tmpDir) return tmpDir;
  tfjs = await setUpTfjsCpu();
  tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlts-shape-oracle-'));
  process.once('exit', () => fs.rmSync(tmpDir as string, { recursive: true, force: true }));
  return tmpDir;
}

const shorten = (text: string): string => {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 60 ? `${flat.slice(0, 57)}...` : flat;
};

export async function runOracle(file: string, options: OracleOptions = {}): Promise<FileReport> {
  const began = performance.now();
  const scratch = await setUp();
  const absolute = path.resolve(file);
  const source = fs.readFileSync(absolute, 'utf8');
  const errorLines = parseFixtureExpectations(source).errors.map((e) => e.line);
  const instrumented = instrumentForOracle(absolute, source, errorLines);

  const analysis = analyze({ fileName: absolute, text: source, host: fileSystemHost });
  const sf = ts.createSourceFile(absolute, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const probes: ProbeRange[] = instrumented.probes.map((p) => ({
    start: positionAt(sf, p.start),
    end: positionAt(sf, p.end),
    text: shorten(source.slice(p.start, p.end)),
  }));

  let program = instrumented.text;
  let jasmine: ReturnType<typeof installJasmine> | undefined;
  if (isJasmineSpecFile(absolute)) {
    const prepared = prepareSpecFile(absolute, program, tfjs as NonNullable<typeof tfjs>);
    if ('skip' in prepared) {
      const none = compareShapes([], new Map(), analysis.recordedShapes());
      return { file, ...none, falseAlarms: [], problems: [], expectsErrors: false, seconds: (performance.now() - began) / 1000, skipped: prepared.skip };
    }
    program = prepared.text;
    jasmine = installJasmine(tfjs as NonNullable<typeof tfjs>, absolute);
  }

  const observations = new Observations();
  observations.install();
  let crash: unknown;
  // A spec that starts a promise it does not await can reject after it ended; that must not end this process.
  const floating: unknown[] = [];
  const onRejection = (e: unknown) => floating.push(e);
  if (jasmine) process.on('unhandledRejection', onRejection);
  try {
    crash = await runProgram(program, { file: absolute, tmpDir: scratch, cwd: path.dirname(absolute), showOutput: options.showOutput });
  } finally {
    jasmine?.uninstall();
    process.off('unhandledRejection', onRejection);
  }
  const specs = jasmine?.result();
  for (const e of floating) specs?.failures.push({ name: '(a promise no spec awaited)', message: String((e as Error)?.message ?? e).split('\n')[0] });
  const comparison = compareShapes(probes, observations.finish(), analysis.recordedShapes());
  const executedLines = new Set([...observations.ran].map((k) => probes[k].start.line));
  // A spec that threw stopped on its line: that line did not run to its end, so an error there is not judged.
  for (const f of specs?.failures ?? []) if (f.line !== undefined) executedLines.delete(f.line);
  const falseAlarms = crash ? [] : findFalseAlarms(sf, analysis.diagnostics, executedLines, new Set(errorLines));
  const seconds = (performance.now() - began) / 1000;
  const report: FileReport = { file, ...comparison, falseAlarms, problems: instrumented.problems, expectsErrors: errorLines.length > 0, seconds, specs };
  if (crash) {
    const e = crash as Error;
    report.crash = `line ${frameIn(crash, absolute)}: ${e.name ?? 'error'}: ${String(e.message ?? crash).split('\n').slice(0, 3).join(' ')}`;
  }
  return report;
}

/** The programs the oracle runs by default: the examples, the shape fixtures and the fixed corpus programs. */
export function defaultPrograms(root: string, corpusDir: string | undefined): string[] {
  const list = (dir: string, keep: (f: string) => boolean): string[] =>
    fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.ml.ts') && keep(f)).sort().map((f) => path.join(dir, f)) : [];
  return [
    ...list(path.join(root, 'examples'), () => true),
    ...list(path.join(root, 'test', 'fixtures', 'shapes'), () => true),
    ...(corpusDir ? list(corpusDir, (f) => f.endsWith('.fixed.ml.ts')) : []),
  ];
}

/**
 * The part of the real-code corpus (test/support/realCodeCorpus.ts) that runs here: the jasmine specs of tfjs-core's
 * ops (`dist/ops/**`). Its other specs register backends and kernels, profile the engine or use the file system and
 * browser storage, which would change the tfjs this process shares with every later program; the models' specs are
 * CommonJS bundles that load weights from the network.
 */
export function realCodePrograms(root: string): string[] {
  return realCodeCorpus(root)
    .flatMap((c) => c.files)
    .filter((f) => isJasmineSpecFile(f) && f.includes('/@tensorflow/tfjs-core/dist/ops/'))
    .map((f) => path.join(root, f));
}
