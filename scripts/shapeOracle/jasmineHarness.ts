// Lets the shape oracle run real tfjs code that nobody in this project wrote: the jasmine specs that
// `@tensorflow/tfjs-core` ships in `dist/` (`ops/add_test.js`, ...). Those files import tfjs by a relative path
// (`'../index'`), their helpers from `'../jasmine_util'` and `'../test_util'`, and register specs with
// `describeWithFlags`/`it`. This module rebinds those imports to this process's tfjs and to a small jasmine stand-in,
// then runs every spec that applies to the cpu backend, each in its own tfjs scope, catching what it throws.
//
// The stand-in checks nothing: the oracle wants the shapes the code makes, not the specs' verdicts, so matchers and
// `expectArraysClose` accept anything. What it must get right is control flow: `describe` bodies run at once,
// specs run after the file's body, and a function handed to `expect(f).toThrowError()` is called (its probes run)
// with its exception caught, as jasmine does. It does not instrument or compare anything.

import path from 'node:path';
import ts from 'typescript';
import type * as tfType from '@tensorflow/tfjs';

/** The global the rewritten imports of a spec file read the stand-in from. */
const HARNESS_GLOBAL = '__mltsJasmine';
/** The global `runProgram` binds this process's tfjs to. */
const TF_GLOBAL = '__mltsProgramTf';

/** A spec that threw: its name and the 0-based line of its innermost frame in the file, when there is one. */
export interface SpecFailure {
  name: string;
  line?: number;
  message: string;
}

export interface SpecRun {
  specs: number;
  skippedSuites: number;
  failures: SpecFailure[];
}

/** True for the spec files this harness runs. */
export function isJasmineSpecFile(file: string): boolean {
  return file.endsWith('_test.js');
}

interface Spec {
  name: string;
  fn: (done?: unknown) => unknown;
  before: Array<() => unknown>;
  after: Array<() => unknown>;
}

interface Suite {
  before: Array<() => unknown>;
  after: Array<() => unknown>;
}

interface TestEnv {
  name: string;
  backendName: string;
  flags: Record<string, unknown>;
  isDataSync: boolean;
}

interface Constraints {
  flags?: Record<string, unknown>;
  predicate?: (env: TestEnv) => boolean;
}

/** Calls `fn`, supporting jasmine's `done` callback style, and waits for it. */
async function callSpecFunction(fn: (done?: unknown) => unknown): Promise<void> {
  if (fn.length === 0) {
    await fn();
    return;
  }
  await new Promise<void>((resolve, reject) => {
    const done = Object.assign(() => resolve(), { fail: (e?: unknown) => reject(e instanceof Error ? e : new Error(String(e))) });
    Promise.resolve(fn(done)).catch(reject);
  });
}

/** A matcher object on which every matcher passes; throw matchers call their function (jasmine does) and catch. */
function matchers(actual: unknown): unknown {
  const callCaught = (): unknown => {
    if (typeof actual === 'function') {
      try {
        const out = (actual as () => unknown)();
        if (out instanceof Promise) return out.then(() => undefined, () => undefined);
      } catch {
        // What the spec expected.
      }
    } else if (actual instanceof Promise) return actual.then(() => undefined, () => undefined);
    return undefined;
  };
  return new Proxy({}, {
    get(_target, key) {
      if (key === 'not') return matchers(actual);
      if (key === 'then') return undefined;
      if (typeof key !== 'string') return undefined;
      if (/^(toThrow|toBeRejected|toBeResolved)/.test(key)) return callCaught;
      // Only matcher names answer: anything else (`data`, `dataSync`) would make this object pass tfjs's
      // duck-typed `instanceof Tensor`.
      return key.startsWith('to') || key === 'nothing' ? () => undefined : undefined;
    },
  });
}

/** A stand-in for jasmine's `spyOn`/`jasmine.createSpy`: a function that records nothing and returns undefined. */
function spy(original?: unknown): unknown {
  let impl = typeof original === 'function' ? original : () => undefined;
  const fn = (...args: unknown[]) => (impl as (...a: unknown[]) => unknown)(...args);
  const and = {
    callThrough: () => fn,
    returnValue: (v: unknown) => ((impl = () => v), fn),
    callFake: (f: unknown) => ((impl = f as () => unknown), fn),
    throwError: (e: unknown) => ((impl = () => { throw e; }), fn),
  };
  return Object.assign(fn, { and, calls: { count: () => 0, all: () => [], mostRecent: () => ({ args: [] }), reset: () => undefined, argsFor: () => [] } });
}

