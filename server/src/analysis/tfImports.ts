// Resolves how a file imports TensorFlow.js: `import * as tf from '@tensorflow/tfjs'`, the node
// and GPU packages, default imports, named imports (`import {tensor2d, layers as L}`), and
// `const tf = require(...)` (handled by the `require` global, which calls `tfModuleFor`), and a tfjs
// package's own code importing its public entry by a relative path (tfjs-core's tests: `'../index'`).
// Other imports bind to unknown values. It does not define what the tf functions do.

import * as ts from 'typescript';
import type { Evaluator } from './evaluator';
import type { Scope } from './scope';
import { createTfNamespace } from './tfNamespace';
import { type Value, UNKNOWN } from './values';

const TF_MODULES = /^@tensorflow\/tfjs(-node|-node-gpu|-core|-layers|-data)?$/;

const namespaces = new WeakMap<Evaluator, Value>();

/**
 * The public entry of a tfjs package reached by a relative path from inside that package: tfjs-core's own
 * tests import it as `'../index'`, tfjs-layers' modules as `'@tensorflow/tfjs-core'`. Only the package's
 * entry counts; a relative import of one of its internal modules stays unknown.
 */
const TF_PACKAGE_ENTRY = /(^|\/)node_modules\/@tensorflow\/tfjs(-core|-layers|-data)?\/dist(\/index(\.js)?)?$/;

/** `specifier` resolved against the folder of `fileName`, with `/` separators (the analysis has no file system). */
function resolveRelative(fileName: string, specifier: string): string {
  const parts = fileName.replace(/\\/g, '/').split('/').slice(0, -1);
  for (const part of specifier.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.' && part !== '') parts.push(part);
  }
  return parts.join('/');
}

function isTfModule(ev: Evaluator, specifier: string): boolean {
  if (TF_MODULES.test(specifier)) return true;
  return (specifier === '.' || specifier === '..' || specifier.startsWith('./') || specifier.startsWith('../')) &&
    TF_PACKAGE_ENTRY.test(resolveRelative(ev.fileName, specifier));
}

/** The namespace value for a tfjs module specifier, or undefined when it is not tfjs. */
export function tfModuleFor(ev: Evaluator, specifier: string): Value | undefined {
  if (!isTfModule(ev, specifier)) return undefined;
  let ns = namespaces.get(ev);
  if (!ns) {
    ns = createTfNamespace(ev);
    namespaces.set(ev, ns);
  }
  return ns;
}

export function bindImports(ev: Evaluator, sourceFile: ts.SourceFile, scope: Scope): void {
  for (const statement of sourceFile.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const clause = statement.importClause;
    if (!clause) continue;
    const ns = tfModuleFor(ev, statement.moduleSpecifier.text);
    if (clause.name) scope.declare(clause.name.text, ns ?? UNKNOWN);
    const bindings = clause.namedBindings;
    if (!bindings) continue;
    if (ts.isNamespaceImport(bindings)) {
      scope.declare(bindings.name.text, ns ?? UNKNOWN);
      continue;
    }
    for (const el of bindings.elements) {
      const imported = (el.propertyName ?? el.name).text;
      const value = ns && ns.kind === 'native' ? ns.props?.get(imported) ?? UNKNOWN : UNKNOWN;
      scope.declare(el.name.text, value);
    }
  }
}
