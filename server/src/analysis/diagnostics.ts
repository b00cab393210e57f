// Collects the diagnostics the evaluator finds: converts syntax nodes to LSP ranges, attaches
// `related` locations for where each side's shape came from, and drops repeats (a statement in a
// loop or a helper called twice reports once). It decides nothing about shapes itself.

import * as ts from 'typescript';
import type { Position, Range, RelatedInfo, Severity, ShapeDiagnostic } from './api';

/**
 * Line starts counted the way LSP counts lines (`\n`, `\r\n`, `\r` only). TypeScript's own line map
 * also breaks at U+2028/U+2029, which would shift every position after such a character.
 */
const lineStartsCache = new WeakMap<ts.SourceFile, number[]>();

function lineStarts(sourceFile: ts.SourceFile): number[] {
  let starts = lineStartsCache.get(sourceFile);
  if (!starts) {
    starts = [0];
    const text = sourceFile.text;
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 13 && text.charCodeAt(i + 1) === 10) i++;
      if (ch === 10 || ch === 13) starts.push(i + 1);
    }
    lineStartsCache.set(sourceFile, starts);
  }
  return starts;
}

export function positionAt(sourceFile: ts.SourceFile, offset: number): Position {
  const starts = lineStarts(sourceFile);
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: offset - starts[lo] };
}

/** The offset of an LSP position, or undefined when it is outside the text. */
export function offsetAt(sourceFile: ts.SourceFile, pos: Position): number | undefined {
  const starts = lineStarts(sourceFile);
  if (pos.line < 0 || pos.line >= starts.length || pos.character < 0) return undefined;
  const offset = starts[pos.line] + pos.character;
  return offset <= sourceFile.text.length ? offset : undefined;
}

export function nodeRange(sourceFile: ts.SourceFile, node: ts.Node): Range {
  return { start: positionAt(sourceFile, node.getStart(sourceFile)), end: positionAt(sourceFile, node.getEnd()) };
}

export interface RelatedNode {
  message: string;
  node?: ts.Node;
  file?: string;
  range?: Range;
}

export class DiagnosticSink {
  private readonly byKey = new Map<string, ShapeDiagnostic>();
  /** Offsets of syntax errors: code being typed is half-written, so nothing overlapping them is reported. */
  private readonly syntaxErrors: number[];

  constructor(private readonly sourceFile: ts.SourceFile) {
    const parsed = sourceFile as unknown as { parseDiagnostics?: readonly ts.Diagnostic[] };
    this.syntaxErrors = (parsed.parseDiagnostics ?? []).map((d) => d.start ?? 0);
  }

  /** True when a syntax error lies in the statement around `node` or right after it. */
  private nearSyntaxError(node: ts.Node): boolean {
    if (this.syntaxErrors.length === 0) return false;
    let statement = node;
    while (statement.parent && !ts.isBlock(statement.parent) && !ts.isSourceFile(statement.parent) && !ts.isCaseOrDefaultClause(statement.parent)) {
      statement = statement.parent;
    }
    const text = this.sourceFile.text;
    const start = statement.getStart(this.sourceFile);
    let end = statement.getEnd();
    while (end < text.length && /\s/.test(text[end])) end++;
    return this.syntaxErrors.some((offset) => offset >= start && offset <= end);
  }

  report(code: string, message: string, node: ts.Node, related: RelatedNode[] = [], severity: 'error' | 'warning' = 'error'): void {
    if (this.nearSyntaxError(node)) return;
    const range = nodeRange(this.sourceFile, node);
    const key = `${range.start.line}:${range.start.character}:${code}`;
    if (this.byKey.has(key)) return;
    const relatedInfo: RelatedInfo[] = [];
    for (const r of related) {
      if (r.node) relatedInfo.push({ message: r.message, range: nodeRange(this.sourceFile, r.node) });
      else if (r.range) {
        const info: RelatedInfo = { message: r.message, range: r.range };
        if (r.file) info.file = r.file;
        relatedInfo.push(info);
      }
    }
    this.byKey.set(key, { code, severity, message, range, related: relatedInfo });
  }

  /**
   * Reports something about the analysis itself rather than about shapes (a file skipped, work cut short):
   * never an error, and reported even next to a syntax error, since the user must learn what was not checked.
   */
  notice(code: string, message: string, range: Range, severity: Exclude<Severity, 'error'> = 'information'): void {
    const key = `${range.start.line}:${range.start.character}:${code}`;
    if (!this.byKey.has(key)) this.byKey.set(key, { code, severity, message, range, related: [] });
  }

  /** What was reported so far, for a snapshot; diagnostics never change once reported, so they are shared. */
  entries(): Array<[string, ShapeDiagnostic]> {
    return [...this.byKey];
  }

  /** Takes back what a snapshot's sink had reported (over the same text, so the ranges still hold). */
  resume(entries: ReadonlyArray<[string, ShapeDiagnostic]>): void {
    for (const [key, diagnostic] of entries) this.byKey.set(key, diagnostic);
  }

  all(): ShapeDiagnostic[] {
    return [...this.byKey.values()].sort(
      (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
    );
  }
}
