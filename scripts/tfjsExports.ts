// Enumerates the real public API of the installed `@tensorflow/tfjs` from its type declarations:
// the TypeScript compiler reads `dist/index.d.ts`, follows every `export *` and alias into the
// sub-packages (tfjs-core, tfjs-layers, tfjs-data, ...), and each value export is classified:
//
//   op     a function of tfjs-core that returns tensors (a Tensor, a Variable, a list or a named map
//          of tensors, or a Promise of one), top-level or in an op namespace (`tf.image`,
//          `tf.linalg`, `tf.signal`, `tf.spectral`, `tf.losses`, `tf.sparse`, `tf.string`,
//          `tf.fused`, `tf.browser`, `tf.math`) — plus `tf.metrics.*`, which are tensor functions too;
//   layer  a `tf.layers.*` factory;
//   data   a `tf.data.*` function;
//   other  everything else (classes, `setBackend`, `tf.io`, `tf.train`, kernel-name constants,
//          backend-author namespaces such as `tf.backend_util`): listed, but not counted.
//
// It only reads declarations; whether the analysis models a name is decided in apiCoverage.ts.

import path from 'node:path';
import { createRequire } from 'node:module';
import ts from 'typescript';

export type ExportCategory = 'op' | 'layer' | 'data' | 'other';

export interface TfjsExport {
  /** The path below `tf`, e.g. `['image', 'resizeBilinear']`; printed as `tf.image.resizeBilinear`. */
  path: string[];
  category: ExportCategory;
  /** Why the name is `other` (or which package an op comes from), for the report. */
  note: string;
}

/** Namespaces of tfjs-core whose members are ops. */
const OP_NAMESPACES = new Set(['image', 'linalg', 'signal', 'spectral', 'losses', 'sparse', 'string', 'fused', 'browser', 'math']);
/** Namespaces of helpers for backend and library authors; their members are not user ops. */
const INTERNAL_NAMESPACES = new Set([
  'backend_util', 'broadcast_util', 'device_util', 'gather_util', 'kernel_impls', 'scatter_util', 'serialization', 'slice_util',
  'tensor_util', 'test_util', 'util', 'shared', 'webgl', 'gpgpu_util', 'webgl_util',
]);

const require = createRequire(import.meta.url);

/** The declaration entry of the installed `@tensorflow/tfjs`. */
export function tfjsDeclarationEntry(): string {
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs/package.json')), 'dist', 'index.d.ts');
}

/** The tfjs package (tfjs-core, tfjs-layers, ...) that declares a symbol. */
function packageOf(symbol: ts.Symbol): string {
  const file = symbol.declarations?.[0]?.getSourceFile().fileName ?? '';
  const m = /@tensorflow[\\/](tfjs[\w-]*)[\\/]/.exec(file);
  return m ? m[1] : 'unknown';
}

function resolved(checker: ts.TypeChecker, symbol: ts.Symbol): ts.Symbol {
  return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}

/** True when a type is or holds tensors: Tensor, Variable, Tensor[], NamedTensorMap, {values: Tensor}. */
function holdsTensors(checker: ts.TypeChecker, type: ts.Type, depth = 0): boolean {
  if (depth > 3) return false;
  // Flags rather than the type guards: TypeParameter is structurally a Type, so a guard's false
  // branch would leave TypeScript thinking nothing is left.
  if (type.flags & ts.TypeFlags.TypeParameter) {
    const constraint = (type as ts.TypeParameter).getConstraint();
    return constraint ? holdsTensors(checker, constraint, depth + 1) : false;
  }
  const name = type.aliasSymbol?.getName() ?? type.getSymbol()?.getName() ?? '';
  if (/^(Tensor|Variable|NamedTensorMap|Tensor[1-6]D|Scalar)$/.test(name)) return true;
  // A container of anything (what `tidy` and `profile` hand back) does not make a function an op.
  if (name === 'TensorContainer' || name === 'TensorContainerObject' || name === 'TensorContainerArray') return false;
  if (type.flags & ts.TypeFlags.Union) return (type as ts.UnionType).types.some((t) => holdsTensors(checker, t, depth + 1));
  if (name === 'Promise' || name === 'Array' || checker.isTupleType(type)) {
    const args = checker.getTypeArguments(type as ts.TypeReference);
    return args.some((t) => holdsTensors(checker, t, depth + 1));
  }
  if (type.flags & ts.TypeFlags.Object && type.getCallSignatures().length === 0 && !type.getSymbol()?.valueDeclaration) {
    // An anonymous object literal type such as `{values: Tensor; indices: Tensor}` or `{[name: string]: Tensor}`.
    const indexed = type.getStringIndexType();
    if (indexed && holdsTensors(checker, indexed, depth + 1)) return true;
    return type.getProperties().some((p) => holdsTensors(checker, checker.getTypeOfSymbol(p), depth + 1));
  }
  return false;
}

