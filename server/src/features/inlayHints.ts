// Computes shape inlay hints: after the name in each variable declaration whose value is a tensor (or a
// symbolic tensor, layer output or model), the inferred shape, e.g. `const x = tf.zeros([2, 3])` shows
// `x: [2, 3]`. It walks the syntax tree with the TypeScript parser and asks the analysis result for each
// name's shape; it computes no shapes itself. Editor-free: the LSP layer converts the hints.
import * as ts from 'typescript';
import type { AnalysisResult, Position, Range } from '../analysis/index';
import { isStackOverflow } from '../analysis/inputLimits';

export interface ShapeHint {
  /** Where the hint is drawn: just after the declared name. */
  position: Position;
  label: string;
}

function isInRange(pos: Position, range: Range): boolean {
  const afterStart = pos.line > range.start.line || (pos.line === range.start.line && pos.character >= range.start.character);
  const beforeEnd = pos.line < range.end.line || (pos.line === range.end.line && pos.character <= range.end.character);
  return afterStart && beforeEnd;
}

/** A hint of `?` or `[?, ?]` says nothing; one known or named dimension is worth showing. */
function isInformative(shapeText: string): boolean {
  return /[^?\s,[\]]/.test(shapeText);
}

export function shapeInlayHints(fileName: string, text: string, result: AnalysisResult, range?: Range): ShapeHint[] {
  const hints: ShapeHint[] = [];
  let source: ts.SourceFile;
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && !node.type) {
      const start = source.getLineAndCharacterOfPosition(node.name.getStart(source));
      const end = source.getLineAndCharacterOfPosition(node.name.getEnd());
      if (!range || isInRange(start, range)) {
        const info = result.shapeAt(start);
        if (info && isInformative(info.text)) hints.push({ position: end, label: `: ${info.text}` });
      }
    }
    ts.forEachChild(node, visit);
  };
  try {
    source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    visit(source);
  } catch (e) {
    // Code nested deeper than the parser or this walk can follow gets the hints found before it.
    if (!isStackOverflow(e)) throw e;
  }
  return hints;
}
