// Static dependency analysis between cells, for stale-cell tracking: each cell's top-level definitions (variables,
// functions, classes, enums, imports), the names it assigns without declaring (`x = …`, `x++`), and its free uses
// (identifiers in value positions not bound inside the cell). From those, a graph whose edges run from the nearest
// preceding cell that defines or assigns a name to each cell that uses it.
// What it does not do: it does not see mutation through methods (`xs.push(1)` does not count as assigning `xs`),
// dynamic names (`globalThis[name]`) or what imported modules do; it treats `var` like `let` (block-scoped), which
// only matters for code that relies on hoisting out of a block. Type positions never count. It is pure: the
// extension decides what "stale" means (edited after it ran, upstream re-ran) and how to show it.
import ts from 'typescript';
import type { CellDependencyGraph, CellSource, CellSymbols, DependencyEdge } from './cellGraph';

export type { CellDependencyGraph, CellSource, CellSymbols, DependencyEdge } from './cellGraph';
export { dependentsOf, upstreamDefinitions } from './cellGraph';

/** The symbols of one cell's code. Never throws: syntax errors just give fewer names. */
export function cellSymbols(cellId: string, text: string): CellSymbols {
  const file = ts.createSourceFile('cell.ts', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const defines = declaredIn(file);
  const uses = new Set<string>();
  const assigns = new Set<string>();
  const scopes: Set<string>[] = [];
  const isLocal = (name: string) => scopes.some((scope) => scope.has(name));

  const visit = (node: ts.Node): void => {
    if (ts.isTypeNode(node) && !ts.isExpressionWithTypeArguments(node)) return;
    if (ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) return;
    if (ts.isHeritageClause(node)) {
      if (node.token === ts.SyntaxKind.ExtendsKeyword) node.types.forEach((t) => visit(t.expression));
      return;
    }
    const scoped = createsScope(node) && node !== file;
    if (scoped) scopes.push(declaredIn(node));
    if (ts.isIdentifier(node)) {
      if (node.text !== '' && isValueUse(node) && !isLocal(node.text)) {
        if (!defines.has(node.text)) uses.add(node.text);
        if (isAssignmentTarget(node) && !defines.has(node.text)) assigns.add(node.text);
      }
    } else {
      ts.forEachChild(node, visit);
    }
    if (scoped) scopes.pop();
  };
  ts.forEachChild(file, visit);
  return { cellId, defines: [...defines], assigns: [...assigns], uses: [...uses] };
}

/** Nodes that open a scope for the names declared directly in them. */
function createsScope(node: ts.Node): boolean {
  return (
    ts.isSourceFile(node) ||
    ts.isFunctionLike(node) ||
    ts.isBlock(node) ||
    ts.isForStatement(node) ||
    ts.isForInStatement(node) ||
    ts.isForOfStatement(node) ||
    ts.isCatchClause(node) ||
    ts.isClassLike(node) ||
    ts.isCaseBlock(node)
  );
}

/** The names a scope node declares directly: not those of nested scopes, but the names of nested functions. */
function declaredIn(scope: ts.Node): Set<string> {
  const names = new Set<string>();
  const addBinding = (name: ts.BindingName | undefined) => {
    if (!name) return;
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) addBinding(element.name);
  };
  if (ts.isFunctionLike(scope)) {
    scope.parameters.forEach((p) => addBinding(p.name));
    if ((ts.isFunctionExpression(scope) || ts.isClassExpression(scope)) && scope.name) names.add(scope.name.text);
  }
  if (ts.isClassExpression(scope) && scope.name) names.add(scope.name.text);
  if (ts.isCatchClause(scope)) addBinding(scope.variableDeclaration?.name);
  const initializer = ts.isForStatement(scope) || ts.isForInStatement(scope) || ts.isForOfStatement(scope) ? scope.initializer : undefined;
  if (initializer && ts.isVariableDeclarationList(initializer)) initializer.declarations.forEach((d) => addBinding(d.name));

  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node)) addBinding(node.name);
    if ((ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node) || ts.isEnumDeclaration(node)) && node.name) names.add(node.name.text);
    if (ts.isModuleDeclaration(node) && ts.isIdentifier(node.name)) names.add(node.name.text);
    if (ts.isImportEqualsDeclaration(node) && !node.isTypeOnly) names.add(node.name.text);
    if (ts.isImportDeclaration(node)) addImportNames(node, names);
    if (node !== scope && createsScope(node)) return;
    if (ts.isVariableDeclaration(node)) {
      if (node.initializer) visit(node.initializer);
      return;
    }
    ts.forEachChild(node, visit);
  };
  if (ts.isFunctionLike(scope) || ts.isClassLike(scope)) return names;
  ts.forEachChild(scope, visit);
  return names;
}

