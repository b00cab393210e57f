// Instruments a program for the shape oracle: every expression of a kind the analysis records a shape for (a name, a
// call, `new`, a property or element access) that is read as a value is wrapped in `__mltsOracle(k, …)`, which
// passes the value through and notes its shape; names bound by a destructuring declaration are read once after their
// statement. `k` indexes `probes`, which keeps each expression's exact range in the original text. The rewrite adds
// no lines (stack traces still point at the original ones), and statements starting on `// expect-error` lines are
// wrapped in try/catch so that a run goes on past them. It does not run anything or know about shapes.

import ts from 'typescript';
import { isStatementInList, statementStartingOn } from '../tfjsProgramRunner';

/** One instrumented expression: its range in the original text (offsets). */
export interface Probe {
  start: number;
  end: number;
}

export interface Instrumented {
  text: string;
  probes: Probe[];
  /** Expect-error lines for which no statement starts on the line (nothing was wrapped). */
  problems: string[];
}

export const PROBE_FUNCTION = '__mltsOracle';

const RECORDED_KINDS = new Set([
  ts.SyntaxKind.Identifier,
  ts.SyntaxKind.CallExpression,
  ts.SyntaxKind.NewExpression,
  ts.SyntaxKind.PropertyAccessExpression,
  ts.SyntaxKind.ElementAccessExpression,
]);

/** Nodes emitted verbatim: types, imports and declarations that hold no run-time expression worth a probe. */
function isOpaque(node: ts.Node): boolean {
  return ts.isTypeNode(node) || ts.isImportDeclaration(node) || ts.isExportDeclaration(node) || ts.isInterfaceDeclaration(node) ||
    ts.isTypeAliasDeclaration(node) || ts.isHeritageClause(node) || ts.isDecorator(node) || ts.isModuleDeclaration(node) ||
    ts.isEnumDeclaration(node) || ts.isTypeParameterDeclaration(node);
}

const ASSIGNMENT_OPERATORS = new Set<ts.SyntaxKind>();
for (let k = ts.SyntaxKind.FirstAssignment; k <= ts.SyntaxKind.LastAssignment; k++) ASSIGNMENT_OPERATORS.add(k);

/** True when `node` is written to (an assignment target, `++`, a for-of target), possibly inside a destructuring literal. */
function isWriteTarget(node: ts.Node): boolean {
  const parent = node.parent;
  if (ts.isBinaryExpression(parent)) return parent.left === node && ASSIGNMENT_OPERATORS.has(parent.operatorToken.kind);
  if (ts.isPrefixUnaryExpression(parent) || ts.isPostfixUnaryExpression(parent)) {
    return parent.operator === ts.SyntaxKind.PlusPlusToken || parent.operator === ts.SyntaxKind.MinusMinusToken;
  }
  if (ts.isForOfStatement(parent) || ts.isForInStatement(parent)) return parent.initializer === node;
  if (ts.isParenthesizedExpression(parent) || ts.isArrayLiteralExpression(parent) || ts.isSpreadElement(parent) ||
    ts.isObjectLiteralExpression(parent) || ts.isSpreadAssignment(parent) || ts.isShorthandPropertyAssignment(parent)) {
    return isWriteTarget(parent);
  }
  if (ts.isPropertyAssignment(parent)) return parent.initializer === node && isWriteTarget(parent.parent);
  return false;
}

/** True for `a?.b` inside a longer chain (`a?.b.c`): wrapping it would break the chain's short-circuit. */
function continuesOptionalChain(node: ts.Node): boolean {
  const parent = node.parent;
  if (!(node.flags & ts.NodeFlags.OptionalChain) || !(parent.flags & ts.NodeFlags.OptionalChain)) return false;
  return (ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent) || ts.isCallExpression(parent) ||
    ts.isNonNullExpression(parent)) && parent.expression === node;
}

