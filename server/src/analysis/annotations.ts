// JSDoc shape annotations: `/** @shape [batch, 28, 28, 1] */` before a variable or parameter,
// `@param x [batch, 3]` and `@returns [batch, 10]` in a function's JSDoc. An annotation gives a
// value its shape when the analysis does not know it, and is checked when it does: named dims unify
// within one call of the enclosing function, and a contradiction is a `shape-annotation` error.

import * as ts from 'typescript';
import type { Evaluator } from './evaluator';
import { type Dim, type Shape, ShapeError, formatShape, isKnown } from './shapes';
import { type Value, tensor } from './values';

const SHAPE_TAG = /@shape\s*(\[[^\]]*\])/;

function leadingComments(node: ts.Node): string {
  const sf = node.getSourceFile();
  if (!sf) return '';
  // A comment on the same line as the previous token (`f(/** @shape [n] */ x)`) counts as that
  // token's trailing comment for TypeScript, so both kinds are read.
  const ranges = [...(ts.getTrailingCommentRanges(sf.text, node.pos) ?? []), ...(ts.getLeadingCommentRanges(sf.text, node.pos) ?? [])];
  return ranges.map((r) => sf.text.slice(r.pos, r.end)).join('\n');
}

/** Parses `[batch, 28, ?, 1]`; names become symbolic dims, `?`/`_`/`null` unknown. */
export function parseShapeText(text: string): Shape | undefined {
  const inner = text.trim().replace(/^\[/, '').replace(/\]$/, '').trim();
  if (inner === '') return [];
  const dims: Dim[] = [];
  for (const part of inner.split(',')) {
    const p = part.trim();
    if (/^\d+$/.test(p)) dims.push(Number(p));
    else if (p === '?' || p === '_' || p === 'null') dims.push(null);
    else if (/^[A-Za-z_$][\w$]*$/.test(p)) dims.push(p);
    else return undefined;
  }
  return dims;
}

/** The annotated shape of a variable declaration or parameter, if any. */
export function annotationShapeOf(node: ts.Node): Shape | undefined {
  const candidates: ts.Node[] = [node];
  if (ts.isVariableDeclaration(node) && node.parent && ts.isVariableDeclarationList(node.parent)) {
    candidates.push(node.parent);
    if (node.parent.parent && ts.isVariableStatement(node.parent.parent)) candidates.push(node.parent.parent);
  }
  for (const c of candidates) {
    const m = SHAPE_TAG.exec(leadingComments(c));
    if (m) return parseShapeText(m[1]);
  }
  if (ts.isParameter(node) && ts.isIdentifier(node.name)) {
    const fn = node.parent;
    const holder = ts.isVariableDeclaration(fn.parent) ? fn.parent.parent.parent : fn;
    const text = leadingComments(holder);
    const re = new RegExp(`@param\\s+(?:\\{[^}]*\\}\\s+)?${node.name.text}\\s+(?:@shape\\s*)?(\\[[^\\]]*\\])`);
    const m = re.exec(text);
    if (m) return parseShapeText(m[1]);
  }
  return undefined;
}

/** The `@returns [..]` shape of a function, if any. */
export function returnAnnotationOf(fn: ts.FunctionLikeDeclaration): Shape | undefined {
  const holder = fn.parent && ts.isVariableDeclaration(fn.parent) ? fn.parent.parent.parent : fn;
  const m = /@returns?\s+(?:\{[^}]*\}\s+)?(?:@shape\s*)?(\[[^\]]*\])/.exec(leadingComments(holder));
  return m ? parseShapeText(m[1]) : undefined;
}

/**
 * Checks `value` against the annotation on `decl` and returns the value to bind: the annotated
 * tensor when the value's shape is unknown, the value itself otherwise. A contradiction is reported
 * at `reportNode`; `contradicted` says whether there was one.
 */
export function applyVariableAnnotation(ev: Evaluator, reportNode: ts.Node, decl: ts.Node, value: Value): { value: Value; contradicted: boolean } {
  const annotated = annotationShapeOf(decl);
  if (annotated === undefined || annotated === null) return { value, contradicted: false };
  return checkAgainstAnnotation(ev, reportNode, annotated, value);
}

export function checkAgainstAnnotation(ev: Evaluator, reportNode: ts.Node, annotated: Dim[], value: Value): { value: Value; contradicted: boolean } {
  const checked = compareWithAnnotation(ev, annotated, value);
  if (checked.contradiction) {
    const actual = value.kind === 'tensor' ? value.shape : null;
    ev.reportShapeError(
      new ShapeError('shape-annotation', `Shape ${formatShape(actual)} does not match the annotation @shape ${formatShape(annotated)}: ${checked.contradiction}`),
      reportNode,
    );
  }
  return { value: checked.value, contradicted: checked.contradiction !== undefined };
}

/** Unifies a value's shape with an annotation: named dims bind, known sizes must agree. */
function compareWithAnnotation(ev: Evaluator, annotated: Dim[], value: Value): { value: Value; contradiction?: string } {
  if (value.kind !== 'tensor' && value.kind !== 'unknown') return { value };
  const resolved = annotated.map((d) => (typeof d === 'string' ? ev.dimBinding(d) ?? d : d));
  if (value.kind === 'unknown' || value.shape === null) {
    return { value: tensor(resolved, undefined, value.kind === 'tensor' ? value.dtype : undefined) };
  }
  const actual = value.shape;
  if (actual.length !== annotated.length) return { value, contradiction: `expected rank ${annotated.length} but got rank ${actual.length}.` };
  for (let i = 0; i < annotated.length; i++) {
    const want = annotated[i];
    const got = actual[i];
    if (isKnown(want)) {
      if (isKnown(got) && got !== want) return { value, contradiction: `dimension ${i} should be ${want} but is ${got}.` };
    } else if (typeof want === 'string') {
      const bound = ev.dimBinding(want);
      if (bound !== undefined && isKnown(bound) && isKnown(got) && bound !== got) {
        return { value, contradiction: `dimension ${i} (${want}) was ${bound} elsewhere but is ${got} here.` };
      }
      if (bound === undefined && got !== null) ev.bindDim(want, got);
    }
  }
  if (actual.some((d) => d === null)) {
    // Axes the analysis could not see take the annotation's size or name.
    const merged = actual.map((d, i) => (d === null ? resolved[i] : d));
    const t = tensor(merged, value.origin, value.dtype, value.symbolic);
    if (value.producer) t.producer = value.producer;
    return { value: t };
  }
  return { value };
}