function addImportNames(node: ts.ImportDeclaration, names: Set<string>): void {
  const clause = node.importClause;
  if (!clause || clause.isTypeOnly) return;
  if (clause.name) names.add(clause.name.text);
  const bindings = clause.namedBindings;
  if (!bindings) return;
  if (ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
  else for (const element of bindings.elements) if (!element.isTypeOnly) names.add(element.name.text);
}

/** Whether an identifier is read or written as a value (not a property name, a declaration's name or a label). */
function isValueUse(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (!parent) return false;
  if (ts.isShorthandPropertyAssignment(parent)) return true;
  if (ts.isPropertyAccessExpression(parent)) return parent.expression === node;
  if (ts.isQualifiedName(parent)) return parent.left === node;
  if (ts.isBindingElement(parent)) return parent.initializer === node;
  if ('name' in parent && (parent as { name?: ts.Node }).name === node) return false;
  if (ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent)) return false;
  if (ts.isMetaProperty(parent)) return false;
  if (ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent) || ts.isImportClause(parent) || ts.isNamespaceImport(parent)) return false;
  return true;
}

/** Whether an identifier is written: the left side of an assignment (destructuring included) or `++`/`--`. */
function isAssignmentTarget(node: ts.Identifier): boolean {
  let child: ts.Node = node;
  let parent = node.parent;
  while (parent && (ts.isArrayLiteralExpression(parent) || ts.isObjectLiteralExpression(parent) || ts.isPropertyAssignment(parent) || ts.isShorthandPropertyAssignment(parent) || ts.isSpreadElement(parent) || ts.isParenthesizedExpression(parent))) {
    if (ts.isPropertyAssignment(parent) && parent.initializer !== child) return false;
    child = parent;
    parent = parent.parent;
  }
  if (!parent) return false;
  if (ts.isBinaryExpression(parent)) {
    const op = parent.operatorToken.kind;
    return parent.left === child && op >= ts.SyntaxKind.FirstAssignment && op <= ts.SyntaxKind.LastAssignment;
  }
  if ((ts.isPrefixUnaryExpression(parent) || ts.isPostfixUnaryExpression(parent)) && child === node) {
    return parent.operator === ts.SyntaxKind.PlusPlusToken || parent.operator === ts.SyntaxKind.MinusMinusToken;
  }
  if ((ts.isForInStatement(parent) || ts.isForOfStatement(parent)) && parent.initializer === child) return true;
  return false;
}

/** The dependency graph of cells in file order. */
export function analyzeCellDependencies(cells: readonly CellSource[]): CellDependencyGraph {
  const symbols = cells.map((cell) => cellSymbols(cell.id, cell.text));
  const edges: DependencyEdge[] = [];
  symbols.forEach((cell, index) => {
    const byFrom = new Map<string, string[]>();
    for (const name of cell.uses) {
      const from = lastWriterBefore(symbols, index, name);
      if (from) byFrom.set(from, [...(byFrom.get(from) ?? []), name]);
    }
    const order = (id: string) => symbols.findIndex((s) => s.cellId === id);
    for (const [from, names] of [...byFrom].sort(([a], [b]) => order(a) - order(b))) edges.push({ from, to: cell.cellId, names });
  });
  return { cells: symbols, edges };
}

function lastWriterBefore(symbols: readonly CellSymbols[], index: number, name: string): string | undefined {
  for (let i = index - 1; i >= 0; i--) {
    const cell = symbols[i]!;
    if (cell.defines.includes(name) || cell.assigns.includes(name)) return cell.cellId;
  }
  return undefined;
}
