// Collects the diagnostics the evaluator finds: converts syntax nodes to LSP ranges, attaches
// `related` locations for where each side's shape came from, and drops repeats (a statement in a
// loop or a helper called twice reports once). It decides nothing about shapes itself.

import * as ts from 'typescript';
import type { Range, RelatedInfo, ShapeDiagnostic } from './api';

export function nodeRange(sourceFile: ts.SourceFile, node: ts.Node): Range {
  const start = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
  const end = sourceFile.getLineAndCharacterOfPosition(node.getEnd());
  return { start, end };
}

export interface RelatedNode {
  message: string;
  node?: ts.Node;
  file?: string;
  range?: Range;
}

export class DiagnosticSink {
  private readonly byKey = new Map<string, ShapeDiagnostic>();

  constructor(private readonly sourceFile: ts.SourceFile) {}

  report(code: string, message: string, node: ts.Node, related: RelatedNode[] = []): void {
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
    this.byKey.set(key, { code, severity: 'error', message, range, related: relatedInfo });
  }

  all(): ShapeDiagnostic[] {
    return [...this.byKey.values()].sort(
      (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
    );
  }
}
