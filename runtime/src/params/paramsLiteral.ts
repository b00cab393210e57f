// Finds the `/** @mlts-params */` object literal in a file's text without a TypeScript parser, for the run
// process's module loader, which must stay small and fast: it wraps the literal in a call that applies the
// run's overrides. The scan skips strings, template literals and comments while matching braces; a regular
// expression literal containing a brace inside the defaults would confuse it (defaults are plain values, so
// this is accepted, and paramsDeclaration.ts, the full parser, is the reference the unit tests compare with).

export const PARAMS_TAG = '@mlts-params';

/** The global function the rewritten file calls; runProcess.ts defines it. */
export const APPLY_PARAMS_GLOBAL = '__mltsApplyParams';

export interface LiteralRange {
  /** Offset of the literal's `{` and just past its `}`. */
  start: number;
  end: number;
  /** The declared variable's name. */
  variable: string;
}

const DECLARATION = /^\s*(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]*)?=\s*\(?\s*/;

/** Offset just past the balanced `}` that closes the `{` at `open`, or -1. */
function closingBrace(text: string, open: number): number {
  let depth = 0;
  const templateDepths: number[] = [];
  for (let i = open; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '/' && text[i + 1] === '/') {
      i = text.indexOf('\n', i);
      if (i < 0) return -1;
    } else if (ch === '/' && text[i + 1] === '*') {
      i = text.indexOf('*/', i + 2) + 1;
      if (i <= 0) return -1;
    } else if (ch === '"' || ch === "'") {
      for (i++; i < text.length && text[i] !== ch && text[i] !== '\n'; i++) if (text[i] === '\\') i++;
    } else if (ch === '`' || (ch === '}' && templateDepths.at(-1) === depth)) {
      // A template literal, or the rest of one after a `${...}` closes.
      if (ch === '}') templateDepths.pop();
      for (i++; i < text.length && text[i] !== '`'; i++) {
        if (text[i] === '\\') i++;
        else if (text[i] === '$' && text[i + 1] === '{') {
          templateDepths.push(depth);
          i++;
          break;
        }
      }
    } else if (ch === '{') depth++;
    else if (ch === '}') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/** The tagged literal's range, or null when the file has no `/** @mlts-params *\/` declaration. */
export function findParamsLiteral(text: string): LiteralRange | null {
  let from = 0;
  for (;;) {
    const tag = text.indexOf(PARAMS_TAG, from);
    if (tag < 0) return null;
    from = tag + PARAMS_TAG.length;
    const open = text.lastIndexOf('/**', tag);
    const close = text.indexOf('*/', tag);
    if (open < 0 || close < 0 || text.lastIndexOf('*/', tag) > open) continue;
    const after = close + 2;
    const match = DECLARATION.exec(text.slice(after));
    if (!match) continue;
    const start = after + match[0].length;
    if (text[start] !== '{') continue;
    const end = closingBrace(text, start);
    if (end < 0) return null;
    return { start, end, variable: match[1]! };
  }
}

/** The text with the tagged literal wrapped in the overrides call; unchanged when there is none. */
export function wrapParamsLiteral(text: string): string {
  const range = findParamsLiteral(text);
  if (!range) return text;
  const literal = text.slice(range.start, range.end);
  return `${text.slice(0, range.start)}globalThis.${APPLY_PARAMS_GLOBAL}(${literal})${text.slice(range.end)}`;
}