const encoder = new TextEncoder();
function encodeStrings(a: unknown): unknown {
  return Array.isArray(a) ? a.map(encodeStrings) : typeof a === 'string' ? encoder.encode(a) : a;
}

/**
 * Installs the stand-in for one file: the globals jasmine defines and the exports of `jasmine_util` and `test_util`.
 * The file's last line (added by `prepareSpecFile`) runs the specs it registered; `result()` then says how that
 * went. `uninstall()` removes the globals again.
 */
export function installJasmine(tf: typeof tfType, file: string): { result: () => SpecRun | undefined; uninstall: () => void } {
  const specs: Spec[] = [];
  const suites: Suite[] = [{ before: [], after: [] }];
  let skippedSuites = 0;
  const testEnv: TestEnv = { name: 'cpu', backendName: 'cpu', flags: {}, isDataSync: true };
  const current = () => suites[suites.length - 1];

  const describe = (_name: string, body: () => void) => {
    suites.push({ before: [...current().before], after: [...current().after] });
    try {
      body();
    } finally {
      suites.pop();
    }
  };
  const applies = (c: Constraints | undefined): boolean => {
    if (c?.predicate && !c.predicate(testEnv)) return false;
    for (const [flag, value] of Object.entries(c?.flags ?? {})) {
      let actual: unknown;
      try {
        actual = tf.env().get(flag);
      } catch {
        actual = undefined;
      }
      if (actual !== value) return false;
    }
    return true;
  };
  const describeWithFlags = (name: string, constraints: Constraints, body: (env: TestEnv) => void) => {
    if (!applies(constraints)) {
      skippedSuites++;
      return;
    }
    describe(name, () => body(testEnv));
  };
  const it = (name: string, fn: Spec['fn']) => {
    specs.push({ name, fn, before: [...current().before], after: [...current().after] });
  };
  const globals: Record<string, unknown> = {
    describe,
    fdescribe: describe,
    xdescribe: () => undefined,
    it,
    fit: it,
    xit: () => undefined,
    beforeEach: (fn: () => unknown) => current().before.push(fn),
    afterEach: (fn: () => unknown) => current().after.unshift(fn),
    beforeAll: (fn: () => unknown) => current().before.push(fn),
    afterAll: () => undefined,
    expect: matchers,
    expectAsync: matchers,
    spyOn: (obj: Record<string, unknown>, key: string) => (obj[key] = spy(obj[key])),
    pending: () => undefined,
    fail: (e?: unknown) => {
      throw e instanceof Error ? e : new Error(String(e ?? 'fail()'));
    },
    jasmine: {
      createSpy: () => spy(),
      any: () => ({}),
      anything: () => ({}),
      objectContaining: () => ({}),
      arrayContaining: () => ({}),
      DEFAULT_TIMEOUT_INTERVAL: 5000,
    },
  };
  const exported: Record<string, unknown> = {
    describeWithFlags,
    ALL_ENVS: {},
    NODE_ENVS: { flags: { IS_NODE: true } },
    BROWSER_ENVS: { flags: { IS_BROWSER: true } },
    CHROME_ENVS: { flags: { IS_CHROME: true } },
    SYNC_BACKEND_ENVS: { predicate: (env: TestEnv) => env.isDataSync },
    HAS_WORKER: { predicate: () => false },
    HAS_NODE_WORKER: { predicate: () => false },
    TEST_EPSILON_FLOAT16: 1e-1,
    testEpsilon: () => 1e-3,
    expectArraysClose: () => undefined,
    expectArraysEqual: () => undefined,
    expectNumbersClose: () => undefined,
    expectValuesInRange: () => undefined,
    expectArrayBuffersEqual: () => undefined,
    expectPromiseToFail: (fn: () => Promise<unknown>, done: () => void) => void fn().then(done, done),
    encodeStrings,
  };
  const g = globalThis as Record<string, unknown>;
  const saved = new Map(Object.keys(globals).map((k) => [k, g[k]]));
  Object.assign(g, globals);
  g[HARNESS_GLOBAL] = exported;

  const run = async (): Promise<SpecRun> => {
    const failures: SpecFailure[] = [];
    for (const spec of specs) {
      tf.engine().startScope();
      try {
        for (const fn of spec.before) await callSpecFunction(fn);
        await callSpecFunction(spec.fn);
        for (const fn of spec.after) await callSpecFunction(fn);
      } catch (e) {
        failures.push({ name: spec.name, line: innermostLine(e, file), message: String((e as Error)?.message ?? e).split('\n')[0] });
      } finally {
        tf.engine().endScope();
      }
    }
    return { specs: specs.length, skippedSuites, failures };
  };
  let result: SpecRun | undefined;
  exported.runSpecs = async () => {
    result = await run();
  };
  const uninstall = () => {
    for (const [k, v] of saved) g[k] = v;
    delete g[HARNESS_GLOBAL];
  };
  return { result: () => result, uninstall };
}

