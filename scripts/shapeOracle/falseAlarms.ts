// The shape oracle's check on diagnostics: an error the analysis reports on a line that really ran, in a run that
// went to the end, is a false alarm, since tfjs would have thrown there and stopped the program. Lines marked
// `// expect-error` are the programs' deliberate bugs (their statements run inside try/catch); a line inside a try
// block may have thrown and been caught, and so may any line inside a function when the file catches anything, so
// those are not judged. It does not run or instrument anything.

import ts from 'typescript';
import type { ShapeDiagnostic } from '../../server/src/analysis/api';

export interface FalseAlarm {
  /** 1-based. */
  line: number;
  column: number;
  code: string;
  message: string;
}

function nodeAt(sf: ts.SourceFile, offset: number): ts.Node {
  let found: ts.Node = sf;
  const visit = (node: ts.Node): void => {
    if (offset < node.getStart(sf) || offset >= node.getEnd()) return;
    found = node;
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(sf, visit);
  return found;
}

function isCaughtMaybe(node: ts.Node, fileCatches: boolean): boolean {
  for (let n: ts.Node = node; !ts.isSourceFile(n); n = n.parent) {
    if (ts.isTryStatement(n.parent) && n.parent.tryBlock === n) return true;
    if (fileCatches && ts.isFunctionLike(n)) return true;
  }
  return false;
}

export function findFalseAlarms(sf: ts.SourceFile, diagnostics: ShapeDiagnostic[], executedLines: Set<number>, expectErrorLines: Set<number>): FalseAlarm[] {
  let fileCatches = false;
  const visit = (node: ts.Node): void => {
    if (ts.isTryStatement(node) || (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'catch')) {
      fileCatches = true;
    }
    if (!fileCatches) ts.forEachChild(node, visit);
  };
  visit(sf);
  const out: FalseAlarm[] = [];
  for (const d of diagnostics) {
    const { line, character } = d.range.start;
    if (d.severity !== 'error' || expectErrorLines.has(line) || !executedLines.has(line)) continue;
    const offset = sf.getPositionOfLineAndCharacter(line, character);
    if (isCaughtMaybe(nodeAt(sf, offset), fileCatches)) continue;
    out.push({ line: line + 1, column: character + 1, code: d.code, message: d.message.split('\n')[0] });
  }
  return out;
}