/** Whether the value of `node` is read as an expression the analysis could record. */
function isProbed(node: ts.Node): boolean {
  if (!RECORDED_KINDS.has(node.kind)) return false;
  const parent = node.parent;
  if (!parent) return false;
  if (ts.isIdentifier(node)) {
    // Names that declare, label or name a member are not reads.
    const named = parent as unknown as { name?: ts.Node; propertyName?: ts.Node; label?: ts.Node };
    if (named.name === node || named.propertyName === node || named.label === node) return false;
    if (ts.isMetaProperty(parent) || ts.isQualifiedName(parent)) return false;
    if (node.text === 'undefined') return false;
  }
  // A callee keeps its `this`; a constructor, a tag and a deleted or typeof'd name are not tensors.
  if ((ts.isCallExpression(parent) || ts.isNewExpression(parent) || ts.isDecorator(parent)) && parent.expression === node) return false;
  if (ts.isTaggedTemplateExpression(parent) && parent.tag === node) return false;
  if (ts.isDeleteExpression(parent) || ts.isTypeOfExpression(parent)) return false;
  if (ts.isExpressionWithTypeArguments(parent)) return false;
  if (isWriteTarget(node)) return false;
  if (continuesOptionalChain(node)) return false;
  if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.SuperKeyword) return false;
  if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) return false;
  return true;
}

/** The identifiers a destructuring declaration binds (`const [a, {b}] = …`). */
function boundNames(name: ts.BindingName): ts.Identifier[] {
  if (ts.isIdentifier(name)) return [name];
  const out: ts.Identifier[] = [];
  for (const el of name.elements) if (!ts.isOmittedExpression(el)) out.push(...boundNames(el.name));
  return out;
}

export function instrumentForOracle(fileName: string, source: string, expectErrorLines: number[]): Instrumented {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const probes: Probe[] = [];
  const problems: string[] = [];
  const guarded = new Set<ts.Node>();
  for (const line of expectErrorLines) {
    const stmt = statementStartingOn(sf, line);
    if (stmt) guarded.add(stmt);
    else problems.push(`line ${line + 1}: no statement starts on an expect-error line`);
  }
  const probe = (node: ts.Node, text: string): string => {
    probes.push({ start: node.getStart(sf), end: node.getEnd() });
    return `${PROBE_FUNCTION}(${probes.length - 1}, ${text})`;
  };

  const emit = (node: ts.Node): string => {
    const start = node.getStart(sf);
    const end = node.getEnd();
    if (isOpaque(node)) return source.slice(start, end);
    let out = '';
    let pos = start;
    ts.forEachChild(node, (child) => {
      const childStart = child.getStart(sf);
      if (childStart < pos) return; // Out of source order (never in practice): its text is already copied.
      out += source.slice(pos, childStart) + emit(child);
      pos = child.getEnd();
    });
    out += source.slice(pos, end);
    if (ts.isShorthandPropertyAssignment(node) && !node.objectAssignmentInitializer && !isWriteTarget(node)) {
      out = `${node.name.text}: ${probe(node.name, node.name.text)}`;
    } else if (isProbed(node)) {
      out = probe(node, out);
    }
    if (ts.isVariableStatement(node) && isStatementInList(node)) {
      const reads = node.declarationList.declarations
        .filter((d) => !ts.isIdentifier(d.name))
        .flatMap((d) => boundNames(d.name))
        .map((id) => `${probe(id, id.text)};`);
      if (reads.length > 0) out += ` ${reads.join(' ')}`;
    }
    if (guarded.has(node)) {
      // `var`, so that later statements still see a name declared on an erroring line (it stays undefined).
      if (ts.isVariableStatement(node)) out = out.replace(/^((?:export\s+)?)(?:const|let)\b/, '$1var');
      out = `try { ${out} } catch {}`;
    }
    return out;
  };

  const text = source.slice(0, sf.getStart(sf)) + emit(sf) + source.slice(sf.getEnd());
  return { text, probes, problems };
}