/** The 0-based line of the innermost frame of `error` in `file` (source maps on), if any. */
function innermostLine(error: unknown, file: string): number | undefined {
  const frame = String((error as Error | undefined)?.stack ?? '').split('\n').find((l) => l.includes(path.basename(file)));
  const m = frame ? /:(\d+):\d+\)?$/.exec(frame.trim()) : null;
  return m ? Number(m[1]) - 1 : undefined;
}

/** Where a relative import of a spec file points: tfjs's public entry, the jasmine helpers, or something else. */
function importTarget(file: string, specifier: string): 'tf' | 'harness' | 'other' {
  if (!specifier.startsWith('.')) return specifier.startsWith('@tensorflow/tfjs') ? 'tf' : 'other';
  const resolved = path.resolve(path.dirname(file), specifier).split(path.sep).join('/');
  if (/\/dist(\/index(\.js)?)?$/.test(resolved)) return 'tf';
  if (/\/dist\/(jasmine_util|test_util)(\.js)?$/.test(resolved)) return 'harness';
  return 'other';
}

/**
 * Rewrites the import declarations of an (instrumented) spec file so that it runs against this process's tfjs and
 * the stand-in, keeping every line where it was, and appends the call that runs its specs. An import of one of
 * tfjs-core's internal modules is bound to tfjs when tfjs exports every name it imports (`import {tensor1d} from
 * './tensor1d'`); otherwise the file cannot run here and the reason is returned instead.
 */
export function prepareSpecFile(file: string, text: string, tf: typeof tfType): { text: string } | { skip: string } {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const edits: Array<{ start: number; end: number; text: string }> = [];
  for (const statement of sf.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const specifier = statement.moduleSpecifier.text;
    const clause = statement.importClause;
    const target = importTarget(file, specifier);
    const source = target === 'harness' ? `globalThis.${HARNESS_GLOBAL}` : `globalThis.${TF_GLOBAL}`;
    let replacement = '';
    if (clause?.isTypeOnly) replacement = '';
    else if (clause?.name) return { skip: `default import from '${specifier}'` };
    else if (clause?.namedBindings && ts.isNamespaceImport(clause.namedBindings)) {
      if (target !== 'tf') return { skip: `namespace import of '${specifier}', which is not tfjs's public entry` };
      replacement = `const ${clause.namedBindings.name.text} = ${source};`;
    } else if (clause?.namedBindings && ts.isNamedImports(clause.namedBindings)) {
      const elements = clause.namedBindings.elements.filter((e) => !e.isTypeOnly);
      if (target === 'other') {
        const missing = elements.map((e) => (e.propertyName ?? e.name).text).filter((n) => !(n in tf));
        if (missing.length > 0) return { skip: `'${specifier}' exports ${missing.join(', ')}, which tfjs's public API does not` };
      }
      const names = elements.map((e) => (e.propertyName ? `${e.propertyName.text}: ${e.name.text}` : e.name.text));
      replacement = names.length > 0 ? `const { ${names.join(', ')} } = ${source};` : '';
    } else if (target === 'other') return { skip: `side-effect import of '${specifier}'` };
    const original = text.slice(statement.getStart(sf), statement.getEnd());
    const newlines = (original.match(/\n/g) ?? []).length;
    edits.push({ start: statement.getStart(sf), end: statement.getEnd(), text: replacement + '\n'.repeat(newlines) });
  }
  let out = text;
  for (const e of edits.reverse()) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  // The shipped files map themselves to tfjs's TypeScript sources, which are not installed; frames must name the
  // file that ran, at its own lines.
  out = out.replace(/^\/\/# sourceMappingURL=.*$/m, '');
  return { text: `${out}\n;await globalThis.${HARNESS_GLOBAL}.runSpecs();\n` };
}

export { HARNESS_GLOBAL };