function returnsTensors(checker: ts.TypeChecker, type: ts.Type): boolean {
  const signatures = type.getCallSignatures();
  return signatures.length > 0 && signatures.some((s) => holdsTensors(checker, s.getReturnType()));
}

function isCallable(type: ts.Type): boolean {
  return type.getCallSignatures().length > 0;
}

/** The members of a namespace export: a module's exports, or the properties of a `const image = {...}`. */
function membersOf(checker: ts.TypeChecker, symbol: ts.Symbol): Array<{ name: string; type: ts.Type; symbol: ts.Symbol }> {
  if (symbol.flags & ts.SymbolFlags.ValueModule) {
    return checker
      .getExportsOfModule(symbol)
      .map((e) => resolved(checker, e))
      .filter((s) => s.flags & ts.SymbolFlags.Value)
      .map((s) => ({ name: s.getName(), type: checker.getTypeOfSymbol(s), symbol: s }));
  }
  const type = checker.getTypeOfSymbol(symbol);
  return type.getProperties().map((p) => ({ name: p.getName(), type: checker.getTypeOfSymbol(p), symbol: p }));
}

function isNamespaceLike(checker: ts.TypeChecker, symbol: ts.Symbol): boolean {
  if (symbol.flags & ts.SymbolFlags.ValueModule) return true;
  if (!(symbol.flags & ts.SymbolFlags.Variable)) return false;
  const type = checker.getTypeOfSymbol(symbol);
  return !isCallable(type) && type.getProperties().length > 0 && type.getProperties().every((p) => isCallable(checker.getTypeOfSymbol(p)));
}

/** Every value export of `@tensorflow/tfjs`, classified, sorted by path. */
export function enumerateTfjsExports(entry = tfjsDeclarationEntry()): TfjsExport[] {
  const program = ts.createProgram([entry], {
    noEmit: true,
    skipLibCheck: true,
    types: [],
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    target: ts.ScriptTarget.ES2022,
    moduleResolution: ts.ModuleResolutionKind.Node10,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error(`cannot read the declarations at ${entry}`);
  const out: TfjsExport[] = [];
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol = resolved(checker, exported);
    if (!(symbol.flags & ts.SymbolFlags.Value)) continue;
    const name = exported.getName();
    const pkg = packageOf(symbol);
    if (isNamespaceLike(checker, symbol)) {
      for (const member of membersOf(checker, symbol)) {
        const memberPath = [name, member.name];
        const callable = isCallable(member.type) && !(member.symbol.flags & ts.SymbolFlags.Class);
        if (name === 'layers' && callable) out.push({ path: memberPath, category: 'layer', note: 'tfjs-layers' });
        else if (name === 'data' && callable) out.push({ path: memberPath, category: 'data', note: 'tfjs-data' });
        else if (name === 'metrics' && returnsTensors(checker, member.type)) out.push({ path: memberPath, category: 'op', note: 'tfjs-layers' });
        else if (OP_NAMESPACES.has(name) && pkg === 'tfjs-core' && callable && returnsTensors(checker, member.type)) {
          out.push({ path: memberPath, category: 'op', note: 'tfjs-core' });
        } else {
          out.push({ path: memberPath, category: 'other', note: INTERNAL_NAMESPACES.has(name) ? 'backend-author namespace' : noteFor(member.symbol, member.type) });
        }
      }
      continue;
    }
    const type = checker.getTypeOfSymbol(symbol);
    if (pkg === 'tfjs-core' && !(symbol.flags & ts.SymbolFlags.Class) && isCallable(type) && returnsTensors(checker, type)) {
      out.push({ path: [name], category: 'op', note: 'tfjs-core' });
    } else {
      out.push({ path: [name], category: 'other', note: `${noteFor(symbol, type)} (${pkg})` });
    }
  }
  return out.sort((a, b) => a.path.join('.').localeCompare(b.path.join('.')));
}

function noteFor(symbol: ts.Symbol, type: ts.Type): string {
  if (symbol.flags & ts.SymbolFlags.Class) return 'class';
  if (isCallable(type)) return 'function not returning tensors';
  return 'constant';
}
