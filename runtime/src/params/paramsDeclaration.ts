// Reads a file's parameter declaration statically with the TypeScript compiler API: the variable statement tagged
// `/** @mlts-params */` whose initializer is an object literal (optionally `as const` or `satisfies T`). For each
// property it returns the name, the default when it is a literal (numbers, strings, booleans, null, arrays and
// objects of those) and the source text otherwise. The CLI uses it to check overrides before launching anything;
// a launcher UI uses it to show names and defaults. It never runs the file and never throws on user code.
import ts from 'typescript';
import type { ParamValue } from '../store/runRecord';
import { PARAMS_TAG } from './paramsLiteral';

export interface ParamDeclaration {
  name: string;
  /** The default when it is a literal value; `undefined` when it is an expression (see `text`). */
  value: ParamValue | undefined;
  type: 'number' | 'string' | 'boolean' | 'null' | 'array' | 'object' | 'expression';
  /** The default as written. */
  text: string;
  /** 0-based line of the property, for a launcher that links back to the source. */
  line: number;
}

export interface ParamsDeclaration {
  variable: string;
  /** Offsets of the object literal (its `{` and just past its `}`). */
  start: number;
  end: number;
  params: ParamDeclaration[];
  /** Properties that cannot be parameters (spreads, methods, computed names), as messages. */
  problems: string[];
}

const NOT_LITERAL = Symbol('not a literal');

function literalValue(node: ts.Expression): ParamValue | typeof NOT_LITERAL {
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node)) {
    return literalValue(node.expression);
  }
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (ts.isPrefixUnaryExpression(node) && ts.isNumericLiteral(node.operand)) {
    if (node.operator === ts.SyntaxKind.MinusToken) return -Number(node.operand.text);
    if (node.operator === ts.SyntaxKind.PlusToken) return Number(node.operand.text);
  }
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (node.kind === ts.SyntaxKind.NullKeyword) return null;
  if (ts.isArrayLiteralExpression(node)) {
    const items: ParamValue[] = [];
    for (const element of node.elements) {
      const value = literalValue(element);
      if (value === NOT_LITERAL) return NOT_LITERAL;
      items.push(value);
    }
    return items;
  }
  if (ts.isObjectLiteralExpression(node)) {
    const object: Record<string, ParamValue> = {};
    for (const property of node.properties) {
      const name = property.name && propertyName(property.name);
      if (!ts.isPropertyAssignment(property) || name === undefined) return NOT_LITERAL;
      const value = literalValue(property.initializer);
      if (value === NOT_LITERAL) return NOT_LITERAL;
      object[name] = value;
    }
    return object;
  }
  return NOT_LITERAL;
}

function propertyName(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return undefined;
}

function typeOf(value: ParamValue | undefined): ParamDeclaration['type'] {
  if (value === undefined) return 'expression';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value as 'number' | 'string' | 'boolean' | 'object';
}

function isTagged(statement: ts.Node, text: string): boolean {
  const ranges = ts.getLeadingCommentRanges(text, statement.getFullStart()) ?? [];
  return ranges.some((r) => r.kind === ts.SyntaxKind.MultiLineCommentTrivia && text.slice(r.pos, r.end).startsWith('/**') && text.slice(r.pos, r.end).includes(PARAMS_TAG));
}

function unwrap(node: ts.Expression): ts.Expression {
  return ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node) ? unwrap(node.expression) : node;
}

/** The file's parameter declaration, or null when it has none. Only top-level statements are considered. */
export function readParamsDeclaration(text: string, fileName = 'experiment.ml.ts'): ParamsDeclaration | null {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement) || !isTagged(statement, text)) continue;
    const declaration = statement.declarationList.declarations[0];
    const initializer = declaration?.initializer && unwrap(declaration.initializer);
    if (!declaration || !ts.isIdentifier(declaration.name) || !initializer || !ts.isObjectLiteralExpression(initializer)) continue;
    const params: ParamDeclaration[] = [];
    const problems: string[] = [];
    for (const property of initializer.properties) {
      const line = source.getLineAndCharacterOfPosition(property.getStart(source)).line;
      const name = property.name && propertyName(property.name);
      if (!ts.isPropertyAssignment(property) || name === undefined) {
        problems.push(`line ${line + 1}: "${property.getText(source)}" is not a name: value property, so it cannot be a parameter`);
        continue;
      }
      const literal = literalValue(property.initializer);
      const value = literal === NOT_LITERAL ? undefined : literal;
      params.push({ name, value, type: typeOf(value), text: property.initializer.getText(source), line });
    }
    return { variable: declaration.name.text, start: initializer.getStart(source), end: initializer.getEnd(), params, problems };
  }
  return null;
}
